// Turns decoded values (JSON, MessagePack, CBOR, protobuf objects) into DecodedNode trees and one-line
// summaries, within limits that hold against hostile input: depth, node count and text length.
import type { DecodedNode } from '../types';

export const DECODE_LIMITS = {
  /** Bytes of a frame a decoder looks at; the rest is reported, not parsed. */
  maxInputBytes: 1024 * 1024,
  maxDepth: 64,
  maxNodes: 10_000,
  maxValueChars: 10_000,
  maxTextChars: 1024 * 1024,
  summaryChars: 120,
};

export interface TreeBuild {
  tree: DecodedNode;
  truncated: boolean;
}

/** Builds a tree from a plain value, breadth-limited by maxNodes and depth-limited by maxDepth. */
export function valueToTree(value: unknown, rootType?: string): TreeBuild {
  let nodes = 0;
  let truncated = false;
  const build = (v: unknown, key: string | undefined, depth: number): DecodedNode => {
    nodes++;
    const node = (type: string, extra: Partial<DecodedNode> = {}): DecodedNode => (key === undefined ? { type, ...extra } : { key, type, ...extra });
    if (v === null || v === undefined) return node('null', { value: String(v) });
    if (typeof v === 'string') return node('string', { value: clip(v, DECODE_LIMITS.maxValueChars) });
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return node(typeof v, { value: String(v) });
    if (v instanceof Uint8Array) return node('bytes', { value: bytesPreview(v) });
    if (v instanceof Date) return node('date', { value: Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString() });
    if (typeof v !== 'object') return node(typeof v, { value: String(v) });
    const entries: Array<[string, unknown]> = v instanceof Map ? [...v.entries()].map(([k, x]) => [String(k), x]) : Array.isArray(v) ? v.map((x, i) => [String(i), x]) : Object.entries(v);
    const type = Array.isArray(v) ? 'array' : 'object';
    if (depth >= DECODE_LIMITS.maxDepth) {
      truncated = true;
      return node(type, { value: `… (deeper than ${DECODE_LIMITS.maxDepth} levels)` });
    }
    const children: DecodedNode[] = [];
    for (const [k, x] of entries) {
      if (nodes >= DECODE_LIMITS.maxNodes) {
        truncated = true;
        children.push({ key: '…', type: 'note', value: `${entries.length - children.length} more not shown (node limit ${DECODE_LIMITS.maxNodes})` });
        break;
      }
      children.push(build(x, k, depth + 1));
    }
    return node(type, { value: Array.isArray(v) ? `[${entries.length}]` : `{${entries.length}}`, children });
  };
  const tree = build(value, undefined, 0);
  if (rootType) tree.type = rootType;
  return { tree, truncated };
}

/** A compact one-line rendering of a value, cut at `max` characters, never walking the whole value. */
export function summarizeValue(value: unknown, max = DECODE_LIMITS.summaryChars): string {
  let out = '';
  let budget = max + 1;
  const write = (s: string) => {
    out += s;
    budget -= s.length;
  };
  const walk = (v: unknown, depth: number) => {
    if (budget <= 0) return;
    if (v === null || v === undefined) return write(String(v));
    if (typeof v === 'string') return write(JSON.stringify(v.length > budget ? v.slice(0, budget) : v));
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return write(String(v));
    if (v instanceof Uint8Array) return write(`<${v.length} bytes>`);
    if (v instanceof Date) return write(Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString());
    if (typeof v !== 'object') return write(String(v));
    if (depth > 8) return write('…');
    const isArray = Array.isArray(v);
    write(isArray ? '[' : '{');
    const entries: Array<[string, unknown]> = v instanceof Map ? [...v.entries()].map(([k, x]) => [String(k), x]) : isArray ? (v as unknown[]).map((x, i) => [String(i), x]) : Object.entries(v);
    let first = true;
    for (const [k, x] of entries) {
      if (budget <= 0) break;
      if (!first) write(',');
      first = false;
      if (!isArray) write(`${JSON.stringify(k)}:`);
      walk(x, depth + 1);
    }
    write(isArray ? ']' : '}');
  };
  walk(value, 0);
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}

export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}

export function bytesPreview(bytes: Uint8Array, max = 64): string {
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, max)).toString('hex').replace(/(..)/g, '$1 ').trim();
  return `${hex}${bytes.length > max ? ` … (${bytes.length} bytes)` : ''}`;
}

/** Decoders look at most at maxInputBytes of a frame; the warning says so. */
export function limitInput(frame: Uint8Array): { bytes: Uint8Array; warning?: string } {
  if (frame.length <= DECODE_LIMITS.maxInputBytes) return { bytes: frame };
  return { bytes: frame.subarray(0, DECODE_LIMITS.maxInputBytes), warning: `Only the first ${DECODE_LIMITS.maxInputBytes} of ${frame.length} bytes were decoded.` };
}
