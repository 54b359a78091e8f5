// What the engine gave up to stay within its budgets, for the user: how many messages (and bytes), where,
// and why. Each place that sheds keeps its own counters; this turns them into lines the UI shows as they
// are (status bar tooltip, tap tree items).
import type { CaptureStats } from '../types';
import type { CorrelatorShedding } from '../tap/requestCorrelator';

export interface Shedding {
  /** Where it happened: "capture", "tap orders-tap". */
  where: string;
  /** Why, in words the user can act on (which setting bounds it). */
  why: string;
  count: number;
  /** What `count` counts. */
  unit: 'messages' | 'frames' | 'requests';
  bytes?: number;
}

/** The capture store's shedding: evicted by the budget, dropped on arrival for size, frames truncated. */
export function captureShedding(stats: CaptureStats): Shedding[] {
  const out: Shedding[] = [];
  const evicted = stats.dropped - stats.oversized;
  if (evicted > 0)
    out.push({
      where: 'capture',
      why: 'the capture budget (zeromq.capture.maxBytes, maxMessages) was full: the oldest were dropped',
      count: evicted,
      unit: 'messages',
      bytes: stats.droppedBytes - stats.oversizedBytes,
    });
  if (stats.oversized > 0)
    out.push({
      where: 'capture',
      why: 'each was bigger than the whole capture budget (zeromq.capture.maxBytes): dropped on arrival',
      count: stats.oversized,
      unit: 'messages',
      bytes: stats.oversizedBytes,
    });
  if (stats.truncatedFrames > 0)
    out.push({
      where: 'capture',
      why: 'longer than zeromq.capture.maxFrameBytes: kept truncated, with their true size',
      count: stats.truncatedFrames,
      unit: 'frames',
    });
  return out;
}

/** A request-reply tap's shedding: requests forgotten before their reply (their replies are not timed). */
export function tapShedding(tapName: string, shedding: CorrelatorShedding | undefined): Shedding[] {
  if (!shedding?.forgottenRequests) return [];
  return [
    {
      where: `tap ${tapName}`,
      why: `forgotten before their reply, so not timed: ${shedding.reason ?? 'too many pending'}`,
      count: shedding.forgottenRequests,
      unit: 'requests',
    },
  ];
}

/** One line: "capture: 1,204 messages (3.1 MiB): the capture budget … was full: the oldest were dropped". */
export function describeShedding(s: Shedding): string {
  const bytes = s.bytes === undefined ? '' : ` (${(s.bytes / 1048576).toFixed(1)} MiB)`;
  return `${s.where}: ${s.count.toLocaleString('en-US')} ${s.unit}${bytes}: ${s.why}`;
}
