// Event-loop delay: how late a timer due every `resolutionMs` ran, read from Node's monitorEventLoopDelay.
// Why a wrapper: that histogram records the whole interval between its timer's ticks, the sampling interval
// included. An idle loop sampled every 5 ms reads p50 5.2 ms, min 4.2; every 20 ms, p50 20.25 ms (Node 20,
// 2026-12-02). So a raw "p99 9 ms" at 5 ms resolution means 4 ms late. These figures subtract the
// resolution; a tick a little early (libuv's millisecond timer clock) counts as 0.
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** Milliseconds late: median, 99th percentile and worst. */
export interface EventLoopDelay {
  p50: number;
  p99: number;
  max: number;
}

export interface EventLoopDelayMonitor {
  /** Stops sampling and returns what was measured since the start. */
  stop(): EventLoopDelay;
}

export function startEventLoopDelay(resolutionMs = 5): EventLoopDelayMonitor {
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  const late = (ns: number) => Math.max(0, ns / 1e6 - resolutionMs);
  return {
    stop() {
      histogram.disable();
      // An empty histogram (stopped before its first tick) reports NaN or absurd values: nothing was late.
      if (histogram.count === 0) return { p50: 0, p99: 0, max: 0 };
      return { p50: late(histogram.percentile(50)), p99: late(histogram.percentile(99)), max: late(histogram.max) };
    },
  };
}
