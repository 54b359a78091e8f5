// The capture's long operations, run inside the engine next to the store: export to and import from JSON
// Lines files, and replaying a range of captured messages. Each reports progress (at most once a percent)
// and stops when its request is cancelled.
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { exportJsonLinesToStream, importedSessionIds, importJsonLinesFromStream } from '../core/capture/captureJsonl';
import { framesForReplay } from '../core/capture/replayFrames';
import { importPcapFromStream } from '../core/pcap/pcapImport';
import { parseSocketType } from '../core/session/socketTypes';
import type { CaptureRecord } from '../core/types';
import type { EngineParams, EngineResult } from '../shared/engineProtocol';
import type { EngineCore } from './engineCore';
import type { InspectorBackend } from '../inspector/inspectorBackend';

export const MAX_IMPORT_BYTES = 1024 * 1024 * 1024;
const REPLAY_PAGE = 1000;

export interface LongRequest {
  signal: AbortSignal;
  progress(done: number, total: number, message: string): void;
}

/** Calls `report` only when the whole percent done went up: a report per chunk would flood the host. */
function percentReporter(report: LongRequest['progress']): LongRequest['progress'] {
  let reported = -1;
  return (done, total, message) => {
    const percent = total > 0 ? Math.floor((Math.min(done, total) / total) * 100) : 100;
    if (percent <= reported) return;
    reported = percent;
    report(done, total, message);
  };
}

const count = (n: number) => n.toLocaleString('en-US');

/** The inspector's selected messages to a JSON Lines file (what the inspector list holds: no progress). */
export function exportSelected(core: EngineCore, path: string, seqs: readonly number[]): Promise<EngineResult<'capture.export'>> {
  return exportCapture(core, { path }, { signal: new AbortController().signal, progress: () => undefined }, seqs);
}

export async function exportCapture(
  core: EngineCore,
  params: EngineParams<'capture.export'>,
  request: LongRequest,
  /** Exactly these messages (else every retained one). */
  seqs?: readonly number[],
): Promise<EngineResult<'capture.export'>> {
  const out = createWriteStream(params.path);
  // Listens from the start: an error (say, failing to open) may come while nothing else listens.
  const closed = finished(out);
  closed.catch(() => undefined);
  const progress = percentReporter(request.progress);
  try {
    const result = await exportJsonLinesToStream(core.store, out, {
      describeSession: (id) => core.describe(id),
      seqs,
      signal: request.signal,
      onProgress: (written, total) => progress(written, total, `${count(written)} of ${count(total)} messages`),
    });
    if (result.cancelled) await discard(out, params.path);
    else {
      out.end();
      await closed;
    }
    return result;
  } catch (error) {
    await discard(out, params.path);
    throw error;
  }
}

export async function importCapture(
  core: EngineCore,
  params: EngineParams<'capture.import'>,
  request: LongRequest,
): Promise<EngineResult<'capture.import'>> {
  const size = (await stat(params.path)).size;
  if (size > MAX_IMPORT_BYTES) throw new Error(`The file is ${size} bytes; imports are limited to 1 GiB.`);
  const progress = percentReporter(request.progress);
  return importJsonLinesFromStream(createReadStream(params.path, { highWaterMark: 1024 * 1024 }), core.store, {
    tag: params.tag,
    sessionIdFor: importedSessionIds((name, type) => core.sessions.adoptImported(name, type)),
    signal: request.signal,
    onProgress: (bytesRead) => progress(bytesRead, size, bytesOf(bytesRead, size)),
  });
}

/** A tcpdump/Wireshark file's ZeroMQ traffic into the store, one imported session per TCP connection. */
export async function importPcap(
  core: EngineCore,
  params: EngineParams<'capture.importPcap'>,
  request: LongRequest,
): Promise<EngineResult<'capture.importPcap'>> {
  const size = (await stat(params.path)).size;
  const progress = percentReporter(request.progress);
  return importPcapFromStream(createReadStream(params.path, { highWaterMark: 1024 * 1024 }), core.store, {
    tag: params.tag,
    maxFrameBytes: params.maxFrameBytes,
    sessionIdFor: ({ name, socketType }) =>
      core.sessions.adoptImported(`${name} (${params.tag})`, socketType ? parseSocketType(socketType) : undefined),
    signal: request.signal,
    onProgress: (bytesRead) => progress(bytesRead, size, `${size ? Math.floor((bytesRead / size) * 100) : 100}%`),
  });
}

/** The inspector's filter, when a replay sends only what it shows. */
export type ShownMessages = Pick<InspectorBackend, 'shownSeqs' | 'shownRange'>;

/**
 * Resends the retained messages of [fromSeq, toSeq] (only those `shown` lists, when given) from one session,
 * at their captured spacing divided by `speed`, or at once. The schedule is absolute (message n is due at its
 * captured offset / speed from the start): a late timer is caught up, not accumulated.
 */
export async function replayRange(
  core: EngineCore,
  params: EngineParams<'capture.replay'>,
  request: LongRequest,
  shown?: ShownMessages,
): Promise<EngineResult<'capture.replay'>> {
  const session = core.session(params.sessionId);
  const from = Math.max(params.fromSeq, core.store.firstSeq);
  const to = Math.min(params.toSeq, core.store.lastSeq);
  const of = shown ? shown.shownRange(from, to).count : Math.max(0, to - from + 1);
  const progress = percentReporter(request.progress);
  const startedAt = performance.now();
  let firstTime: bigint | undefined;
  let capturedMs = 0;
  let sent = 0;
  // The next page of messages from `seq` on, and where the page after starts (past messages evicted meanwhile).
  const page = (seq: number): [CaptureRecord[], number] => {
    if (!shown) {
      const records = core.store.range(seq, REPLAY_PAGE).filter((r) => r.seq <= to);
      return [records, records.length ? records[records.length - 1].seq + 1 : Infinity];
    }
    const seqs = shown.shownSeqs(seq, to, REPLAY_PAGE);
    return [seqs.flatMap((s) => core.store.get(s) ?? []), seqs.length ? seqs[seqs.length - 1] + 1 : Infinity];
  };
  for (let seq = from; seq <= to && !request.signal.aborted;) {
    const [records, nextSeq] = page(seq);
    seq = nextSeq;
    for (const record of records) {
      if (request.signal.aborted) break;
      firstTime ??= record.timeNs;
      capturedMs = Number(record.timeNs - firstTime) / 1e6;
      if (params.speed !== 'max') {
        const due = capturedMs / params.speed - (performance.now() - startedAt);
        if (due > 0) await abortableDelay(due, request.signal);
        if (request.signal.aborted) break;
      }
      await session.send(framesForReplay(record, session.type), { signal: request.signal });
      sent++;
      progress(sent, of, `${count(sent)} of ${count(of)} sent`);
    }
  }
  return { sent, of, elapsedMs: performance.now() - startedAt, capturedMs };
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

/** Closes the stream and deletes its file, what was written of it being of no use. */
async function discard(out: WriteStream, path: string): Promise<void> {
  if (!out.closed) {
    const closed = new Promise<void>((resolve) => out.once('close', () => resolve()));
    out.destroy();
    await closed;
  }
  await rm(path, { force: true }).catch(() => undefined);
}

/** "3.2 of 45.7 MB", in the unit that suits the total: a small file read "0 of 0 MB" in megabytes. */
export function bytesOf(done: number, total: number): string {
  const [unit, name] = (
    [
      [1024 ** 3, 'GB'],
      [1024 ** 2, 'MB'],
      [1024, 'KB'],
    ] as const
  ).find(([u]) => total >= u) ?? [1, 'bytes'];
  const format = (bytes: number) => (bytes / unit).toLocaleString('en-US', { maximumFractionDigits: 1 });
  return `${format(done)} of ${format(total)} ${name}`;
}
