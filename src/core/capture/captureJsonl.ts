// Capture export and import as JSON Lines: one message a line, frames in base64, with the decoder used.
// Import takes untrusted files: every bad line is reported with its number and skipped, never thrown.
// The stream versions work a chunk at a time and give the event loop a turn between chunks, so that
// a capture of a million messages or a file of a GiB neither blocks the extension host nor sits in
// memory whole.
import type { Readable, Writable } from 'node:stream';
import type { CaptureStore } from './captureStore';
import { parseSocketType } from '../session/socketTypes';
import type { CaptureFilter, CaptureRecord, SocketTypeName } from '../types';

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

/** Writes every retained message (or those matching the filter) as one JSON line each, oldest first. */
export function exportJsonLines(store: CaptureStore, write: (line: string) => void, options: ExportOptions = {}): number {
  let written = 0;
  for (const seq of store.matchingSeqs(options.filter ?? {})) {
    const record = store.get(seq);
    if (!record) continue;
    write(recordLine(record, options));
    written++;
  }
  return written;
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
 * exportJsonLines() to a stream, without blocking: the matching messages are fixed first, then written
 * in chunks of lines, waiting for 'drain' whenever the stream asks to (so a slow disk does not fill the
 * memory) and giving the event loop a turn after each chunk. Rejects on a stream error. The stream is
 * left open: the caller ends it (or, when cancelled or failed, destroys it and deals with what was written).
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
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface ImportResult {
  imported: number;
  /** The first MAX_IMPORT_ERRORS bad lines; `skipped` counts them all. */
  errors: { line: number; message: string }[];
  skipped: number;
}

export interface ImportOptions {
  /** Tag for imported messages that have none of their own (e.g. the file name). */
  tag?: string;
  /**
   * The store session id for a line's session. Without it the file's id is used as is, which in
   * another window is some other session's id: the extension maps each to a new imported session.
   */
  sessionIdFor?(session: { id: string; name?: string; socketType?: string }): string;
}

export const MAX_IMPORT_ERRORS = 1000;
const MAX_FRAMES = 10_000;
const MAX_TEXT = 1000;
/** Seconds are kept as 32 bits: up to 2106. */
const MAX_TIME_NS = 0xffffffffn * 1_000_000_000n + 999_999_999n;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const ISO_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/;

interface ParsedLine {
  session: string;
  sessionName?: string;
  socketType?: string;
  direction: 'in' | 'out';
  frames: Buffer[];
  frameSizes: number[];
  timeNs?: bigint;
  routingId: boolean;
  topic: boolean;
  tag?: string;
}

/** Appends each valid line's message to the store (with new sequence numbers), in file order. */
export function importJsonLines(text: string, store: CaptureStore, options: ImportOptions = {}): ImportResult {
  const result: ImportResult = { imported: 0, errors: [], skipped: 0 };
  let lineNumber = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNumber++;
    // A character is at least one byte: a line of more characters than the limit is over it in bytes too.
    if (end - start > MAX_IMPORT_LINE_BYTES) fail(result, lineNumber, tooLongMessage(MAX_IMPORT_LINE_BYTES));
    else importLine(text.slice(start, end), lineNumber, store, options, result);
    start = end + 1;
  }
  return result;
}

export interface StreamImportOptions extends ImportOptions {
  /** Stops the import between chunks; what was imported stays. */
  signal?: AbortSignal;
  /** After each chunk: bytes read so far. */
  onProgress?(bytesRead: number): void;
  /** A longer line is reported and skipped, never gathered. Default MAX_IMPORT_LINE_BYTES. */
  maxLineBytes?: number;
}

/**
 * Past this, a line is skipped: no frame a capture keeps needs more (1 MiB per frame at most, base64), and
 * parsing a 253 MB line to keep 1 MiB of it stalled the host 2 s at 1.3 GB.
 */
export const MAX_IMPORT_LINE_BYTES = 16 * 1024 * 1024;
/** Bytes of lines parsed between two turns of the event loop. */
const IMPORT_SLICE_BYTES = 1024 * 1024;

function tooLongMessage(maxBytes: number): string {
  return maxBytes % (1024 * 1024) === 0
    ? `the line is longer than ${maxBytes / (1024 * 1024)} MiB: skipped`
    : `the line is longer than ${maxBytes.toLocaleString('en-US')} bytes: skipped`;
}

/**
 * importJsonLines() from a stream (bytes as UTF-8, or strings), a chunk at a time, with the same results
 * line for line: a line or a character may be split across chunks, lines end with \n or \r\n, the last
 * one may have no newline. Lines are cut at newline bytes and decoded whole (a newline byte is never
 * inside a UTF-8 character); a line over the limit is dropped as soon as it is, and the rest of it is only
 * scanned for its newline, never decoded or kept. Gives the event loop a turn about every MiB. A stream
 * error rejects (what was imported stays); on cancel the stream is destroyed.
 */
export async function importJsonLinesFromStream(
  input: NodeJS.ReadableStream | Readable,
  store: CaptureStore,
  options: StreamImportOptions = {},
): Promise<ImportResult & { cancelled: boolean }> {
  const { signal, onProgress } = options;
  const maxLineBytes = options.maxLineBytes ?? MAX_IMPORT_LINE_BYTES;
  const result = { imported: 0, errors: [] as ImportResult['errors'], skipped: 0, cancelled: false };
  // The start of the current line, from earlier chunks; dropped once the line is too long.
  let head: Buffer[] = [];
  let headBytes = 0;
  let skipping = false;
  let lineNumber = 0;
  let bytesRead = 0;
  let sinceTurn = 0;
  const endLine = (tail: Buffer) => {
    lineNumber++;
    if (skipping || headBytes + tail.length > maxLineBytes) fail(result, lineNumber, tooLongMessage(maxLineBytes));
    else importLine((head.length ? Buffer.concat([...head, tail]) : tail).toString('utf8'), lineNumber, store, options, result);
    sinceTurn += skipping ? 0 : headBytes + tail.length;
    head = [];
    headBytes = 0;
    skipping = false;
  };
  // A string chunk may end inside a surrogate pair: its first half waits for the next chunk.
  let highSurrogate = '';
  for await (const raw of input as AsyncIterable<string | Uint8Array>) {
    if (signal?.aborted) break;
    let chunk: Buffer;
    if (typeof raw === 'string') {
      let text = highSurrogate + raw;
      const last = text.charCodeAt(text.length - 1);
      highSurrogate = last >= 0xd800 && last <= 0xdbff ? text.slice(-1) : '';
      if (highSurrogate) text = text.slice(0, -1);
      chunk = Buffer.from(text, 'utf8');
    } else chunk = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    bytesRead += chunk.length;
    let start = 0;
    for (let end = chunk.indexOf(0x0a); end >= 0; end = chunk.indexOf(0x0a, start)) {
      endLine(chunk.subarray(start, end));
      start = end + 1;
      if (sinceTurn >= IMPORT_SLICE_BYTES) {
        sinceTurn = 0;
        await nextTurn();
        if (signal?.aborted) break;
      }
    }
    if (signal?.aborted) break;
    const rest = chunk.length - start;
    if (!skipping && headBytes + rest > maxLineBytes) {
      skipping = true;
      head = [];
    }
    // A copy: the stream may reuse its buffer, and a short line must not pin a whole chunk.
    if (!skipping && rest) head.push(Buffer.from(chunk.subarray(start)));
    headBytes += rest;
    onProgress?.(bytesRead);
    sinceTurn += skipping ? 0 : rest;
    if (sinceTurn >= IMPORT_SLICE_BYTES || skipping) {
      sinceTurn = 0;
      await nextTurn();
    }
  }
  // Leaving the loop early destroys the stream; the signal may also have come after the last chunk.
  if (signal?.aborted) result.cancelled = true;
  else endLine(Buffer.from(highSurrogate, 'utf8'));
  return result;
}

function fail(result: ImportResult, line: number, message: string): void {
  result.skipped++;
  if (result.errors.length < MAX_IMPORT_ERRORS) result.errors.push({ line, message });
}

/** Imports one line (without its \n; blank ones are skipped), or reports it in `result`. */
function importLine(text: string, lineNumber: number, store: CaptureStore, options: ImportOptions, result: ImportResult): void {
  const raw = text.trim();
  if (!raw) return;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return fail(result, lineNumber, `not JSON (${(error as Error).message})`);
  }
  const parsed = parseLine(value);
  if (typeof parsed === 'string') return fail(result, lineNumber, parsed);
  const sessionId = options.sessionIdFor
    ? options.sessionIdFor({ id: parsed.session, name: parsed.sessionName, socketType: parsed.socketType })
    : parsed.session;
  store.append(
    sessionId,
    parsed.direction,
    parsed.frames,
    { timeNs: parsed.timeNs, hasRoutingId: parsed.routingId, hasTopic: parsed.topic, tag: parsed.tag ?? options.tag },
    parsed.frameSizes,
  );
  result.imported++;
}

function parseLine(value: unknown): string | ParsedLine {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'each line must be a JSON object';
  const v = value as Record<string, unknown>;
  if (typeof v.session !== 'string' || !v.session || v.session.length > MAX_TEXT)
    return `"session" must be a non-empty string of at most ${MAX_TEXT} characters`;
  for (const field of ['sessionName', 'socketType'] as const) {
    if (v[field] !== undefined && (typeof v[field] !== 'string' || !v[field] || (v[field] as string).length > MAX_TEXT))
      return `"${field}" must be a non-empty string of at most ${MAX_TEXT} characters`;
  }
  if (v.direction !== 'in' && v.direction !== 'out') return '"direction" must be "in" or "out"';
  if (!Array.isArray(v.frames)) return '"frames" must be an array of base64 strings';
  if (v.frames.length > MAX_FRAMES) return `"frames" has ${v.frames.length} frames (at most ${MAX_FRAMES})`;
  const frames: Buffer[] = [];
  for (let i = 0; i < v.frames.length; i++) {
    const frame = v.frames[i];
    if (typeof frame !== 'string' || frame.length % 4 !== 0 || !BASE64.test(frame)) return `frame ${i} is not valid base64`;
    frames.push(Buffer.from(frame, 'base64'));
  }
  const frameSizes = frames.map((f) => f.length);
  if (v.frameSizes !== undefined) {
    if (!Array.isArray(v.frameSizes) || v.frameSizes.length !== frames.length)
      return '"frameSizes" must be an array with one size per frame';
    for (let i = 0; i < frames.length; i++) {
      const size = v.frameSizes[i];
      if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < frames[i].length)
        return `"frameSizes"[${i}] must be a whole number no less than the frame's ${frames[i].length} bytes`;
      frameSizes[i] = size;
    }
  }
  const timeNs = parseTime(v);
  if (typeof timeNs === 'string') return timeNs;
  for (const flag of ['routingId', 'topic'] as const)
    if (v[flag] !== undefined && typeof v[flag] !== 'boolean') return `"${flag}" must be true or false`;
  if (v.tag !== undefined && (typeof v.tag !== 'string' || v.tag.length > MAX_TEXT))
    return `"tag" must be a string of at most ${MAX_TEXT} characters`;
  if (v.decoders !== undefined && (!Array.isArray(v.decoders) || !v.decoders.every((d) => typeof d === 'string')))
    return '"decoders" must be an array of decoder ids';
  return {
    session: v.session,
    sessionName: v.sessionName as string | undefined,
    socketType: v.socketType as string | undefined,
    direction: v.direction,
    frames,
    frameSizes,
    timeNs,
    routingId: v.routingId === true,
    topic: v.topic === true,
    tag: v.tag as string | undefined,
  };
}

/** The line's time: `timeNs` when present (full precision), else `time`, else undefined (now). */
function parseTime(v: Record<string, unknown>): bigint | undefined | string {
  if (v.timeNs !== undefined) {
    if (typeof v.timeNs !== 'string' || !/^\d{1,20}$/.test(v.timeNs)) return '"timeNs" must be a string of digits (nanoseconds since 1970)';
    const timeNs = BigInt(v.timeNs);
    return timeNs > MAX_TIME_NS ? '"timeNs" is past the year 2106' : timeNs;
  }
  if (v.time === undefined) return undefined;
  if (typeof v.time !== 'string') return '"time" must be an ISO date string';
  const iso = ISO_TIME.exec(v.time);
  const ms = Date.parse(iso ? `${iso[1]}Z` : v.time);
  if (Number.isNaN(ms) || ms < 0) return '"time" must be an ISO date after 1970';
  const timeNs = BigInt(ms) * 1_000_000n + (iso?.[2] ? BigInt(iso[2].padEnd(9, '0')) : 0n);
  return timeNs > MAX_TIME_NS ? '"time" is past the year 2106' : timeNs;
}

/** Sessions one import may add; the messages of any further ones share a single session. */
export const MAX_IMPORTED_SESSIONS = 256;

/**
 * Maps each session of an imported file to a new session of this window (made by `adopt`), named after
 * it: the file's ids (s1, s2...) are another window's and would land on this window's sessions of the
 * same id. For ImportOptions.sessionIdFor.
 */
export function importedSessionIds(
  adopt: (name: string, type: SocketTypeName | undefined) => string,
): (session: { id: string; name?: string; socketType?: string }) => string {
  const adopted = new Map<string, string>();
  // A file naming a new session on every line would otherwise fill the inspector's session list.
  let overflow: string | undefined;
  return (session) => {
    const key = `${session.id}\u0000${session.name ?? ''}\u0000${session.socketType ?? ''}`;
    let id = adopted.get(key);
    if (id === undefined) {
      if (adopted.size >= MAX_IMPORTED_SESSIONS)
        return (overflow ??= adopt(`other sessions (imported, past the first ${MAX_IMPORTED_SESSIONS})`, undefined));
      id = adopt(`${session.name ?? session.id} (imported)`, session.socketType ? parseSocketType(session.socketType) : undefined);
      adopted.set(key, id);
    }
    return id;
  };
}
