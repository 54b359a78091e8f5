// Capture import from JSON Lines. Import takes untrusted files: every bad line is reported with its number
// and skipped, never thrown. The stream version reads a slice at a time and gives the event loop a turn
// between slices, so that a file of a GiB never sits in memory whole; lines over 16 MiB are skipped unread.
import type { Readable } from 'node:stream';
import type { CaptureStore } from './captureStore';
import { nextTurn } from './captureJsonlExport';
import { parseSocketType } from '../session/socketTypes';
import type { SocketTypeName } from '../types';

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
 * Appends each valid line's message to the store (with new sequence numbers), in file order, reading a stream
 * (bytes as UTF-8, or strings) a chunk at a time: a line or a character may be split across chunks, lines end
 * with \n or \r\n, the last one may have no newline. Lines are cut at newline bytes and decoded whole (a
 * newline byte is never inside a UTF-8 character); a line over the limit is dropped as soon as it is, and the
 * rest of it is only scanned for its newline, never decoded or kept. Gives the event loop a turn about every
 * MiB. A stream error rejects (what was imported stays); on cancel the stream is destroyed.
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
