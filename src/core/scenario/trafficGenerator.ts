// The traffic generator and replay: messages at a fixed rate or in bursts, for a duration or a count,
// from frame templates expanded per message; and a JSON Lines capture played back at its own timing,
// scaled or as fast as possible. Both report what they achieved, not what was asked.
import { createReadStream } from 'node:fs';
import { CaptureStore } from '../capture/captureStore';
import { importJsonLinesFromStream } from '../capture/captureJsonl';
import { framesForReplay } from '../capture/replayFrames';
import type { Session } from '../session/session';

export interface GeneratorPlan {
  /** Messages per second; absent: as fast as the socket takes them. */
  rate?: number;
  durationMs?: number;
  count?: number;
  burst?: { size: number; everyMs: number };
}

export interface GeneratorReport {
  sent: number;
  elapsedMs: number;
  /** Messages per second actually sent. */
  achievedRate: number;
  targetRate?: number;
  /** Send errors (a ROUTER's unroutable peer, for example); the first one is kept. */
  failed: number;
  firstError?: string;
  /** How the socket handles its high-water mark, since PUB drops there without telling anyone. */
  hwmNote: string;
}

/** Sends at most this many messages before giving timers and I/O a turn. */
const SLICE = 512;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done);
  });

export function hwmNote(type: Session['type']): string {
  if (type === 'PUB' || type === 'XPUB') return 'PUB drops at its send high-water mark without telling the sender: count at the receivers';
  if (type === 'ROUTER') return 'ROUTER (mandatory) reports unroutable peers as failed sends';
  return `${type} waits at its send high-water mark: a slow peer shows as a rate below target, nothing is dropped`;
}

/** Progress callbacks come at most this often: a long run reports, a fast one does not flood its host. */
export const PROGRESS_INTERVAL_MS = 250;

/**
 * Sends `next()` messages on `session` according to `plan` until the count or duration is reached, or `signal` aborts.
 * `onProgress` hears the messages sent so far, at most every PROGRESS_INTERVAL_MS.
 */
export async function generateTraffic(
  session: Pick<Session, 'type' | 'send' | 'isClosed'>,
  plan: GeneratorPlan,
  next: () => Uint8Array[],
  signal?: AbortSignal,
  onProgress?: (sent: number, elapsedMs: number) => void,
): Promise<GeneratorReport> {
  const limit = plan.count ?? Infinity;
  const endAt = plan.durationMs !== undefined ? plan.durationMs : Infinity;
  const report: GeneratorReport = {
    sent: 0,
    elapsedMs: 0,
    achievedRate: 0,
    targetRate: plan.rate,
    failed: 0,
    hwmNote: hwmNote(session.type),
  };
  const start = performance.now();
  const send = async () => {
    try {
      await session.send(next());
      report.sent++;
    } catch (error) {
      report.failed++;
      report.firstError ??= (error as Error).message;
      if (session.isClosed) throw error;
    }
  };
  let attempts = 0;
  let reportedAt = 0;
  while (attempts < limit && !signal?.aborted) {
    const elapsed = performance.now() - start;
    if (elapsed >= endAt) break;
    if (onProgress && elapsed - reportedAt >= PROGRESS_INTERVAL_MS) {
      reportedAt = elapsed;
      onProgress(report.sent, elapsed);
    }
    let due: number;
    if (plan.burst) due = (Math.floor(elapsed / plan.burst.everyMs) + 1) * plan.burst.size;
    // The schedule is absolute (message n is due at (n - 1) / rate): a late timer is caught up, not drifted.
    else if (plan.rate) due = Math.floor((elapsed * plan.rate) / 1000) + 1;
    else due = attempts + SLICE;
    const target = Math.min(due, limit, attempts + SLICE);
    while (attempts < target && !signal?.aborted) {
      attempts++;
      await send();
    }
    if (attempts < due || (!plan.rate && !plan.burst)) {
      await new Promise((resolve) => setImmediate(resolve));
      continue;
    }
    // When the next message is due: the next burst's start, or message attempts + 1's slot.
    const nextAt = plan.burst ? (attempts / plan.burst.size) * plan.burst.everyMs : (attempts * 1000) / plan.rate!;
    await sleep(Math.min(nextAt, endAt) - (performance.now() - start), signal);
  }
  report.elapsedMs = performance.now() - start;
  // A count-bound run that finished early is measured over its own time; a duration-bound one over the duration.
  const seconds = Math.max(report.elapsedMs, 1) / 1000;
  report.achievedRate = report.sent / seconds;
  return report;
}

export interface ReplayOptions {
  /** 1: original timing; 2: twice as fast; 'max': no waiting. */
  speed: number | 'max';
  /** Only messages of this session (name or id in the file). */
  session?: string;
  direction?: 'in' | 'out';
}

export interface ReplayReport {
  sent: number;
  /** Messages in the file that matched the session and direction. */
  matched: number;
  /** Lines of the file that were not valid capture lines. */
  badLines: number;
  firstBadLine?: string;
  elapsedMs: number;
  /** The capture's own duration between its first and last matching message. */
  capturedMs: number;
  failed: number;
  firstError?: string;
}

/** Most messages one replay reads from a file, and their payload bytes. */
export const REPLAY_LIMITS = { maxMessages: 1_000_000, maxBytes: 512 * 1024 * 1024 };

/** Plays a JSON Lines capture (Export Capture or `record`) on `session`, at its original timing scaled by `speed`. */
export async function replayCaptureFile(
  session: Session,
  path: string,
  options: ReplayOptions,
  signal?: AbortSignal,
): Promise<ReplayReport> {
  const store = new CaptureStore(REPLAY_LIMITS);
  const names = new Map<string, { id: string; name?: string }>();
  const imported = await importJsonLinesFromStream(createReadStream(path), store, {
    signal,
    sessionIdFor: (s) => {
      const key = `${s.id}\u0000${s.name ?? ''}`;
      if (!names.has(key)) names.set(key, { id: s.id, name: s.name });
      return key;
    },
  });
  const wanted = new Set(
    [...names.entries()]
      .filter(([, s]) => options.session === undefined || s.name === options.session || s.id === options.session)
      .map(([key]) => key),
  );
  const seqs = store.matchingSeqs({ sessionIds: [...wanted], direction: options.direction });
  const report: ReplayReport = {
    sent: 0,
    matched: seqs.length,
    badLines: imported.skipped,
    firstBadLine: imported.errors[0] ? `line ${imported.errors[0].line}: ${imported.errors[0].message}` : undefined,
    elapsedMs: 0,
    capturedMs: 0,
    failed: 0,
  };
  const first = seqs.length ? store.get(seqs[0]) : undefined;
  const start = performance.now();
  for (const seq of seqs) {
    if (signal?.aborted) break;
    const record = store.get(seq);
    if (!record || !first) continue;
    const offsetMs = Number(record.timeNs - first.timeNs) / 1e6;
    report.capturedMs = offsetMs;
    if (options.speed !== 'max') {
      const wait = offsetMs / options.speed - (performance.now() - start);
      if (wait > 1) await sleep(wait, signal);
    }
    try {
      await session.send(framesForReplay(record, session.type));
      report.sent++;
    } catch (error) {
      report.failed++;
      report.firstError ??= (error as Error).message;
    }
  }
  report.elapsedMs = performance.now() - start;
  return report;
}
