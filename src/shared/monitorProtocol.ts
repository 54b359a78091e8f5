// The conversation between the monitoring panel's webview and its host. Both sides import this file.
// Updates are pushed about once a second and carry only what is new (closed seconds, new field points).

export enum MonitorMessageType {
  // ---- to webview ----
  Update = 'update',
  /** Forget every series (the panel was reopened or the capture cleared). */
  Reset = 'reset',
  // ---- from webview ----
  Ready = 'ready',
  RemoveField = 'removeField',
  /** Show this message in the inspector. */
  OpenMessage = 'openMessage',
  /** Filter the inspector to a topic and/or a time range. */
  FilterInspector = 'filterInspector',
}

export interface RatePointView {
  timeMs: number;
  messages: number;
  bytes: number;
}

export interface RateSeriesUpdate {
  key: string;
  label: string;
  points: RatePointView[];
}

export interface FieldSeriesUpdate {
  key: string;
  /** "price of ticks.EURUSD" */
  label: string;
  points: { timeMs: number; value: number; seq: number }[];
}

/** One remote address of a session: its state now and since when (from the session's monitor events). */
export interface PeerView {
  address: string;
  state: string;
  /** ms since the epoch; 0 when unknown. */
  sinceMs: number;
  connections: number;
  detail?: string;
  repeats?: number;
}

export interface SessionHealthView {
  id: string;
  name: string;
  /** "SUB connect" */
  kind: string;
  state: string;
  /** Messages in and out over the last second. */
  rate: number;
  peers: PeerView[];
  /** Peers left out of `peers` (budget). */
  hiddenPeers: number;
  routingPeerCount: number;
  /** Why the session is in trouble, in one line (diagnosis), when it is. */
  cause?: string;
}

/** A diagnosis finding of one session; a click filters the inspector to the session and selects `seq`. */
export interface FindingView {
  sessionId: string;
  sessionName: string;
  severity: 'error' | 'warning' | 'info';
  title: string;
  detail?: string;
  /** The first captured message the finding rests on. */
  seq?: number;
}

/** A request-reply tap's round-trip times in one second. */
export interface LatencySliceView {
  timeMs: number;
  /** Pairs per bucket (bucketUpperMs, then one more for everything above the last bound). */
  counts: number[];
  p50: number;
  p99: number;
  max: number;
}

export interface TapLatencyView {
  id: string;
  name: string;
  /** Inclusive upper bounds of the buckets but the last (which is open). */
  bucketUpperMs: number[];
  /** New seconds since the last update. */
  slices: LatencySliceView[];
}

export interface HealthUpdate {
  sessions: SessionHealthView[];
  hiddenSessions: number;
  findings: FindingView[];
  hiddenFindings: number;
}

export interface MonitorUpdate {
  type: MonitorMessageType.Update;
  nowMs: number;
  sessions: RateSeriesUpdate[];
  topics: RateSeriesUpdate[];
  fields: FieldSeriesUpdate[];
  /** Fields plotted now (a field with no new point is still listed). */
  plotted: { key: string; label: string }[];
  /** Messages the sampler has not read yet (it is behind a flood), 0 when caught up. */
  behind: number;
  /** Sessions with their peers, and diagnosis findings: the whole picture now (not a delta). */
  health: HealthUpdate;
  latency: TapLatencyView[];
}

export type ToMonitorMessage = MonitorUpdate | { type: MonitorMessageType.Reset };

export type FromMonitorMessage =
  | { type: MonitorMessageType.Ready }
  | { type: MonitorMessageType.RemoveField; key: string }
  | { type: MonitorMessageType.OpenMessage; seq: number }
  | { type: MonitorMessageType.FilterInspector; topic?: string; fromMs?: number; toMs?: number; sessionId?: string; selectSeq?: number };
