// The "Endpoints" tree: one node per endpoint with live state, counts and rate; children show peers,
// subscriptions and the latest monitor events, from the snapshots the engine pushes. Refreshes are
// throttled to two a second.
import * as vscode from 'vscode';
import type { EndpointController, EndpointEntry } from './endpointController';
import type { TapSnapshot } from '../shared/engineProtocol';
import type { TapController } from '../taps/tapController';
import {
  connectionCount,
  connectionItems,
  endpointItem,
  findingItem,
  groupChildren,
  groupItem,
  leaf,
  tapChildren,
  tapItem,
  withCause,
  type Group,
} from './endpointTreeItems';

/** What diagnosis adds to a session's node: the one-line cause of trouble, and findings. Text from peers inside: plain text only. */
export interface NodeDiagnostics {
  cause(entry: EndpointEntry): { text: string; since?: string } | undefined;
  findings(entry: EndpointEntry): ReadonlyArray<{ title: string; severity: 'error' | 'warning' | 'info'; detail?: string; fix?: string }>;
  /** A pub-sub tap's or bound XPUB session's subscription map, as lines (empty when none is kept). */
  subscriptionMap(captureId: string): ReadonlyArray<{ label: string; description: string; warn: boolean }>;
  /** Changes when causes or findings may have changed. */
  version(): number;
}

type Node =
  | { kind: 'endpoint'; entry: EndpointEntry }
  | { kind: 'group'; entry: EndpointEntry; group: Group }
  | { kind: 'tap'; tap: TapSnapshot }
  | { kind: 'leaf'; item: vscode.TreeItem };

const REFRESH_INTERVAL_MS = 500;

export class EndpointsView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private timer: NodeJS.Timeout | undefined;
  private lastFingerprint = '';
  private lastShape = '';
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly controller: EndpointController,
    private readonly taps?: TapController,
    private readonly diagnostics?: NodeDiagnostics,
  ) {
    // Snapshots come up to ten times a second: refresh at most twice, and only when something shown changed.
    const endpointChanges = controller.onDidChange(() => this.schedule());
    const tapChanges = taps?.onDidChange(() => this.schedule());
    this.subscription = vscode.Disposable.from(endpointChanges, ...(tapChanges ? [tapChanges] : []));
  }

  refresh(): void {
    this.lastFingerprint = this.fingerprint();
    this.changed.fire(undefined);
  }

  private schedule(): void {
    // Started, stopped, failed, a tap added: at once. Counters: at most twice a second.
    const shape = this.shape();
    if (shape !== this.lastShape) {
      this.lastShape = shape;
      this.refresh();
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.fingerprint() !== this.lastFingerprint) this.refresh();
    }, REFRESH_INTERVAL_MS);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'leaf') return node.item;
    if (node.kind === 'group') return node.group === 'findings' ? this.findingsGroupItem(node.entry) : groupItem(node.entry, node.group);
    if (node.kind === 'tap') return tapItem(node.tap);
    return withCause(endpointItem(node.entry), this.diagnostics?.cause(node.entry));
  }

  getChildren(node?: Node): Node[] {
    if (!node)
      return [
        ...this.controller.list().map((entry): Node => ({ kind: 'endpoint', entry })),
        ...(this.taps?.list() ?? []).map((tap): Node => ({ kind: 'tap', tap })),
      ];
    if (node.kind === 'tap')
      return [...tapChildren(node.tap), ...connectionItems(node.tap), ...this.mapItems(node.tap.id)].map((item) => ({
        kind: 'leaf',
        item,
      }));
    if (node.kind === 'endpoint') {
      const { entry } = node;
      const children: Node[] = [];
      if (entry.startError && !entry.session) children.push({ kind: 'leaf', item: leaf(entry.startError, 'error', 'errorForeground') });
      if (!entry.session) return children;
      const lastError = entry.session.lastError;
      if (lastError && entry.session.state === 'error') children.push({ kind: 'leaf', item: leaf(lastError, 'error', 'errorForeground') });
      if (this.diagnostics?.findings(entry).length) children.push({ kind: 'group', entry, group: 'findings' });
      children.push({ kind: 'group', entry, group: 'peers' });
      if (entry.definition.type === 'SUB' || entry.definition.type === 'XSUB' || entry.definition.type === 'XPUB')
        children.push({ kind: 'group', entry, group: 'subscriptions' });
      children.push({ kind: 'group', entry, group: 'events' });
      return children;
    }
    if (node.kind === 'group') {
      if (node.group === 'findings')
        return (this.diagnostics?.findings(node.entry) ?? []).map((f) => ({ kind: 'leaf', item: findingItem(f) }));
      if (node.group === 'subscriptions' && node.entry.definition.type === 'XPUB') {
        const items = node.entry.session ? this.mapItems(node.entry.session.id) : [];
        return (items.length ? items : [leaf('No subscriber has subscribed yet', 'circle-slash')]).map((item) => ({ kind: 'leaf', item }));
      }
      return groupChildren(node.entry, node.group).map((item) => ({ kind: 'leaf', item }));
    }
    return [];
  }

  /** Subscribers' prefixes (text and hex) with holders and matches, then topics nobody takes. */
  private mapItems(captureId: string): vscode.TreeItem[] {
    return (this.diagnostics?.subscriptionMap(captureId) ?? []).map((line) =>
      leaf(line.label, line.warn ? 'warning' : 'filter', line.warn ? 'charts.yellow' : undefined, line.description),
    );
  }

  private findingsGroupItem(entry: EndpointEntry): vscode.TreeItem {
    const findings = this.diagnostics?.findings(entry) ?? [];
    const item = new vscode.TreeItem('Findings', vscode.TreeItemCollapsibleState.Expanded);
    item.id = `endpoint:${entry.definition.name}:findings`;
    const problems = findings.filter((f) => f.severity !== 'info').length;
    item.description = `${findings.length}${problems ? ` · ${problems} to fix` : ''}`;
    item.iconPath = new vscode.ThemeIcon(problems ? 'warning' : 'info', problems ? new vscode.ThemeColor('charts.yellow') : undefined);
    item.contextValue = 'group.findings';
    return item;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.subscription.dispose();
    this.changed.dispose();
  }

  private shape(): string {
    const sessions = this.controller.list().map((e) => `${e.definition.name}:${e.session?.state ?? e.startError ?? '-'}:${e.saved}`);
    return [...sessions, ...(this.taps?.list() ?? []).map((t) => t.id)].join('|');
  }

  private fingerprint(): string {
    const sessions = this.controller.list().map((e) => {
      const s = e.session;
      if (!s) return `${e.definition.name}:${e.startError ?? 'stopped'}:${e.saved}`;
      const total = s.counters.messagesIn + s.counters.messagesOut;
      const counts = [total, s.rate1s, connectionCount(s.connections), s.routingPeerCount, s.eventCount, s.subscriptions.length];
      return `${e.definition.name}:${s.state}:${counts.join(':')}:${e.saved}`;
    });
    const taps = (this.taps?.list() ?? []).map(
      (t) =>
        `${t.id}:${t.counters.toService}:${t.counters.toClients}:${t.unansweredCount}:${t.latency?.count}:` +
        `${t.connectionLines?.map((l) => `${l.label}${l.warn}`).join(',')}`,
    );
    // Repeat counts change on a collapsed reconnect cycle without adding lines: the last line's count shows it.
    const repeats = this.controller.running().map((e) => e.session!.events.at(-1)?.repeat ?? 0);
    return [...sessions, ...taps, ...repeats, this.diagnostics?.version() ?? 0].join('|');
  }
}
