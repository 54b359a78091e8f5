// The monitoring panel's host side without `vscode`: samples the capture store once a second while the
// panel is visible and pushes what is new; adds and removes plotted fields; relays the panel's clicks
// (open a message, filter the inspector) to whoever owns the inspector.
import type { CaptureStore } from '../core/capture/captureStore';
import type { TreeDecoder, SubjectSessions } from '../core/filter/filterSubject';
import { TrafficSampler, type FieldPlotSpec } from '../core/monitor/trafficSampler';
import {
  MonitorMessageType,
  type FieldSeriesUpdate,
  type FromMonitorMessage,
  type RateSeriesUpdate,
  type ToMonitorMessage,
} from '../shared/monitorProtocol';

export interface MonitorDeps {
  store: Pick<CaptureStore, 'readInto' | 'stats'>;
  sessions: SubjectSessions;
  decodeTree: TreeDecoder;
  openMessage(seq: number): void;
  filterInspector(filter: { topic?: string; fromMs?: number; toMs?: number }): void;
  log(message: string): void;
}

export const MONITOR_TICK_MS = 1000;
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
  };
  private timer: ReturnType<typeof setInterval> | undefined;
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
          sessions: [...this.history.sessions.values()],
          topics: [...this.history.topics.values()],
          fields: [...this.history.fields.values()],
          plotted: [...this.labels].map(([key, label]) => ({ key, label })),
          behind: 0,
        });
        this.schedule();
        this.tick();
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
        this.deps.filterInspector({ topic, fromMs: finite(message.fromMs), toMs: finite(message.toMs) });
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
    if (wanted && !this.timer) this.timer = setInterval(() => this.tick(), MONITOR_TICK_MS);
    if (!wanted && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private tick(): void {
    const now = Date.now();
    const tick = this.sampler.tick(now);
    const name = (id: string) => this.deps.sessions.name(id);
    const sessions = Object.entries(tick.sessions).map(([key, points]) => ({ key, label: name(key), points }));
    const topics = Object.entries(tick.topics).map(([key, points]) => ({ key, label: key, points }));
    const fields = Object.entries(tick.fields).map(([key, points]) => ({ key, label: this.labels.get(key) ?? key, points }));
    remember(this.history.sessions, sessions, HISTORY_SECONDS);
    remember(this.history.topics, topics, HISTORY_SECONDS);
    remember(this.history.fields, fields, HISTORY_FIELD_POINTS);
    if (!this.ready || !this.visible) return;
    this.post({
      type: MonitorMessageType.Update,
      nowMs: now,
      sessions,
      topics,
      fields,
      plotted: [...this.labels].map(([key, label]) => ({ key, label })),
      behind: tick.behind,
    });
  }
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
