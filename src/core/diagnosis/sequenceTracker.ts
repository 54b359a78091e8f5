// Loss detection from sequence numbers: per publisher, the highest number seen and a window of the recent
// ones tell apart a gap (numbers skipped), a duplicate (seen again), a late arrival (reordered: it fills
// a gap) and a restart (back to 0 or 1, or far behind). It runs on the capture path of a tracked session:
// the in-order case is one comparison and one array write; time is read only when something is wrong.
import { compileKeyReader, compileSequenceField, type FieldReader, type PublisherKey, type SequenceField } from './sequenceField';

export interface SequenceGap {
  publisher: string;
  /** First and last missing sequence numbers. */
  from: number;
  to: number;
  /** Still missing: the gap's size less the late arrivals that filled part of it. */
  missing: number;
  /** Capture seqs of the message before and after the gap (0 when the earlier one was not captured). */
  afterCaptureSeq: number;
  beforeCaptureSeq: number;
  /** When the message after the gap was captured (ms since the epoch). */
  timeMs: number;
}

export interface SequenceAnomaly {
  kind: 'duplicate' | 'reordered' | 'restart';
  publisher: string;
  value: number;
  /** The highest number seen before it. */
  previous: number;
  captureSeq: number;
  timeMs: number;
}

export interface PublisherReport {
  publisher: string;
  received: number;
  first: number;
  firstCaptureSeq: number;
  firstTimeMs: number;
  last: number;
  gaps: number;
  missing: number;
  duplicates: number;
  reordered: number;
  restarts: number;
}

export interface SequenceReport {
  field: SequenceField;
  publishers: PublisherReport[];
  /** Messages without a readable sequence number (another topic, another format). */
  unreadable: number;
  /** Recent gaps, oldest first (bounded). */
  gaps: SequenceGap[];
  /** Recent duplicates, late arrivals and restarts, oldest first (bounded). */
  anomalies: SequenceAnomaly[];
  totals: { received: number; gaps: number; missing: number; duplicates: number; reordered: number; restarts: number };
}

export interface SequenceTrackerOptions {
  publisher?: PublisherKey;
  /** Only messages whose frame 0 starts with these bytes are tracked. */
  topicPrefix?: Uint8Array;
  /** Numbers remembered behind the highest, to tell a duplicate from a late arrival. Default 4096. */
  window?: number;
  /** Gaps and anomalies kept for the report and the inspector's markers. Default 10,000 each. */
  maxEvents?: number;
  /** Publishers told apart; the rest share one line. Default 1000. */
  maxPublishers?: number;
  /** The clock (tests pass their own). */
  now?: () => number;
}

const OTHER_PUBLISHERS = '(other publishers)';
const MAX_PUBLISHER_KEY_BYTES = 64;

class PublisherState {
  received = 0;
  first = -1;
  firstCaptureSeq = 0;
  firstTimeMs = 0;
  last = -1;
  lastCaptureSeq = 0;
  gaps = 0;
  missing = 0;
  duplicates = 0;
  reordered = 0;
  restarts = 0;
  /** seen[v % size] is 1 when v, within (last - size, last], arrived. */
  readonly seen: Uint8Array;

  constructor(
    readonly publisher: string,
    size: number,
  ) {
    this.seen = new Uint8Array(size);
  }
}

export class SequenceTracker {
  readonly field: SequenceField;
  private readonly read: FieldReader;
  private readonly readPublisher?: (frames: readonly Uint8Array[]) => string | undefined;
  private readonly topicPrefix?: Uint8Array;
  private readonly windowSize: number;
  private readonly maxEvents: number;
  private readonly maxPublishers: number;
  private readonly now: () => number;
  private single?: PublisherState;
  private readonly publishers = new Map<string, PublisherState>();
  private unreadable = 0;
  private readonly gapList: SequenceGap[] = [];
  private readonly gapByCaptureSeq = new Map<number, SequenceGap>();
  private readonly anomalyList: SequenceAnomaly[] = [];
  /** When the message being observed was captured, if the caller said (else the clock is read on an anomaly). */
  private at: number | undefined;
  /** Bumped whenever a gap or an anomaly is recorded: views compare it instead of rereading. */
  version = 0;

  constructor(field: SequenceField, options: SequenceTrackerOptions = {}) {
    this.field = field;
    this.read = compileSequenceField(field);
    this.topicPrefix = options.topicPrefix?.length ? options.topicPrefix : undefined;
    this.windowSize = Math.max(16, options.window ?? 4096);
    this.maxEvents = Math.max(1, options.maxEvents ?? 10_000);
    this.maxPublishers = Math.max(1, options.maxPublishers ?? 1000);
    this.now = options.now ?? Date.now;
    const publisher = options.publisher;
    if (publisher?.kind === 'frame0') this.readPublisher = (frames) => (frames.length > 1 ? keyText(frames[0]) : undefined);
    else if (publisher?.kind === 'field') this.readPublisher = compileKeyReader(publisher.field, MAX_PUBLISHER_KEY_BYTES);
  }

  /** Feeds one captured message; `timeMs` when it was captured (default: now, read only for an anomaly). */
  observe(frames: readonly Uint8Array[], captureSeq: number, timeMs?: number): void {
    if (this.topicPrefix && !startsWith(frames[0], this.topicPrefix)) return;
    const value = this.read(frames);
    if (value < 0) {
      this.unreadable++;
      return;
    }
    const state = this.readPublisher ? this.stateFor(this.readPublisher(frames) ?? '') : (this.single ??= this.newState(''));
    this.at = timeMs;
    this.advance(state, value, captureSeq);
  }

  private timeOf(): number {
    return this.at ?? this.now();
  }

  /** The gap that ends just before the message `captureSeq`, for the inspector's marker. */
  gapBefore(captureSeq: number): SequenceGap | undefined {
    return this.gapByCaptureSeq.get(captureSeq);
  }

  /** Recent gaps, oldest first (bounded by maxEvents): the inspector's marker rows. */
  recentGaps(): readonly SequenceGap[] {
    return this.gapList;
  }

  /** The tracked number in these frames, or undefined (another topic, unreadable): the inspector's column. */
  valueOf(frames: readonly Uint8Array[]): number | undefined {
    if (this.topicPrefix && !startsWith(frames[0], this.topicPrefix)) return undefined;
    const value = this.read(frames);
    return value < 0 ? undefined : value;
  }

  report(): SequenceReport {
    const states = this.single ? [this.single, ...this.publishers.values()] : [...this.publishers.values()];
    const publishers = states.map((s): PublisherReport => ({
      publisher: s.publisher,
      received: s.received,
      first: s.first,
      firstCaptureSeq: s.firstCaptureSeq,
      firstTimeMs: s.firstTimeMs,
      last: s.last,
      gaps: s.gaps,
      missing: s.missing,
      duplicates: s.duplicates,
      reordered: s.reordered,
      restarts: s.restarts,
    }));
    const totals = { received: 0, gaps: 0, missing: 0, duplicates: 0, reordered: 0, restarts: 0 };
    for (const p of publishers) {
      totals.received += p.received;
      totals.gaps += p.gaps;
      totals.missing += p.missing;
      totals.duplicates += p.duplicates;
      totals.reordered += p.reordered;
      totals.restarts += p.restarts;
    }
    return {
      field: this.field,
      publishers,
      unreadable: this.unreadable,
      gaps: this.gapList.map((g) => ({ ...g })),
      anomalies: [...this.anomalyList],
      totals,
    };
  }

  private stateFor(key: string): PublisherState {
    let state = this.publishers.get(key);
    if (state) return state;
    if (this.publishers.size >= this.maxPublishers) {
      state = this.publishers.get(OTHER_PUBLISHERS);
      if (state) return state;
      key = OTHER_PUBLISHERS;
    }
    state = this.newState(key);
    this.publishers.set(key, state);
    return state;
  }

  private newState(publisher: string): PublisherState {
    return new PublisherState(publisher, this.windowSize);
  }

  private advance(s: PublisherState, value: number, captureSeq: number): void {
    const size = this.windowSize;
    const seen = s.seen;
    s.received++;
    const last = s.last;
    if (value === last + 1 && last >= 0) {
      seen[value % size] = 1;
      s.last = value;
      s.lastCaptureSeq = captureSeq;
      return;
    }
    if (last < 0) {
      s.first = value;
      s.firstCaptureSeq = captureSeq;
      s.firstTimeMs = this.timeOf();
      s.last = value;
      s.lastCaptureSeq = captureSeq;
      seen[value % size] = 1;
      return;
    }
    if (value > last) {
      const skipped = value - last - 1;
      // Forget what leaves the window: the skipped numbers were not seen.
      const clear = Math.min(skipped, size);
      for (let i = 1; i <= clear; i++) seen[(value - i) % size] = 0;
      seen[value % size] = 1;
      s.gaps++;
      s.missing += skipped;
      this.addGap({
        publisher: s.publisher,
        from: last + 1,
        to: value - 1,
        missing: skipped,
        afterCaptureSeq: s.lastCaptureSeq,
        beforeCaptureSeq: captureSeq,
        timeMs: this.timeOf(),
      });
      s.last = value;
      s.lastCaptureSeq = captureSeq;
      return;
    }
    // Behind the highest number seen: a duplicate, a late arrival, or a restart.
    const inWindow = last - value < size;
    const wasSeen = inWindow && seen[value % size] === 1;
    // Far behind (out of the window), or back to 0/1 from further on: the publisher restarted.
    if (!inWindow || (value <= 1 && (wasSeen || last - value > 1))) {
      s.restarts++;
      this.addAnomaly('restart', s, value, captureSeq);
      seen.fill(0);
      seen[value % size] = 1;
      s.last = value;
      s.lastCaptureSeq = captureSeq;
      return;
    }
    if (wasSeen) {
      s.duplicates++;
      this.addAnomaly('duplicate', s, value, captureSeq);
      return;
    }
    seen[value % size] = 1;
    s.reordered++;
    s.missing--;
    this.fillGap(s.publisher, value);
    this.addAnomaly('reordered', s, value, captureSeq);
  }

  private addGap(gap: SequenceGap): void {
    this.gapList.push(gap);
    this.gapByCaptureSeq.set(gap.beforeCaptureSeq, gap);
    if (this.gapList.length > this.maxEvents) {
      const old = this.gapList.shift()!;
      if (this.gapByCaptureSeq.get(old.beforeCaptureSeq) === old) this.gapByCaptureSeq.delete(old.beforeCaptureSeq);
    }
    this.version++;
  }

  /** A late number arrived: the gap it belonged to has one fewer missing (searching recent gaps only). */
  private fillGap(publisher: string, value: number): void {
    for (let i = this.gapList.length - 1, looked = 0; i >= 0 && looked < 256; i--, looked++) {
      const gap = this.gapList[i];
      if (gap.publisher === publisher && value >= gap.from && value <= gap.to) {
        gap.missing--;
        return;
      }
    }
  }

  private addAnomaly(kind: SequenceAnomaly['kind'], s: PublisherState, value: number, captureSeq: number): void {
    this.anomalyList.push({ kind, publisher: s.publisher, value, previous: s.last, captureSeq, timeMs: this.timeOf() });
    if (this.anomalyList.length > this.maxEvents) this.anomalyList.shift();
    this.version++;
  }
}

function startsWith(frame: Uint8Array | undefined, prefix: Uint8Array): boolean {
  if (!frame || frame.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (frame[i] !== prefix[i]) return false;
  return true;
}

function keyText(frame: Uint8Array): string {
  const bytes = frame.length > MAX_PUBLISHER_KEY_BYTES ? frame.subarray(0, MAX_PUBLISHER_KEY_BYTES) : frame;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}
