// Proposes a sequence field from a session's first messages: every candidate (a uint of each width and
// byte order at each offset of the first frames, each integer leaf of a JSON, MessagePack or CBOR map,
// each top-level protobuf varint) is read across the samples, and the ones that step by +1 win.
import {
  asSequenceNumber,
  compileSequenceField,
  describeSequenceField,
  formatSequenceField,
  parseCborFrame,
  parseJsonFrame,
  parseMsgpackFrame,
  protobufValue,
  type SequenceField,
  type UintWidth,
} from './sequenceField';

export interface SequenceProposal {
  field: SequenceField;
  /** The text form, e.g. "u32be@0" or "json:seq". */
  text: string;
  /** In words, with the evidence: "big-endian 32-bit uint at byte 0 of the last frame: +1 in 31 of 31 steps". */
  description: string;
  steps: number;
  increments: number;
}

/** Messages a proposal looks at (the sampler keeps this many per session). */
export const PROPOSAL_SAMPLES = 32;
/** Bytes of each frame a sampler keeps: offsets past this are not proposed. */
export const PROPOSAL_FRAME_BYTES = 4096;
const MAX_FRAMES = 4;
const MAX_UINT_OFFSET = 64;
const MAX_LEAVES = 64;
const MIN_SAMPLES = 6;
const MIN_INCREMENT_SHARE = 0.8;
const NAME_HINT = /seq|sequence|serial|counter|count|msg_?id|message_?id|index|idx|^n$|^id$/i;

interface Candidate {
  field: SequenceField;
  structured: boolean;
  nameHint: boolean;
  read: (frames: readonly Uint8Array[]) => number;
}

/** Best first; empty when nothing steps by +1 in at least 80% of the steps over at least 6 messages. */
export function proposeSequenceFields(samples: ReadonlyArray<readonly Uint8Array[]>, max = 3): SequenceProposal[] {
  if (samples.length < MIN_SAMPLES) return [];
  const scored: Array<Candidate & { steps: number; increments: number; firstValue: number }> = [];
  for (const candidate of candidates(samples)) {
    let previous = -1;
    let steps = 0;
    let increments = 0;
    let readable = 0;
    let firstValue = -1;
    for (const frames of samples) {
      const value = candidate.read(frames);
      if (value < 0) continue;
      readable++;
      if (firstValue < 0) firstValue = value;
      if (previous >= 0) {
        steps++;
        if (value === previous + 1) increments++;
      }
      previous = value;
    }
    if (readable < MIN_SAMPLES || readable < samples.length * 0.8) continue;
    if (increments < steps * MIN_INCREMENT_SHARE || increments < MIN_SAMPLES - 1) continue;
    scored.push({ ...candidate, steps, increments, firstValue });
  }
  scored.sort(
    (a, b) =>
      b.increments / b.steps - a.increments / a.steps ||
      Number(b.nameHint) - Number(a.nameHint) ||
      Number(b.structured) - Number(a.structured) ||
      // Overlapping uints: the one with the smaller numbers (a constant in the high bytes is not part of it),
      // then the wider (a u64 counter also reads as a u32 and a u16 at the same place).
      a.firstValue - b.firstValue ||
      width(b.field) - width(a.field) ||
      offset(a.field) - offset(b.field),
  );
  return scored.slice(0, max).map((c) => ({
    field: c.field,
    text: formatSequenceField(c.field),
    description: `${describeSequenceField(c.field)}: +1 in ${c.increments} of ${c.steps} steps`,
    steps: c.steps,
    increments: c.increments,
  }));
}

function width(field: SequenceField): number {
  return field.kind === 'uint' ? field.width : 0;
}

function offset(field: SequenceField): number {
  return field.kind === 'uint' ? field.offset : 0;
}

function* candidates(samples: ReadonlyArray<readonly Uint8Array[]>): Generator<Candidate> {
  const frameCount = Math.min(MAX_FRAMES, Math.min(...samples.map((s) => s.length)));
  for (let k = 0; k < frameCount; k++) {
    // The last frame is the default and the usual payload: name it -1 when it is the last in every sample.
    const frame = samples.every((s) => s.length === k + 1) ? -1 : k;
    const first = samples[0][k];
    const shortest = Math.min(...samples.map((s) => s[k].length));
    for (const w of [8, 4, 2, 1] as UintWidth[]) {
      for (let o = 0; o + w <= Math.min(shortest, MAX_UINT_OFFSET); o++) {
        for (const endian of w === 1 ? (['be'] as const) : (['be', 'le'] as const)) {
          const field: SequenceField = { kind: 'uint', frame, offset: o, width: w, endian };
          yield { field, structured: false, nameHint: false, read: compileSequenceField(field) };
        }
      }
    }
    yield* structuredCandidates(first, frame);
  }
}

function* structuredCandidates(first: Uint8Array, frame: number): Generator<Candidate> {
  if (!first.length) return;
  const byte = first[0];
  const parsers: Array<['json' | 'msgpack' | 'cbor', (f: Uint8Array) => unknown]> = [];
  if (byte === 0x7b || byte === 0x5b) parsers.push(['json', parseJsonFrame]);
  if ((byte >= 0x80 && byte <= 0x8f) || byte === 0xde || byte === 0xdf) parsers.push(['msgpack', parseMsgpackFrame]);
  if (byte >> 5 === 5) parsers.push(['cbor', parseCborFrame]);
  for (const [kind, parse] of parsers) {
    const value = parse(first);
    for (const path of integerLeaves(value)) {
      const field: SequenceField = { kind, frame, path };
      const last = path[path.length - 1];
      yield { field, structured: true, nameHint: typeof last === 'string' && NAME_HINT.test(last), read: compileSequenceField(field) };
    }
  }
  for (const number of protobufVarintFields(first)) {
    const field: SequenceField = { kind: 'protobuf', frame, path: [number] };
    yield { field, structured: true, nameHint: false, read: (frames) => protobufRead(frames, frame, number) };
  }
}

function protobufRead(frames: readonly Uint8Array[], frame: number, number: number): number {
  const f = frame < 0 ? frames[frames.length + frame] : frames[frame];
  return f ? protobufValue(f, [number]) : -1;
}

/** Paths to integer leaves of maps and arrays, two levels deep at most. */
function integerLeaves(value: unknown, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []) {
  if (out.length >= MAX_LEAVES || value === null || typeof value !== 'object' || prefix.length > 2) return out;
  const entries: Array<[string | number, unknown]> =
    value instanceof Map
      ? [...value].filter(([k]) => typeof k === 'string' || typeof k === 'number')
      : Array.isArray(value)
        ? value.slice(0, 8).map((v, i) => [i, v])
        : Object.entries(value).slice(0, MAX_LEAVES);
  for (const [key, child] of entries) {
    if (out.length >= MAX_LEAVES) break;
    if (asSequenceNumber(child) >= 0 && typeof child !== 'string') out.push([...prefix, key]);
    else integerLeaves(child, [...prefix, key], out);
  }
  return out;
}

/** Top-level field numbers with a varint value, when the whole frame walks as protobuf. */
function protobufVarintFields(bytes: Uint8Array): number[] {
  const numbers = new Set<number>();
  let pos = 0;
  for (let fields = 0; pos < bytes.length; fields++) {
    if (fields > 64) return [];
    const [tag, afterTag] = varint(bytes, pos);
    if (afterTag < 0 || tag < 8) return [];
    const wire = tag % 8;
    const number = Math.floor(tag / 8);
    if (wire === 0) {
      const [, next] = varint(bytes, afterTag);
      if (next < 0) return [];
      numbers.add(number);
      pos = next;
    } else if (wire === 1 || wire === 5) pos = afterTag + (wire === 1 ? 8 : 4);
    else if (wire === 2) {
      const [length, next] = varint(bytes, afterTag);
      if (next < 0) return [];
      pos = next + length;
    } else return [];
  }
  return pos === bytes.length ? [...numbers].slice(0, 16) : [];
}

function varint(bytes: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10 && pos + i < bytes.length; i++) {
    const b = bytes[pos + i];
    value += (b & 0x7f) * scale;
    scale *= 128;
    if (b < 0x80) return [value, pos + i + 1];
  }
  return [0, -1];
}
