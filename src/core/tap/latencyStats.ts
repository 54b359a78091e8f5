// Round-trip times of request/reply pairs: the last N kept in a ring, summarized on demand.

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Counts per bucket; `upperMs` is the bucket's inclusive upper bound (Infinity for the last). */
  histogram: { upperMs: number; count: number }[];
}

export const LATENCY_BUCKETS_MS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, Infinity];

export class LatencyStats {
  private readonly samples: Float64Array;
  private next = 0;
  private filled = 0;
  total = 0;

  constructor(capacity = 10_000) {
    this.samples = new Float64Array(capacity);
  }

  add(ms: number): void {
    this.samples[this.next] = ms;
    this.next = (this.next + 1) % this.samples.length;
    if (this.filled < this.samples.length) this.filled++;
    this.total++;
  }

  /** The round-trip times added after the `total`-th one, oldest first (those the ring still holds). */
  since(total: number): Float64Array {
    const count = Math.min(Math.max(0, this.total - total), this.filled);
    const out = new Float64Array(count);
    const size = this.samples.length;
    for (let i = 0; i < count; i++) out[i] = this.samples[(this.next - count + i + size) % size];
    return out;
  }

  /** Percentiles over the retained samples (the latest `capacity`). */
  summary(): LatencySummary {
    const sorted = this.samples.slice(0, this.filled).sort();
    const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0);
    const histogram = LATENCY_BUCKETS_MS.map((upperMs) => ({ upperMs, count: 0 }));
    let bucket = 0;
    for (const value of sorted) {
      while (value > LATENCY_BUCKETS_MS[bucket]) bucket++;
      histogram[bucket].count++;
    }
    return { count: this.total, p50: at(50), p90: at(90), p99: at(99), max: sorted.length ? sorted[sorted.length - 1] : 0, histogram };
  }
}
