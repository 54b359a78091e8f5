// Capture export and import as JSON Lines: one message a line, frames in base64, with the decoder used.
// Import takes untrusted files: every bad line is reported with its number and skipped, never thrown.
import type { CaptureStore } from './captureStore';
import type { CaptureFilter, CaptureRecord } from './types';

export interface CaptureLine {
  seq: number;
  /** ISO time with nanoseconds, e.g. 2026-11-25T08:44:07.123456789Z. */
  time: string;
  /** Nanoseconds since the Unix epoch, as a string (it does not fit a JSON number). */
  timeNs: string;
  session: string;
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
}

export function isoTimeNs(timeNs: bigint): string {
  const seconds = timeNs / 1_000_000_000n;
  const fraction = (timeNs % 1_000_000_000n).toString().padStart(9, '0');
  return new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, `.${fraction}Z`);
}

export function toCaptureLine(record: CaptureRecord, decoders?: string[]): CaptureLine {
  const line: CaptureLine = {
    seq: record.seq,
    time: isoTimeNs(record.timeNs),
    timeNs: record.timeNs.toString(),
    session: record.sessionId,
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

/** Writes every retained message (or those matching the filter) as one JSON line each, oldest first. */
export function exportJsonLines(store: CaptureStore, write: (line: string) => void, options: ExportOptions = {}): number {
  let written = 0;
  for (const seq of store.matchingSeqs(options.filter ?? {})) {
    const record = store.get(seq);
    if (!record) continue;
    const decoders = options.decoderIdFor ? record.frames.map((_, i) => options.decoderIdFor!(record, i) ?? '') : undefined;
    write(JSON.stringify(toCaptureLine(record, decoders)));
    written++;
  }
  return written;
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
  const fail = (line: number, message: string) => {
    result.skipped++;
    if (result.errors.length < MAX_IMPORT_ERRORS) result.errors.push({ line, message });
  };
  let lineNumber = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNumber++;
    const raw = text.slice(start, end).trim();
    start = end + 1;
    if (!raw) continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      fail(lineNumber, `not JSON (${(error as Error).message})`);
      continue;
    }
    const parsed = parseLine(value);
    if (typeof parsed === 'string') {
      fail(lineNumber, parsed);
      continue;
    }
    store.append(parsed.session, parsed.direction, parsed.frames, { timeNs: parsed.timeNs, hasRoutingId: parsed.routingId, hasTopic: parsed.topic, tag: parsed.tag ?? options.tag }, parsed.frameSizes);
    result.imported++;
  }
  return result;
}

function parseLine(value: unknown): string | ParsedLine {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'each line must be a JSON object';
  const v = value as Record<string, unknown>;
  if (typeof v.session !== 'string' || !v.session || v.session.length > MAX_TEXT) return `"session" must be a non-empty string of at most ${MAX_TEXT} characters`;
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
    if (!Array.isArray(v.frameSizes) || v.frameSizes.length !== frames.length) return '"frameSizes" must be an array with one size per frame';
    for (let i = 0; i < frames.length; i++) {
      const size = v.frameSizes[i];
      if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < frames[i].length) return `"frameSizes"[${i}] must be a whole number no less than the frame's ${frames[i].length} bytes`;
      frameSizes[i] = size;
    }
  }
  const timeNs = parseTime(v);
  if (typeof timeNs === 'string') return timeNs;
  for (const flag of ['routingId', 'topic'] as const) if (v[flag] !== undefined && typeof v[flag] !== 'boolean') return `"${flag}" must be true or false`;
  if (v.tag !== undefined && (typeof v.tag !== 'string' || v.tag.length > MAX_TEXT)) return `"tag" must be a string of at most ${MAX_TEXT} characters`;
  if (v.decoders !== undefined && (!Array.isArray(v.decoders) || !v.decoders.every((d) => typeof d === 'string'))) return '"decoders" must be an array of decoder ids';
  return { session: v.session, direction: v.direction, frames, frameSizes, timeNs, routingId: v.routingId === true, topic: v.topic === true, tag: v.tag as string | undefined };
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
