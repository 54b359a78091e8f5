// The shell side of diagnosis: runs "Why am I not receiving?" (in the engine) for an endpoint, a tap or an
// address from the code, shows the report as a read-only document, shows each session's cause of trouble
// and findings (the engine puts them in its snapshots), and starts sequence tracking for endpoints whose
// settings name a field.
import * as vscode from 'vscode';
import type { Diagnosis } from '../core/diagnosis/diagnose';
import { renderDiagnosis } from '../core/diagnosis/diagnosisReport';
import type { Finding } from '../core/diagnosis/findings';
import { connectableAddress } from '../core/scan/connectableAddress';
import type { EndpointVerdict } from '../core/scan/scanTypes';
import { parseSequenceField } from '../core/diagnosis/sequenceField';
import type { SessionCause } from '../core/diagnosis/sessionCause';
import type { MapLine } from '../core/diagnosis/subscriptionMap';
import type { SessionSecurity } from '../core/security/security';
import type { SocketTypeName } from '../core/types';
import { errorText } from '../core/session/zmqErrors';
import type { EngineClient } from '../engine/engineClient';
import type { EngineParams, TapSnapshot } from '../shared/engineProtocol';
import type { EndpointController, EndpointEntry } from '../endpoints/endpointController';
import type { NodeDiagnostics } from '../endpoints/endpointsView';
import type { KeyStore } from '../security/keyStore';

export const DIAGNOSIS_SCHEME = 'zeromq-diagnosis';
const KEPT_REPORTS = 20;

export interface DiagnosisDeps {
  controller: EndpointController;
  engine: EngineClient;
  keys?: KeyStore;
  log: vscode.LogOutputChannel;
  /** Seconds a REQ reply may take (the receive timeout setting). */
  replyTimeoutMs: () => number;
  /** The workspace scan's endpoints: findings about an address also go on the code that binds or connects it. */
  verdicts?: () => readonly EndpointVerdict[];
}

/** Findings about the endpoint itself (not about one session's settings): they belong on the code's bind/connect lines. */
const CODE_FINDINGS = new Set<Finding['kind']>([
  'nothing-bound',
  'mechanism-mismatch',
  'zmtp-version',
  'pairing-invalid',
  'handshake-failing',
]);

export class DiagnosisController implements NodeDiagnostics, vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly reports = new Map<string, string>();
  private readonly lastFindings = new Map<string, Finding[]>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly codeDiagnostics = vscode.languages.createDiagnosticCollection('zeromq-diagnosis');
  /** Which files got diagnostics for which address, so a new check of the address replaces them. */
  private readonly codeDiagnosticsByAddress = new Map<string, Map<string, vscode.Diagnostic[]>>();
  private counter = 0;
  private revision = 0;

  /** Session ids whose "sequence" setting was applied (tracking starts once per opened session). */
  private readonly trackedFromSettings = new Set<string>();

  constructor(private readonly deps: DiagnosisDeps) {
    this.disposables.push(vscode.workspace.registerTextDocumentContentProvider(DIAGNOSIS_SCHEME, this), this.changed, this.codeDiagnostics);
    // Sessions come and go in the engine's snapshots: a newly running one may name a field to track.
    this.disposables.push(
      deps.controller.onDidChange(() => {
        const running = new Set<string>();
        for (const entry of deps.controller.running()) {
          const id = entry.sessionId!;
          running.add(id);
          if (!this.trackedFromSettings.has(id)) {
            this.trackedFromSettings.add(id);
            void this.trackFromSettings(entry);
          }
        }
        for (const id of this.trackedFromSettings) if (!running.has(id)) this.trackedFromSettings.delete(id);
        for (const name of this.lastFindings.keys()) if (!deps.controller.get(name)?.session) this.lastFindings.delete(name);
      }),
    );
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.reports.get(uri.path) ?? 'This report is no longer kept: run "Why Am I Not Receiving?" again.';
  }

  // ---- what the Endpoints view shows ----

  cause(entry: EndpointEntry): SessionCause | undefined {
    return entry.session?.cause;
  }

  findings(entry: EndpointEntry): Finding[] {
    const session = entry.session;
    if (!session) return [];
    const live = session.findings ?? [];
    const kinds = new Set(live.map((f) => f.kind));
    return [...live, ...(this.lastFindings.get(entry.definition.name) ?? []).filter((f) => !kinds.has(f.kind))];
  }

  subscriptionMap(captureId: string): MapLine[] {
    const snapshot = this.deps.engine.snapshot;
    const holder = snapshot?.sessions.find((s) => s.id === captureId) ?? snapshot?.taps.find((t) => t.id === captureId);
    return holder?.subscriptionLines ?? [];
  }

  /** Subscription maps of pub-sub taps are kept by the engine from the tap's start. */
  watchTap(_tap: TapSnapshot): void {}

  version(): number {
    // The snapshots carry causes and findings; the view's fingerprint sees them change there.
    let v = this.revision;
    for (const entry of this.deps.controller.running()) v += entry.session!.findings?.length ?? 0;
    return v;
  }

  // ---- commands ----

  async diagnoseEntry(entry: EndpointEntry): Promise<void> {
    const session = entry.session;
    if (!session) {
      const start = await vscode.window.showInformationMessage(
        `ZeroMQ: ${entry.definition.name} is not running. Start it and check?`,
        'Start',
      );
      if (!start) return;
      await this.deps.controller.start(entry.definition.name);
      return this.diagnoseEntry(this.deps.controller.get(entry.definition.name)!);
    }
    const security = await this.resolveSecurity(entry);
    const sampling = session.type === 'SUB' || session.type === 'XSUB';
    const diagnosis = await this.withProgress(
      `checking ${entry.definition.name}${sampling && session.mode === 'connect' ? ' (probing, sampling the publisher for 2 s)' : ''}`,
      (signal) =>
        this.deps.engine.call(
          'diagnosis.session',
          { id: session.id, ...(security ? { security } : {}), replyTimeoutMs: this.deps.replyTimeoutMs() },
          // Probing and sampling take seconds; the timeout only catches an engine that stopped answering.
          { signal, timeoutMs: this.deps.replyTimeoutMs() + 60_000 },
        ),
    );
    this.lastFindings.set(entry.definition.name, diagnosis.findings);
    this.revision++;
    for (const address of session.addresses) this.publishOnCode(address, diagnosis);
    await this.show(`${entry.definition.name} (${entry.definition.type} ${entry.definition.mode} ${entry.definition.address})`, diagnosis);
  }

  async diagnoseTap(tap: TapSnapshot): Promise<void> {
    const diagnosis = await this.deps.engine.call('diagnosis.tap', { id: tap.id });
    await this.show(`tap ${tap.name} (${tap.listen} → ${tap.upstream})`, diagnosis);
  }

  async diagnoseAddress(address: string, socketType?: SocketTypeName): Promise<void> {
    const running = this.deps.controller.running().find((e) => e.session!.addresses.includes(address));
    if (running) return this.diagnoseEntry(running);
    const diagnosis = await this.withProgress(`probing ${address}`, (signal) =>
      this.deps.engine.call('diagnosis.address', { address, ...(socketType ? { socketType } : {}) }, { signal, timeoutMs: 60_000 }),
    );
    this.publishOnCode(address, diagnosis);
    await this.show(`${address}${socketType ? ` (the code's ${socketType})` : ''}`, diagnosis);
  }

  /** Starts tracking `field` on the entry's session (from now on, and over what is already captured). */
  async track(entry: EndpointEntry, field: string, publisher?: EngineParams<'diagnosis.track'>['publisher']): Promise<void> {
    const id = entry.sessionId;
    if (!id) throw new Error(`"${entry.definition.name}" is not running.`);
    await this.deps.engine.call('diagnosis.track', { id, field, ...(publisher ? { publisher } : {}) });
    this.revision++;
  }

  async untrack(entry: EndpointEntry): Promise<void> {
    if (entry.sessionId) await this.deps.engine.call('diagnosis.untrack', { id: entry.sessionId });
    this.revision++;
  }

  /** Sequence fields proposed from the session's first messages. */
  propose(entry: EndpointEntry) {
    return entry.sessionId ? this.deps.engine.call('diagnosis.propose', { id: entry.sessionId }) : Promise.resolve([]);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private async show(subject: string, diagnosis: Diagnosis): Promise<void> {
    const path = `/${++this.counter}-${subject.replace(/[^\w.-]+/g, '-').slice(0, 60)}.txt`;
    this.reports.set(path, renderDiagnosis(subject, diagnosis, Date.now()));
    while (this.reports.size > KEPT_REPORTS) this.reports.delete(this.reports.keys().next().value!);
    this.deps.log.info(`Diagnosis of ${subject}: ${diagnosis.summary}`);
    const document = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: DIAGNOSIS_SCHEME, path }));
    await vscode.window.showTextDocument(document, { preview: true, preserveFocus: false });
  }

  /** Puts the endpoint's findings on every line of the workspace that binds or connects `address` (replacing the last check's). */
  private publishOnCode(address: string, diagnosis: Diagnosis): void {
    const verdicts = this.deps.verdicts?.() ?? [];
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const findings = diagnosis.findings.filter((f) => CODE_FINDINGS.has(f.kind));
    for (const verdict of verdicts) {
      if (connectableAddress(verdict) !== address) continue;
      for (const participant of [...verdict.binders, ...verdict.connectors]) {
        for (const finding of findings) {
          const range = new vscode.Range(
            participant.range.line,
            participant.range.character,
            participant.range.endLine,
            participant.range.endCharacter,
          );
          const diagnostic = new vscode.Diagnostic(
            range,
            `${finding.title} (checked live at ${new Date().toLocaleTimeString()})${finding.fix ? `\n${finding.fix}` : ''}`,
            finding.severity === 'error'
              ? vscode.DiagnosticSeverity.Error
              : finding.severity === 'warning'
                ? vscode.DiagnosticSeverity.Warning
                : vscode.DiagnosticSeverity.Information,
          );
          diagnostic.source = 'ZeroMQ diagnosis';
          diagnostic.code = finding.kind;
          const list = byFile.get(participant.range.file) ?? [];
          list.push(diagnostic);
          byFile.set(participant.range.file, list);
        }
      }
    }
    const previous = this.codeDiagnosticsByAddress.get(address);
    this.codeDiagnosticsByAddress.set(address, byFile);
    const files = new Set([...(previous?.keys() ?? []), ...byFile.keys()]);
    for (const file of files) {
      const all = [...this.codeDiagnosticsByAddress.values()].flatMap((m) => m.get(file) ?? []);
      this.codeDiagnostics.set(vscode.Uri.file(file), all);
    }
  }

  private withProgress<T>(title: string, work: (signal: AbortSignal) => Promise<T>): Thenable<T> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `ZeroMQ: ${title}`, cancellable: true },
      (_, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return work(abort.signal);
      },
    );
  }

  private async resolveSecurity(entry: EndpointEntry): Promise<SessionSecurity | undefined> {
    const setting = entry.definition.security;
    if (!setting) return undefined;
    try {
      return (await this.deps.keys?.resolve(setting)) ?? mechanismOnly(entry);
    } catch (error) {
      this.deps.log.warn(`Diagnosis of ${entry.definition.name}: could not read its keys (${errorText(error)}); checking without them.`);
      return mechanismOnly(entry);
    }
  }

  private async trackFromSettings(entry: EndpointEntry): Promise<void> {
    const name = entry.definition.name;
    const text = entry.definition.sequence;
    if (!text) return;
    try {
      parseSequenceField(text);
      const publisher = entry.definition.sequencePublisher;
      await this.track(
        entry,
        text,
        publisher === 'topic' ? { kind: 'frame0' } : publisher ? { kind: 'field', field: publisher } : undefined,
      );
      this.deps.log.info(`[${name}] tracking sequence numbers: ${text}`);
    } catch (error) {
      this.deps.log.warn(`[${name}] "sequence": ${errorText(error)}`);
    }
  }
}

/** Enough of the security setting to explain a failure (no secret needed). */
function mechanismOnly(entry: EndpointEntry): SessionSecurity | undefined {
  const s = entry.definition.security;
  if (!s) return undefined;
  return { ...s, mechanism: s.mechanism } as SessionSecurity;
}
