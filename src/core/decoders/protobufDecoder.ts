// Protobuf: with a schema (.proto files loaded by protobufjs) a frame decodes as a chosen message type;
// without one, a schemaless wire-format view like `protoc --decode_raw`. Lengths in a frame are attacker
// controlled: every length is checked against the bytes left before anything is read or allocated.
import * as protobuf from 'protobufjs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import type { DecodeResult, DecodedNode, Decoder } from '../types';
import { DECODE_LIMITS, bytesPreview, clip, summarizeValue, valueToTree } from './decodedTree';
import { asText } from './textDecoders';

const MAX_NESTING = 16;

// ---- schemaless wire format ----

interface WireField {
  field: number;
  wireType: number;
  node: DecodedNode;
}

class WireError extends Error {}

function readVarint(bytes: Uint8Array, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    if (pos >= bytes.length) throw new WireError('truncated varint');
    const b = bytes[pos++];
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7n;
  }
  throw new WireError('varint longer than 10 bytes');
}

/** Parses a whole buffer as protobuf fields; throws WireError unless every byte is consumed. */
function parseWire(bytes: Uint8Array, depth: number, budget: { nodes: number }): WireField[] {
  const fields: WireField[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    if (--budget.nodes < 0) throw new WireError(`more than ${DECODE_LIMITS.maxNodes} fields`);
    const [tag, afterTag] = readVarint(bytes, pos);
    pos = afterTag;
    const field = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    if (field < 1 || field > 536_870_911) throw new WireError(`invalid field number ${field}`);
    const key = `#${field}`;
    switch (wireType) {
      case 0: {
        const [value, next] = readVarint(bytes, pos);
        pos = next;
        // A varint is int/uint/bool/enum or zigzag sint; an odd value would be a negative sint, so
        // that reading is shown too; a value above 2^63 is a negative int64.
        const zigzag = (value >> 1n) ^ -(value & 1n);
        let shown = value.toString();
        if (value >= 1n << 63n) shown += ` (int64: ${BigInt.asIntN(64, value)})`;
        else if (value & 1n && value > 1n) shown += ` (sint: ${zigzag})`;
        fields.push({ field, wireType, node: { key, type: 'varint', value: shown } });
        break;
      }
      case 1: {
        if (pos + 8 > bytes.length) throw new WireError('truncated fixed64');
        const view = new DataView(bytes.buffer, bytes.byteOffset + pos, 8);
        fields.push({ field, wireType, node: { key, type: 'fixed64', value: `${view.getBigUint64(0, true)} (double: ${view.getFloat64(0, true)})` } });
        pos += 8;
        break;
      }
      case 5: {
        if (pos + 4 > bytes.length) throw new WireError('truncated fixed32');
        const view = new DataView(bytes.buffer, bytes.byteOffset + pos, 4);
        fields.push({ field, wireType, node: { key, type: 'fixed32', value: `${view.getUint32(0, true)} (float: ${view.getFloat32(0, true)})` } });
        pos += 4;
        break;
      }
      case 2: {
        const [length, next] = readVarint(bytes, pos);
        pos = next;
        if (length > BigInt(bytes.length - pos)) throw new WireError(`length ${length} runs past the end of the frame`);
        const body = bytes.subarray(pos, pos + Number(length));
        pos += Number(length);
        fields.push({ field, wireType, node: lengthDelimited(key, body, depth, budget) });
        break;
      }
      default:
        throw new WireError(`wire type ${wireType} (groups are obsolete, 6 and 7 do not exist)`);
    }
  }
  return fields;
}

function lengthDelimited(key: string, body: Uint8Array, depth: number, budget: { nodes: number }): DecodedNode {
  const text = body.length ? asText(body) : '';
  // Printable text wins over a nested guess: short ASCII often happens to parse as fields.
  if (text !== undefined && (text.length === 0 || /^[\x20-\x7e\s\u00a0-\uffff]*$/.test(text))) return { key, type: 'string', value: clip(text, DECODE_LIMITS.maxValueChars) };
  if (depth < MAX_NESTING) {
    const saved = budget.nodes;
    try {
      const nested = parseWire(body, depth + 1, budget);
      if (nested.length) return { key, type: 'message', value: `{${nested.length} fields}`, children: nested.map((f) => f.node) };
    } catch {
      budget.nodes = saved;
    }
  }
  return { key, type: 'bytes', value: bytesPreview(body) };
}

export function decodeRawProtobuf(frame: Uint8Array): { ok: true; tree: DecodedNode; fields: number } | { ok: false; error: string } {
  if (!frame.length) return { ok: false, error: 'Empty frame: nothing to decode (an empty protobuf message has all fields at their defaults).' };
  try {
    const fields = parseWire(frame, 0, { nodes: DECODE_LIMITS.maxNodes });
    return { ok: true, fields: fields.length, tree: { type: 'message', value: `{${fields.length} fields}`, children: fields.map((f) => f.node) } };
  } catch (error) {
    return { ok: false, error: `Not protobuf wire format: ${error instanceof WireError ? error.message : (error as Error).message}` };
  }
}

function rawSummary(tree: DecodedNode): string {
  const parts = (tree.children ?? []).slice(0, 8).map((c) => `${c.key}: ${c.type === 'message' ? '{…}' : c.type === 'string' ? JSON.stringify((c.value ?? '').slice(0, 24)) : (c.value ?? '').split(' ')[0]}`);
  return `{ ${parts.join(', ')}${(tree.children?.length ?? 0) > 8 ? ', …' : ''} }`;
}

// ---- schemas ----

export type SchemaLoad = { ok: true; messageTypes: string[] } | { ok: false; error: string };

/** The .proto files loaded for the protobuf decoder; imports resolve against the include roots. */
export class ProtoSchemaSet {
  private root: protobuf.Root | undefined;
  private types: string[] = [];

  get messageTypes(): string[] {
    return this.types;
  }

  /** Loads `files` (absolute paths); on error the previous schemas stay in force. */
  async loadSchemas(files: string[], includeRoots: string[] = []): Promise<SchemaLoad> {
    const root = new protobuf.Root();
    root.resolvePath = (origin, target) => {
      if (isAbsolute(target)) return target;
      const candidates = [origin ? join(dirname(origin), target) : target, ...includeRoots.map((r) => join(r, target))];
      return candidates.find((c) => existsSync(c)) ?? resolve(origin ? dirname(origin) : '.', target);
    };
    try {
      await root.load(files, { keepCase: true });
      root.resolveAll();
    } catch (error) {
      return { ok: false, error: `Could not load the .proto files: ${(error as Error).message}` };
    }
    this.root = root;
    this.types = collectTypes(root);
    return { ok: true, messageTypes: this.types };
  }

  /** Loads .proto source text directly (tests, and schemas pasted by the user). */
  loadText(source: string, fileName = 'inline.proto'): SchemaLoad {
    try {
      const root = new protobuf.Root();
      protobuf.parse(source, root, { keepCase: true });
      root.resolveAll();
      this.root = root;
      this.types = collectTypes(root);
      return { ok: true, messageTypes: this.types };
    } catch (error) {
      return { ok: false, error: `${fileName}: ${(error as Error).message}` };
    }
  }

  decodeAs(frame: Uint8Array, messageType: string): DecodeResult {
    if (!this.root) return { ok: false, decoderId: 'protobuf', error: `No .proto schema is loaded, so ${messageType} is unknown: set zeromq.protobuf.protoPaths.` };
    let type: protobuf.Type;
    try {
      type = this.root.lookupType(messageType);
    } catch {
      return { ok: false, decoderId: 'protobuf', error: `No message type ${messageType} in the loaded schemas (known: ${this.types.slice(0, 10).join(', ') || 'none'}).` };
    }
    if (frame.length > DECODE_LIMITS.maxInputBytes) return { ok: false, decoderId: 'protobuf', error: `The frame is ${frame.length} bytes; protobuf is decoded up to ${DECODE_LIMITS.maxInputBytes} bytes.` };
    let object: Record<string, unknown>;
    try {
      const message = type.decode(frame);
      object = type.toObject(message, { longs: String, enums: String, bytes: String, defaults: false });
    } catch (error) {
      return { ok: false, decoderId: 'protobuf', error: `Not a valid ${messageType}: ${(error as Error).message}` };
    }
    const { tree, truncated } = valueToTree(object, 'message');
    tree.value = type.name;
    const fields = Object.entries(object).slice(0, 6).map(([k, v]) => `${k}: ${summarizeValue(v, 30)}`);
    return {
      ok: true,
      decoderId: 'protobuf',
      summary: `${type.name} { ${fields.join(', ')}${Object.keys(object).length > 6 ? ', …' : ''} }`,
      text: JSON.stringify(object, null, 2).slice(0, DECODE_LIMITS.maxTextChars),
      tree,
      warning: truncated ? 'Large or deep message: part of the tree is not shown.' : undefined,
    };
  }
}

function collectTypes(ns: protobuf.NamespaceBase): string[] {
  const out: string[] = [];
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Type) out.push(nested.fullName.replace(/^\./, ''));
    if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) out.push(...collectTypes(nested));
  }
  return [...new Set(out)];
}

export function createProtobufDecoder(schemas: ProtoSchemaSet): Decoder & { schemas: ProtoSchemaSet } {
  return {
    id: 'protobuf',
    label: 'Protobuf',
    schemas,
    canDecode(frame) {
      if (frame.length < 2 || frame.length > 64 * 1024) return 0;
      const raw = decodeRawProtobuf(frame);
      return raw.ok ? 0.3 : 0;
    },
    decode(frame, context) {
      const messageType = (context as { messageType?: string }).messageType;
      if (messageType) return schemas.decodeAs(frame, messageType);
      const raw = decodeRawProtobuf(frame.length > DECODE_LIMITS.maxInputBytes ? frame.subarray(0, DECODE_LIMITS.maxInputBytes) : frame);
      if (!raw.ok) return { ok: false, decoderId: 'protobuf', error: raw.error };
      return {
        ok: true,
        decoderId: 'protobuf',
        summary: rawSummary(raw.tree),
        tree: raw.tree,
        warning: `No schema: the raw wire format (field numbers and wire types, like protoc --decode_raw).${schemas.messageTypes.length ? ' Pick a message type to decode with the schema.' : ''}`,
      };
    },
  };
}
