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
}

export type ToMonitorMessage = MonitorUpdate | { type: MonitorMessageType.Reset };

export type FromMonitorMessage =
  | { type: MonitorMessageType.Ready }
  | { type: MonitorMessageType.RemoveField; key: string }
  | { type: MonitorMessageType.OpenMessage; seq: number }
  | { type: MonitorMessageType.FilterInspector; topic?: string; fromMs?: number; toMs?: number };
