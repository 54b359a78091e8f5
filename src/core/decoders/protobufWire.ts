// The protobuf wire format without a schema, like `protoc --decode_raw`: field numbers, wire types,
// varints, fixed32/64, and length-delimited fields guessed as text, nested message or bytes. Every length
// in a frame is attacker controlled: it is checked against the bytes left before anything is read.
import type { DecodedNode } from '../types';
import { DECODE_LIMITS, bytesPreview, clip, limitNote } from './decodedTree';
import { asText } from './textDecoder';

/** Nested levels a length-delimited field is tried as a message; deeper ones show as bytes. */
const MAX_NESTING = 16;
const MAX_FIELD_NUMBER = 536_870_911;

/** Why and where a buffer stops being protobuf: `offset` is where the field at fault starts (its tag). */
export interface WireFault {
  reason: string;
  offset: number;
}

export function describeFault(fault: WireFault): string {
  return `${fault.reason} (in the field at byte ${fault.offset})`;
}

const VARINT_CUT = -1;
const VARINT_OVERFLOW = -2;

/** Where the varint at `pos` ends, or VARINT_CUT / VARINT_OVERFLOW. */
function varintEnd(bytes: Uint8Array, pos: number): number {
  for (let i = 0; i < 10; i++) {
    if (pos + i >= bytes.length) return VARINT_CUT;
    const b = bytes[pos + i];
    // The tenth byte holds bit 63 only: anything more does not fit in 64 bits.
    if (i === 9 && b > 1) return VARINT_OVERFLOW;
    if ((b & 0x80) === 0) return pos + i + 1;
  }
  return VARINT_OVERFLOW;
}

/** The value of a well-formed varint; exact for any length. */
export function varintValue(bytes: Uint8Array, start: number, end: number): bigint {
  if (end - start <= 7) return BigInt(varintNumber(bytes, start, end));
  let result = 0n;
  for (let i = start; i < end; i++) result |= BigInt(bytes[i] & 0x7f) << BigInt(7 * (i - start));
  return result;
}

/** The value of a well-formed varint of at most 7 bytes (49 bits: exact as a number). */
function varintNumber(bytes: Uint8Array, start: number, end: number): number {
  let result = 0;
  for (let i = end - 1; i >= start; i--) result = result * 128 + (bytes[i] & 0x7f);
  return result;
}

function varintFault(code: number, what: string, offset: number): WireFault {
  return { reason: code === VARINT_CUT ? `${what} cut short by the end of the frame` : `${what} does not fit in 64 bits`, offset };
}

export interface WireField {
  field: number;
  wireType: number;
  /** Where the field's tag starts in the buffer walked. */
  offset: number;
}

/**
 * Walks the fields of one message level, calling `onField` with each value (a varint's value, or the
 * bytes of a fixed or length-delimited field), and returns the first fault, if any. Nested messages are
 * not entered: that is the caller's choice. Faults are values, not exceptions: detection runs this on
 * every binary frame.
 */
export function walkWire(
  bytes: Uint8Array,
  onField: (field: WireField, value: bigint | Uint8Array) => boolean | void,
): WireFault | undefined {
  let pos = 0;
  while (pos < bytes.length) {
    const offset = pos;
    const tagEnd = varintEnd(bytes, pos);
    if (tagEnd < 0) return varintFault(tagEnd, 'tag', offset);
    const tag = tagEnd - pos <= 7 ? varintNumber(bytes, pos, tagEnd) : Number.MAX_SAFE_INTEGER;
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (field < 1 || field > MAX_FIELD_NUMBER)
      return { reason: `invalid field number ${tagEnd - pos <= 7 ? field : varintValue(bytes, pos, tagEnd) >> 3n}`, offset };
    pos = tagEnd;
    let value: bigint | Uint8Array;
    switch (wireType) {
      case 0: {
        const end = varintEnd(bytes, pos);
        if (end < 0) return varintFault(end, `varint of field ${field}`, offset);
        value = varintValue(bytes, pos, end);
        pos = end;
        break;
      }
      case 1:
      case 5: {
        const size = wireType === 1 ? 8 : 4;
        if (pos + size > bytes.length) return { reason: `fixed${size * 8} of field ${field} cut short by the end of the frame`, offset };
        value = bytes.subarray(pos, pos + size);
        pos += size;
        break;
      }
      case 2: {
        const end = varintEnd(bytes, pos);
        if (end < 0) return varintFault(end, `length of field ${field}`, offset);
        const left = bytes.length - end;
        const length = end - pos <= 7 ? varintNumber(bytes, pos, end) : Infinity;
        if (length > left)
          return { reason: `field ${field} claims ${varintValue(bytes, pos, end)} bytes but only ${left} are left`, offset };
        value = bytes.subarray(end, end + length);
        pos = end + length;
        break;
      }
      case 3:
      case 4:
        return { reason: `field ${field} uses wire type ${wireType} (groups, obsolete and not shown)`, offset };
      default:
        return { reason: `field ${field} has wire type ${wireType}, which does not exist`, offset };
    }
    if (onField({ field, wireType, offset }, value) === false) return undefined;
  }
  return undefined;
}

interface Budget {
  nodes: number;
  truncated: boolean;
}

function varintNode(key: string, value: bigint): DecodedNode {
  // A varint is int/uint/bool/enum or a zigzag sint: show the readings that differ.
  let shown = value.toString();
  if (value >= 1n << 63n) shown += ` (int64: ${BigInt.asIntN(64, value)})`;
  else if (value & 1n && value > 1n) shown += ` (sint: ${(value >> 1n) ^ -(value & 1n)})`;
  return { key, type: 'varint', value: shown };
}

function fixedNode(key: string, bytes: Uint8Array): DecodedNode {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  if (bytes.length === 8) return { key, type: 'fixed64', value: `${view.getBigUint64(0, true)} (double: ${view.getFloat64(0, true)})` };
  return { key, type: 'fixed32', value: `${view.getUint32(0, true)} (float: ${view.getFloat32(0, true)})` };
}

function lengthDelimitedNode(key: string, body: Uint8Array, depth: number, budget: Budget): DecodedNode {
  if (!body.length) return { key, type: 'string', value: '' };
  // Text wins over a nested guess; a nested message's length bytes are control characters, so it is rarely text.
  const text = asText(body);
  if (text !== undefined) return { key, type: 'string', value: clip(text, DECODE_LIMITS.maxValueChars) };
  if (depth < MAX_NESTING) {
    const saved = { ...budget };
    const nested = parseLevel(body, depth + 1, budget);
    if (!nested.fault) return { key, type: 'message', value: `{${nested.count} fields}`, children: nested.nodes };
    Object.assign(budget, saved);
  }
  return { key, type: 'bytes', value: bytesPreview(body) };
}

/** The nodes of one message level, and the fault that stopped it (the nodes before it are kept). */
function parseLevel(bytes: Uint8Array, depth: number, budget: Budget): { nodes: DecodedNode[]; count: number; fault?: WireFault } {
  const nodes: DecodedNode[] = [];
  let hidden = 0;
  const fault = walkWire(bytes, (f, value) => {
    if (budget.nodes <= 0) {
      // Over the node limit the rest is still checked, just not shown.
      hidden++;
      budget.truncated = true;
      return;
    }
    budget.nodes--;
    const key = `#${f.field}`;
    if (typeof value === 'bigint') nodes.push(varintNode(key, value));
    else if (f.wireType === 2) nodes.push(lengthDelimitedNode(key, value, depth, budget));
    else nodes.push(fixedNode(key, value));
  });
  const count = nodes.length + hidden;
  if (hidden) nodes.push(limitNote(hidden));
  return { nodes, count, fault };
}

export type RawProtobuf = { ok: true; tree: DecodedNode; fields: number; warning?: string } | { ok: false; error: string };

/**
 * The schemaless view of a frame. With `partial` (a frame the capture or the size limit cut), the fields
 * before the cut are shown and the rest reported in the warning.
 */
export function decodeRawProtobuf(frame: Uint8Array, options: { partial?: boolean } = {}): RawProtobuf {
  const budget: Budget = { nodes: DECODE_LIMITS.maxNodes, truncated: false };
  const { nodes, count, fault } = parseLevel(frame, 0, budget);
  if (fault && !options.partial) return { ok: false, error: `Not protobuf wire format: ${describeFault(fault)}.` };
  const warnings: string[] = [];
  if (fault) warnings.push(`The fields from byte ${fault.offset} on are not shown: ${fault.reason}.`);
  if (budget.truncated) warnings.push(`Only ${DECODE_LIMITS.maxNodes} fields are shown.`);
  return {
    ok: true,
    fields: count,
    tree: { type: 'message', value: `{${count} fields}`, children: nodes },
    warning: warnings.length ? warnings.join(' ') : undefined,
  };
}

/** "{ #1: "AAPL", #2: 187.25 (double), #3: {…} }", cut at `max` characters. */
export function rawSummary(tree: DecodedNode, max: number = DECODE_LIMITS.summaryChars): string {
  const children = tree.children ?? [];
  if (!children.length) return '{ } (empty message: every field at its default)';
  let out = '{ ';
  for (let i = 0; i < children.length; i++) {
    const c = children[i];
    if (c.type === 'note') break;
    const value = c.value ?? '';
    const shown =
      c.type === 'message'
        ? '{…}'
        : c.type === 'string'
          ? JSON.stringify(value.slice(0, 40))
          : c.type === 'bytes'
            ? `<${value.slice(0, 11)}…>`
            : value.split(' ')[0];
    out += `${i ? ', ' : ''}${c.key}: ${shown}`;
    if (out.length > max) break;
  }
  out += ' }';
  return out.length > max ? `${out.slice(0, max - 3)}… }` : out;
}
