// What the engine owns once the host said hello: the capture store and its crash spool, the sessions and
// taps that feed it, the decoders, and the snapshot of it all the host's views show (pushed when changed,
// at most 10 times a second).
import { isAbsolute } from 'node:path';
import { CaptureSpoolWriter } from '../core/capture/captureSpool';
import { restoreSpool } from '../core/capture/captureSpoolReader';
import { CaptureStore } from '../core/capture/captureStore';
import { createDefaultRegistry, type DecoderRegistry, type DecoderRule } from '../core/decoders';
import { DiagnosisSink } from '../core/diagnosis/diagnosisSink';
import { sequenceFindings } from '../core/diagnosis/sequenceFindings';
import { sessionCause } from '../core/diagnosis/sessionCause';
import { subscriptionMapLines, type MapLine } from '../core/diagnosis/subscriptionMap';
import { connectionLines, XPUB_ATTRIBUTION_NOTE } from '../core/diagnosis/connectionFindings';
import type { SessionSecurity } from '../core/security/security';
import type { Session } from '../core/session/session';
import { SessionManager } from '../core/session/sessionManager';
import { TAP_SOCKETS, Tap } from '../core/tap/tap';
import type { TreeDecoder } from '../core/filter/filterSubject';
import type { Decoder, SocketTypeName } from '../core/types';
import {
  SNAPSHOT_EVENTS,
  SNAPSHOT_ROUTING_PEERS,
  SNAPSHOT_UNANSWERED,
  type CaptureLimitsSpec,
  type DecoderRuleSpec,
  type EngineEvents,
  type EngineSnapshot,
  type RestoreSummary,
  type SessionSnapshot,
  type TapSnapshot,
} from '../shared/engineProtocol';

export const SNAPSHOT_INTERVAL_MS = 100;
/** How often the spool looks for new messages while none arrive: the longest one waits for it, well under the promised second. */
export const SPOOL_INTERVAL_MS = 250;
/**
 * How often the spool writes while messages arrive. Why so often: each write then copies payload the store
 * wrote a moment ago, still in the CPU's caches, where at 250 ms it was tens of MiB back. Measured with
 * bench/engine.bench.ts's setup (pinned, steady state, 4 KiB, 5 alternating trials each in one run): the
 * engine's capture rate over the bare loop's went from 0.82 with 250 ms to 0.87 with 50 ms and 0.90 with 25.
 */
export const SPOOL_BUSY_INTERVAL_MS = 25;

export type EngineLog = (level: EngineEvents['log']['level'], message: string) => void;

export interface EngineCoreOptions {
  limits: CaptureLimitsSpec;
  receiveTimeoutMs: number;
  spoolDir?: string;
  log: EngineLog;
  emitSnapshot(snapshot: EngineSnapshot): void;
}

export class EngineCore {
  readonly store: CaptureStore;
  readonly sink: DiagnosisSink;
  readonly sessions: SessionManager;
  /** The security each secure session was opened with: diagnosis explains failures by mechanism. */
  readonly securityOf = new Map<string, SessionSecurity>();
  readonly decoders: DecoderRegistry = createDefaultRegistry();
  readonly taps = new Map<string, Tap>();
  receiveTimeoutMs: number;
  restored?: RestoreSummary;
  private ruleSpecs: DecoderRuleSpec[] = [];
  /** The rules with session names resolved, once per change: every frame decode asks for them. */
  private resolvedRules: DecoderRule[] | undefined;
  private readonly decoderModules = new Map<string, Array<{ dispose(): void }>>();
  /** Scenario endpoints' session ids (see scenarioSessionId); at most a few thousand, one per file endpoint. */
  private readonly scenarioSessions = new Map<string, string>();
  private readonly spool?: CaptureSpoolWriter;
  private readonly timers: NodeJS.Timeout[] = [];
  private spoolTimer: NodeJS.Timeout | undefined;
  private lastSnapshot = '';
  private disposed = false;

  constructor(private readonly options: EngineCoreOptions) {
    this.store = new CaptureStore(options.limits);
    // Diagnosis watches the capture path after the store: sequence tracking, proposals, subscription maps.
    this.sink = new DiagnosisSink(this.store);
    this.sessions = new SessionManager(this.sink);
    this.receiveTimeoutMs = options.receiveTimeoutMs;
    if (options.spoolDir) {
      const restored = restoreSpool(options.spoolDir, this.store, (history) => this.rememberHistory(history));
      if (restored.messages || restored.problems.length) this.restored = restored;
      for (const problem of restored.problems) options.log('warn', `Crash spool: ${problem}`);
      try {
        this.spool = new CaptureSpoolWriter(this.store, options.spoolDir, {
          history: () => this.history(),
          segmentBytes: Math.min(64 * 1024 * 1024, Math.max(1024 * 1024, Math.floor(options.limits.maxBytes / 8))),
          onError: (message) => options.log('warn', `Crash spool: ${message}`),
        });
      } catch (error) {
        options.log('error', `Crash spool disabled: ${(error as Error).message}. Messages captured will not survive an engine crash.`);
      }
      const flushSpool = () => {
        const wrote = this.spool?.flush() ?? false;
        this.spoolTimer = setTimeout(flushSpool, wrote ? SPOOL_BUSY_INTERVAL_MS : SPOOL_INTERVAL_MS);
      };
      this.spoolTimer = setTimeout(flushSpool, SPOOL_INTERVAL_MS);
    }
    this.sessions.onDidChange(({ kind, session, event }) => {
      // Rules name sessions; the ids they resolve to change as sessions open and close.
      if (kind !== 'event') this.resolvedRules = undefined;
      // A bound XPUB receives its subscribers' subscriptions: map them.
      if (kind === 'opened' && session.type === 'XPUB') this.sink.mapSubscriptions(session.id, 'in');
      if (kind === 'closed') this.securityOf.delete(session.id);
      if (kind !== 'event' || !event) return;
      const line = `[${session.name}] ${event.type}${event.address ? ` ${event.address}` : ''}${event.detail ? `: ${event.detail}` : ''}`;
      // Reconnect attempts to an absent peer are routine: visible at Debug level and in the Events node.
      const routine = event.type.startsWith('connect:') || (event.type === 'close' && session.mode === 'connect');
      options.log(event.severity === 'error' ? 'error' : event.severity === 'warning' ? 'warn' : routine ? 'debug' : 'info', line);
    });
    this.timers.push(setInterval(() => this.pushSnapshot(false), SNAPSHOT_INTERVAL_MS));
  }

  log(level: EngineEvents['log']['level'], message: string): void {
    this.options.log(level, message);
  }

  setLimits(limits: CaptureLimitsSpec): void {
    this.store.setLimits(limits);
  }

  setRules(rules: DecoderRuleSpec[]): void {
    this.ruleSpecs = rules;
    this.resolvedRules = undefined;
  }

  /** Registers the decoders a module exports (`decoders: Decoder[]`, or one Decoder); returns their ids. */
  registerDecoderModule(modulePath: string): string[] {
    if (!isAbsolute(modulePath)) throw new Error(`A decoder module is given by its absolute path, not "${modulePath}".`);
    this.unregisterDecoderModule(modulePath);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = require(modulePath) as { decoders?: unknown; default?: unknown };
    const found = Array.isArray(exported.decoders) ? exported.decoders : [exported.default ?? exported];
    const registrations: Array<{ dispose(): void }> = [];
    try {
      for (const decoder of found) registrations.push(this.decoders.register(decoder as Decoder));
    } catch (error) {
      for (const registration of registrations) registration.dispose();
      throw error;
    }
    this.decoderModules.set(modulePath, registrations);
    return (found as Decoder[]).map((d) => d.id);
  }

  unregisterDecoderModule(modulePath: string): void {
    for (const registration of this.decoderModules.get(modulePath) ?? []) registration.dispose();
    this.decoderModules.delete(modulePath);
  }

  /** The rules in force, with session names resolved to the ids of open sessions. */
  rules(): DecoderRule[] {
    this.resolvedRules ??= this.resolveRules();
    return this.resolvedRules;
  }

  private resolveRules(): DecoderRule[] {
    const rules: DecoderRule[] = [];
    for (const rule of this.ruleSpecs) {
      if (typeof rule?.decoder !== 'string') continue;
      const sessionId = typeof rule.session === 'string' ? this.sessions.findByName(rule.session)?.id : undefined;
      if (rule.session !== undefined && !sessionId) continue;
      rules.push({
        decoder: rule.decoder,
        ...(sessionId ? { sessionId } : {}),
        ...(typeof rule.topicPrefix === 'string' ? { topicPrefix: rule.topicPrefix } : {}),
        ...(Number.isInteger(rule.frameIndex) ? { frameIndex: rule.frameIndex } : {}),
        ...(typeof rule.messageType === 'string' ? { messageType: rule.messageType } : {}),
      });
    }
    return rules;
  }

  /** The session id of a scenario file's endpoint: the same one on every run, named in the directory. */
  scenarioSessionId(key: string, name: string, type: SocketTypeName): string {
    let id = this.scenarioSessions.get(key);
    if (!id) this.scenarioSessions.set(key, (id = this.sessions.adoptImported(name, type)));
    return id;
  }

  /** Decodes a frame as the inspector would (rules, then detection), for expression filters and plots. */
  readonly decodeTree: TreeDecoder = (frame, index, view) => {
    const result = this.decoders.decodeFrame(
      frame,
      { frameIndex: index, frameCount: view.frameCount, sessionId: view.sessionId },
      { rules: this.rules() },
    );
    return result.ok ? result.tree : undefined;
  };

  /** Name and socket type of any session id the capture may hold: open, closed, a tap's, an import's. */
  describe(id: string): { name: string; type: SocketTypeName | '?' } | undefined {
    return this.sessions.describe(id);
  }

  session(id: string): Session {
    const session = this.sessions.get(id);
    if (!session) throw Object.assign(new Error(`No open session "${id}" (it was closed, or the engine restarted).`), { code: 'ENOENT' });
    return session;
  }

  clearCapture(sessionId?: string): void {
    if (sessionId !== undefined) {
      this.store.removeSession(sessionId);
      this.spool?.onRemoveSession(sessionId);
    } else {
      this.store.clear();
      this.spool?.onClear();
    }
  }

  async startTap(options: {
    id: string;
    name: string;
    pattern: keyof typeof TAP_SOCKETS;
    listen: string;
    upstream: string;
    replyTimeoutMs: number;
    watchConnections?: boolean;
  }): Promise<Tap> {
    if (this.taps.has(options.id)) throw new Error(`A tap with id "${options.id}" already runs.`);
    if ([...this.taps.values()].some((t) => t.name === options.name)) throw new Error(`A tap named "${options.name}" already runs.`);
    const tap = await Tap.start({
      ...options,
      sink: this.sink,
      onUnanswered: (request) =>
        this.options.log(
          'warn',
          `[${options.name}] request #${request.seq} from client 0x${request.clientIdHex} has had no reply ` +
            `for ${(request.ageMs / 1000).toFixed(1)} s: a REQ client is now stuck in lock-step.`,
        ),
    });
    this.taps.set(tap.id, tap);
    // Subscriptions travel through a pub-sub tap towards the publisher ('out'): map them.
    if (tap.pattern === 'pub-sub') this.sink.mapSubscriptions(tap.id, 'out');
    // The tap's messages are captured as seen by its front socket (the one the clients talk to).
    this.sessions.recordCaptureSource(tap.id, tap.name, TAP_SOCKETS[tap.pattern].front);
    this.options.log(
      'info',
      `Tap ${tap.name} (${TAP_SOCKETS[tap.pattern].front}/${TAP_SOCKETS[tap.pattern].back}) listens on ${tap.listen} and forwards to ${tap.upstream}`,
    );
    return tap;
  }

  async stopTap(id: string): Promise<void> {
    const tap = this.taps.get(id);
    if (!tap) return;
    this.taps.delete(id);
    await tap.close();
    this.options.log('info', `Tap ${tap.name} stopped; ${tap.listen} is free again`);
  }

  /**
   * "reply to #12 · 3.4 ms" for a tapped reply, "replied by #13 · 3.4 ms" for its request (the inspector
   * shows it with the message; a sequence gap before it gets a marker row of its own).
   */
  tapAnnotation(seq: number): string | undefined {
    for (const tap of this.taps.values()) {
      const correlation = tap.correlation(seq);
      if (correlation) {
        const ms = correlation.rttMs < 10 ? correlation.rttMs.toFixed(2) : correlation.rttMs.toFixed(0);
        return correlation.role === 'reply'
          ? `reply to #${correlation.pairSeq} · ${ms} ms`
          : `replied by #${correlation.pairSeq} · ${ms} ms`;
      }
      if (tap.unanswered().some((u) => u.seq === seq)) return 'no reply yet';
    }
    return undefined;
  }

  snapshot(): EngineSnapshot {
    return {
      sessions: this.sessions
        .list()
        .map((session) => withDiagnosis(sessionSnapshot(session), session, this.sink, this.securityOf.get(session.id))),
      taps: [...this.taps.values()].map((tap) => ({ ...tapSnapshot(tap), ...subscriptionLinesOf(this.sink, tap.id) })),
      stats: this.store.stats(),
      spool: this.spool?.status(),
    };
  }

  /** Sends the snapshot when it changed since the last one sent (or when forced). */
  pushSnapshot(force: boolean): void {
    if (this.disposed) return;
    const snapshot = this.snapshot();
    const key = JSON.stringify(snapshot);
    if (!force && key === this.lastSnapshot) return;
    this.lastSnapshot = key;
    this.options.emitSnapshot(snapshot);
  }

  /** Closes every socket (resolves when bound ports are free) and writes the spool out. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const timer of this.timers) clearInterval(timer);
    clearTimeout(this.spoolTimer);
    await Promise.all([this.sessions.dispose(), ...[...this.taps.values()].map((tap) => tap.close())]);
    this.taps.clear();
    await this.spool?.close();
  }

  private history(): Array<[string, string, string]> {
    return this.sessions.historyEntries();
  }

  private rememberHistory(history: Array<[string, string, string]>): void {
    this.sessions.remember(history);
  }
}

function sessionSnapshot(session: Session): SessionSnapshot {
  const m = session.monitor;
  const peers = [...m.routingPeers.values()];
  const events = m.timeline();
  return {
    id: session.id,
    name: session.name,
    type: session.type,
    mode: session.mode,
    addresses: session.addresses,
    state: session.state,
    lastError: m.lastError,
    canSend: session.canSend,
    canReceive: session.canReceive,
    counters: { ...m.counters },
    rate1s: m.rate1s,
    rate10s: m.rate10s,
    connections: [...m.connections],
    routingPeers: peers.slice(-SNAPSHOT_ROUTING_PEERS).map((p) => ({ ...p })),
    routingPeerCount: peers.length,
    subscriptions: [...session.subscriptions],
    events: events.slice(-SNAPSHOT_EVENTS).map((e) => ({ ...e })),
    eventCount: events.length,
  };
}

/** What diagnosis adds to a session's snapshot: its cause of trouble, sequence findings, subscription map. */
function withDiagnosis(
  snapshot: SessionSnapshot,
  session: Session,
  sink: DiagnosisSink,
  security: SessionSecurity | undefined,
): SessionSnapshot {
  const m = session.monitor;
  const timeline = m.timeline();
  const cause = sessionCause({
    state: session.state,
    mode: session.mode,
    timeline,
    connectionCount: m.connectionCount,
    security,
    lastError: m.lastError,
  });
  const tracker = sink.tracker(session.id);
  const findings = tracker
    ? sequenceFindings(tracker.report(), { socketType: session.type, timeline, fromStart: sink.trackedFromStart(session.id) })
    : undefined;
  return {
    ...snapshot,
    ...(cause ? { cause } : {}),
    ...(findings ? { findings, tracked: true } : {}),
    ...subscriptionLinesOf(sink, session.id, session.type === 'XPUB'),
  };
}

function subscriptionLinesOf(sink: DiagnosisSink, id: string, boundXpub = false): { subscriptionLines?: MapLine[] } {
  const map = sink.subscriptionMap(id);
  if (!map) return {};
  const lines = subscriptionMapLines(map.snapshot());
  // Said where the map is read, so nobody takes the holder counts for named subscribers.
  if (boundXpub && lines.length) lines.push({ label: 'Subscribers are not named here', description: XPUB_ATTRIBUTION_NOTE, warn: false });
  return { subscriptionLines: lines };
}

function tapSnapshot(tap: Tap): TapSnapshot {
  const unanswered = tap.unanswered();
  return {
    id: tap.id,
    name: tap.name,
    pattern: tap.pattern,
    listen: tap.listen,
    upstream: tap.upstream,
    counters: { ...tap.counters },
    latency: tap.pattern === 'request-reply' ? tap.latency() : undefined,
    unanswered: unanswered.slice(-SNAPSHOT_UNANSWERED),
    unansweredCount: unanswered.length,
    shedding: tap.shedding(),
    ...(tap.watchesConnections ? { connectionLines: connectionLines({ watched: true, connections: tap.connections() }, Date.now()) } : {}),
    lastError: tap.lastError,
  };
}
