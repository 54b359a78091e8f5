// Live traffic series for the monitoring panel: every second, the messages the capture store gained are
// counted per session and per topic (messages and bytes), and the values of plotted fields are read
// from the messages of their topic. Reads messages in place, at most a time budget per tick; keeps the
// busiest topics by name and folds the rest into "(other topics)", so memory stays bounded.
import { type CaptureStore, StoredMessageView } from '../capture/captureStore';
import { compileValue } from '../filter/filterExpression';
import { MessageSubject, type SubjectSessions, type TreeDecoder } from '../filter/filterSubject';

export interface RatePoint {
  /** Start of the second, ms since the epoch. */
  timeMs: number;
  messages: number;
  bytes: number;
}

export interface FieldPlotSpec {
  /** Exact topic (frame 0) the field is read from; '' for messages without a topic. */
  topic: string;
  /** An expression over the message, usually a path such as `$.price`. */
  path: string;
  /** Only messages of this session, when set. */
  sessionId?: string;
}

export interface FieldPoint {
  timeMs: number;
  value: number;
  seq: number;
}

/** What changed since the previous tick: new whole seconds and new field points. */
export interface TrafficTick {
  /** Seconds completed since the last tick, per series key. */
  sessions: Record<string, RatePoint[]>;
  topics: Record<string, RatePoint[]>;
  fields: Record<string, FieldPoint[]>;
  /** Messages not yet read (the tick's budget ran out), 0 when caught up. */
  behind: number;
}

export const OTHER_TOPICS = '(other topics)';
export const MAX_TOPIC_SERIES = 24;
export const MAX_FIELD_SERIES = 16;
const MAX_FIELD_POINTS_PER_TICK = 5000;
const TICK_BUDGET_MS = 20;
/** A message stamped earlier than this before the tick counts this many seconds back. */
const LATE_SECONDS = 10;

class Counter {
  /** Open second being counted. */
  second = -1;
  messages = 0;
  bytes = 0;
}

export class TrafficSampler {
  private readonly view = new StoredMessageView();
  private readonly subject: MessageSubject;
  private readonly utf8 = new TextDecoder();
  private readonly sessionCounters = new Map<string, Counter>();
  private readonly topicCounters = new Map<string, Counter>();
  private readonly fields = new Map<string, { spec: FieldPlotSpec; read: (subject: MessageSubject) => unknown }>();
  private scannedThrough: number;

  constructor(
    private readonly store: Pick<CaptureStore, 'readInto' | 'stats'>,
    sessions: SubjectSessions,
    decodeTree: TreeDecoder,
  ) {
    this.subject = new MessageSubject(sessions, decodeTree);
    // The panel shows traffic from when it opened: the backlog is not replayed.
    this.scannedThrough = store.stats().lastSeq;
  }

  /** Adds a plotted field; returns its series key. Throws FilterSyntaxError for a bad path. */
  plot(spec: FieldPlotSpec): string {
    const key = `${spec.sessionId ?? ''}\u0000${spec.topic}\u0000${spec.path}`;
    if (!this.fields.has(key)) {
      if (this.fields.size >= MAX_FIELD_SERIES) throw new Error(`At most ${MAX_FIELD_SERIES} fields can be plotted at once.`);
      this.fields.set(key, { spec, read: compileValue(spec.path) });
    }
    return key;
  }

  unplot(key: string): void {
    this.fields.delete(key);
  }

  /** Reads what arrived since the last tick; closes every second before `nowMs`. */
  tick(nowMs: number, budgetMs = TICK_BUDGET_MS): TrafficTick {
    const result: TrafficTick = { sessions: {}, topics: {}, fields: {}, behind: 0 };
    const stats = this.store.stats();
    const deadline = performance.now() + budgetMs;
    let seq = Math.max(this.scannedThrough + 1, stats.firstSeq);
    let fieldPoints = 0;
    // An import (a pcap, a JSON Lines file) or a restored spool brings messages stamped long ago: they arrived
    // now, and are counted a few seconds back at most, not as a burst hours before the panel opened.
    const oldestSecond = Math.floor(nowMs / 1000) - LATE_SECONDS;
    for (; seq <= stats.lastSeq; seq++) {
      // Every 16 messages: a plotted field decodes each message of its topic (tens of µs apiece).
      if ((seq & 15) === 0 && performance.now() > deadline) break;
      if (!this.store.readInto(seq, this.view)) continue;
      const v = this.view;
      const second = Math.max(oldestSecond, Math.floor(v.timeMs / 1000));
      this.count(this.sessionCounters, v.sessionId, second, v.size, result.sessions);
      const topic = v.hasTopic && v.frameCount ? this.utf8.decode(v.frame(0).subarray(0, 200)) : '';
      if (topic) {
        const key = this.topicCounters.has(topic) || this.topicCounters.size < MAX_TOPIC_SERIES ? topic : OTHER_TOPICS;
        this.count(this.topicCounters, key, second, v.size, result.topics);
      }
      if (this.fields.size && fieldPoints < MAX_FIELD_POINTS_PER_TICK) {
        let reset = false;
        for (const [key, field] of this.fields) {
          if (field.spec.topic !== topic || (field.spec.sessionId && field.spec.sessionId !== v.sessionId)) continue;
          if (!reset) {
            this.subject.reset(v);
            reset = true;
          }
          const value = toNumber(field.read(this.subject));
          if (value === undefined) continue;
          (result.fields[key] ??= []).push({ timeMs: v.timeMs, value, seq });
          fieldPoints++;
        }
      }
    }
    this.scannedThrough = seq - 1;
    result.behind = Math.max(0, stats.lastSeq - this.scannedThrough);
    // Seconds that ended with no message still end: a quiet series drops to zero.
    const nowSecond = Math.floor(nowMs / 1000);
    for (const [counters, out] of [
      [this.sessionCounters, result.sessions],
      [this.topicCounters, result.topics],
    ] as const)
      for (const [key, counter] of counters) this.close(counter, key, nowSecond, out);
    return result;
  }

  private count(counters: Map<string, Counter>, key: string, second: number, bytes: number, out: Record<string, RatePoint[]>): void {
    let counter = counters.get(key);
    if (!counter) {
      counter = new Counter();
      counter.second = second;
      counters.set(key, counter);
    }
    if (second > counter.second) this.close(counter, key, second, out);
    // A message stamped before the open second (an import, a clock step) counts in the open one.
    counter.messages++;
    counter.bytes += bytes;
  }

  /** Emits the open second and the empty ones up to `second` (at most a few minutes' worth). */
  private close(counter: Counter, key: string, second: number, out: Record<string, RatePoint[]>): void {
    if (second <= counter.second) return;
    const points = (out[key] ??= []);
    points.push({ timeMs: counter.second * 1000, messages: counter.messages, bytes: counter.bytes });
    for (let s = Math.max(counter.second + 1, second - 300); s < second; s++) points.push({ timeMs: s * 1000, messages: 0, bytes: 0 });
    counter.second = second;
    counter.messages = 0;
    counter.bytes = 0;
  }
}

/** `later` appended to `earlier` (two ticks read back to back): one tick's worth. */
export function mergeTicks(earlier: TrafficTick, later: TrafficTick): TrafficTick {
  const join = <T>(a: Record<string, T[]>, b: Record<string, T[]>) => {
    for (const [key, points] of Object.entries(b)) (a[key] ??= []).push(...points);
    return a;
  };
  return {
    sessions: join(earlier.sessions, later.sessions),
    topics: join(earlier.topics, later.topics),
    fields: join(earlier.fields, later.fields),
    behind: later.behind,
  };
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && value.trim() && value.length < 40) {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}
