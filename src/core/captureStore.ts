// The capture store: every captured message, bounded by a message count and a byte budget, oldest
// evicted first (and counted). Built for a million small messages: no object per message or frame is
// kept. Payloads live in 4 MiB slabs (freed whole once all their messages are evicted); metadata lives
// in typed-array rings indexed by sequence number. Records are materialized only when asked for.
import type { AppendOptions, CaptureFilter, CaptureRecord, CaptureStats, Direction } from './types';

export interface CaptureLimits {
  maxMessages: number;
  maxBytes: number;
  /** Frames larger than this are kept truncated (their true size is kept). Default 1 MiB. */
  maxFrameBytes?: number;
}

const SLAB_BYTES = 4 * 1024 * 1024;
/** Per frame in the slab: stored length and true length, u32 little-endian each. */
const FRAME_HEADER = 8;
const INITIAL_CAPACITY = 1024;
const FLAG_OUT = 1;
const FLAG_ROUTING_ID = 2;
const FLAG_TOPIC = 4;
/** Removed by removeSession(): still holds its ring slot until evicted, but is no longer retained. */
const FLAG_REMOVED = 8;
const NO_TAG = 0xffff;

interface Slab {
  bytes: Uint8Array;
  used: number;
  /** Retained messages whose payload is in this slab. */
  live: number;
}

export class CaptureStore {
  private limits: Required<CaptureLimits>;
  // Ring of retained messages: slot of seq s is (head + s - firstSeq) % capacity.
  private capacity = 0;
  private head = 0;
  private count = 0;
  private nextSeq = 1;
  private timeMs = new Float64Array(0);
  private slabOf = new Uint32Array(0);
  private offsetOf = new Uint32Array(0);
  /** Stored payload bytes (what the byte budget counts). */
  private storedOf = new Uint32Array(0);
  /** session index (16 bits) | flags (8 bits) << 16 | frame count (up to 255, else 255 + see slab) */
  private metaOf = new Uint32Array(0);
  private frameCountOf = new Uint32Array(0);
  private tagOf = new Uint16Array(0);
  private slabs: Array<Slab | undefined> = [];
  private currentSlab = -1;
  private readonly sessionIndex = new Map<string, number>();
  private readonly sessionNames: string[] = [];
  private readonly tagIndex = new Map<string, number>();
  private readonly tags: string[] = [];
  private retainedBytes = 0;
  private total = 0;
  private dropped = 0;
  private droppedBytes = 0;
  private truncatedFrames = 0;
  private removed = 0;
  /** Bumped on every change; readers compare it instead of subscribing to the hot path. */
  version = 0;

  constructor(limits: CaptureLimits) {
    this.limits = normalize(limits);
  }

  get size(): number {
    return this.count;
  }

  get firstSeq(): number {
    return this.nextSeq - this.count;
  }

  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  setLimits(limits: CaptureLimits): void {
    this.limits = normalize(limits);
    this.evictToFit(0, 0);
    this.version++;
  }

  append(sessionId: string, direction: Direction, frames: Uint8Array[], options?: AppendOptions): number {
    const maxFrame = this.limits.maxFrameBytes;
    let stored = 0;
    const frameCount = frames.length;
    for (let i = 0; i < frameCount; i++) {
      const n = frames[i].length;
      stored += n > maxFrame ? maxFrame : n;
    }
    const span = stored + FRAME_HEADER * frameCount;
    this.total++;
    const seq = this.nextSeq++;
    if (stored > this.limits.maxBytes) {
      // Even alone it would not fit the budget: counted as dropped at once, and kept as an empty removed
      // slot so that sequence numbers stay contiguous in the ring.
      this.dropped++;
      this.droppedBytes += stored;
      this.evictToFit(1, 0);
      if (this.count === this.capacity) this.grow();
      const slot = (this.head + this.count) % this.capacity;
      this.slabOf[slot] = this.reserve(0);
      this.slabs[this.slabOf[slot]]!.live++;
      this.offsetOf[slot] = 0;
      this.storedOf[slot] = 0;
      this.frameCountOf[slot] = 0;
      this.timeMs[slot] = nowMs();
      this.metaOf[slot] = this.internSession(sessionId) | ((FLAG_REMOVED | (direction === 'out' ? FLAG_OUT : 0)) << 16);
      this.tagOf[slot] = NO_TAG;
      this.count++;
      this.removed++;
      this.version++;
      return seq;
    }
    this.evictToFit(1, stored);
    if (this.count === this.capacity) this.grow();
    const slot = (this.head + this.count) % this.capacity;
    const slabIndex = this.reserve(span);
    const slab = this.slabs[slabIndex]!;
    let pos = slab.used;
    const bytes = slab.bytes;
    for (let i = 0; i < frameCount; i++) {
      const frame = frames[i];
      const n = frame.length;
      const keep = n > maxFrame ? maxFrame : n;
      if (keep < n) this.truncatedFrames++;
      writeU32(bytes, pos, keep);
      writeU32(bytes, pos + 4, n);
      pos += FRAME_HEADER;
      if (keep === n) bytes.set(frame, pos);
      else bytes.set(frame.subarray(0, keep), pos);
      pos += keep;
    }
    this.offsetOf[slot] = slab.used;
    slab.used = pos;
    slab.live++;
    this.slabOf[slot] = slabIndex;
    this.storedOf[slot] = stored;
    this.frameCountOf[slot] = frameCount;
    this.timeMs[slot] = options?.timeNs !== undefined ? Number(options.timeNs) / 1e6 : nowMs();
    let flags = direction === 'out' ? FLAG_OUT : 0;
    let tag = NO_TAG;
    if (options) {
      if (options.hasRoutingId) flags |= FLAG_ROUTING_ID;
      if (options.hasTopic) flags |= FLAG_TOPIC;
      if (options.tag !== undefined) tag = this.internTag(options.tag);
    }
    this.metaOf[slot] = this.internSession(sessionId) | (flags << 16);
    this.tagOf[slot] = tag;
    this.count++;
    this.retainedBytes += stored;
    this.version++;
    return seq;
  }

  /** The message with this sequence number, or undefined when evicted or never stored. Frames are copies. */
  get(seq: number): CaptureRecord | undefined {
    const slot = this.slotOf(seq);
    if (slot < 0 || (this.metaOf[slot] >>> 16) & FLAG_REMOVED) return undefined;
    const slab = this.slabs[this.slabOf[slot]]!;
    const frameCount = this.frameCountOf[slot];
    const frames: Uint8Array[] = new Array(frameCount);
    const frameSizes: number[] = new Array(frameCount);
    let pos = this.offsetOf[slot];
    for (let i = 0; i < frameCount; i++) {
      const keep = readU32(slab.bytes, pos);
      frameSizes[i] = readU32(slab.bytes, pos + 4);
      pos += FRAME_HEADER;
      // A copy: slabs are reused memory from the caller's point of view once the message is evicted.
      frames[i] = slab.bytes.slice(pos, pos + keep);
      pos += keep;
    }
    const meta = this.metaOf[slot];
    const flags = meta >>> 16;
    const tag = this.tagOf[slot];
    const record: CaptureRecord = {
      seq,
      timeNs: BigInt(Math.round(this.timeMs[slot] * 1000)) * 1000n,
      sessionId: this.sessionNames[meta & 0xffff],
      direction: flags & FLAG_OUT ? 'out' : 'in',
      frames,
      frameSizes,
      hasRoutingId: (flags & FLAG_ROUTING_ID) !== 0,
      hasTopic: (flags & FLAG_TOPIC) !== 0,
    };
    if (tag !== NO_TAG) record.tag = this.tags[tag];
    return record;
  }

  /** Up to `count` retained messages from `fromSeq` on (older ones are skipped). */
  range(fromSeq: number, count: number): CaptureRecord[] {
    const out: CaptureRecord[] = [];
    const start = Math.max(fromSeq, this.firstSeq);
    for (let seq = start; seq <= this.lastSeq && out.length < count; seq++) {
      const record = this.get(seq);
      if (record) out.push(record);
    }
    return out;
  }

  /** Sequence numbers of retained messages matching `filter`, oldest first, scanning bytes in place. */
  filter(filter: CaptureFilter, fromSeq = 0, limit = Infinity): number[] {
    const out: number[] = [];
    const sessions = filter.sessionIds ? new Set(filter.sessionIds.map((id) => this.sessionIndex.get(id)).filter((i) => i !== undefined)) : undefined;
    if (sessions && sessions.size === 0) return out;
    const wantOut = filter.direction === undefined ? -1 : filter.direction === 'out' ? FLAG_OUT : 0;
    const needle = filter.contains && filter.contains.length ? filter.contains : undefined;
    const lowerNeedle = needle && filter.ignoreCase ? lowerAsciiCopy(needle) : undefined;
    const prefix = filter.topicPrefix;
    const start = Math.max(fromSeq, this.firstSeq);
    for (let seq = start; seq <= this.lastSeq && out.length < limit; seq++) {
      const slot = (this.head + seq - this.firstSeq) % this.capacity;
      const meta = this.metaOf[slot];
      if ((meta >>> 16) & FLAG_REMOVED) continue;
      if (sessions && !sessions.has(meta & 0xffff)) continue;
      if (wantOut >= 0 && ((meta >>> 16) & FLAG_OUT) !== wantOut) continue;
      const bytes = this.slabs[this.slabOf[slot]]!.bytes;
      const offset = this.offsetOf[slot];
      if (prefix && !frameZeroStartsWith(bytes, offset, this.frameCountOf[slot], prefix)) continue;
      if (needle && !framesContain(bytes, offset, this.frameCountOf[slot], lowerNeedle ?? needle, lowerNeedle !== undefined)) continue;
      out.push(seq);
    }
    return out;
  }

  stats(): CaptureStats {
    return {
      total: this.total,
      retained: this.count - this.removed,
      retainedBytes: this.retainedBytes,
      dropped: this.dropped,
      droppedBytes: this.droppedBytes,
      truncatedFrames: this.truncatedFrames,
      firstSeq: this.firstSeq,
      lastSeq: this.lastSeq,
    };
  }

  /** Session ids that have retained messages or had some. */
  sessionIds(): string[] {
    return [...this.sessionNames];
  }

  /** Drops every message (not counted as dropped: the user asked). Sequence numbers go on. */
  clear(): void {
    this.head = 0;
    this.count = 0;
    this.removed = 0;
    this.retainedBytes = 0;
    this.slabs = [];
    this.currentSlab = -1;
    this.version++;
  }

  /** Removes one session's messages, keeping the others' (not counted as dropped: the user asked). */
  removeSession(sessionId: string): void {
    const index = this.sessionIndex.get(sessionId);
    if (index === undefined) return;
    for (let i = 0; i < this.count; i++) {
      const slot = (this.head + i) % this.capacity;
      const meta = this.metaOf[slot];
      if ((meta & 0xffff) !== index || (meta >>> 16) & FLAG_REMOVED) continue;
      this.metaOf[slot] = meta | (FLAG_REMOVED << 16);
      this.retainedBytes -= this.storedOf[slot];
      this.removed++;
    }
    this.version++;
  }

  private slotOf(seq: number): number {
    if (seq < this.firstSeq || seq > this.lastSeq || !Number.isInteger(seq)) return -1;
    return (this.head + seq - this.firstSeq) % this.capacity;
  }

  private evictToFit(extraMessages: number, extraBytes: number): void {
    const { maxMessages, maxBytes } = this.limits;
    while (this.count > 0 && (this.count + extraMessages > maxMessages || this.retainedBytes + extraBytes > maxBytes)) {
      const slot = this.head;
      const stored = this.storedOf[slot];
      const slabIndex = this.slabOf[slot];
      const slab = this.slabs[slabIndex]!;
      slab.live--;
      if (slab.live === 0 && slabIndex !== this.currentSlab) this.slabs[slabIndex] = undefined;
      if ((this.metaOf[slot] >>> 16) & FLAG_REMOVED) this.removed--;
      else {
        this.retainedBytes -= stored;
        this.dropped++;
        this.droppedBytes += stored;
      }
      this.head = (this.head + 1) % this.capacity;
      this.count--;
    }
  }

  private reserve(span: number): number {
    const current = this.currentSlab >= 0 ? this.slabs[this.currentSlab] : undefined;
    if (current && current.used + span <= current.bytes.length) return this.currentSlab;
    if (current && current.live === 0) this.slabs[this.currentSlab] = undefined;
    // A message bigger than a slab gets a slab of its own.
    const slab: Slab = { bytes: new Uint8Array(Math.max(SLAB_BYTES, span)), used: 0, live: 0 };
    let index = this.slabs.indexOf(undefined);
    if (index < 0 || index === this.currentSlab) index = this.slabs.length;
    this.slabs[index] = slab;
    this.currentSlab = index;
    return index;
  }

  private grow(): void {
    const capacity = Math.min(Math.max(INITIAL_CAPACITY, this.capacity * 2), Math.max(this.limits.maxMessages, 1));
    const copy = <T extends Float64Array | Uint32Array | Uint16Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      for (let i = 0; i < this.count; i++) next[i] = old[(this.head + i) % this.capacity];
      return next;
    };
    this.timeMs = copy(this.timeMs, (n) => new Float64Array(n));
    this.slabOf = copy(this.slabOf, (n) => new Uint32Array(n));
    this.offsetOf = copy(this.offsetOf, (n) => new Uint32Array(n));
    this.storedOf = copy(this.storedOf, (n) => new Uint32Array(n));
    this.metaOf = copy(this.metaOf, (n) => new Uint32Array(n));
    this.frameCountOf = copy(this.frameCountOf, (n) => new Uint32Array(n));
    this.tagOf = copy(this.tagOf, (n) => new Uint16Array(n));
    this.head = 0;
    this.capacity = capacity;
  }

  private internSession(id: string): number {
    let index = this.sessionIndex.get(id);
    if (index === undefined) {
      index = this.sessionNames.length & 0xffff;
      this.sessionIndex.set(id, index);
      this.sessionNames[index] = id;
    }
    return index;
  }

  private internTag(tag: string): number {
    let index = this.tagIndex.get(tag);
    if (index === undefined) {
      if (this.tags.length >= NO_TAG) return NO_TAG;
      index = this.tags.length;
      this.tagIndex.set(tag, index);
      this.tags.push(tag);
    }
    return index;
  }
}

function normalize(limits: CaptureLimits): Required<CaptureLimits> {
  return {
    maxMessages: Math.max(1, Math.floor(limits.maxMessages)),
    maxBytes: Math.max(1, Math.floor(limits.maxBytes)),
    maxFrameBytes: Math.max(0, Math.floor(limits.maxFrameBytes ?? 1024 * 1024)),
  };
}

const timeOrigin = performance.timeOrigin;
function nowMs(): number {
  return timeOrigin + performance.now();
}

function writeU32(bytes: Uint8Array, pos: number, value: number): void {
  bytes[pos] = value;
  bytes[pos + 1] = value >>> 8;
  bytes[pos + 2] = value >>> 16;
  bytes[pos + 3] = value >>> 24;
}

function readU32(bytes: Uint8Array, pos: number): number {
  return (bytes[pos] | (bytes[pos + 1] << 8) | (bytes[pos + 2] << 16) | (bytes[pos + 3] << 24)) >>> 0;
}

function frameZeroStartsWith(bytes: Uint8Array, offset: number, frameCount: number, prefix: Uint8Array): boolean {
  if (frameCount === 0) return prefix.length === 0;
  const keep = readU32(bytes, offset);
  if (keep < prefix.length) return false;
  const start = offset + FRAME_HEADER;
  for (let i = 0; i < prefix.length; i++) if (bytes[start + i] !== prefix[i]) return false;
  return true;
}

function framesContain(bytes: Uint8Array, offset: number, frameCount: number, needle: Uint8Array, ignoreCase: boolean): boolean {
  let pos = offset;
  for (let f = 0; f < frameCount; f++) {
    const keep = readU32(bytes, pos);
    pos += FRAME_HEADER;
    if (indexOfBytes(bytes, pos, pos + keep, needle, ignoreCase) >= 0) return true;
    pos += keep;
  }
  return false;
}

function indexOfBytes(bytes: Uint8Array, start: number, end: number, needle: Uint8Array, ignoreCase: boolean): number {
  const first = needle[0];
  const last = end - needle.length;
  outer: for (let i = start; i <= last; i++) {
    const b = ignoreCase ? lowerAscii(bytes[i]) : bytes[i];
    if (b !== first) continue;
    for (let j = 1; j < needle.length; j++) {
      const c = ignoreCase ? lowerAscii(bytes[i + j]) : bytes[i + j];
      if (c !== needle[j]) continue outer;
    }
    return i;
  }
  return -1;
}

function lowerAscii(byte: number): number {
  return byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte;
}

function lowerAsciiCopy(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = lowerAscii(bytes[i]);
  return out;
}
