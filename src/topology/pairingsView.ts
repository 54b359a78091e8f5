// The "Pairings" tree: endpoints found in the workspace's code with their verdict, binders and
// connectors (click to open), findings (notes included: Problems only gets errors and warnings), the
// latest probe result, and the files the scan skipped; plus a CodeLens on bind/connect lines.
import * as vscode from 'vscode';
import type { EndpointParticipant, EndpointVerdict, FindingSeverity, VerdictStatus } from '../core/scan/scanTypes';
import type { SkippedFile } from '../core/scan/workspaceScanIndex';
import { probeSummary, type ProbeResult } from '../core/zmtp/zmtpProbe';
import { toRange, type WorkspaceScanner } from './workspaceScanner';

export type PairingNode =
  | { kind: 'endpoint'; verdict: EndpointVerdict }
  | { kind: 'participant'; verdict: EndpointVerdict; participant: EndpointParticipant }
  | { kind: 'finding'; verdict: EndpointVerdict; index: number }
  | { kind: 'probe'; verdict: EndpointVerdict; result: ProbeResult }
  | { kind: 'skipped'; files: SkippedFile[] }
  | { kind: 'skippedFile'; file: SkippedFile };

/** Problems first, then endpoints whose types are unknown, then notes, then valid pairings. */
const STATUS_ORDER: Record<VerdictStatus, number> = { error: 0, warning: 1, unknown: 2, info: 3, valid: 4 };
/** A tree of thousands of rows helps nobody; the rest is one "more" count in the log. */
const MAX_ROWS = 2000;

export class PairingsView implements vscode.TreeDataProvider<PairingNode>, vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<PairingNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensesChanged.event;
  /** Probe results by endpoint key. */
  readonly probes = new Map<string, ProbeResult>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly scanner: WorkspaceScanner) {
    this.subscription = scanner.onDidChange(() => this.refresh());
  }

  refresh(): void {
    this.changed.fire(undefined);
    this.lensesChanged.fire();
  }

  setProbe(verdict: EndpointVerdict, result: ProbeResult): void {
    this.probes.set(verdict.endpoint, result);
    this.refresh();
  }

  getTreeItem(node: PairingNode): vscode.TreeItem {
    switch (node.kind) {
      case 'endpoint':
        return endpointItem(node.verdict, this.probes.get(node.verdict.endpoint));
      case 'participant':
        return participantItem(node.participant);
      case 'finding': {
        const finding = node.verdict.findings[node.index];
        const item = new vscode.TreeItem(finding.message, vscode.TreeItemCollapsibleState.None);
        item.iconPath = finding.code === 'valid-pairing' ? statusIcon('valid') : severityIcon(finding.severity);
        item.tooltip = finding.message;
        item.command = openCommand(finding.range.file, toRange(finding.range));
        return item;
      }
      case 'probe': {
        const r = node.result;
        const item = new vscode.TreeItem(`Probe: ${probeSummary(r)}`, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('pulse');
        item.tooltip = r.explanation;
        return item;
      }
      case 'skipped': {
        const item = new vscode.TreeItem(`Skipped files (${node.files.length})`, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = 'pairing-skipped';
        item.iconPath = new vscode.ThemeIcon('info', new vscode.ThemeColor('charts.blue'));
        item.tooltip = 'Files the scan did not read: each took more than its time or step budget (a hostile or generated file).';
        return item;
      }
      case 'skippedFile': {
        const relative = vscode.workspace.asRelativePath(node.file.file);
        const item = new vscode.TreeItem(relative, vscode.TreeItemCollapsibleState.None);
        item.description = node.file.reason;
        item.tooltip = `${relative}: ${node.file.reason}`;
        item.command = openCommand(node.file.file, new vscode.Range(0, 0, 0, 0));
        return item;
      }
    }
  }

  getChildren(node?: PairingNode): PairingNode[] {
    if (!node) {
      const endpoints: PairingNode[] = this.scanner
        .verdicts()
        .slice()
        .sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0))
        .slice(0, MAX_ROWS)
        .map((verdict) => ({ kind: 'endpoint', verdict }));
      const skipped = this.scanner.skipped();
      return skipped.length ? [...endpoints, { kind: 'skipped', files: skipped }] : endpoints;
    }
    if (node.kind === 'skipped') return node.files.slice(0, MAX_ROWS).map((file) => ({ kind: 'skippedFile', file }));
    if (node.kind !== 'endpoint') return [];
    const { verdict } = node;
    const children: PairingNode[] = [];
    const probe = this.probes.get(verdict.endpoint);
    if (probe) children.push({ kind: 'probe', verdict, result: probe });
    for (const participant of [...verdict.binders, ...verdict.connectors]) children.push({ kind: 'participant', verdict, participant });
    verdict.findings.forEach((_, index) => children.push({ kind: 'finding', verdict, index }));
    return children;
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const lenses: vscode.CodeLens[] = [];
    for (const verdict of this.scanner.verdicts()) {
      if (!verdict.resolved) continue;
      for (const participant of [...verdict.binders, ...verdict.connectors]) {
        if (participant.range.file !== document.uri.fsPath) continue;
        const range = toRange(participant.range);
        lenses.push(
          new vscode.CodeLens(range, {
            title: `$(eye) Sniff ${verdict.label}`,
            command: 'zeromq.sniffEndpoint',
            arguments: [{ kind: 'endpoint', verdict }],
          }),
        );
        lenses.push(
          new vscode.CodeLens(range, {
            title: '$(pulse) Probe',
            command: 'zeromq.probeEndpoint',
            arguments: [{ kind: 'endpoint', verdict }],
          }),
        );
        if (verdict.status === 'error')
          lenses.push(new vscode.CodeLens(range, { title: '$(error) pairing problem', command: 'workbench.actions.view.problems' }));
      }
    }
    return lenses;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
    this.lensesChanged.dispose();
  }
}

function endpointItem(verdict: EndpointVerdict, probe: ProbeResult | undefined): vscode.TreeItem {
  const tooLong = verdict.findings.some((f) => f.code === 'not-an-endpoint');
  const label = verdict.resolved ? verdict.label : `${tooLong ? 'not an endpoint' : 'unresolved'}: ${verdict.label}`;
  const item = new vscode.TreeItem(verdict.system ? `${label} [${verdict.system}]` : label, vscode.TreeItemCollapsibleState.Collapsed);
  // Unique by construction (computeVerdicts numbers duplicates), so registering the tree never fails.
  item.id = `pairing:${verdict.endpoint}`;
  const side = (ps: EndpointParticipant[], verb: string, none: string) => (ps.length ? `${typeSummary(ps)} ${verb}` : none);
  item.description =
    `${side(verdict.binders, 'bind', 'no binder')} · ` +
    `${side(verdict.connectors, 'connect', 'no connector')}${probe ? ` · probe: ${probe.socketType ?? probe.kind}` : ''}`;
  item.iconPath = statusIcon(verdict.status);
  const rank: Record<FindingSeverity, number> = { error: 0, warning: 1, info: 2 };
  const main = verdict.findings
    .slice()
    .sort((a, b) => rank[a.severity] - rank[b.severity] || Number(a.code === 'valid-pairing') - Number(b.code === 'valid-pairing'))[0];
  item.tooltip = main?.message;
  item.contextValue = verdict.resolved ? 'pairing.endpoint.resolved' : 'pairing.endpoint';
  return item;
}

/** `PUB`, `REP×3`, `PUB×2+SUB+2 more`: the types of one side, counted, at most three named. */
function typeSummary(participants: EndpointParticipant[]): string {
  const counts = new Map<string, number>();
  for (const p of participants) counts.set(p.socketType ?? '?', (counts.get(p.socketType ?? '?') ?? 0) + 1);
  const named = [...counts].slice(0, 3).map(([type, n]) => (n > 1 ? `${type}×${n}` : type));
  return counts.size > 3 ? `${named.join('+')}+${counts.size - 3} more` : named.join('+');
}

function participantItem(p: EndpointParticipant): vscode.TreeItem {
  const file = vscode.workspace.asRelativePath(p.range.file);
  const item = new vscode.TreeItem(
    `${p.socketType ?? '?'} ${p.action}${p.variable ? ` (${p.variable})` : ''}`,
    vscode.TreeItemCollapsibleState.None,
  );
  item.description = `${file}:${p.range.line + 1}${p.endpoint.resolved ? '' : ` · ${p.endpoint.expression}`}`;
  item.iconPath = new vscode.ThemeIcon(p.action === 'bind' ? 'radio-tower' : 'plug');
  item.command = openCommand(p.range.file, toRange(p.range));
  item.tooltip =
    `${p.socketType ?? 'unknown type'} ${p.action}s ` +
    `${p.endpoint.resolved ? p.endpoint.address : p.endpoint.expression} at ${file}:${p.range.line + 1}`;
  return item;
}

function severityIcon(severity: FindingSeverity): vscode.ThemeIcon {
  return statusIcon(severity);
}

function statusIcon(status: VerdictStatus): vscode.ThemeIcon {
  switch (status) {
    case 'error':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    case 'warning':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('charts.yellow'));
    case 'info':
      return new vscode.ThemeIcon('info', new vscode.ThemeColor('charts.blue'));
    case 'unknown':
      // Types not known: the pairing was not checked, so it must not look valid.
      return new vscode.ThemeIcon('question');
    case 'valid':
      return new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('charts.green'));
  }
}

function openCommand(file: string, range: vscode.Range): vscode.Command {
  return { title: 'Open', command: 'vscode.open', arguments: [vscode.Uri.file(file), { selection: range }] };
}
