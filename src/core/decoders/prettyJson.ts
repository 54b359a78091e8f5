// Pretty JSON of a decoded value under a character and a node budget. For plain JSON values it writes what
// JSON.stringify(value, null, 2) writes; binary decoders' extra types become JSON too (bigints and bytes as
// strings, Maps as objects, Sets as arrays). JSON.stringify itself has no budget: over a shared-reference
// graph it writes every path (2^24 leaves from 200 bytes), and it throws on a cycle only after that work.
import { CYCLE_MARK, DECODE_LIMITS, SharedReference, TRUNCATED, ValueWalk } from './valueWalk';

/** Deeper than this, the writer stops (recursion must not reach the stack's limit). */
const MAX_TEXT_DEPTH = 512;

export interface PrettyText {
  text: string;
  /** A budget stopped the text: it ends with a line saying so. */
  truncated: boolean;
  /** The value is nested deeper than the writer goes. */
  tooDeep: boolean;
}

export interface PrettyBudget {
  maxChars?: number;
  maxNodes?: number;
  /** The value is a tree of plain arrays and objects (JSON.parse's output): nothing is shared, nothing cycles. */
  plainTree?: boolean;
}

class BudgetedWriter {
  out = '';
  private nodes = 0;
  truncated = false;
  tooDeep = false;
  /** Absent for a plain tree: a walk is only needed where containers may be shared or cyclic. */
  private readonly walk: ValueWalk | undefined;

  constructor(
    private readonly maxChars: number,
    private readonly maxNodes: number,
    plainTree: boolean,
  ) {
    this.walk = plainTree ? undefined : new ValueWalk();
  }

  get full(): boolean {
    return this.truncated || this.tooDeep;
  }

  private push(s: string): void {
    if (this.out.length + s.length > this.maxChars) {
      s = s.slice(0, Math.max(0, this.maxChars - this.out.length));
      this.truncated = true;
    }
    this.out += s;
  }

  /** A string literal, cut before it is escaped: a 1 MiB string reached 10,000 times costs what it shows. */
  private pushString(s: string): void {
    const room = this.maxChars - this.out.length;
    if (s.length > room) {
      this.push(JSON.stringify(s.slice(0, Math.max(0, room))));
      this.truncated = true;
    } else this.push(JSON.stringify(s));
  }

  /** Writes `v` at `indent` (the caller leaves out object members without a JSON form). */
  value(v: unknown, indent: string, depth: number): void {
    if (this.full) return;
    if (++this.nodes > this.maxNodes) {
      this.truncated = true;
      return;
    }
    switch (typeof v) {
      case 'string':
        return this.pushString(v);
      case 'number':
        // JSON has no NaN or Infinity: binary formats do, and say so as a string.
        return Number.isFinite(v) ? this.push(String(v)) : this.pushString(String(v));
      case 'boolean':
        return this.push(v ? 'true' : 'false');
      case 'bigint':
        return this.pushString(v.toString());
      case 'undefined':
      case 'function':
      case 'symbol':
        return this.push('null');
    }
    if (v === null) return this.push('null');
    if (v instanceof Uint8Array) return this.pushString(Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64'));
    if (v instanceof ArrayBuffer) return this.pushString(Buffer.from(v).toString('base64'));
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? this.push('null') : this.pushString(v.toISOString());
    if (v instanceof SharedReference || v instanceof RegExp || v instanceof Error) return this.pushString(String(v));
    if (depth >= MAX_TEXT_DEPTH) {
      this.tooDeep = true;
      return;
    }
    const object = v as object;
    const inner = `${indent}  `;
    if (!this.walk) return this.plainContainer(object, indent, inner, depth);
    if (!this.walk.enter(object)) return this.pushString(CYCLE_MARK);
    const container = this.walk.container(object);
    if (container.isArray) {
      if (!container.size) this.push('[]');
      else {
        this.push('[');
        for (let i = 0; i < container.size && !this.full; i++) {
          this.push(i ? `,\n${inner}` : `\n${inner}`);
          this.value(container.value(i), inner, depth + 1);
        }
        this.push(`\n${indent}]`);
      }
    } else {
      let written = 0;
      for (let i = 0; i < container.size && !this.full; i++) {
        const item = container.value(i);
        // As JSON.stringify: members whose value has no JSON form are left out.
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
        this.push(written++ ? `,\n${inner}` : `{\n${inner}`);
        this.pushString(container.key(i));
        this.push(': ');
        this.value(item, inner, depth + 1);
      }
      this.push(written ? `\n${indent}}` : '{}');
    }
    this.walk.leave(object);
  }

  /** An array or object of JSON.parse's output: no walk, no member without a JSON form. */
  private plainContainer(object: object, indent: string, inner: string, depth: number): void {
    if (Array.isArray(object)) {
      if (!object.length) return this.push('[]');
      this.push('[');
      for (let i = 0; i < object.length && !this.full; i++) {
        this.push(i ? `,\n${inner}` : `\n${inner}`);
        this.value(object[i], inner, depth + 1);
      }
      return this.push(`\n${indent}]`);
    }
    const record = object as Record<string, unknown>;
    let written = 0;
    for (const key in record) {
      if (this.full) break;
      this.push(written++ ? `,\n${inner}` : `{\n${inner}`);
      this.pushString(key);
      this.push(': ');
      this.value(record[key], inner, depth + 1);
    }
    this.push(written ? `\n${indent}}` : '{}');
  }
}

/** Pretty JSON of `value`, cut where a budget runs out, with a last line saying so. */
export function prettyJson(value: unknown, budget: PrettyBudget = {}): PrettyText {
  const maxChars = budget.maxChars ?? DECODE_LIMITS.maxTextChars;
  const writer = new BudgetedWriter(maxChars, budget.maxNodes ?? DECODE_LIMITS.maxTextNodes, budget.plainTree ?? false);
  writer.value(value, '', 0);
  if (value === undefined) return { text: 'undefined', truncated: false, tooDeep: false };
  let text = writer.out;
  if (writer.truncated) text += `\n… ${TRUNCATED}: the first ${text.length} characters are shown.`;
  return { text, truncated: writer.truncated, tooDeep: writer.tooDeep };
}
