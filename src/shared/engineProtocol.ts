// The whole conversation between the extension host (the shell) and the engine process, which owns the
// sockets, sessions, taps, the capture store and decoding. Both sides import this file, so every message
// is type-checked. Transport: Node IPC with `serialization: 'advanced'` (structured clone: Uint8Array,
// BigInt and Map cross as they are). One IPC message per request, per reply, or per tick of events: never
// one per captured ZeroMQ message.
//
// Order: the host's first request must be `hello` with ENGINE_PROTOCOL_VERSION; anything before it, a
// second hello or another version gets an error reply. Every request gets exactly one reply, whatever its
// content: errors are values ({ error: { message, code } }), never a crash of either side.
import type { SchemaLoad } from '../core/decoders';
import type { SessionSecurity } from '../core/security/security';
import type { SessionCounters, SessionState, TimelineEvent, RoutingPeer } from '../core/session/sessionMonitor';
import type { LatencySummary } from '../core/tap/latencyStats';
import type { CorrelatorShedding, UnansweredRequest } from '../core/tap/requestCorrelator';
import type { TapCounters, TapPattern } from '../core/tap/tap';
import type { ProbeResult } from '../core/zmtp/zmtpProbe';
import type { CaptureRecord, CaptureStats, DecodeResult, SocketTypeName } from '../core/types';
import type { Diagnosis } from '../core/diagnosis/diagnose';
import type { Finding } from '../core/diagnosis/findings';
import type { SequenceProposal } from '../core/diagnosis/sequenceProposal';
import type { SessionCause } from '../core/diagnosis/sessionCause';
import type { MapLine } from '../core/diagnosis/subscriptionMap';
import type { FilterPreset } from '../core/filter/captureExpressionFilter';
import type { FieldPlotSpec } from '../core/monitor/trafficSampler';
import type { PcapImportResult } from '../core/pcap/pcapImport';
import type { ScenarioFile, Step } from '../core/scenario/scenarioAst';
import type { ScenarioResult, StepResult } from '../core/scenario/scenarioRunner';
import type { GeneratorPlan, GeneratorReport } from '../core/scenario/trafficGenerator';
import type { PausedState, PauseReason } from '../core/scenario/scenarioStepper';
import type { EndpointSecurity } from '../core/session/endpointConfig';
import type { FilterSpec, RuleProposal } from './inspectorProtocol';

/** Bumped on any incompatible change; `hello` refuses another version. */
export const ENGINE_PROTOCOL_VERSION = 1;

// ---- shared shapes ----

export interface CaptureLimitsSpec {
  maxMessages: number;
  maxBytes: number;
  maxFrameBytes: number;
}

/** A decoder rule as settings hold it (sessions by name: the engine resolves them to open sessions). */
export interface DecoderRuleSpec {
  decoder: string;
  session?: string;
  topicPrefix?: string;
  frameIndex?: number;
  messageType?: string;
}

export interface SessionSpec {
  /** Chosen by the host, so that a session reopened after an engine restart keeps its id (and its messages). */
  id: string;
  name: string;
  type: SocketTypeName;
  mode: 'bind' | 'connect';
  addresses: string[];
  subscriptions?: string[];
}

/** A session as the Endpoints view and the status bar show it; pushed, coalesced, at most 10 times a second. */
export interface SessionSnapshot {
  id: string;
  name: string;
  type: SocketTypeName;
  mode: 'bind' | 'connect';
  addresses: string[];
  state: SessionState;
  lastError?: string;
  canSend: boolean;
  canReceive: boolean;
  counters: SessionCounters;
  rate1s: number;
  rate10s: number;
  /** Connections made or accepted, per address. */
  connections: Array<[string, number]>;
  /** The most recently seen routing peers (at most SNAPSHOT_ROUTING_PEERS). */
  routingPeers: RoutingPeer[];
  routingPeerCount: number;
  subscriptions: string[];
  /** The latest monitor events, oldest first (at most SNAPSHOT_EVENTS). */
  events: TimelineEvent[];
  eventCount: number;
  /** Diagnosis: why the session is in trouble, in one line (absent while it works). */
  cause?: SessionCause;
  /** Diagnosis: what sequence tracking found (when a field is tracked). */
  findings?: Finding[];
  /** A sequence field is tracked on the session. */
  tracked?: boolean;
  /** A bound XPUB's subscription map, as lines. */
  subscriptionLines?: MapLine[];
}

export interface TapSnapshot {
  id: string;
  name: string;
  pattern: TapPattern;
  listen: string;
  upstream: string;
  counters: TapCounters;
  latency?: LatencySummary;
  /** The latest unanswered requests (at most SNAPSHOT_UNANSWERED). */
  unanswered: UnansweredRequest[];
  unansweredCount: number;
  /** Requests the correlator stopped timing, and why (request-reply taps). */
  shedding?: CorrelatorShedding;
  /** A pub-sub tap's subscription map, as lines. */
  subscriptionLines?: MapLine[];
  /** Each client connection (tcp taps): heartbeats, idle time, what each subscriber holds. */
  connectionLines?: MapLine[];
  lastError?: string;
}

export interface SpoolStatus {
  /** Messages written to the crash spool and not yet dropped from it. */
  spooledThrough: number;
  bytesOnDisk: number;
  /** Messages that could not be spooled (the disk fell behind or failed): a crash would lose them. */
  unspooled: number;
  lastError?: string;
}

export interface EngineSnapshot {
  sessions: SessionSnapshot[];
  taps: TapSnapshot[];
  stats: CaptureStats;
  spool?: SpoolStatus;
}

export const SNAPSHOT_ROUTING_PEERS = 100;
export const SNAPSHOT_EVENTS = 15;
export const SNAPSHOT_UNANSWERED = 10;

/** A message with each frame decoded (for the documents Send and Receive One open). */
export interface DecodedMessage {
  frames: Uint8Array[];
  decoded: DecodeResult[];
}

export interface RestoreSummary {
  messages: number;
  firstSeq: number;
  lastSeq: number;
  /** Spool files that could not be read whole (what they held up to the damage is restored). */
  problems: string[];
  ms: number;
}

export interface EngineError {
  message: string;
  /** ETIMEDOUT, ECANCELED, EPROTO (a malformed or out-of-order request), ENGINE_DOWN, or a ZeroMQ code. */
  code?: string;
}

// ---- host -> engine requests: method -> params and result ----

export interface EngineRequests {
  hello: {
    params: { protocolVersion: number; limits: CaptureLimitsSpec; receiveTimeoutMs: number; spoolDir?: string };
    result: { protocolVersion: number; pid: number; zeromqVersion: string; restored?: RestoreSummary };
  };
  /** Answers at once: the host's watchdog asks when the engine has been silent for a while. */
  ping: { params: Record<string, never>; result: { pid: number } };
  configure: {
    params: { limits?: CaptureLimitsSpec; receiveTimeoutMs?: number; rules?: DecoderRuleSpec[]; filterPresets?: FilterPreset[] };
    result: null;
  };
  'decoders.loadProtos': { params: { files: string[]; roots: string[] }; result: SchemaLoad };
  /**
   * Loads another extension's decoders into the engine: a CommonJS module exporting `decoders` (an array of
   * Decoder objects) or one Decoder. They run where decoding runs, under the same isolation.
   */
  'decoders.register': { params: { modulePath: string }; result: { ids: string[] } };
  'decoders.unregister': { params: { modulePath: string }; result: null };
  'session.open': {
    /** `security`: the keys themselves (the host reads them from VS Code's secret storage). */
    params: { spec: SessionSpec; security?: SessionSecurity };
    result: { session: SessionSnapshot; warnings: string[] };
  };
  'session.close': { params: { id: string }; result: { closed: boolean } };
  'session.subscribe': { params: { id: string; prefix: string; subscribe: boolean }; result: SessionSnapshot };
  /** REQ: resolves with the reply; DEALER with `awaitReply`: with the next message it receives. Cancellable. */
  'session.send': {
    params: { id: string; frames: Uint8Array[]; routingId?: Uint8Array; replyTimeoutMs?: number; awaitReply?: boolean };
    result: { reply?: DecodedMessage };
  };
  /** The next message the session receives (cancellable). */
  'session.receive': { params: { id: string; timeoutMs: number }; result: { seq: number; message: DecodedMessage } };
  /**
   * Resolves once the session has received `count` messages or none arrived for `idleMs`: arrival times
   * measured in the engine (benchmarks and tests time captures with it).
   */
  'session.awaitCount': {
    params: { id: string; count: number; idleMs: number };
    result: { received: number; firstMs: number; lastMs: number };
  };
  /** Clears the whole capture, or one session's messages. */
  'capture.clear': { params: { sessionId?: string }; result: null };
  /** At most MAX_RECORDS_PER_REQUEST retained messages from `fromSeq` on. */
  'capture.records': {
    params: { fromSeq: number; count: number };
    result: { records: CaptureRecord[]; firstSeq: number; lastSeq: number };
  };
  /** Writes the capture to a JSON Lines file (progress events; cancellable). */
  'capture.export': { params: { path: string }; result: { written: number; missing: number; cancelled: boolean } };
  /** Reads a JSON Lines file into the capture (progress events; cancellable). */
  'capture.import': {
    params: { path: string; tag: string };
    result: { imported: number; skipped: number; errors: Array<{ line: number; message: string }>; cancelled: boolean };
  };
  /**
   * Resends the retained messages of [fromSeq, toSeq] from a session (with `panelId`: only those the inspector
   * panel's filter shows), at their original spacing divided by `speed` (2: twice as fast) or, with 'max', at
   * once (progress; cancellable).
   */
  'capture.replay': {
    params: { fromSeq: number; toSeq: number; sessionId: string; speed: number | 'max'; panelId?: string };
    result: { sent: number; of: number; elapsedMs: number; capturedMs: number };
  };
  'tap.start': {
    params: {
      id: string;
      name: string;
      pattern: TapPattern;
      listen: string;
      upstream: string;
      replyTimeoutMs: number;
      /** Serve a tcp listen address through the relay that reads each client's ZMTP commands (heartbeats, subscriptions). */
      watchConnections?: boolean;
    };
    result: TapSnapshot;
  };
  'tap.stop': { params: { id: string }; result: null };
  probe: { params: { address: string; timeoutMs: number }; result: ProbeResult };
  /**
   * Runs one scenario of a parsed scenario file with real sockets (or only the step at `onlyStepLine`);
   * its listener calls arrive as request events (ScenarioRunEvent); cancellable.
   */
  'scenario.run': {
    params: {
      file: ScenarioFile;
      scenarioName: string;
      onlyStepLine?: number;
      baseDir: string;
      layers: Array<{ source: string; values: ReadonlyMap<string, string> }>;
      defaultTimeoutMs: number;
      /** Tag of every message of the run. */
      tag: string;
      /** Keys the run's session ids, so that later runs of the file land on the same sessions. */
      sessionKey: string;
      /** "endpoint (file.zmq)" names the sessions. */
      fileName: string;
      /** A debug run: pauses before steps (breakpoint lines, stepping) with `paused` events; `scenario.debug` steers it. */
      debug?: { id: string; breakpoints: number[]; stopOnEntry?: boolean };
    };
    result: ScenarioResult;
  };
  /** Steers a debug run of `scenario.run` (by its debug id): continue, next step, pause, or new breakpoints. */
  'scenario.debug': {
    params: { id: string; action: 'continue' | 'next' | 'pause' | 'breakpoints'; breakpoints?: number[] };
    result: { running: boolean };
  };
  /**
   * The traffic generator on an open session: `frames` are scenario frame lines' format and template
   * ({{$seq}}, {{$timestamp}}, names from `layers`), sent per `plan` (progress events; cancellable).
   */
  'traffic.generate': {
    params: {
      sessionId: string;
      plan: GeneratorPlan;
      frames: Array<{ format: 'text' | 'json' | 'hex' | 'base64'; value: string }>;
      layers?: Array<{ source: string; values: ReadonlyMap<string, string> }>;
    };
    result: GeneratorReport;
  };
  /** "Why am I not receiving?" for an open session (cancellable: it may probe and sample for a while). */
  'diagnosis.session': { params: { id: string; security?: SessionSecurity; replyTimeoutMs: number }; result: Diagnosis };
  'diagnosis.tap': { params: { id: string }; result: Diagnosis };
  /** For an address with no session of ours: probes it (cancellable). */
  'diagnosis.address': { params: { address: string; socketType?: SocketTypeName }; result: Diagnosis };
  /** Tracks a sequence field (text form, e.g. "u32be@0", "json:seq") on a session, over what is captured too. */
  'diagnosis.track': {
    params: { id: string; field: string; publisher?: { kind: 'frame0' } | { kind: 'field'; field: string } };
    result: null;
  };
  'diagnosis.untrack': { params: { id: string }; result: null };
  /** Sequence fields proposed from the session's first messages. */
  'diagnosis.propose': { params: { id: string }; result: SequenceProposal[] };
  /** Reads a tcpdump/Wireshark file's ZeroMQ traffic into the capture (progress events; cancellable). */
  'capture.importPcap': { params: { path: string; tag: string; maxFrameBytes: number }; result: PcapImportResult & { cancelled: boolean } };
  /** A webview panel's backend (the inspector's or the monitor's), next to the store it reads. */
  'panel.open': { params: { panelId: string; kind: PanelKind; visible: boolean }; result: null };
  /** A message from the webview, relayed as it is: the panel's backend answers it (panel.post events). */
  'panel.message': { params: { panelId: string; message: { type: string } }; result: null };
  'panel.visible': { params: { panelId: string; visible: boolean }; result: null };
  'panel.close': { params: { panelId: string }; result: null };
  /** Sets inspector filter fields (and selects a message), from the monitor or a command. */
  'inspector.applyFilter': { params: { panelId: string; filter: Partial<FilterSpec>; selectSeq?: number }; result: null };
  /** How many messages an inspector panel's filter shows, and their first and last sequence numbers. */
  'inspector.shown': { params: { panelId: string }; result: { count: number; firstSeq?: number; lastSeq?: number } };
  /** Plots a field in a monitor panel; resolves with its label. */
  'monitor.plot': { params: { panelId: string; spec: FieldPlotSpec }; result: { label: string } };
  /** Aborts an earlier request still running (its reply says ECANCELED). */
  cancel: { params: { requestId: number }; result: { cancelled: boolean } };
  /** Closes every socket (bound ports free again) and flushes the spool; the engine exits after replying. */
  shutdown: { params: Record<string, never>; result: null };
}

export type EngineMethod = keyof EngineRequests;
export type EngineParams<M extends EngineMethod> = EngineRequests[M]['params'];
export type EngineResult<M extends EngineMethod> = EngineRequests[M]['result'];

export const MAX_RECORDS_PER_REQUEST = 1000;

// ---- engine -> host requests (what only the shell can do: settings, clipboard, pickers) ----

export interface HostRequests {
  'inspector.addRule': { params: { rule: RuleProposal }; result: null };
  /** The user picks where to resend message `seq` (and may edit it); resolves with what happened, in words. */
  'inspector.replay': { params: { seq: number }; result: { outcome: string } };
  'inspector.clipboard': { params: { text: string }; result: null };
  /** Where to write the inspector's `count` selected messages (JSON Lines); null when the user cancelled. */
  'inspector.exportPath': { params: { count: number }; result: { path: string | null } };
  /** The user picks one session to resend the selected messages from; resolves with what happened, in words. */
  'inspector.replaySelected': { params: { seqs: number[] }; result: { outcome: string } };
  /** Shows the monitor panel with this field plotted; resolves with its label. */
  'inspector.plotField': { params: { spec: FieldPlotSpec }; result: { label: string } };
  /** The monitor's clicks: show a message, or filter, in the inspector. */
  'monitor.openMessage': { params: { seq: number }; result: null };
  'monitor.filterInspector': { params: { filter: Partial<FilterSpec>; selectSeq?: number }; result: null };
  /** The keys and passwords a scenario's endpoint names (they live in VS Code's secret storage). */
  'security.resolve': { params: { security: EndpointSecurity }; result: SessionSecurity };
}

/** A scenario run's listener call, as a request event of `scenario.run`. */
export type ScenarioRunEvent =
  | { kind: 'scenarioStarted' }
  | { kind: 'stepStarted'; step: Step }
  | { kind: 'stepFinished'; result: StepResult }
  | { kind: 'paused'; step: Step; reason: PauseReason; state: PausedState };

export type PanelKind = 'inspector' | 'monitor';

export type HostMethod = keyof HostRequests;

// ---- engine -> host events ----

export interface EngineEvents {
  snapshot: EngineSnapshot;
  log: { level: 'debug' | 'info' | 'warn' | 'error'; message: string };
  /** Messages a panel's backend posted to its webview since the last tick (the webview's own protocol). */
  'panel.post': { panelId: string; messages: unknown[] };
  /** Progress of a long request (export, import, replay). */
  progress: { requestId: number; done: number; total: number; message: string };
  /** Something a running request reports on its way (a scenario's steps). */
  'request.event': { requestId: number; body: ScenarioRunEvent };
}

export type EngineEventName = keyof EngineEvents;
export type EngineEvent = { [E in EngineEventName]: { event: E; body: EngineEvents[E] } }[EngineEventName];

// ---- envelopes ----

export interface RequestEnvelope {
  kind: 'request';
  id: number;
  method: string;
  params: unknown;
}

export type ReplyEnvelope =
  { kind: 'reply'; id: number; result: unknown; error?: undefined } | { kind: 'reply'; id: number; error: EngineError };

/** Several events of one tick in one IPC message. */
export interface EventsEnvelope {
  kind: 'events';
  events: EngineEvent[];
}

export type HostToEngine = RequestEnvelope | ReplyEnvelope;
export type EngineToHost = RequestEnvelope | ReplyEnvelope | EventsEnvelope;

/** A reply as the caller sees it: errors are values. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: EngineError };
