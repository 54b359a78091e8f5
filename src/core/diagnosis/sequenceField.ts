// Where a message carries its sequence number: a big/little-endian uint at a byte offset of frame K, or
// a path into a JSON, MessagePack or CBOR frame, or a protobuf field. A spec compiles once into a reader
// that runs on every captured message of a tracked session, so the binary case allocates nothing.
import { readOneCbor } from '../decoders/cborDecoder';
import { readOneMsgpack } from '../decoders/msgpackDecoder';
import { asBuffer } from '../decoders/structuredBinary';

export type UintWidth = 1 | 2 | 4 | 8;

export type SequenceField =
  | { kind: 'uint'; frame: number; offset: number; width: UintWidth; endian: 'be' | 'le' }
  | { kind: 'json' | 'msgpack' | 'cbor'; frame: number; path: Array<string | number> }
  | { kind: 'protobuf'; frame: number; path: number[] };

/** Who sent a message, when one subscriber hears several publishers: frame 0 (topic or routing id) or a field. */
export type PublisherKey = { kind: 'frame0' } | { kind: 'field'; field: SequenceField };

/** Reads the field's value: a non-negative integer, or -1 when the message does not have it. */
export type FieldReader = (frames: readonly Uint8Array[]) => number;

/** Structured frames above this size are not parsed for a sequence number (they count as unreadable). */
export const MAX_STRUCTURED_FRAME_BYTES = 64 * 1024;
const MAX_PATH_LENGTH = 16;
const MAX_PROTOBUF_FIELDS = 4096;

export class SequenceFieldError extends Error {}

/**
 * Parses the text form: `[f<K>:]u8@N | u16be@N | u16le@N | u32be@N | u32le@N | u64be@N | u64le@N`, or
 * `[f<K>:]json:a.b[0].seq`, `msgpack:seq`, `cbor:seq`, `protobuf:1.3` (field numbers). K defaults to
 * the last frame for uint and structured formats alike (frame 0 of a SUB message is usually its topic).
 */
export function parseSequenceField(text: string): SequenceField {
  const trimmed = text.trim();
  const frameMatch = /^f(-?\d{1,3}):/.exec(trimmed);
  const frame = frameMatch ? Number(frameMatch[1]) : -1;
  const rest = frameMatch ? trimmed.slice(frameMatch[0].length) : trimmed;
  const uint = /^u(8|16|32|64)(be|le)?@(\d{1,6})$/i.exec(rest);
  if (uint) {
    const width = (Number(uint[1]) / 8) as UintWidth;
    if (width > 1 && !uint[2])
      throw new SequenceFieldError(`"${text}": say the byte order, e.g. u${uint[1]}be@${uint[3]} or u${uint[1]}le@${uint[3]}.`);
    return { kind: 'uint', frame, offset: Number(uint[3]), width, endian: (uint[2]?.toLowerCase() as 'be' | 'le' | undefined) ?? 'be' };
  }
  const structured = /^(json|msgpack|cbor|protobuf):(.+)$/i.exec(rest);
  if (!structured) {
    throw new SequenceFieldError(
      `"${text}" is not a sequence field: write e.g. u32be@0 (a uint at byte 0), ` +
        'f1:u64le@8 (in frame 1), json:header.seq, msgpack:seq, cbor:seq or protobuf:1.',
    );
  }
  const kind = structured[1].toLowerCase() as 'json' | 'msgpack' | 'cbor' | 'protobuf';
  const path = parsePath(structured[2], text);
  if (kind === 'protobuf') {
    if (!path.every((p) => typeof p === 'number' || /^\d+$/.test(p)))
      throw new SequenceFieldError(`"${text}": a protobuf path is field numbers separated by dots, e.g. protobuf:1 or protobuf:2.1.`);
    const numbers = path.map(Number);
    if (numbers.some((n) => n < 1 || n > 536_870_911))
      throw new SequenceFieldError(`"${text}": protobuf field numbers are 1 to 536870911.`);
    return { kind, frame, path: numbers };
  }
  return { kind, frame, path };
}

function parsePath(text: string, whole: string): Array<string | number> {
  const path: Array<string | number> = [];
  for (const part of text.split('.')) {
    const match = /^([^[\]]*)((?:\[\d{1,6}\])*)$/.exec(part);
    if (!match || (match[1] === '' && match[2] === '')) throw new SequenceFieldError(`"${whole}": "${part}" is not a path step.`);
    if (match[1] !== '') path.push(match[1]);
    for (const index of match[2].matchAll(/\[(\d+)\]/g)) path.push(Number(index[1]));
  }
  if (path.length > MAX_PATH_LENGTH) throw new SequenceFieldError(`"${whole}": a path has at most ${MAX_PATH_LENGTH} steps.`);
  return path;
}

/** The text form parseSequenceField reads back. */
export function formatSequenceField(field: SequenceField): string {
  const frame = field.frame === -1 ? '' : `f${field.frame}:`;
  if (field.kind === 'uint') return `${frame}u${field.width * 8}${field.width === 1 ? '' : field.endian}@${field.offset}`;
  if (field.kind === 'protobuf') return `${frame}protobuf:${field.path.join('.')}`;
  const path = field.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
  return `${frame}${field.kind}:${path}`;
}

/** In words: "big-endian 32-bit uint at byte 4 of frame 1", "JSON field header.seq of the last frame". */
export function describeSequenceField(field: SequenceField): string {
  const frame = field.frame === -1 ? 'the last frame' : `frame ${field.frame}`;
  if (field.kind === 'uint') {
    const order = field.width === 1 ? '' : field.endian === 'be' ? 'big-endian ' : 'little-endian ';
    return `${order}${field.width * 8}-bit uint at byte ${field.offset} of ${frame}`;
  }
  if (field.kind === 'protobuf') return `protobuf field ${field.path.join('.')} of ${frame}`;
  const label = { json: 'JSON', msgpack: 'MessagePack', cbor: 'CBOR' }[field.kind];
  return `${label} field ${formatSequenceField({ ...field, frame: -1 }).slice(field.kind.length + 1)} of ${frame}`;
}

function frameOf(frames: readonly Uint8Array[], index: number): Uint8Array | undefined {
  return index < 0 ? frames[frames.length + index] : frames[index];
}

export function compileSequenceField(field: SequenceField): FieldReader {
  const frameIndex = field.frame;
  if (field.kind === 'uint') {
    const { offset, width, endian } = field;
    const end = offset + width;
    const read = uintReader(width, endian);
    return (frames) => {
      const f = frameOf(frames, frameIndex);
      return f && f.length >= end ? read(f, offset) : -1;
    };
  }
  if (field.kind === 'protobuf') {
    const path = field.path;
    return (frames) => {
      const f = frameOf(frames, frameIndex);
      return f && f.length <= MAX_STRUCTURED_FRAME_BYTES ? protobufValue(f, path) : -1;
    };
  }
  const path = field.path;
  const parse = field.kind === 'json' ? parseJsonFrame : field.kind === 'msgpack' ? parseMsgpackFrame : parseCborFrame;
  return (frames) => {
    const f = frameOf(frames, frameIndex);
    if (!f || f.length === 0 || f.length > MAX_STRUCTURED_FRAME_BYTES) return -1;
    return asSequenceNumber(walk(parse(f), path));
  };
}

function uintReader(width: UintWidth, endian: 'be' | 'le'): (f: Uint8Array, o: number) => number {
  if (width === 1) return (f, o) => f[o];
  if (width === 2) return endian === 'be' ? (f, o) => (f[o] << 8) | f[o + 1] : (f, o) => f[o] | (f[o + 1] << 8);
  if (width === 4)
    return endian === 'be'
      ? (f, o) => f[o] * 0x1000000 + ((f[o + 1] << 16) | (f[o + 2] << 8) | f[o + 3])
      : (f, o) => f[o + 3] * 0x1000000 + ((f[o + 2] << 16) | (f[o + 1] << 8) | f[o]);
  // 64-bit: exact up to 2^53; above it (a -1 marker, random bytes) there is no sequence number to read.
  return endian === 'be'
    ? (f, o) =>
        safe64((f[o] << 16) | (f[o + 1] << 8) | f[o + 2], f[o + 3], f[o + 4] * 0x1000000 + ((f[o + 5] << 16) | (f[o + 6] << 8) | f[o + 7]))
    : (f, o) =>
        safe64((f[o + 7] << 16) | (f[o + 6] << 8) | f[o + 5], f[o + 4], f[o + 3] * 0x1000000 + ((f[o + 2] << 16) | (f[o + 1] << 8) | f[o]));
}

/** top24 (bits 40-63), byte (bits 32-39), low32: the number, or -1 past 2^53 - 1. */
function safe64(top24: number, byte: number, low32: number): number {
  if (top24 > 0x1fff) return -1;
  return (top24 * 256 + byte) * 0x100000000 + low32;
}

export function parseJsonFrame(f: Uint8Array): unknown {
  try {
    return JSON.parse(asBuffer(f).toString('utf8'));
  } catch {
    return undefined;
  }
}

export function parseMsgpackFrame(f: Uint8Array): unknown {
  const one = readOneMsgpack(asBuffer(f));
  return one.ok ? one.value : undefined;
}

export function parseCborFrame(f: Uint8Array): unknown {
  const one = readOneCbor(asBuffer(f));
  return one.ok ? one.value : undefined;
}

/** Reads a field as a publisher name: any scalar (text, number, boolean), cut to `maxChars`. */
export function compileKeyReader(field: SequenceField, maxChars: number): (frames: readonly Uint8Array[]) => string | undefined {
  if (field.kind === 'uint' || field.kind === 'protobuf') {
    const read = compileSequenceField(field);
    return (frames) => {
      const v = read(frames);
      return v < 0 ? undefined : String(v);
    };
  }
  const path = field.path;
  const frameIndex = field.frame;
  const parse = field.kind === 'json' ? parseJsonFrame : field.kind === 'msgpack' ? parseMsgpackFrame : parseCborFrame;
  return (frames) => {
    const f = frameOf(frames, frameIndex);
    if (!f || f.length === 0 || f.length > MAX_STRUCTURED_FRAME_BYTES) return undefined;
    const value = walk(parse(f), path);
    if (typeof value === 'string') return value.slice(0, maxChars);
    if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
    return undefined;
  };
}

function walk(value: unknown, path: ReadonlyArray<string | number>): unknown {
  let at = value;
  for (const step of path) {
    if (at === null || typeof at !== 'object') return undefined;
    if (at instanceof Map) at = at.get(step);
    else if (Array.isArray(at)) at = typeof step === 'number' ? at[step] : undefined;
    else at = Object.prototype.hasOwnProperty.call(at, step) ? (at as Record<string, unknown>)[step] : undefined;
  }
  return at;
}

/** A non-negative integer (number, bigint within 2^53, or a decimal string), else -1. */
export function asSequenceNumber(value: unknown): number {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : -1;
  if (typeof value === 'bigint') return value >= 0n && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : -1;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  return -1;
}

/** Walks protobuf wire format for `path` (field numbers; all but the last are embedded messages). Last value wins. */
export function protobufValue(bytes: Uint8Array, path: readonly number[]): number {
  let start = 0;
  let end = bytes.length;
  for (let depth = 0; depth < path.length; depth++) {
    const last = depth === path.length - 1;
    const wanted = path[depth];
    let found = -1;
    let foundStart = -1;
    let foundEnd = -1;
    let pos = start;
    for (let fields = 0; pos < end; fields++) {
      if (fields >= MAX_PROTOBUF_FIELDS) return -1;
      const tag = readVarint(bytes, pos, end);
      if (tag.next < 0) return -1;
      pos = tag.next;
      const number = Math.floor(tag.value / 8);
      const wire = tag.value % 8;
      if (wire === 0) {
        const v = readVarint(bytes, pos, end);
        if (v.next < 0) return -1;
        if (number === wanted && last) found = v.value;
        pos = v.next;
      } else if (wire === 1 || wire === 5) {
        const size = wire === 1 ? 8 : 4;
        if (pos + size > end) return -1;
        if (number === wanted && last) found = wire === 5 ? uintReader(4, 'le')(bytes, pos) : uintReader(8, 'le')(bytes, pos);
        pos += size;
      } else if (wire === 2) {
        const length = readVarint(bytes, pos, end);
        if (length.next < 0 || length.next + length.value > end) return -1;
        if (number === wanted && !last) {
          foundStart = length.next;
          foundEnd = length.next + length.value;
        }
        pos = length.next + length.value;
      } else {
        return -1;
      }
    }
    if (last) return found;
    if (foundStart < 0) return -1;
    start = foundStart;
    end = foundEnd;
  }
  return -1;
}

const NO_VARINT = { value: 0, next: -1 };

function readVarint(bytes: Uint8Array, pos: number, end: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10 && pos + i < end; i++) {
    const b = bytes[pos + i];
    value += (b & 0x7f) * scale;
    scale *= 128;
    if (b < 0x80) return { value, next: pos + i + 1 };
  }
  return NO_VARINT;
}
