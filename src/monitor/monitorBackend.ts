// The monitoring panel's host side without `vscode`: samples the capture store once a second while the
// panel is visible and pushes what is new; adds and removes plotted fields; relays the panel's clicks
// (open a message, filter the inspector) to whoever owns the inspector.
import type { CaptureStore } from '../core/capture/captureStore';
import type { TreeDecoder, SubjectSessions } from '../core/filter/filterSubject';
import { LatencySlices, SLICE_BUCKETS_MS, type LatencySource } from '../core/monitor/latencySlices';
import { mergeTicks, TrafficSampler, type FieldPlotSpec, type TrafficTick } from '../core/monitor/trafficSampler';
import {
  MonitorMessageType,
  type FieldSeriesUpdate,
  type FromMonitorMessage,
  type HealthUpdate,
  type RateSeriesUpdate,
  type TapLatencyView,
  type ToMonitorMessage,
} from '../shared/monitorProtocol';
import { buildHealth, type SessionHealthSource } from './monitorHealth';

export interface MonitorDeps {
  store: Pick<CaptureStore, 'readInto' | 'stats'>;
  sessions: SubjectSessions;
  decodeTree: TreeDecoder;
  openMessage(seq: number): void;
  filterInspector(filter: { topic?: string; fromMs?: number; toMs?: number; sessionId?: string }, selectSeq?: number): void;
  log(message: string): void;
  /** The open sessions with their monitor timelines and findings (absent: no sessions table). */
  sessionHealth?(): readonly SessionHealthSource[];
  /** The request-reply taps, for the latency chart. */
  latencySources?(): Iterable<LatencySource>;
}

export const MONITOR_TICK_MS = 1000;
/**
 * The capture is read in short slices four times a second (a flood of 50,000 messages a second with a
 * plotted field is a few ms of decoding per slice), so the engine's event loop never stops for long;
 * the panel still gets one update a second.
 */
const SAMPLE_EVERY_MS = 250;
const SAMPLE_BUDGET_MS = 4;
/** Kept to refill a panel that was hidden (its webview is rebuilt): ten minutes of seconds. */
const HISTORY_SECONDS = 600;
const HISTORY_FIELD_POINTS = 2000;

export class MonitorBackend {
  private sampler: TrafficSampler;
  private readonly labels = new Map<string, string>();
  private readonly history = {
    sessions: new Map<string, RateSeriesUpdate>(),
    topics: new Map<string, RateSeriesUpdate>(),
    fields: new Map<string, FieldSeriesUpdate>(),
    latency: new Map<string, TapLatencyView>(),
  };
  private readonly latency = new LatencySlices();
  private health: HealthUpdate = { sessions: [], hiddenSessions: 0, findings: [], hiddenFindings: 0 };
  private timer: ReturnType<typeof setInterval> | undefined;
  /** What the slices read since the last update. */
  private pending: TrafficTick | undefined;
  private lastUpdateMs = 0;
  private ready = false;
  private visible = true;

  constructor(
    private readonly deps: MonitorDeps,
    private readonly post: (message: ToMonitorMessage) => void,
  ) {
    this.sampler = new TrafficSampler(deps.store, deps.sessions, deps.decodeTree);
  }

  /** Plots a field (from "Plot this field"); returns its label. Throws on a bad path or too many fields. */
  plot(spec: FieldPlotSpec): string {
    const key = this.sampler.plot(spec);
    const label = `${spec.path.replace(/^\$\.?/, '') || spec.path} of ${spec.topic || '(no topic)'}`;
    this.labels.set(key, label);
    return label;
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    this.schedule();
  }

  handle(message: FromMonitorMessage): void {
    switch (message.type) {
      case MonitorMessageType.Ready:
        this.ready = true;
        this.post({ type: MonitorMessageType.Reset });
        this.post({
          type: MonitorMessageType.Update,
          nowMs: Date.now(),
          // Copies: the message may be serialized after the next tick appended to the kept arrays.
          sessions: copyOf(this.history.sessions),
          topics: copyOf(this.history.topics),
          fields: copyOf(this.history.fields),
          plotted: [...this.labels].map(([key, label]) => ({ key, label })),
          behind: 0,
          health: this.health,
          latency: [...this.history.latency.values()].map((tap) => ({ ...tap, slices: [...tap.slices] })),
        });
        this.schedule();
        this.tick(true);
        return;
      case MonitorMessageType.RemoveField:
        this.sampler.unplot(message.key);
        this.labels.delete(message.key);
        this.history.fields.delete(message.key);
        return;
      case MonitorMessageType.OpenMessage:
        if (Number.isSafeInteger(message.seq)) this.deps.openMessage(message.seq);
        return;
      case MonitorMessageType.FilterInspector: {
        const finite = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) ? n : undefined);
        const topic = typeof message.topic === 'string' ? message.topic.slice(0, 1000) : undefined;
        const sessionId = typeof message.sessionId === 'string' ? message.sessionId.slice(0, 200) : undefined;
        const selectSeq = Number.isSafeInteger(message.selectSeq) ? message.selectSeq : undefined;
        this.deps.filterInspector(
          { topic, fromMs: finite(message.fromMs), toMs: finite(message.toMs), ...(sessionId !== undefined ? { sessionId } : {}) },
          selectSeq,
        );
        return;
      }
      default:
        this.deps.log(`Monitor: unknown message ${JSON.stringify(message).slice(0, 200)}`);
    }
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.ready = false;
  }

  /** Samples while the panel exists, hidden or not, so that it reopens with its history. */
  private schedule(): void {
    const wanted = this.ready;
    if (wanted && !this.timer) this.timer = setInterval(() => this.tick(false), SAMPLE_EVERY_MS);
    if (!wanted && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private tick(update: boolean): void {
    const now = Date.now();
    const slice = this.sampler.tick(now, SAMPLE_BUDGET_MS);
    this.pending = this.pending ? mergeTicks(this.pending, slice) : slice;
    if (!update && now - this.lastUpdateMs < MONITOR_TICK_MS - SAMPLE_EVERY_MS / 2) return;
    const tick = this.pending;
    this.pending = undefined;
    this.lastUpdateMs = now;
    const name = (id: string) => this.deps.sessions.name(id);
    const sessions = Object.entries(tick.sessions).map(([key, points]) => ({ key, label: name(key), points }));
    const topics = Object.entries(tick.topics).map(([key, points]) => ({ key, label: key, points }));
    // The panel keeps the latest HISTORY_FIELD_POINTS of a field: a flood's older points would be sent to be dropped.
    const fields = Object.entries(tick.fields).map(([key, points]) => ({
      key,
      label: this.labels.get(key) ?? key,
      points: points.length > HISTORY_FIELD_POINTS ? points.slice(-HISTORY_FIELD_POINTS) : points,
    }));
    remember(this.history.sessions, sessions, HISTORY_SECONDS);
    remember(this.history.topics, topics, HISTORY_SECONDS);
    remember(this.history.fields, fields, HISTORY_FIELD_POINTS);
    const latency: TapLatencyView[] = this.latency
      .tick(this.deps.latencySources?.() ?? [], now)
      .map(({ id, name, slice }) => ({ id, name, bucketUpperMs: SLICE_BUCKETS_MS, slices: [slice] }));
    this.rememberLatency(latency);
    if (!this.ready || !this.visible) return;
    this.health = buildHealth(this.deps.sessionHealth?.() ?? []);
    this.post({
      type: MonitorMessageType.Update,
      nowMs: now,
      sessions,
      topics,
      fields,
      plotted: [...this.labels].map(([key, label]) => ({ key, label })),
      behind: tick.behind,
      health: this.health,
      latency,
    });
  }

  /** Keeps the last HISTORY_SECONDS slices of each tap still running. */
  private rememberLatency(latency: TapLatencyView[]): void {
    const kept = this.history.latency;
    for (const id of [...kept.keys()]) if (!latency.some((l) => l.id === id)) kept.delete(id);
    for (const update of latency) {
      const old = kept.get(update.id);
      if (!old) kept.set(update.id, { ...update, slices: [...update.slices] });
      else {
        old.name = update.name;
        old.slices.push(...update.slices);
        if (old.slices.length > HISTORY_SECONDS) old.slices.splice(0, old.slices.length - HISTORY_SECONDS);
      }
    }
  }
}

function copyOf<T extends { points: unknown[] }>(history: Map<string, T>): T[] {
  return [...history.values()].map((series) => ({ ...series, points: [...series.points] }));
}

function remember<T extends { key: string; label: string; points: unknown[] }>(history: Map<string, T>, updates: T[], keep: number): void {
  for (const update of updates) {
    const kept = history.get(update.key);
    if (!kept) {
      history.set(update.key, { ...update, points: update.points.slice(-keep) });
      continue;
    }
    kept.label = update.label;
    kept.points.push(...update.points);
    if (kept.points.length > keep) kept.points.splice(0, kept.points.length - keep);
  }
}
