// Reads a crash spool (see captureSpool.ts) back into a fresh capture store: the messages keep their
// sequence numbers, times, sessions, tags and truncation; removed ones stay removed. A damaged file is
// read up to the damage and the problem reported; it never throws past its caller. A recycled file ends
// where its records' stamp stops being its segment's (what follows is its earlier life's).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAPTURE_META, NO_PAYLOAD, type CaptureStore } from './captureStore';
import {
  GENERATION_OK,
  RECORD_HEADER_BYTES,
  RECORD_TRAILER_BYTES,
  SEGMENT_RECYCLED,
  RUN_FIXED_BYTES,
  SEGMENT_FILE,
  SPOOL_MAGIC,
  SpoolRecord,
  safeList,
  segmentStamp,
  type SpoolNames,
} from './captureSpool';

export interface SpoolRestore {
  messages: number;
  firstSeq: number;
  lastSeq: number;
  problems: string[];
  ms: number;
}

/**
 * Appends the newest complete generation in `dir` to `store` (which should be empty) and hands the
 * session names it knew to `onHistory`. Returns what it restored.
 */
export function restoreSpool(dir: string, store: CaptureStore, onHistory: (history: SpoolNames['history']) => void): SpoolRestore {
  const started = performance.now();
  const result: SpoolRestore = { messages: 0, firstSeq: 0, lastSeq: 0, problems: [], ms: 0 };
  const names = safeList(dir);
  let generation = 0;
  for (const name of names) {
    const ok = GENERATION_OK.exec(name);
    if (ok) generation = Math.max(generation, Number(ok[1]));
  }
  if (!generation) return result;
  const segments = names
    .map((name) => SEGMENT_FILE.exec(name))
    .filter((m): m is RegExpExecArray => !!m && Number(m[1]) === generation)
    .sort((a, b) => Number(a[2]) - Number(b[2]));
  const state: ReaderState = { store, tables: { storeSessions: [], tags: [], history: [] }, lastSeq: 0, result, onHistory };
  for (const match of segments) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(dir, match[0]));
    } catch (error) {
      result.problems.push(`${match[0]}: ${(error as Error).message}`);
      continue;
    }
    const problem = readSegment(bytes, segmentStamp(Number(match[2])), state);
    if (problem) result.problems.push(`${match[0]}: ${problem}`);
  }
  // Removed messages at the end keep their numbers too: the next message goes after them.
  if (state.lastSeq) store.skipTo(state.lastSeq + 1);
  result.ms = performance.now() - started;
  return result;
}

interface ReaderState {
  store: CaptureStore;
  tables: SpoolNames;
  lastSeq: number;
  result: SpoolRestore;
  onHistory(history: SpoolNames['history']): void;
}

/** Reads one segment's records (those stamped `stamp`); returns what stopped it early, if anything. */
function readSegment(bytes: Buffer, stamp: number, state: ReaderState): string | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  /** Past what this life wrote, a recycled file holds its earlier life's bytes: no damage, just the end. */
  let recycled = false;
  while (at < bytes.length) {
    if (at + RECORD_HEADER_BYTES > bytes.length) return recycled ? undefined : `a record header is cut at byte ${at}`;
    const typeAndStamp = view.getUint32(at + 4, true);
    if (view.getUint32(at, true) !== SPOOL_MAGIC || typeAndStamp >>> 8 !== stamp)
      return recycled ? undefined : `no record of this segment at byte ${at}`;
    const type = typeAndStamp & 0xff;
    const length = view.getUint32(at + 8, true);
    const bodyStart = at + RECORD_HEADER_BYTES;
    const end = bodyStart + length + RECORD_TRAILER_BYTES;
    if (end > bytes.length || view.getUint32(end - RECORD_TRAILER_BYTES, true) !== typeAndStamp)
      return `a record is cut at byte ${at} (the engine died while writing it)`;
    const body = bytes.subarray(bodyStart, bodyStart + length);
    try {
      if (type === SpoolRecord.Segment) recycled = length >= 4 && (view.getUint32(bodyStart, true) & SEGMENT_RECYCLED) !== 0;
      else if (type === SpoolRecord.Names) readNames(body, state);
      else if (type === SpoolRecord.Run) readRun(body, state);
      else if (type === SpoolRecord.RemoveSession) {
        const { sessionId } = JSON.parse(body.toString('utf8')) as { sessionId: unknown };
        if (typeof sessionId === 'string') state.store.removeSession(sessionId);
      }
    } catch (error) {
      return `record at byte ${at}: ${(error as Error).message}`;
    }
    at = end;
  }
  return undefined;
}

function readNames(body: Buffer, state: ReaderState): void {
  const names = JSON.parse(body.toString('utf8')) as Partial<SpoolNames>;
  const strings = (value: unknown) => (Array.isArray(value) ? value.map((v) => String(v)) : []);
  state.tables.storeSessions = strings(names.storeSessions);
  state.tables.tags = strings(names.tags);
  const history = Array.isArray(names.history)
    ? names.history.filter(
        (h): h is [string, string, string] => Array.isArray(h) && h.length === 3 && h.every((x) => typeof x === 'string'),
      )
    : [];
  state.onHistory(history);
}

function readRun(body: Buffer, state: ReaderState): void {
  if (body.length < RUN_FIXED_BYTES) throw new Error('a run is too short');
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const firstSeq = view.getFloat64(0, true);
  const count = view.getUint32(8, true);
  const payloadLength = view.getUint32(12, true);
  const tagBytes = (count * 2 + 3) & ~3;
  const payloadStart = RUN_FIXED_BYTES + count * 16 + tagBytes;
  if (!Number.isSafeInteger(firstSeq) || firstSeq < 1 || payloadStart + payloadLength !== body.length)
    throw new Error('a run does not add up');
  // The metadata is read through typed views, which need it aligned: copy it (the payload is used in place).
  const metadata = new Uint8Array(payloadStart - RUN_FIXED_BYTES);
  metadata.set(body.subarray(RUN_FIXED_BYTES, payloadStart));
  const array = (index: number) => new Uint32Array(metadata.buffer, index * count * 4, count);
  const [timeSec, timeFrac, meta, offsets] = [array(0), array(1), array(2), array(3)];
  const tag = new Uint16Array(metadata.buffer, count * 16, count);
  const payload = body.subarray(payloadStart);
  const { store, tables } = state;
  for (let i = 0; i < count; i++) {
    const seq = firstSeq + i;
    // Already restored (a later generation repeats nothing, but a damaged one might).
    if (seq <= store.lastSeq) continue;
    state.lastSeq = Math.max(state.lastSeq, seq);
    const flags = meta[i];
    if (flags & CAPTURE_META.REMOVED || offsets[i] === NO_PAYLOAD) continue;
    const offset = offsets[i];
    // The encoding runs to the next message's start; appendEncoded() reads only what its header says.
    if (offset >= payload.length) throw new Error(`message #${seq} starts past its run`);
    const sessionId = tables.storeSessions[flags & CAPTURE_META.SESSION_MASK] ?? '?';
    const tagIndex = tag[i];
    const tagName = tagIndex === CAPTURE_META.NO_TAG ? undefined : tables.tags[tagIndex];
    store.appendEncoded(seq, sessionId, flags, timeSec[i], timeFrac[i], tagName, payload, offset, nextOffset(offsets, i, payload.length));
    if (!state.result.messages) state.result.firstSeq = seq;
    state.result.messages++;
    state.result.lastSeq = seq;
  }
}

/** Where the message after message `i` starts in the run's payload (the payload's end for the last one). */
function nextOffset(offsets: Uint32Array, i: number, end: number): number {
  for (let j = i + 1; j < offsets.length; j++) if (offsets[j] !== NO_PAYLOAD) return offsets[j];
  return end;
}
