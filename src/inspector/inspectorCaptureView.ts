// The inspector's list: the store's messages that match one filter, addressable by index, kept up to
// date incrementally (new messages scanned once, evicted ones trimmed from the front). A filter with a
// field expression (a predicate that may decode every message) is evaluated in slices by advance(), so
// a million messages never hold the event loop: the list fills as the scan goes.
import type { CaptureStore } from '../core/capture/captureStore';
import type { CaptureFilter, CaptureStats } from '../core/types';

/** The part of the CaptureStore the inspector reads. */
export type CaptureSource = Pick<CaptureStore, 'version' | 'get' | 'stats' | 'filter' | 'readInto'>;

/** Candidates tested between two looks at the clock. */
const SCAN_CHUNK = 1024;

export class CaptureView {
  /** Matching seqs live in seqs[head, tail); evicted ones are skipped by moving head. */
  private seqs = new Float64Array(0);
  private head = 0;
  private tail = 0;
  /** Without a filter and without holes, index i is simply firstSeq + i: no list is kept. */
  private readonly contiguous: boolean;
  private baseSeq = 0;
  private scannedThrough = 0;
  private seen: CaptureStats;
  private seenVersion: number;
  /** Matching rows dropped from the front since this view was built. */
  evicted = 0;

  private constructor(
    private readonly source: CaptureSource,
    readonly filter: CaptureFilter | undefined,
    readonly generation: number,
    private readonly predicate?: (seq: number) => boolean,
  ) {
    this.seen = source.stats();
    this.seenVersion = source.version;
    if (predicate) {
      // Nothing scanned yet: advance() does it in slices.
      this.contiguous = false;
      this.scannedThrough = this.seen.firstSeq - 1;
      return;
    }
    this.scannedThrough = this.seen.lastSeq;
    this.contiguous = !filter && this.isContiguous(this.seen);
    if (this.contiguous) {
      this.baseSeq = this.firstRetainedOrNext(this.seen);
      return;
    }
    const matches = source.filter(filter ?? {});
    this.seqs = new Float64Array(Math.max(1024, matches.length * 1.25));
    this.seqs.set(matches);
    this.tail = matches.length;
  }

  static build(
    source: CaptureSource,
    filter: CaptureFilter | undefined,
    generation: number,
    predicate?: (seq: number) => boolean,
  ): CaptureView {
    return new CaptureView(source, filter, generation, predicate);
  }

  /** Messages still to be tested by the predicate, as a fraction of those retained (0 when done). */
  get pendingFraction(): number {
    if (!this.predicate) return 0;
    const stats = this.source.stats();
    const left = stats.lastSeq - Math.max(this.scannedThrough, stats.firstSeq - 1);
    return stats.retained ? Math.min(1, Math.max(0, left / (stats.lastSeq - stats.firstSeq + 1))) : 0;
  }

  /**
   * Tests messages not yet scanned against the predicate until caught up or `budgetMs` is spent, in
   * chunks of the byte-level filter's candidates. Returns true when caught up with the store.
   */
  advance(budgetMs: number): boolean {
    if (!this.predicate) return true;
    const deadline = performance.now() + budgetMs;
    for (;;) {
      const last = this.source.stats().lastSeq;
      if (this.scannedThrough >= last) return true;
      const candidates = this.source.filter(this.filter ?? {}, this.scannedThrough + 1, SCAN_CHUNK);
      for (const seq of candidates) if (this.predicate(seq)) this.push(seq);
      this.scannedThrough = candidates.length === SCAN_CHUNK ? candidates[candidates.length - 1] : last;
      if (performance.now() >= deadline) return this.scannedThrough >= last;
    }
  }

  /** The last store seq this view has looked at: later messages are not in it yet. */
  get scannedSeq(): number {
    return this.scannedThrough;
  }

  get count(): number {
    if (this.contiguous) return this.seen.retained;
    return this.tail - this.head;
  }

  /** Seq at list index, or undefined past the end. */
  seqAt(index: number): number | undefined {
    if (index < 0 || index >= this.count) return undefined;
    return this.contiguous ? this.seen.firstSeq + index : this.seqs[this.head + index];
  }

  /** List index of the first row whose seq is >= seq (count when none). */
  indexAtOrAfter(seq: number): number {
    if (this.contiguous) return Math.min(this.count, Math.max(0, seq - this.seen.firstSeq));
    let low = this.head;
    let high = this.tail;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.seqs[middle] < seq) low = middle + 1;
      else high = middle;
    }
    return low - this.head;
  }

  /**
   * Catches up with the store. Returns false when the store changed in a way other than appending
   * and evicting the oldest (cleared, a session's messages removed): build a new view then.
   */
  update(): boolean {
    const version = this.source.version;
    if (version === this.seenVersion) return true;
    const stats = this.source.stats();
    const appended = stats.total - this.seen.total;
    const dropped = stats.dropped - this.seen.dropped;
    if (appended < 0 || dropped < 0 || stats.retained !== this.seen.retained + appended - dropped || stats.lastSeq < this.seen.lastSeq)
      return false;
    if (this.contiguous) {
      if (!this.isContiguous(stats)) return false;
      this.evicted = this.firstRetainedOrNext(stats) - this.baseSeq;
    } else {
      while (this.head < this.tail && this.seqs[this.head] < stats.firstSeq) {
        this.head++;
        this.evicted++;
      }
      // Only the new messages are scanned, in place by the store (no record is materialized); with a
      // predicate, advance() scans them.
      if (!this.predicate) for (const seq of this.source.filter(this.filter ?? {}, this.scannedThrough + 1)) this.push(seq);
    }
    if (!this.predicate) this.scannedThrough = stats.lastSeq;
    this.seen = stats;
    this.seenVersion = version;
    return true;
  }

  /** The seq the list starts at: the oldest retained, or the next to come when nothing is retained. */
  private firstRetainedOrNext(stats: CaptureStats): number {
    return stats.retained === 0 ? stats.lastSeq + 1 : stats.firstSeq;
  }

  private isContiguous(stats: CaptureStats): boolean {
    return stats.retained === 0 || stats.lastSeq - stats.firstSeq + 1 === stats.retained;
  }

  private push(seq: number): void {
    if (this.tail === this.seqs.length) {
      const live = this.tail - this.head;
      if (live * 2 > this.seqs.length || this.seqs.length === 0) {
        const grown = new Float64Array(Math.max(1024, this.seqs.length * 2));
        grown.set(this.seqs.subarray(this.head, this.tail));
        this.seqs = grown;
      } else {
        this.seqs.copyWithin(0, this.head, this.tail);
      }
      this.tail = live;
      this.head = 0;
    }
    this.seqs[this.tail++] = seq;
  }
}
