// Capture export as JSON Lines: one message a line, frames in base64, with the decoder used. The stream
// version works a chunk at a time and gives the event loop a turn between chunks, so that a capture of a
// million messages neither blocks the engine nor sits in memory whole.
import type { Writable } from 'node:stream';
import type { CaptureStore } from './captureStore';
import type { CaptureFilter, CaptureRecord } from '../types';

export interface CaptureLine {
  seq: number;
  /** ISO time with nanoseconds, e.g. 2026-11-25T08:44:07.123456789Z. */
  time: string;
  /** Nanoseconds since the Unix epoch, as a string (it does not fit a JSON number). */
  timeNs: string;
  /** The capturing window's session id (s1, s2...): unique only within that window. */
  session: string;
  /** The session's name and socket type when it was exported (files from before lack them). */
  sessionName?: string;
  socketType?: string;
  direction: 'in' | 'out';
  /** Stored bytes, base64: a truncated frame is cut, its true size is in frameSizes. */
  frames: string[];
  frameSizes: number[];
  routingId?: boolean;
  topic?: boolean;
  tag?: string;
  /** Decoder id per frame ('' for none). */
  decoders?: string[];
}

export interface ExportOptions {
  filter?: CaptureFilter;
  decoderIdFor?(record: CaptureRecord, frameIndex: number): string | undefined;
  /** Name and type of a session id, written beside it: ids mean nothing in another window. */
  describeSession?(sessionId: string): { name: string; type: string } | undefined;
}

export function isoTimeNs(timeNs: bigint): string {
  const seconds = timeNs / 1_000_000_000n;
  const fraction = (timeNs % 1_000_000_000n).toString().padStart(9, '0');
  return new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, `.${fraction}Z`);
}

export function toCaptureLine(record: CaptureRecord, decoders?: string[], session?: { name: string; type: string }): CaptureLine {
  const line: CaptureLine = {
    seq: record.seq,
    time: isoTimeNs(record.timeNs),
    timeNs: record.timeNs.toString(),
    session: record.sessionId,
    ...(session ? { sessionName: session.name, socketType: session.type } : {}),
    direction: record.direction,
    frames: record.frames.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString('base64')),
    frameSizes: record.frameSizes,
  };
  if (record.hasRoutingId) line.routingId = true;
  if (record.hasTopic) line.topic = true;
  if (record.tag !== undefined) line.tag = record.tag;
  if (decoders) line.decoders = decoders;
  return line;
}

/** The record's JSON line, without the newline. */
export function recordLine(record: CaptureRecord, options: ExportOptions): string {
  const decoders = options.decoderIdFor ? record.frames.map((_, i) => options.decoderIdFor!(record, i) ?? '') : undefined;
  return JSON.stringify(toCaptureLine(record, decoders, options.describeSession?.(record.sessionId)));
}

export interface StreamExportOptions extends ExportOptions {
  /** Stops the export between chunks (or while waiting for the stream to drain). */
  signal?: AbortSignal;
  /** After each chunk: lines written so far, of the messages that matched when the export began. */
  onProgress?(written: number, total: number): void;
  /** Lines are written in chunks of about this many characters (a longer line is a chunk alone). */
  chunkBytes?: number;
  /** Exactly these messages, in this order, instead of those matching `filter` (the inspector's selection). */
  seqs?: readonly number[];
}

export interface StreamExportResult {
  written: number;
  /** Matched when the export began, evicted or removed from the store before their turn came. */
  missing: number;
  /** Stopped by the signal: the stream holds only the first `written` lines. */
  cancelled: boolean;
}

export const EXPORT_CHUNK_BYTES = 1024 * 1024;

/**
 * Writes every retained message (or those matching the filter) as one JSON line each, oldest first, to a
 * stream, without blocking: the matching messages are fixed first, then written in chunks of lines, waiting
 * for 'drain' whenever the stream asks to (so a slow disk does not fill the memory) and giving the event loop
 * a turn after each chunk. Rejects on a stream error. The stream is left open: the caller ends it (or, when
 * cancelled or failed, destroys it and deals with what was written).
 */
export async function exportJsonLinesToStream(
  store: CaptureStore,
  out: NodeJS.WritableStream | Writable,
  options: StreamExportOptions = {},
): Promise<StreamExportResult> {
  const { signal, onProgress } = options;
  const chunkBytes = Math.max(1, options.chunkBytes ?? EXPORT_CHUNK_BYTES);
  // A copy, not a view of the store: messages evicted meanwhile show up as missing, never as others.
  const seqs = options.seqs ? [...options.seqs] : store.matchingSeqs(options.filter ?? {});
  const result: StreamExportResult = { written: 0, missing: 0, cancelled: false };
  const watch = new StreamWatch(out);
  try {
    let next = 0;
    while (next < seqs.length) {
      if (signal?.aborted) {
        result.cancelled = true;
        break;
      }
      const lines: string[] = [];
      let size = 0;
      while (next < seqs.length && size < chunkBytes) {
        const record = store.get(seqs[next++]);
        if (!record) {
          result.missing++;
          continue;
        }
        const line = recordLine(record, options);
        lines.push(line);
        size += line.length + 1;
      }
      if (lines.length) {
        lines.push('');
        watch.check();
        const flowing = out.write(lines.join('\n'));
        result.written += lines.length - 1;
        onProgress?.(result.written, seqs.length);
        if (!flowing) await watch.drained(signal);
      }
      watch.check();
      await nextTurn();
      watch.check();
    }
    return result;
  } finally {
    watch.dispose();
  }
}

/** Follows a writable stream's errors and end between writes, so that a wait for 'drain' never hangs. */
class StreamWatch {
  private failure: Error | undefined;
  private closed = false;
  private wake: (() => void) | undefined;
  private readonly onError = (error: Error) => {
    this.failure ??= error;
    this.wake?.();
  };
  private readonly onClose = () => {
    this.closed = true;
    this.wake?.();
  };

  constructor(private readonly out: NodeJS.WritableStream | Writable) {
    out.on('error', this.onError);
    out.on('close', this.onClose);
  }

  /** Throws the stream's error, or an error if it was closed or destroyed under the export. */
  check(): void {
    const stream = this.out as Partial<Writable>;
    const failure = this.failure ?? stream.errored ?? undefined;
    if (failure) throw failure;
    if (this.closed || stream.destroyed || stream.writableEnded) throw new Error('the output was closed before the export finished');
  }

  /** Resolves on 'drain', on an error or close (check() tells), or when the signal aborts. */
  drained(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.wake = undefined;
        this.out.removeListener('drain', done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.wake = done;
      this.out.on('drain', done);
      signal?.addEventListener('abort', done);
    });
  }

  dispose(): void {
    this.out.removeListener('error', this.onError);
    this.out.removeListener('close', this.onClose);
  }
}

/** Lets timers, I/O and other callbacks run before going on. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
