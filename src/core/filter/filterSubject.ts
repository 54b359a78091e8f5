// What a filter expression reads about one stored message: metadata straight from the store, and
// decoded frames on demand (JSON parsed directly, the fast path for the common case; anything else
// through the decoder registry, whose tree is turned back into plain values). Decodes are cached per
// message, so `$.a > 1 && $.b < 2` decodes once.
import type { StoredMessageView } from '../capture/captureStore';
import type { DecodedNode } from '../types';
import type { FieldName, FilterFields } from './filterExpression';

export interface SubjectSessions {
  name(sessionId: string): string;
  socketType(sessionId: string): string | undefined;
}

/** Decodes a frame the way the inspector would (rules, then detection); undefined when nothing decodes it. */
export type TreeDecoder = (frame: Uint8Array, index: number, view: StoredMessageView) => DecodedNode | undefined;

/** Frame text is read up to this many bytes: a filter looks at payloads, not at megabyte blobs. */
const MAX_TEXT_BYTES = 256 * 1024;

export class MessageSubject implements FilterFields {
  private view!: StoredMessageView;
  // Decodes of the current message by frame index; an entry counts when its generation is current.
  private readonly decodedValues: unknown[] = [];
  private readonly decodedGeneration: number[] = [];
  private generation = 0;
  private payloadIndexCache = -1;
  /** The store's slab as a Buffer, made once per slab rather than once per message. */
  private slab: Uint8Array | undefined;
  private slabBuffer: Buffer | undefined;

  constructor(
    private readonly sessions: SubjectSessions,
    private readonly decodeTree: TreeDecoder,
  ) {}

  reset(view: StoredMessageView): this {
    this.view = view;
    this.generation++;
    this.payloadIndexCache = -1;
    return this;
  }

  hasTopic(): boolean {
    return this.view.hasTopic && this.view.frameCount > 0;
  }

  field(name: FieldName): unknown {
    const v = this.view;
    switch (name) {
      case 'seq':
        return v.seq;
      case 'time':
        return v.timeMs;
      case 'session':
        return this.sessions.name(v.sessionId);
      case 'direction':
        return v.direction;
      case 'frames':
        return v.frameCount;
      case 'size':
        return v.size;
      case 'topic':
        return v.hasTopic && v.frameCount > 0 ? this.frameText(0) : undefined;
      case 'tag':
        return v.tag;
      case 'type':
        return this.sessions.socketType(v.sessionId);
      case 'body': {
        const index = this.payloadIndex();
        return index < 0 ? undefined : this.frameText(index);
      }
    }
  }

  decoded(index: number | undefined): unknown {
    const at = index ?? this.payloadIndex();
    if (at < 0 || at >= this.view.frameCount) return undefined;
    if (this.decodedGeneration[at] === this.generation) return this.decodedValues[at];
    const value = this.decode(at);
    this.decodedValues[at] = value;
    this.decodedGeneration[at] = this.generation;
    return value;
  }

  /** The payload: the first non-empty frame after the topic or routing id (and REQ/REP delimiters). */
  private payloadIndex(): number {
    if (this.payloadIndexCache >= 0 || this.view.frameCount === 0) return this.view.frameCount === 0 ? -1 : this.payloadIndexCache;
    const v = this.view;
    let index = v.hasTopic || v.hasRoutingId ? 1 : 0;
    while (index < v.frameCount - 1 && v.lengths[index] === 0) index++;
    this.payloadIndexCache = Math.min(index, v.frameCount - 1);
    return this.payloadIndexCache;
  }

  private frameText(index: number): string {
    return this.slabText(this.view.starts[index], Math.min(this.view.lengths[index], MAX_TEXT_BYTES));
  }

  private slabText(start: number, length: number): string {
    const bytes = this.view.bytes;
    if (bytes !== this.slab) {
      this.slab = bytes;
      this.slabBuffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    return this.slabBuffer!.toString('utf8', start, start + length);
  }

  private decode(index: number): unknown {
    const v = this.view;
    const start = v.starts[index];
    const length = v.lengths[index];
    const bytes = v.bytes;
    let first = start;
    const end = start + length;
    while (first < end && (bytes[first] === 0x20 || bytes[first] === 0x0a || bytes[first] === 0x0d || bytes[first] === 0x09)) first++;
    if (first < end && (bytes[first] === 0x7b || bytes[first] === 0x5b) && length <= MAX_TEXT_BYTES) {
      try {
        return JSON.parse(this.slabText(start, length));
      } catch {
        // Not JSON after all (a binary frame starting with '{'): the registry may know better.
      }
    }
    const tree = this.decodeTree(v.frame(index), index, v);
    return tree ? treeToValue(tree) : undefined;
  }
}

/** A decoded tree (values as text) back to plain values: numbers as numbers, objects with no prototype. */
export function treeToValue(node: DecodedNode): unknown {
  switch (node.type) {
    case 'number': {
      const n = Number(node.value);
      return Number.isNaN(n) ? node.value : n;
    }
    case 'boolean':
      return node.value === 'true';
    case 'null':
      return null;
    case 'array':
      return (node.children ?? []).filter((c) => c.type !== 'note').map(treeToValue);
    case 'object':
    case 'message':
    case 'map': {
      const out: Record<string, unknown> = Object.create(null);
      for (const child of node.children ?? []) if (child.type !== 'note' && child.key !== undefined) out[child.key] = treeToValue(child);
      return out;
    }
    default:
      return node.children ? treeToValue({ ...node, type: 'object' }) : node.value;
  }
}
