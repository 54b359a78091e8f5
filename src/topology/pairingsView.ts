// The "Pairings" tree: endpoints found in the workspace's code with their verdict, binders and
// connectors (click to open), findings, and the latest probe result; plus a CodeLens on bind/connect lines.
import * as vscode from 'vscode';
import type { EndpointParticipant, EndpointVerdict, FindingSeverity } from '../core/scan/scanTypes';
import { probeSummary, type ProbeResult } from '../core/zmtp/zmtpProbe';
import { toRange, type WorkspaceScanner } from './workspaceScanner';

export type PairingNode =
  | { kind: 'endpoint'; verdict: EndpointVerdict }
  | { kind: 'participant'; verdict: EndpointVerdict; participant: EndpointParticipant }
  | { kind: 'finding'; verdict: EndpointVerdict; index: number }
  | { kind: 'probe'; verdict: EndpointVerdict; result: ProbeResult };

const SEVERITY_RANK: Record<FindingSeverity, number> = { info: 0, warning: 1, error: 2 };

export function worstSeverity(verdict: EndpointVerdict): FindingSeverity | undefined {
  let worst: FindingSeverity | undefined;
  for (const f of verdict.findings)
    if (f.code !== 'valid-pairing' && (!worst || SEVERITY_RANK[f.severity] > SEVERITY_RANK[worst])) worst = f.severity;
  return worst;
}

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
        item.iconPath = severityIcon(finding.code === 'valid-pairing' ? undefined : finding.severity);
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
    }
  }

  getChildren(node?: PairingNode): PairingNode[] {
    if (!node) {
      return this.scanner
        .verdicts()
        .slice()
        .sort(
          (a, b) =>
            SEVERITY_RANK[worstSeverity(b) ?? 'info'] - SEVERITY_RANK[worstSeverity(a) ?? 'info'] || a.endpoint.localeCompare(b.endpoint),
        )
        .map((verdict) => ({ kind: 'endpoint', verdict }));
    }
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
        const problem = worstSeverity(verdict);
        lenses.push(
          new vscode.CodeLens(range, {
            title: `$(eye) Sniff ${verdict.endpoint}`,
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
        if (problem === 'error')
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
  const item = new vscode.TreeItem(
    verdict.resolved
      ? verdict.endpoint
      : `unresolved: ${verdict.connectors[0]?.endpoint.resolved === false ? verdict.connectors[0].endpoint.expression : verdict.binders[0]?.endpoint.resolved === false ? verdict.binders[0].endpoint.expression : verdict.endpoint}`,
    vscode.TreeItemCollapsibleState.Collapsed,
  );
  item.id = `pairing:${verdict.endpoint}`;
  const types = (ps: EndpointParticipant[]) => ps.map((p) => p.socketType ?? '?').join('+');
  item.description = `${verdict.binders.length ? `${types(verdict.binders)} bind` : 'no binder'} · ${verdict.connectors.length ? `${types(verdict.connectors)} connect` : 'no connector'}${probe ? ` · probe: ${probe.socketType ?? probe.kind}` : ''}`;
  const worst = worstSeverity(verdict);
  item.iconPath = severityIcon(worst);
  const main = verdict.findings.find((f) => f.code !== 'valid-pairing' && f.severity === worst) ?? verdict.findings[0];
  item.tooltip = main?.message;
  item.contextValue = verdict.resolved ? 'pairing.endpoint.resolved' : 'pairing.endpoint';
  return item;
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
  item.tooltip = `${p.socketType ?? 'unknown type'} ${p.action}s ${p.endpoint.resolved ? p.endpoint.address : p.endpoint.expression} at ${file}:${p.range.line + 1}`;
  return item;
}

function severityIcon(severity: FindingSeverity | undefined): vscode.ThemeIcon {
  if (severity === 'error') return new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
  if (severity === 'warning') return new vscode.ThemeIcon('warning', new vscode.ThemeColor('charts.yellow'));
  if (severity === 'info') return new vscode.ThemeIcon('info', new vscode.ThemeColor('charts.blue'));
  return new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('charts.green'));
}

function openCommand(file: string, range: vscode.Range): vscode.Command {
  return { title: 'Open', command: 'vscode.open', arguments: [vscode.Uri.file(file), { selection: range }] };
}
