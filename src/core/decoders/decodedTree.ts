// Turns decoded values (JSON, MessagePack, CBOR) into DecodedNode trees, one-line summaries and pretty
// text, within limits that hold against hostile input: input bytes, depth, node count and text length.
import type { DecodeContext, DecodeResult, DecodedNode } from '../types';

export const DECODE_LIMITS = Object.freeze({
  /** Bytes of a frame a decoder looks at; the rest is reported, not parsed. */
  maxInputBytes: 1024 * 1024,
  /** Tree levels shown; deeper values show as "…". */
  maxDepth: 64,
  /** Tree nodes built per frame; the rest is counted in a note node. */
  maxNodes: 10_000,
  /** Characters of one scalar value in a tree. */
  maxValueChars: 10_000,
  /** Characters of a result's text (pretty JSON, text, hex dump). */
  maxTextChars: 1024 * 1024,
  /** Characters of a one-line summary. */
  summaryChars: 80,
});

export interface TreeBuild {
  tree: DecodedNode;
  truncated: boolean;
}

/** Keys and values of a container, without copying arrays and plain objects (the common case). */
interface Container {
  isArray: boolean;
  size: number;
  key(i: number): string;
  value(i: number): unknown;
}

function containerOf(v: object): Container {
  if (Array.isArray(v)) return { isArray: true, size: v.length, key: String, value: (i) => v[i] };
  if (v instanceof Map || v instanceof Set || (ArrayBuffer.isView(v) && !(v instanceof DataView))) {
    const entries: Array<[string, unknown]> =
      v instanceof Map
        ? [...v.entries()].map(([k, x]) => [typeof k === 'string' ? k : summarizeValue(k, 40), x])
        : Array.from(v as unknown as Iterable<unknown>, (x, i) => [String(i), x]);
    return { isArray: !(v instanceof Map), size: entries.length, key: (i) => entries[i][0], value: (i) => entries[i][1] };
  }
  const keys = Object.keys(v);
  const record = v as Record<string, unknown>;
  return { isArray: false, size: keys.length, key: (i) => keys[i], value: (i) => record[keys[i]] };
}

/** A scalar's node type and rendered value, or undefined for a container. */
function scalar(v: unknown): [string, string] | undefined {
  if (v === null || v === undefined) return ['null', String(v)];
  if (typeof v === 'string') return ['string', clip(v, DECODE_LIMITS.maxValueChars)];
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return [typeof v, String(v)];
  if (v instanceof Uint8Array) return ['bytes', bytesPreview(v)];
  if (v instanceof ArrayBuffer) return ['bytes', bytesPreview(new Uint8Array(v))];
  if (v instanceof Date) return ['date', Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString()];
  if (v instanceof RegExp || v instanceof Error)
    return [v instanceof RegExp ? 'regexp' : 'error', clip(String(v), DECODE_LIMITS.maxValueChars)];
  if (typeof v !== 'object') return [typeof v, String(v)];
  return undefined;
}

function leaf(key: string | undefined, type: string, value: string): DecodedNode {
  return key === undefined ? { type, value } : { key, type, value };
}

/** Builds a tree from a plain value, cut at maxDepth levels and maxNodes nodes (cycles are cut too). */
export function valueToTree(value: unknown, rootType?: string): TreeBuild {
  let nodes = 0;
  let truncated = false;
  const build = (v: unknown, key: string | undefined, depth: number): DecodedNode => {
    nodes++;
    // The common scalars first, without the general checks.
    switch (typeof v) {
      case 'string':
        return leaf(key, 'string', v.length > DECODE_LIMITS.maxValueChars ? clip(v, DECODE_LIMITS.maxValueChars) : v);
      case 'number':
        return leaf(key, 'number', String(v));
      case 'boolean':
        return leaf(key, 'boolean', v ? 'true' : 'false');
    }
    const s = scalar(v);
    if (s) return leaf(key, s[0], s[1]);
    const container = containerOf(v as object);
    const type = container.isArray ? 'array' : 'object';
    if (depth >= DECODE_LIMITS.maxDepth) {
      truncated = true;
      return leaf(key, type, `… (deeper than ${DECODE_LIMITS.maxDepth} levels)`);
    }
    const children: DecodedNode[] = [];
    for (let i = 0; i < container.size; i++) {
      if (nodes >= DECODE_LIMITS.maxNodes) {
        truncated = true;
        children.push(limitNote(container.size - i));
        break;
      }
      children.push(build(container.value(i), container.key(i), depth + 1));
    }
    const summary = container.isArray ? `[${container.size}]` : `{${container.size}}`;
    return key === undefined ? { type, value: summary, children } : { key, type, value: summary, children };
  };
  const tree = build(value, undefined, 0);
  if (rootType) tree.type = rootType;
  return { tree, truncated };
}

export function limitNote(more: number): DecodedNode {
  return { key: '…', type: 'note', value: `${more} more not shown (limit of ${DECODE_LIMITS.maxNodes} nodes)` };
}

/** A compact one-line rendering of a value, cut at `max` characters, never walking the whole value. */
export function summarizeValue(value: unknown, max: number = DECODE_LIMITS.summaryChars): string {
  let out = '';
  const walk = (v: unknown, depth: number): void => {
    switch (typeof v) {
      case 'string':
        out += JSON.stringify(v.length > max ? v.slice(0, max) : v);
        return;
      case 'number':
      case 'boolean':
      case 'bigint':
        out += String(v);
        return;
    }
    if (v instanceof Uint8Array) {
      out += `<${v.length} bytes>`;
      return;
    }
    const s = scalar(v);
    if (s) {
      out += s[1];
      return;
    }
    if (depth > 8) {
      out += '…';
      return;
    }
    const container = containerOf(v as object);
    out += container.isArray ? '[' : '{';
    for (let i = 0; i < container.size && out.length <= max; i++) {
      if (i) out += ',';
      if (!container.isArray) out += `${JSON.stringify(container.key(i))}:`;
      walk(container.value(i), depth + 1);
    }
    out += container.isArray ? ']' : '}';
  };
  walk(value, 0);
  // JSON.stringify escapes line breaks, so the rendering is one line already.
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}

/** Whitespace runs as one space, cut at `max` characters with an ellipsis. */
export function oneLine(text: string, max: number = DECODE_LIMITS.summaryChars): string {
  const line = text
    .slice(0, max * 4)
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}

export function bytesPreview(bytes: Uint8Array, max = 64): string {
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, max))
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1 ');
  return `${hex}${bytes.length > max ? ` … (${bytes.length} bytes)` : ''}`;
}

export interface InputWindow {
  /** The bytes to decode: at most maxInputBytes. */
  bytes: Uint8Array;
  /** True when these are not all the frame's bytes (cut here, or truncated by the capture). */
  cut: boolean;
  /** What was cut, for the result's warning. */
  notes: string[];
}

/** The part of a frame a decoder may look at, and notes on what it cannot see. */
export function inputWindow(frame: Uint8Array, context?: DecodeContext): InputWindow {
  const notes: string[] = [];
  let bytes = frame;
  const trueSize = context?.trueSize;
  if (trueSize !== undefined && trueSize > frame.length)
    notes.push(`The capture kept only the first ${frame.length} of ${trueSize} bytes of this frame.`);
  if (frame.length > DECODE_LIMITS.maxInputBytes) {
    bytes = frame.subarray(0, DECODE_LIMITS.maxInputBytes);
    notes.push(`Only the first ${DECODE_LIMITS.maxInputBytes} of ${frame.length} bytes were decoded.`);
  }
  return { bytes, cut: notes.length > 0, notes };
}

/** Joins the notes into a warning, or undefined when there is nothing to say. */
export function warningOf(notes: readonly (string | undefined)[]): string | undefined {
  const present = notes.filter((n): n is string => !!n);
  return present.length ? present.join(' ') : undefined;
}

/** Makes plain JSON out of what binary decoders return: bigints, bytes, Maps, Sets, non-finite numbers. */
function jsonSafe(this: unknown, key: string, converted: unknown): unknown {
  // JSON.stringify has already called toJSON (a Buffer becomes {type, data}): look at the value itself.
  const v = (this as Record<string, unknown>)[key];
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  if (v instanceof Map) return Object.fromEntries([...v.entries()].map(([k, x]) => [typeof k === 'string' ? k : summarizeValue(k, 40), x]));
  if (v instanceof Set) return [...v];
  return converted;
}

/**
 * Pretty JSON of a decoded value. A value too deep for JSON.stringify (or cyclic) falls back to
 * `sourceText` (what JSON frames already are) or else to a long summary.
 */
export function prettyText(value: unknown, sourceText?: string): string {
  try {
    const text = sourceText !== undefined ? JSON.stringify(value, null, 2) : JSON.stringify(value, jsonSafe, 2);
    return clip(text ?? String(value), DECODE_LIMITS.maxTextChars);
  } catch {
    if (sourceText !== undefined) return clip(sourceText, DECODE_LIMITS.maxTextChars);
    return `${summarizeValue(value, DECODE_LIMITS.maxValueChars)}\n(too deep or cyclic to print in full: see the tree)`;
  }
}

/**
 * The result for a structured value: tree, summary and pretty text, with every limit hit in the warning.
 * `sourceText` is given for JSON: the value is plain JSON then, and its source is the fallback text.
 */
export function valueResult(decoderId: string, value: unknown, notes: string[] = [], sourceText?: string): DecodeResult {
  const { tree, truncated } = valueToTree(value);
  return {
    ok: true,
    decoderId,
    summary: summarizeValue(value),
    text: prettyText(value, sourceText),
    tree,
    warning: warningOf([
      ...notes,
      truncated
        ? `Large or deep value: the tree stops at ${DECODE_LIMITS.maxDepth} levels and ${DECODE_LIMITS.maxNodes} nodes.`
        : undefined,
    ]),
  };
}
