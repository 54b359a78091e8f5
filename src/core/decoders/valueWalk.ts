// What every walk over a decoded value shares: the limits, the marker for what a budget cut, and a view of
// containers that holds against hostile shapes. MessagePack and CBOR shared references make a value a graph:
// a few hundred bytes can describe 2^24 leaves (a DAG) or a value that contains itself (a cycle). So a walk
// enumerates each container once (however often it is reached), stops at a container already on its path,
// and charges every node it visits to a budget.

export const DECODE_LIMITS = Object.freeze({
  /** Bytes of a frame a decoder looks at; the rest is reported, not parsed. */
  maxInputBytes: 1024 * 1024,
  /** Tree levels shown; deeper values show as "…". */
  maxDepth: 64,
  /** Tree nodes built per frame; the rest is counted in a note node. */
  maxNodes: 10_000,
  /** Characters of one scalar value (or key) in a tree. */
  maxValueChars: 10_000,
  /** Characters of every value and key of one tree together. */
  maxTreeChars: 512 * 1024,
  /** Characters of a result's text (pretty JSON, text, hex dump). */
  maxTextChars: 1024 * 1024,
  /** Values the pretty text writes; past it the text stops. */
  maxTextNodes: 200_000,
  /** Characters of a one-line summary. */
  summaryChars: 80,
});

/** What a value, a tree or a text shows where a budget stopped it. */
export const TRUNCATED = 'truncated (budget)';

/** A CBOR shared reference (tag 29) that points at a value still being read (a cycle) or at no value. */
export class SharedReference {
  constructor(
    readonly id: number,
    readonly cycle: boolean,
  ) {}

  toString(): string {
    return this.cycle ? `↻ shared value #${this.id} (a cycle: it contains itself)` : `↻ shared value #${this.id} (not defined before use)`;
  }
}

/** Keys and values of a container, without copying arrays, typed arrays and plain objects' values. */
export interface Container {
  isArray: boolean;
  size: number;
  key(i: number): string;
  value(i: number): unknown;
}

/** The marker a walk writes where a value refers back to a container it is inside of. */
export const CYCLE_MARK = '↻ (cycle: refers to a value it is inside of)';

/**
 * One walk's view of the containers it meets: each enumerated once (a shared object reached 10,000 times
 * costs its keys once), and the containers on the current path, so that a cycle is seen, not followed.
 */
export class ValueWalk {
  private readonly containers = new Map<object, Container>();
  private readonly path = new Set<object>();

  container(v: object): Container {
    let found = this.containers.get(v);
    if (!found) {
      found = containerOf(v);
      this.containers.set(v, found);
    }
    return found;
  }

  /** False when `v` is already on the path (a cycle): the caller writes CYCLE_MARK instead of entering. */
  enter(v: object): boolean {
    if (this.path.has(v)) return false;
    this.path.add(v);
    return true;
  }

  leave(v: object): void {
    this.path.delete(v);
  }
}

function containerOf(v: object): Container {
  if (Array.isArray(v)) return { isArray: true, size: v.length, key: String, value: (i) => v[i] };
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const items = v as unknown as ArrayLike<unknown>;
    return { isArray: true, size: items.length, key: String, value: (i) => items[i] };
  }
  if (v instanceof Set) {
    const items = [...v];
    return { isArray: true, size: items.length, key: String, value: (i) => items[i] };
  }
  if (v instanceof Map) {
    const entries = [...v.entries()];
    const keys: string[] = new Array(entries.length);
    return {
      isArray: false,
      size: entries.length,
      // Non-string keys are summarized lazily: a map of a million object keys shows a few hundred.
      key: (i) => (keys[i] ??= typeof entries[i][0] === 'string' ? (entries[i][0] as string) : summarizeKey(entries[i][0])),
      value: (i) => entries[i][1],
    };
  }
  const keys = Object.keys(v);
  const record = v as Record<string, unknown>;
  return { isArray: false, size: keys.length, key: (i) => keys[i], value: (i) => record[keys[i]] };
}

/** A scalar's node type and rendered value (cut at `maxChars`), or undefined for a container. */
export function scalarOf(v: unknown, maxChars: number): [string, string] | undefined {
  if (v === null || v === undefined) return ['null', String(v)];
  if (typeof v === 'string') return ['string', clip(v, maxChars)];
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return [typeof v, String(v)];
  if (v instanceof Uint8Array) return ['bytes', bytesPreview(v)];
  if (v instanceof ArrayBuffer) return ['bytes', bytesPreview(new Uint8Array(v))];
  if (v instanceof Date) return ['date', Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString()];
  if (v instanceof SharedReference) return ['ref', v.toString()];
  if (v instanceof RegExp || v instanceof Error) return [v instanceof RegExp ? 'regexp' : 'error', clip(safeString(v), maxChars)];
  if (typeof v !== 'object') return [typeof v, clip(safeString(v), maxChars)];
  return undefined;
}

/** String(v) for values whose conversion a peer controls only partly (an Error's message, a RegExp's source). */
function safeString(v: unknown): string {
  try {
    return String(v);
  } catch {
    return `<${typeof v}>`;
  }
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

/** A map key that is not a string, as a short one-line rendering. */
function summarizeKey(key: unknown): string {
  return summarizeValue(key, 40);
}

/** A compact one-line rendering of a value, cut at `max` characters, never walking more than it shows. */
export function summarizeValue(value: unknown, max: number = DECODE_LIMITS.summaryChars): string {
  const walk = new ValueWalk();
  let out = '';
  const visit = (v: unknown, depth: number): void => {
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
    const s = scalarOf(v, max);
    if (s) {
      out += s[1];
      return;
    }
    if (depth > 8) {
      out += '…';
      return;
    }
    const object = v as object;
    if (!walk.enter(object)) {
      out += '↻';
      return;
    }
    const container = walk.container(object);
    out += container.isArray ? '[' : '{';
    // Every visit writes at least one character, so the length check bounds the work as well as the text.
    for (let i = 0; i < container.size && out.length <= max; i++) {
      if (i) out += ',';
      if (!container.isArray) out += `${JSON.stringify(container.key(i).slice(0, max))}:`;
      visit(container.value(i), depth + 1);
    }
    out += container.isArray ? ']' : '}';
    walk.leave(object);
  };
  visit(value, 0);
  // JSON.stringify escapes line breaks, so the rendering is one line already.
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}
