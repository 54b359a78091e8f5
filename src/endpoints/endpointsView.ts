// The "Endpoints" tree: one node per endpoint with live state, counts and rate; children show peers,
// subscriptions and the latest monitor events, from the snapshots the engine pushes. Refreshes are
// throttled to two a second.
import * as vscode from 'vscode';
import type { EndpointController, EndpointEntry } from './endpointController';
import type { SessionState, TimelineEvent } from '../core/session/sessionMonitor';
import type { TapSnapshot } from '../shared/engineProtocol';
import type { TapController } from '../taps/tapController';
import { formatRate } from './formatRate';

/** What diagnosis adds to a session's node: the one-line cause of trouble, and findings. Text from peers inside: plain text only. */
export interface NodeDiagnostics {
  cause(entry: EndpointEntry): { text: string; since?: string } | undefined;
  findings(entry: EndpointEntry): ReadonlyArray<{ title: string; severity: 'error' | 'warning' | 'info'; detail?: string; fix?: string }>;
  /** A pub-sub tap's or bound XPUB session's subscription map, as lines (empty when none is kept). */
  subscriptionMap(captureId: string): ReadonlyArray<{ label: string; description: string; warn: boolean }>;
  /** Changes when causes or findings may have changed. */
  version(): number;
}

type Group = 'peers' | 'subscriptions' | 'events' | 'findings';

type Node =
  | { kind: 'endpoint'; entry: EndpointEntry }
  | { kind: 'group'; entry: EndpointEntry; group: Group }
  | { kind: 'tap'; tap: TapSnapshot }
  | { kind: 'leaf'; item: vscode.TreeItem };

const REFRESH_INTERVAL_MS = 500;
const EVENTS_SHOWN = 15;

const STATE_ICON: Record<SessionState | 'stopped', [string, string | undefined]> = {
  starting: ['loading~spin', undefined],
  listening: ['radio-tower', 'charts.blue'],
  connected: ['pass-filled', 'charts.green'],
  retrying: ['sync', 'charts.yellow'],
  disconnected: ['debug-disconnect', 'charts.yellow'],
  error: ['error', 'errorForeground'],
  closed: ['circle-outline', undefined],
  stopped: ['circle-outline', undefined],
};

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
        `${t.id}:${t.counters.toService}:${t.counters.toClients}:${t.unansweredCount}:${t.latency?.count}:${t.connectionLines?.map((l) => `${l.label}${l.warn}`).join(',')}`,
    );
    // Repeat counts change on a collapsed reconnect cycle without adding lines: the last line's count shows it.
    const repeats = this.controller.running().map((e) => e.session!.events.at(-1)?.repeat ?? 0);
    return [...sessions, ...taps, ...repeats, this.diagnostics?.version() ?? 0].join('|');
  }
}

function connectionCount(connections: Array<[string, number]>): number {
  let count = 0;
  for (const [, n] of connections) count += n;
  return count;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function endpointItem(entry: EndpointEntry): vscode.TreeItem {
  const d = entry.definition;
  const session = entry.session;
  const item = new vscode.TreeItem(
    d.name,
    session
      ? vscode.TreeItemCollapsibleState.Collapsed
      : entry.startError
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.None,
  );
  item.id = `endpoint:${d.name}`;
  const where = `${d.type} ${d.mode === 'bind' ? 'bind' : '→'} ${d.address}`;
  const state: SessionState | 'stopped' = session ? session.state : entry.startError ? 'error' : 'stopped';
  if (session) {
    // Counts first: a narrow sidebar cuts the end of the description, and the address is in the tooltip.
    item.description = `${formatCount(session.counters.messagesIn + session.counters.messagesOut)} msgs · ${formatRate(session.rate1s)} · ${where}`;
  } else {
    item.description = `${where} · ${entry.startError ? 'failed' : 'stopped'}`;
  }
  const [icon, color] = STATE_ICON[state];
  item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
  const tooltip = new vscode.MarkdownString(undefined, true);
  tooltip.isTrusted = false;
  tooltip.appendMarkdown(`**${escapeMarkdown(d.name)}** · ${state}\n\n`);
  tooltip.appendMarkdown(`${d.type} socket, ${d.mode} \`${escapeMarkdown(d.address)}\`${entry.saved ? ' · saved' : ' · not saved'}\n\n`);
  if (session) {
    const c = session.counters;
    tooltip.appendMarkdown(
      `In: ${formatCount(c.messagesIn)} msgs, ${formatCount(c.bytesIn)} B · Out: ${formatCount(c.messagesOut)} msgs, ${formatCount(c.bytesOut)} B\n\n`,
    );
    tooltip.appendMarkdown(`Rate: ${formatRate(session.rate1s)} (last 1 s), ${formatRate(session.rate10s)} (last 10 s)`);
  }
  if (entry.startError) tooltip.appendMarkdown(`\n\n$(error) ${escapeMarkdown(entry.startError)}`);
  item.tooltip = tooltip;
  const flow = session ? `${session.canSend ? '.send' : ''}${session.canReceive ? '.receive' : ''}` : '';
  const sub = d.type === 'SUB' || d.type === 'XSUB' ? '.sub' : '';
  item.contextValue = `endpoint.${session ? 'running' : 'stopped'}${flow}${sub}${entry.saved ? '.saved' : '.unsaved'}`;
  return item;
}

/** A session in trouble says why on its own line: "⚠ the server hangs up during the CURVE handshake: …". */
function withCause(item: vscode.TreeItem, cause: { text: string; since?: string } | undefined): vscode.TreeItem {
  if (!cause) return item;
  item.description = `⚠ ${cause.text} · ${String(item.description ?? '')}`;
  item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('charts.yellow'));
  if (item.tooltip instanceof vscode.MarkdownString)
    item.tooltip.appendMarkdown(`\n\n$(warning) ${escapeMarkdown(cause.text)}${cause.since ? ` (${escapeMarkdown(cause.since)})` : ''}`);
  return item;
}

function findingItem(finding: { title: string; severity: 'error' | 'warning' | 'info'; detail?: string; fix?: string }): vscode.TreeItem {
  const icon = finding.severity === 'error' ? 'error' : finding.severity === 'warning' ? 'warning' : 'info';
  const color = finding.severity === 'error' ? 'errorForeground' : finding.severity === 'warning' ? 'charts.yellow' : undefined;
  const item = leaf(
    finding.title,
    icon,
    color,
    undefined,
    [finding.title, finding.detail, finding.fix && `Fix: ${finding.fix}`].filter(Boolean).join('\n\n'),
  );
  return item;
}

function groupItem(entry: EndpointEntry, group: Exclude<Group, 'findings'>): vscode.TreeItem {
  const session = entry.session!;
  const connections = connectionCount(session.connections);
  const peers = session.routingPeerCount;
  const labels = {
    peers: [
      `Peers`,
      `${connections} connection${connections === 1 ? '' : 's'}${peers ? ` · ${peers} routing id${peers === 1 ? '' : 's'}` : ''}`,
      'plug',
    ],
    subscriptions: ['Subscriptions', `${session.subscriptions.length}`, 'filter'],
    events: ['Events', `${session.eventCount}`, 'history'],
  } as const;
  const [label, description, icon] = labels[group];
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `endpoint:${entry.definition.name}:${group}`;
  item.description = description;
  item.iconPath = new vscode.ThemeIcon(icon);
  item.contextValue = `group.${group}`;
  return item;
}

function groupChildren(entry: EndpointEntry, group: Exclude<Group, 'findings'>): vscode.TreeItem[] {
  const session = entry.session;
  if (!session) return [];
  if (group === 'peers') {
    const items = session.connections.map(([address, n]) => leaf(address, 'plug', undefined, n > 1 ? `${n} connections` : 'connected'));
    for (const peer of session.routingPeers) {
      items.push(
        leaf(
          peer.idText ?? `0x${peer.idHex}`,
          'account',
          undefined,
          `routing id · ${formatCount(peer.messages)} msgs`,
          peer.idText ? `hex ${peer.idHex}` : undefined,
        ),
      );
    }
    return items.length ? items : [leaf('No peer connected', 'circle-slash')];
  }
  if (group === 'subscriptions') {
    return session.subscriptions.length
      ? session.subscriptions.map((s) => leaf(s === '' ? '(everything)' : s, 'filter'))
      : [leaf('No subscription: nothing is received', 'warning', 'charts.yellow')];
  }
  return session.events.slice(-EVENTS_SHOWN).reverse().map(eventItem);
}

function eventItem(event: TimelineEvent): vscode.TreeItem {
  const icon = event.severity === 'error' ? 'error' : event.severity === 'warning' ? 'warning' : 'debug-stackframe-dot';
  const color = event.severity === 'error' ? 'errorForeground' : event.severity === 'warning' ? 'charts.yellow' : undefined;
  const time =
    event.firstTime !== undefined && event.repeat && event.repeat > 1
      ? `${new Date(event.firstTime).toLocaleTimeString()}–${new Date(event.time).toLocaleTimeString()}`
      : new Date(event.time).toLocaleTimeString();
  const repeated = event.repeat && event.repeat > 1 ? ` ×${event.repeat}` : '';
  return leaf(
    `${event.type}${repeated}`,
    icon,
    color,
    `${time}${event.address ? ` · ${event.address}` : ''}${event.detail ? ` · ${event.detail}` : ''}`,
    event.detail,
  );
}

function leaf(label: string, icon: string, color?: string, description?: string, tooltip?: string): vscode.TreeItem {
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
  item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
  item.description = description;
  item.tooltip = tooltip ?? (description ? `${label} · ${description}` : label);
  return item;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(2)} ms` : `${Math.round(ms)} ms`;
}

function tapItem(tap: TapSnapshot): vscode.TreeItem {
  const item = new vscode.TreeItem(tap.name, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `tap:${tap.id}`;
  const total = tap.counters.toService + tap.counters.toClients;
  const latency = tap.latency;
  const timing = latency && latency.count ? ` · p50 ${formatMs(latency.p50)} · p99 ${formatMs(latency.p99)}` : '';
  item.description = `${formatCount(total)} msgs${timing} · tap ${tap.listen} → ${tap.upstream}`;
  const stuck = tap.unansweredCount;
  item.iconPath = new vscode.ThemeIcon(
    stuck ? 'warning' : 'arrow-swap',
    stuck ? new vscode.ThemeColor('charts.yellow') : new vscode.ThemeColor('charts.purple'),
  );
  item.tooltip =
    `Tap ${tap.name} (${tap.pattern}): clients connect to ${tap.listen}, the tap forwards to ` +
    `${tap.upstream}.${stuck ? `\n${stuck} request(s) without a reply.` : ''}${tap.lastError ? `\nLast error: ${tap.lastError}` : ''}`;
  item.contextValue = 'tap';
  return item;
}

/** Each client connection the tap's relay watches: heartbeats, idle time, the prefixes a subscriber holds. */
function connectionItems(tap: TapSnapshot): vscode.TreeItem[] {
  return (tap.connectionLines ?? []).map((line) =>
    leaf(line.label, line.warn ? 'warning' : 'plug', line.warn ? 'charts.yellow' : undefined, line.description),
  );
}

function tapChildren(tap: TapSnapshot): vscode.TreeItem[] {
  const items = [
    leaf(
      `${formatCount(tap.counters.toService)} to the service`,
      'arrow-right',
      undefined,
      `${formatCount(tap.counters.bytesToService)} B`,
    ),
    leaf(`${formatCount(tap.counters.toClients)} to the clients`, 'arrow-left', undefined, `${formatCount(tap.counters.bytesToClients)} B`),
  ];
  if (tap.latency) {
    const latency = tap.latency;
    items.push(
      leaf(
        `Round trips: ${formatCount(latency.count)}`,
        'watch',
        undefined,
        latency.count
          ? `p50 ${formatMs(latency.p50)} · p90 ${formatMs(latency.p90)} · p99 ${formatMs(latency.p99)} · max ${formatMs(latency.max)}`
          : 'no reply yet',
      ),
    );
    const peak = Math.max(1, ...latency.histogram.map((b) => b.count));
    for (const bucket of latency.histogram) {
      if (!bucket.count) continue;
      const bar = '█'.repeat(Math.max(1, Math.round((bucket.count / peak) * 20)));
      items.push(
        leaf(
          `≤ ${Number.isFinite(bucket.upperMs) ? formatMs(bucket.upperMs) : '∞'}`,
          'graph',
          undefined,
          `${bar} ${formatCount(bucket.count)}`,
        ),
      );
    }
    for (const request of tap.unanswered) {
      items.push(
        leaf(
          `#${request.seq} has no reply`,
          'warning',
          'charts.yellow',
          `client 0x${request.clientIdHex} · waited ${(request.ageMs / 1000).toFixed(1)} s+`,
        ),
      );
    }
  }
  const shed = tap.shedding;
  if (shed?.forgottenRequests)
    items.push(
      leaf(
        `${formatCount(shed.forgottenRequests)} requests no longer timed`,
        'warning',
        'charts.yellow',
        `forgotten before their reply: ${shed.reason ?? 'too many pending'}`,
      ),
    );
  if (tap.lastError) items.push(leaf(tap.lastError, 'error', 'errorForeground'));
  return items;
}
