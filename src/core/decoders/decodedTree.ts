// Turns decoded values (JSON, MessagePack, CBOR) into DecodedNode trees, one-line summaries and pretty
// text, within limits that hold against hostile input: input bytes, depth, node count and text length.
import type { DecodeContext, DecodeResult, DecodedNode } from '../types';
import { type PrettyText, prettyJson } from './prettyJson';
import { CYCLE_MARK, DECODE_LIMITS, TRUNCATED, ValueWalk, clip, scalarOf, summarizeValue } from './valueWalk';

export { DECODE_LIMITS, TRUNCATED, bytesPreview, clip, summarizeValue } from './valueWalk';

export interface TreeBuild {
  tree: DecodedNode;
  truncated: boolean;
}

function leaf(key: string | undefined, type: string, value: string): DecodedNode {
  return key === undefined ? { type, value } : { key, type, value };
}

/**
 * Builds a tree from a decoded value under the tree budgets: maxDepth levels, maxNodes nodes, maxValueChars
 * per value and maxTreeChars in all. A shared container is shown wherever it is referenced (costing nodes
 * each time); one that contains itself is shown once, with a cycle mark where it recurs.
 */
export function valueToTree(value: unknown, rootType?: string): TreeBuild {
  const walk = new ValueWalk();
  let nodes = 0;
  let chars = 0;
  let truncated = false;
  /** Counts a value's (or key's) characters, cut to what is left of the tree's budget. */
  const text = (s: string): string => {
    const room = Math.max(0, DECODE_LIMITS.maxTreeChars - chars);
    const max = Math.min(DECODE_LIMITS.maxValueChars, room);
    if (s.length > max) {
      // The per-value limit is a display choice; the tree's budget running out is a truncation.
      if (max === room) truncated = true;
      s = clip(s, max);
    }
    chars += s.length;
    return s;
  };
  const build = (v: unknown, rawKey: string | undefined, depth: number): DecodedNode => {
    nodes++;
    const key = rawKey === undefined ? undefined : text(rawKey);
    // The common scalars first, without the general checks.
    switch (typeof v) {
      case 'string':
        return leaf(key, 'string', text(v));
      case 'number':
        return leaf(key, 'number', String(v));
      case 'boolean':
        return leaf(key, 'boolean', v ? 'true' : 'false');
    }
    const s = scalarOf(v, DECODE_LIMITS.maxValueChars);
    if (s) return leaf(key, s[0], text(s[1]));
    const object = v as object;
    const container = walk.container(object);
    const type = container.isArray ? 'array' : 'object';
    if (depth >= DECODE_LIMITS.maxDepth) {
      truncated = true;
      return leaf(key, type, `… (deeper than ${DECODE_LIMITS.maxDepth} levels)`);
    }
    if (!walk.enter(object)) return leaf(key, 'ref', CYCLE_MARK);
    const children: DecodedNode[] = [];
    for (let i = 0; i < container.size; i++) {
      if (nodes >= DECODE_LIMITS.maxNodes || chars >= DECODE_LIMITS.maxTreeChars) {
        truncated = true;
        children.push(limitNote(container.size - i));
        break;
      }
      children.push(build(container.value(i), container.key(i), depth + 1));
    }
    walk.leave(object);
    const summary = container.isArray ? `[${container.size}]` : `{${container.size}}`;
    return key === undefined ? { type, value: summary, children } : { key, type, value: summary, children };
  };
  const tree = build(value, undefined, 0);
  if (rootType) tree.type = rootType;
  return { tree, truncated };
}

export function limitNote(more: number): DecodedNode {
  return { key: '…', type: 'note', value: `${more} more not shown: ${TRUNCATED} of ${DECODE_LIMITS.maxNodes} nodes` };
}

/** Whitespace runs as one space, cut at `max` characters with an ellipsis. */
export function oneLine(text: string, max: number = DECODE_LIMITS.summaryChars): string {
  const line = text
    .slice(0, max * 4)
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
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

/**
 * The text view of a decoded value: pretty JSON under the text budgets. A JSON value nested deeper than the
 * writer goes is shown as `sourceText` (what the frame says), cut to the text budget.
 */
export function prettyText(value: unknown, sourceText?: string): PrettyText {
  const pretty = prettyJson(value, { plainTree: sourceText !== undefined });
  if (!pretty.tooDeep) return pretty;
  if (sourceText !== undefined) {
    const truncated = sourceText.length > DECODE_LIMITS.maxTextChars;
    return { text: clip(sourceText, DECODE_LIMITS.maxTextChars), truncated, tooDeep: true };
  }
  return { ...pretty, text: `${pretty.text}\n… (too deep to print in full: see the tree)` };
}

/**
 * The result for a structured value: tree, summary and pretty text, with every budget hit in the warning.
 * `sourceText` is given for JSON: the value is plain JSON then, and its source is the fallback text. For
 * a row summary (`purpose: 'summary'`) neither tree nor text is built.
 */
export function valueResult(
  decoderId: string,
  value: unknown,
  notes: string[] = [],
  sourceText?: string,
  context?: DecodeContext,
): DecodeResult {
  const summary = summarizeValue(value);
  if (context?.purpose === 'summary') return { ok: true, decoderId, summary, warning: warningOf(notes) };
  const { tree, truncated } = valueToTree(value);
  const text = prettyText(value, sourceText);
  return {
    ok: true,
    decoderId,
    summary,
    text: text.text,
    tree,
    warning: warningOf([
      ...notes,
      truncated
        ? `Large, deep or self-referencing value: ${TRUNCATED}; the tree stops at ${DECODE_LIMITS.maxDepth} ` +
          `levels, ${DECODE_LIMITS.maxNodes} nodes and ${DECODE_LIMITS.maxTreeChars} characters.`
        : undefined,
      text.truncated
        ? `The text view is ${TRUNCATED} (${DECODE_LIMITS.maxTextChars} characters, ${DECODE_LIMITS.maxTextNodes} values).`
        : undefined,
    ]),
  };
}
