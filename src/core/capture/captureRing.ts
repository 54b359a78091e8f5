// The capture store's bookkeeping (captureStore.ts adds writing and reading messages): the ring of per-message
// metadata in typed arrays indexed by sequence number (18 bytes a message), the slab chain the payloads live
// in, eviction under the message and byte budgets with its counters, and interned session ids and tags.
import type { CaptureStats, Direction } from '../types';
import { SlabChain } from './captureSlabs';
import { heldBytesAt, SlabCursor } from './captureSlabFormat';

/** One stored message seen in place (see CaptureStore.readInto); reuse one for a whole scan. */
export class StoredMessageView {
  seq = 0;
  sessionId = '';
  direction: Direction = 'in';
  hasTopic = false;
  hasRoutingId = false;
  timeMs = 0;
  tag: string | undefined;
  bytes: Uint8Array = new Uint8Array(0);
  frameCount = 0;
  starts: number[] = [];
  lengths: number[] = [];
  /** Bytes on the wire, all frames. */
  size = 0;

  frame(index: number): Uint8Array {
    return this.bytes.subarray(this.starts[index], this.starts[index] + this.lengths[index]);
  }
}

export interface CaptureLimits {
  maxMessages: number;
  maxBytes: number;
  /** Frames larger than this are kept truncated (their true size is kept). Default 1 MiB. */
  maxFrameBytes?: number;
}

const INITIAL_CAPACITY = 1024;

// metaOf: session index in the low 24 bits, flags in the high 8.
export const SESSION_MASK = 0xffffff;
export const FLAG_OUT = 1 << 24;
export const FLAG_ROUTING_ID = 2 << 24;
export const FLAG_TOPIC = 4 << 24;
/** Holds its ring slot (seqs stay contiguous) but is not retained: removed by the user, or too big. */
export const FLAG_REMOVED = 8 << 24;
/** The message has a truncated frame: its slab headers carry true sizes. */
export const FLAG_TRUE_SIZES = 16 << 24;
export const NO_TAG = 0xffff;
/** Past 2^24 - 1 distinct session ids, the rest share this last one. */
const OVERFLOW_SESSION = SESSION_MASK;

/** The flag bits of a message's metadata word, for code that reads raw runs (the crash spool). */
export const CAPTURE_META = {
  SESSION_MASK,
  OUT: FLAG_OUT,
  ROUTING_ID: FLAG_ROUTING_ID,
  TOPIC: FLAG_TOPIC,
  REMOVED: FLAG_REMOVED,
  TRUE_SIZES: FLAG_TRUE_SIZES,
  NO_TAG,
} as const;

/** Offset of a message with no stored bytes in a raw run. */
export const NO_PAYLOAD = 0xffffffff;

/**
 * Messages as the store holds them, for the crash spool: metadata copied out of the rings, payload as a
 * view of the one slab that holds them (no copy; pin the slab while the view is in use).
 */
export interface RawRun {
  firstSeq: number;
  count: number;
  timeSec: Uint32Array;
  timeFrac: Uint32Array;
  /** Store session index (see sessionIds()) in the low bits, CAPTURE_META flags in the high ones. */
  meta: Uint32Array;
  /** Index into tagNames(), or CAPTURE_META.NO_TAG. */
  tag: Uint16Array;
  /** Where each message starts in `payload`; NO_PAYLOAD for removed ones. */
  offsets: Uint32Array;
  payload: Uint8Array;
  /** The slab `payload` is a view of. */
  slab: Uint8Array;
}

export abstract class CaptureRing {
  protected limits: Required<CaptureLimits>;
  // Ring of messages: the slot of seq s is (head + s - firstSeq) % capacity.
  protected capacity = 0;
  protected head = 0;
  protected count = 0;
  protected nextSeq = 1;
  protected timeSec = new Uint32Array(0);
  /** Nanoseconds within the second. */
  protected timeFrac = new Uint32Array(0);
  protected offsetOf = new Uint32Array(0);
  protected metaOf = new Uint32Array(0);
  protected tagOf = new Uint16Array(0);
  protected readonly payload = new SlabChain();
  protected readonly cursor = new SlabCursor();
  /** Writes in flight per slab (see pinSlab). */
  protected readonly pins = new Map<Uint8Array, number>();
  protected readonly sessionIndex = new Map<string, number>();
  protected readonly sessionNames: string[] = [];
  protected lastSessionId: string | undefined;
  protected lastSessionIndex = 0;
  protected readonly tagIndex = new Map<string, number>();
  protected readonly tags: string[] = [];
  protected lastTag: string | undefined;
  protected lastTagIndex = NO_TAG;
  protected retainedBytes = 0;
  protected total = 0;
  protected dropped = 0;
  protected droppedBytes = 0;
  protected oversized = 0;
  protected oversizedBytes = 0;
  protected truncatedFrames = 0;
  /** Ring slots flagged removed. */
  protected removed = 0;
  /** Bumped on every change; readers compare it instead of subscribing to the hot path. */
  version = 0;

  constructor(limits: CaptureLimits) {
    this.limits = normalize(limits);
  }

  /** The byte budget (sessions and taps size their receive queues from it). */
  get maxBytes(): number {
    return this.limits.maxBytes;
  }

  /** Retained messages. */
  get size(): number {
    return this.count - this.removed;
  }

  /** Oldest seq still in the ring (it may be a removed one); lastSeq + 1 when empty. */
  get firstSeq(): number {
    return this.nextSeq - this.count;
  }

  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /** New limits apply at once: shrinking evicts the oldest now. */
  setLimits(limits: CaptureLimits): void {
    this.limits = normalize(limits);
    this.evict(0, 0);
    const { maxMessages } = this.limits;
    if (this.capacity > maxMessages) this.resize(Math.max(this.count, Math.min(maxMessages, INITIAL_CAPACITY)));
    this.version++;
  }

  stats(): CaptureStats {
    return {
      total: this.total,
      retained: this.count - this.removed,
      retainedBytes: this.retainedBytes,
      dropped: this.dropped,
      droppedBytes: this.droppedBytes,
      oversized: this.oversized,
      oversizedBytes: this.oversizedBytes,
      truncatedFrames: this.truncatedFrames,
      firstSeq: this.firstSeq,
      lastSeq: this.lastSeq,
    };
  }

  /** Session ids that have retained messages or had some. */
  sessionIds(): string[] {
    return [...this.sessionNames];
  }

  /** Drops every message and frees their memory (not counted as dropped: the user asked). Seqs go on. */
  clear(): void {
    this.head = 0;
    this.count = 0;
    this.removed = 0;
    this.retainedBytes = 0;
    this.resize(0);
    this.payload.release();
    this.version++;
  }

  /**
   * Removes one session's messages, keeping the others' and every seq (not counted as dropped: the
   * user asked). Their slots and slab bytes are reclaimed when they come up for eviction.
   */
  removeSession(sessionId: string): void {
    const index = this.sessionIndex.get(sessionId);
    if (index === undefined) return;
    const { slabs, starts } = this.payload;
    let slabIndex = 0;
    for (let i = 0; i < this.count; i++) {
      const slot = (this.head + i) % this.capacity;
      const meta = this.metaOf[slot];
      if ((meta & SESSION_MASK) !== index || meta & FLAG_REMOVED) continue;
      const seq = this.firstSeq + i;
      while (slabIndex + 1 < slabs.length && starts[slabIndex + 1] <= seq) slabIndex++;
      this.retainedBytes -= heldBytesAt(this.cursor.at(slabs[slabIndex], this.offsetOf[slot]), (meta & FLAG_TRUE_SIZES) !== 0);
      this.metaOf[slot] = meta | FLAG_REMOVED;
      this.removed++;
    }
    this.version++;
  }

  /** Tags interned so far, by index (RawRun.tag). */
  tagNames(): string[] {
    return [...this.tags];
  }

  /** Records a message whose payload is already written at `offset`: its metadata slot, count and sequence. */
  protected commitSlot(
    seq: number,
    timeSec: number,
    timeFrac: number,
    offset: number,
    meta: number,
    tag: number,
    maxMessages: number,
  ): void {
    if (this.count === this.capacity) this.resize(Math.min(Math.max(INITIAL_CAPACITY, this.capacity * 2), maxMessages));
    let slot = this.head + this.count;
    if (slot >= this.capacity) slot -= this.capacity;
    this.timeSec[slot] = timeSec;
    this.timeFrac[slot] = timeFrac;
    this.offsetOf[slot] = offset;
    this.metaOf[slot] = meta;
    this.tagOf[slot] = tag;
    this.count++;
    this.nextSeq = seq + 1;
    this.version++;
  }

  /** Keeps `slab` out of reuse while a write of it is in flight (it is freed normally afterwards). Counted. */
  pinSlab(slab: Uint8Array): void {
    this.pins.set(slab, (this.pins.get(slab) ?? 0) + 1);
    this.payload.pinned.add(slab);
  }

  unpinSlab(slab: Uint8Array): void {
    const pins = (this.pins.get(slab) ?? 1) - 1;
    if (pins > 0) return void this.pins.set(slab, pins);
    this.pins.delete(slab);
    this.payload.pinned.delete(slab);
  }

  /**
   * Continues numbering at `seq` (a restored capture keeps its sequence numbers): the seqs skipped are
   * holes, as removed messages are. An empty store just starts there.
   */
  skipTo(seq: number): void {
    if (!(seq > this.nextSeq) || !Number.isSafeInteger(seq)) return;
    if (this.count === 0) {
      this.nextSeq = seq;
      this.version++;
      return;
    }
    const { maxMessages } = this.limits;
    // As many holes as the ring holds would evict every message anyway.
    if (seq - this.nextSeq >= maxMessages) this.evict(maxMessages, 0);
    while (this.nextSeq < seq) {
      if (this.count >= maxMessages) this.evict(1, 0);
      if (this.count === 0) {
        this.nextSeq = seq;
        break;
      }
      if (this.count === this.capacity) this.resize(Math.min(Math.max(INITIAL_CAPACITY, this.capacity * 2), maxMessages));
      let slot = this.head + this.count;
      if (slot >= this.capacity) slot -= this.capacity;
      this.timeSec[slot] = 0;
      this.timeFrac[slot] = 0;
      this.offsetOf[slot] = 0;
      this.metaOf[slot] = FLAG_REMOVED;
      this.tagOf[slot] = NO_TAG;
      this.removed++;
      this.count++;
      this.nextSeq++;
    }
    this.version++;
  }

  protected slotOf(seq: number): number {
    if (!(seq >= this.firstSeq && seq <= this.lastSeq) || !Number.isInteger(seq)) return -1;
    const slot = this.head + seq - this.firstSeq;
    return slot >= this.capacity ? slot - this.capacity : slot;
  }

  protected evict(extraMessages: number, extraBytes: number): void {
    const { maxMessages, maxBytes } = this.limits;
    while (this.count > 0 && (this.count + extraMessages > maxMessages || this.retainedBytes + extraBytes > maxBytes)) {
      const slot = this.head;
      const meta = this.metaOf[slot];
      if (meta & FLAG_REMOVED) this.removed--;
      else {
        // The oldest written message is always in the first slab (slabs behind it are freed below).
        const held = heldBytesAt(this.cursor.at(this.payload.slabs[0], this.offsetOf[slot]), (meta & FLAG_TRUE_SIZES) !== 0);
        this.retainedBytes -= held;
        this.dropped++;
        this.droppedBytes += held;
      }
      this.head = slot + 1 === this.capacity ? 0 : slot + 1;
      this.count--;
      this.payload.freeBefore(this.nextSeq - this.count);
    }
    if (this.count === 0) this.payload.release();
  }

  protected resize(capacity: number): void {
    const count = this.count;
    const firstPart = Math.min(count, this.capacity - this.head);
    const move = <T extends Uint32Array | Uint16Array>(old: T, next: T): T => {
      next.set(old.subarray(this.head, this.head + firstPart));
      if (firstPart < count) next.set(old.subarray(0, count - firstPart), firstPart);
      return next;
    };
    this.timeSec = move(this.timeSec, new Uint32Array(capacity));
    this.timeFrac = move(this.timeFrac, new Uint32Array(capacity));
    this.offsetOf = move(this.offsetOf, new Uint32Array(capacity));
    this.metaOf = move(this.metaOf, new Uint32Array(capacity));
    this.tagOf = move(this.tagOf, new Uint16Array(capacity));
    this.head = 0;
    this.capacity = capacity;
  }

  protected internSession(id: string): number {
    let index = this.sessionIndex.get(id);
    if (index === undefined) {
      index = Math.min(this.sessionNames.length, OVERFLOW_SESSION);
      if (index === OVERFLOW_SESSION) this.sessionNames[index] = '(other sessions)';
      else {
        this.sessionIndex.set(id, index);
        this.sessionNames.push(id);
      }
    }
    this.lastSessionId = id;
    this.lastSessionIndex = index;
    return index;
  }

  /** At most 65535 distinct tags are kept; later new ones are not stored. */
  protected internTag(tag: string): number {
    let index = this.tagIndex.get(tag);
    if (index === undefined && this.tags.length < NO_TAG) {
      index = this.tags.length;
      this.tagIndex.set(tag, index);
      this.tags.push(tag);
    }
    this.lastTag = tag;
    this.lastTagIndex = index ?? NO_TAG;
    return this.lastTagIndex;
  }
}

function normalize(limits: CaptureLimits): Required<CaptureLimits> {
  return {
    maxMessages: Math.max(1, Math.floor(limits.maxMessages)),
    maxBytes: Math.max(1, Math.floor(limits.maxBytes)),
    maxFrameBytes: Math.max(0, Math.floor(limits.maxFrameBytes ?? 1024 * 1024)),
  };
}
