// The request-reply taps' round-trip times over time, for the monitoring panel: every tick, the round
// trips each tap measured since the previous tick become one slice (counts per latency bucket, p50, p99,
// max). The tap's ring keeps the last 10,000 round trips; a tick that finds more new ones than that counts
// what the ring still holds.
import { LATENCY_BUCKETS_MS } from '../tap/latencyStats';

export interface LatencySource {
  id: string;
  name: string;
  latencySince(total: number): { total: number; samples: Float64Array };
}

export interface LatencySlice {
  timeMs: number;
  counts: number[];
  p50: number;
  p99: number;
  max: number;
}

/** The buckets' finite upper bounds; the last bucket is open. */
export const SLICE_BUCKETS_MS = LATENCY_BUCKETS_MS.filter((b) => Number.isFinite(b));

export class LatencySlices {
  private readonly seen = new Map<string, number>();

  /** One slice per tap that measured something since the last call (an idle tap adds an empty one). */
  tick(taps: Iterable<LatencySource>, nowMs: number): Array<{ id: string; name: string; slice: LatencySlice }> {
    const out: Array<{ id: string; name: string; slice: LatencySlice }> = [];
    const live = new Set<string>();
    for (const tap of taps) {
      live.add(tap.id);
      const before = this.seen.get(tap.id);
      const { total, samples } = tap.latencySince(before ?? Number.MAX_SAFE_INTEGER);
      this.seen.set(tap.id, total);
      // The first look only learns where the tap stands: what it measured before the panel opened is not replayed.
      if (before === undefined) continue;
      out.push({ id: tap.id, name: tap.name, slice: sliceOf(samples, nowMs) });
    }
    for (const id of [...this.seen.keys()]) if (!live.has(id)) this.seen.delete(id);
    return out;
  }
}

export function sliceOf(samples: Float64Array, timeMs: number): LatencySlice {
  const counts = new Array<number>(SLICE_BUCKETS_MS.length + 1).fill(0);
  if (!samples.length) return { timeMs, counts, p50: 0, p99: 0, max: 0 };
  const sorted = Float64Array.from(samples).sort();
  let bucket = 0;
  for (const value of sorted) {
    while (bucket < SLICE_BUCKETS_MS.length && value > SLICE_BUCKETS_MS[bucket]) bucket++;
    counts[bucket]++;
  }
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { timeMs, counts, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] };
}
