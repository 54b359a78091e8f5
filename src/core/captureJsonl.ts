// Capture export and import as JSON Lines: one message a line, frames in base64, with the decoder used.
// Import takes untrusted files: every bad line is reported with its number and skipped, never thrown.
import type { CaptureStore } from './captureStore';
import type { CaptureFilter, CaptureRecord } from './types';

export interface CaptureLine {
  seq: number;
  /** ISO time (milliseconds); `timeNs` has the full precision. */
  time: string;
  timeNs: string;
  session: string;
  direction: 'in' | 'out';
  frames: string[];
  frameSizes: number[];
  routingId?: boolean;
  topic?: boolean;
  tag?: string;
  decoders?: string[];
}

export interface ExportOptions {
  filter?: CaptureFilter;
  decoderIdFor?(record: CaptureRecord, frameIndex: number): string | undefined;
}

export function toCaptureLine(record: CaptureRecord, decoders?: string[]): CaptureLine {
  const line: CaptureLine = {
    seq: record.seq,
    time: new Date(Number(record.timeNs / 1_000_000n)).toISOString(),
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
  for (const seq of store.filter(options.filter ?? {})) {
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
  errors: { line: number; message: string }[];
}

const MAX_ERRORS = 1000;
const MAX_FRAMES = 10_000;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Appends each valid line's message to the store (new sequence numbers; the original is in the tag). */
export function importJsonLines(text: string, store: CaptureStore): ImportResult {
  const result: ImportResult = { imported: 0, errors: [] };
  const fail = (line: number, message: string) => {
    if (result.errors.length < MAX_ERRORS) result.errors.push({ line, message });
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
    store.append(parsed.session, parsed.direction, parsed.frames, { timeNs: parsed.timeNs, hasRoutingId: parsed.routingId, hasTopic: parsed.topic, tag: parsed.tag });
    result.imported++;
  }
  return result;
}

function parseLine(value: unknown): string | { session: string; direction: 'in' | 'out'; frames: Buffer[]; timeNs?: bigint; routingId: boolean; topic: boolean; tag?: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'each line must be a JSON object';
  const v = value as Record<string, unknown>;
  if (typeof v.session !== 'string' || !v.session || v.session.length > 200) return '"session" must be a non-empty string';
  if (v.direction !== 'in' && v.direction !== 'out') return '"direction" must be "in" or "out"';
  if (!Array.isArray(v.frames)) return '"frames" must be an array of base64 strings';
  if (v.frames.length > MAX_FRAMES) return `"frames" has ${v.frames.length} frames (at most ${MAX_FRAMES})`;
  const frames: Buffer[] = [];
  for (let i = 0; i < v.frames.length; i++) {
    const frame = v.frames[i];
    if (typeof frame !== 'string' || frame.length % 4 !== 0 || !BASE64.test(frame)) return `frame ${i} is not valid base64`;
    frames.push(Buffer.from(frame, 'base64'));
  }
  let timeNs: bigint | undefined;
  if (v.timeNs !== undefined) {
    if (typeof v.timeNs !== 'string' || !/^\d{1,22}$/.test(v.timeNs)) return '"timeNs" must be a string of digits';
    timeNs = BigInt(v.timeNs);
  } else if (v.time !== undefined) {
    const ms = typeof v.time === 'string' ? Date.parse(v.time) : NaN;
    if (Number.isNaN(ms)) return '"time" must be an ISO date';
    timeNs = BigInt(ms) * 1_000_000n;
  }
  if (v.tag !== undefined && (typeof v.tag !== 'string' || v.tag.length > 200)) return '"tag" must be a short string';
  const original = typeof v.seq === 'number' && Number.isSafeInteger(v.seq) ? `imported #${v.seq}` : 'imported';
  return {
    session: v.session,
    direction: v.direction,
    frames,
    timeNs,
    routingId: v.routingId === true,
    topic: v.topic === true,
    tag: typeof v.tag === 'string' ? v.tag : original,
  };
}
