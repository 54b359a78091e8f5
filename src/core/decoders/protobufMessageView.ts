// A decoded protobuf message shown through its schema: a tree whose nodes say message, enum, bytes, map,
// 64-bit integers exact, and a text-format-like summary such as `Tick { sym: "AAPL", price: 1.5 }`.
import * as protobuf from 'protobufjs';
import type { DecodedNode } from '../types';
import { DECODE_LIMITS, bytesPreview, clip, limitNote } from './decodedTree';
import { type PrettyText, prettyJson } from './prettyJson';

export type MessageObject = Record<string, unknown>;

/** The message as a plain object: 64-bit integers as exact decimal strings, enums by name, bytes as bytes. */
export function messageToObject(type: protobuf.Type, message: protobuf.Message): MessageObject {
  return type.toObject(message, { longs: String, enums: String, defaults: false }) as MessageObject;
}

/** The message in protobuf's JSON mapping (bytes as base64, NaN and Infinity as strings), pretty printed under the text budgets. */
export function messageJson(type: protobuf.Type, message: protobuf.Message): PrettyText {
  return prettyJson(type.toObject(message, { longs: String, enums: String, bytes: String, json: true, defaults: false }));
}

function present(object: MessageObject, field: protobuf.Field): boolean {
  if (!Object.prototype.hasOwnProperty.call(object, field.name)) return false;
  const v = object[field.name];
  if (v === undefined || v === null) return false;
  if (field.repeated && Array.isArray(v)) return v.length > 0;
  if (field.map && typeof v === 'object') return Object.keys(v as object).length > 0;
  return true;
}

const sortedFields = new WeakMap<protobuf.Type, protobuf.Field[]>();

/** Fields in field-number order, the order protoc prints them in. */
function fieldsOf(type: protobuf.Type): protobuf.Field[] {
  let fields = sortedFields.get(type);
  if (!fields) sortedFields.set(type, (fields = [...type.fieldsArray].sort((a, b) => a.id - b.id)));
  return fields;
}

interface TreeState {
  nodes: number;
  truncated: boolean;
}

function scalarNode(field: protobuf.Field, v: unknown, key: string): DecodedNode {
  const enumType = field.resolvedType instanceof protobuf.Enum ? field.resolvedType : undefined;
  if (enumType) return { key, type: 'enum', value: typeof v === 'string' ? v : `${String(v)} (not a value of ${enumType.name})` };
  if (v instanceof Uint8Array) return { key, type: 'bytes', value: bytesPreview(v) };
  if (typeof v === 'string')
    return field.type === 'string'
      ? { key, type: 'string', value: clip(v, DECODE_LIMITS.maxValueChars) }
      : { key, type: 'number', value: v };
  if (typeof v === 'boolean') return { key, type: 'boolean', value: String(v) };
  return { key, type: 'number', value: String(v) };
}

function valueNode(field: protobuf.Field, v: unknown, key: string, depth: number, state: TreeState): DecodedNode {
  const nested = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
  if (nested && v !== null && typeof v === 'object') return messageNode(nested, v as MessageObject, key, depth, state);
  state.nodes++;
  return scalarNode(field, v, key);
}

function containerNode(
  field: protobuf.Field,
  entries: Array<[string, unknown]>,
  key: string,
  type: string,
  depth: number,
  state: TreeState,
): DecodedNode {
  state.nodes++;
  const node: DecodedNode = { key, type, value: type === 'array' ? `[${entries.length}]` : `{${entries.length}}`, children: [] };
  if (depth >= DECODE_LIMITS.maxDepth) {
    state.truncated = true;
    return { key, type, value: `… (deeper than ${DECODE_LIMITS.maxDepth} levels)` };
  }
  for (const [k, v] of entries) {
    if (state.nodes >= DECODE_LIMITS.maxNodes) {
      state.truncated = true;
      node.children!.push(limitNote(entries.length - node.children!.length));
      break;
    }
    node.children!.push(valueNode(field, v, k, depth + 1, state));
  }
  return node;
}

function messageNode(type: protobuf.Type, object: MessageObject, key: string | undefined, depth: number, state: TreeState): DecodedNode {
  state.nodes++;
  const node: DecodedNode = key === undefined ? { type: 'message', value: type.name } : { key, type: 'message', value: type.name };
  if (depth >= DECODE_LIMITS.maxDepth) {
    state.truncated = true;
    node.value = `${type.name} … (deeper than ${DECODE_LIMITS.maxDepth} levels)`;
    return node;
  }
  const children: DecodedNode[] = [];
  const fields = fieldsOf(type).filter((f) => present(object, f));
  for (const field of fields) {
    if (state.nodes >= DECODE_LIMITS.maxNodes) {
      state.truncated = true;
      children.push(limitNote(fields.length - children.length));
      break;
    }
    const v = object[field.name];
    if (field.map) children.push(containerNode(field, Object.entries(v as object), field.name, 'map', depth + 1, state));
    else if (field.repeated && Array.isArray(v))
      children.push(
        containerNode(
          field,
          v.map((x, i) => [String(i), x]),
          field.name,
          'array',
          depth + 1,
          state,
        ),
      );
    else children.push(valueNode(field, v, field.name, depth + 1, state));
  }
  node.children = children;
  return node;
}

export function messageTree(type: protobuf.Type, object: MessageObject): { tree: DecodedNode; truncated: boolean } {
  const state: TreeState = { nodes: 0, truncated: false };
  const tree = messageNode(type, object, undefined, 0, state);
  return { tree, truncated: state.truncated };
}

/** `Tick { sym: "AAPL", price: 1.5, side: SELL, notional: { units: 3 } }`, cut at `max` characters. */
export function messageSummary(type: protobuf.Type, object: MessageObject, max: number = DECODE_LIMITS.summaryChars): string {
  let out = '';
  const full = () => out.length > max;
  const writeValue = (field: protobuf.Field, v: unknown, depth: number) => {
    const nested = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
    if (nested && v !== null && typeof v === 'object') {
      if (depth >= 4) out += '{…}';
      else writeFields(nested, v as MessageObject, depth + 1);
    } else if (field.resolvedType instanceof protobuf.Enum) out += String(v);
    else if (v instanceof Uint8Array) out += `<${v.length} bytes>`;
    else if (typeof v === 'string' && field.type === 'string') out += JSON.stringify(v.length > max ? v.slice(0, max) : v);
    else out += String(v);
  };
  const writeFields = (type: protobuf.Type, object: MessageObject, depth: number) => {
    out += '{';
    let first = true;
    for (const field of fieldsOf(type)) {
      if (!present(object, field)) continue;
      if (full()) break;
      out += `${first ? ' ' : ', '}${field.name}: `;
      first = false;
      const v = object[field.name];
      if (field.map) {
        out += '{';
        Object.entries(v as object).forEach(([k, x], i) => {
          if (full()) return;
          out += `${i ? ', ' : ''}${k}: `;
          writeValue(field, x, depth);
        });
        out += '}';
      } else if (field.repeated && Array.isArray(v)) {
        out += '[';
        for (let i = 0; i < v.length && !full(); i++) {
          if (i) out += ', ';
          writeValue(field, v[i], depth);
        }
        out += ']';
      } else writeValue(field, v, depth);
    }
    out += first ? '}' : ' }';
  };
  out += `${type.name} `;
  writeFields(type, object, 0);
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}
