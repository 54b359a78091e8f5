// The capture store: every captured message, bounded by a message count and a byte budget, oldest
// evicted first (and counted). Built for a million small messages: no object per message or frame is
// kept. Payloads live in append-only slabs (see captureSlabs.ts and captureSlabFormat.ts);
// metadata lives in typed-array rings indexed by sequence number (18 bytes a message). Records are
// materialized only when asked for, and their frames are copies, safe to keep after eviction.
import type { AppendOptions, CaptureFilter, CaptureRecord, Direction } from '../types';
import {
  ForwardSearch,
  framesContain,
  framesContainIgnoringCase,
  frameZeroStartsWith,
  lowerAsciiCopy,
  MESSAGE_OVERHEAD_BYTES,
  storedBytesAt,
  varintSize,
  writeVarint,
} from './captureSlabFormat';
import {
  CaptureRing,
  FLAG_OUT,
  FLAG_REMOVED,
  FLAG_ROUTING_ID,
  FLAG_TOPIC,
  FLAG_TRUE_SIZES,
  NO_PAYLOAD,
  NO_TAG,
  SESSION_MASK,
  StoredMessageView,
  type RawRun,
} from './captureRing';

export { CAPTURE_META, NO_PAYLOAD, StoredMessageView, type CaptureLimits, type RawRun } from './captureRing';

const SMALL_COPY = 16;
const originSec = Math.floor(performance.timeOrigin / 1000);
const originFracNs = (performance.timeOrigin - originSec * 1000) * 1e6;

export class CaptureStore extends CaptureRing {
  /**
   * Stores a message and returns its sequence number (from 1, never reused). `trueSizes` gives the
   * wire sizes of frames already truncated elsewhere (an imported capture); frames longer than the
   * per-frame limit are cut to it here, and only the kept bytes are copied.
   */
  append(sessionId: string, direction: Direction, frames: Uint8Array[], options?: AppendOptions, trueSizes?: ArrayLike<number>): number {
    const maxFrame = this.limits.maxFrameBytes;
    const frameCount = frames.length;
    let stored = 0;
    let span = frameCount < 128 ? 1 : varintSize(frameCount);
    let flags = direction === 'out' ? FLAG_OUT : 0;
    for (let i = 0; i < frameCount; i++) {
      const n = frames[i].length;
      if (n > maxFrame) {
        flags |= FLAG_TRUE_SIZES;
        stored += maxFrame;
        span += maxFrame < 128 ? 1 : varintSize(maxFrame);
      } else {
        stored += n;
        span += n < 128 ? 1 : varintSize(n);
      }
    }
    span += stored;
    if (trueSizes) for (let i = 0; i < frameCount; i++) if (trueSizes[i] > frames[i].length) flags |= FLAG_TRUE_SIZES;
    if (flags & FLAG_TRUE_SIZES) for (let i = 0; i < frameCount; i++) span += varintSize(trueSizeOf(frames, trueSizes, i));

    let sec: number;
    let frac: number;
    let tag = NO_TAG;
    if (options?.timeNs !== undefined) {
      const t = options.timeNs < 0n ? 0n : options.timeNs;
      sec = Math.min(Number(t / 1_000_000_000n), 0xffffffff);
      frac = Number(t % 1_000_000_000n);
    } else {
      const ns = originFracNs + performance.now() * 1e6;
      const s = Math.floor(ns / 1e9);
      sec = originSec + s;
      frac = ns - s * 1e9;
    }
    if (options) {
      if (options.hasRoutingId) flags |= FLAG_ROUTING_ID;
      if (options.hasTopic) flags |= FLAG_TOPIC;
      if (options.tag !== undefined) tag = options.tag === this.lastTag ? this.lastTagIndex : this.internTag(options.tag);
    }
    const session = sessionId === this.lastSessionId ? this.lastSessionIndex : this.internSession(sessionId);
    const seq = this.nextSeq;
    this.total++;

    const { maxMessages, maxBytes } = this.limits;
    // The budget counts what the message holds: frame headers and its metadata slot too, not only payload.
    const held = span + MESSAGE_OVERHEAD_BYTES;
    let offset = 0;
    if (held > maxBytes) {
      // Even alone it would not fit the budget: dropped at once, but it keeps an empty slot so that
      // sequence numbers stay contiguous in the ring.
      this.dropped++;
      this.droppedBytes += held;
      this.oversized++;
      this.oversizedBytes += held;
      flags |= FLAG_REMOVED;
      this.removed++;
      if (this.count >= maxMessages) this.evict(1, 0);
    } else {
      if (this.count >= maxMessages || this.retainedBytes + held > maxBytes) this.evict(1, held);
      this.payload.reserve(span, seq);
      offset = this.payload.used;
      this.payload.used = this.writeMessage(frames, trueSizes, flags, offset);
      this.retainedBytes += held;
    }
    this.commitSlot(seq, sec, frac, offset, session | flags, tag, maxMessages);
    return seq;
  }

  /** The message with this sequence number, or undefined when evicted, removed or never stored. Frames are copies. */
  get(seq: number): CaptureRecord | undefined {
    const slot = this.slotOf(seq);
    if (slot < 0) return undefined;
    const meta = this.metaOf[slot];
    if (meta & FLAG_REMOVED) return undefined;
    const hasTrueSizes = (meta & FLAG_TRUE_SIZES) !== 0;
    const cursor = this.cursor.at(this.payload.slabs[this.payload.indexOf(seq)], this.offsetOf[slot]);
    const frameCount = cursor.varint();
    const frames: Uint8Array[] = new Array(frameCount);
    const frameSizes: number[] = new Array(frameCount);
    for (let i = 0; i < frameCount; i++) {
      const keep = cursor.varint();
      frameSizes[i] = hasTrueSizes ? cursor.varint() : keep;
      frames[i] = cursor.bytes.slice(cursor.pos, cursor.pos + keep);
      cursor.pos += keep;
    }
    const record: CaptureRecord = {
      seq,
      timeNs: BigInt(this.timeSec[slot]) * 1_000_000_000n + BigInt(this.timeFrac[slot]),
      sessionId: this.sessionNames[meta & SESSION_MASK],
      direction: meta & FLAG_OUT ? 'out' : 'in',
      frames,
      frameSizes,
      hasRoutingId: (meta & FLAG_ROUTING_ID) !== 0,
      hasTopic: (meta & FLAG_TOPIC) !== 0,
    };
    const tag = this.tagOf[slot];
    if (tag !== NO_TAG) record.tag = this.tags[tag];
    return record;
  }

  /**
   * Fills `view` with the message `seq` in place, without copying its bytes: frame i is
   * view.bytes[view.starts[i], view.starts[i] + view.lengths[i]). For scans over many messages; the view
   * is valid until the store changes. False when the message is not retained.
   */
  readInto(seq: number, view: StoredMessageView): boolean {
    const slot = this.slotOf(seq);
    if (slot < 0) return false;
    const meta = this.metaOf[slot];
    if (meta & FLAG_REMOVED) return false;
    const hasTrueSizes = (meta & FLAG_TRUE_SIZES) !== 0;
    const cursor = this.cursor.at(this.payload.slabs[this.payload.indexOf(seq)], this.offsetOf[slot]);
    const frameCount = cursor.varint();
    view.seq = seq;
    view.sessionId = this.sessionNames[meta & SESSION_MASK];
    view.direction = meta & FLAG_OUT ? 'out' : 'in';
    view.hasTopic = (meta & FLAG_TOPIC) !== 0;
    view.hasRoutingId = (meta & FLAG_ROUTING_ID) !== 0;
    view.timeMs = this.timeSec[slot] * 1000 + this.timeFrac[slot] / 1e6;
    const tag = this.tagOf[slot];
    view.tag = tag === NO_TAG ? undefined : this.tags[tag];
    view.bytes = cursor.bytes;
    view.frameCount = frameCount;
    let size = 0;
    for (let i = 0; i < frameCount; i++) {
      const keep = cursor.varint();
      const wire = hasTrueSizes ? cursor.varint() : keep;
      view.starts[i] = cursor.pos;
      view.lengths[i] = keep;
      size += wire;
      cursor.pos += keep;
    }
    view.size = size;
    return true;
  }

  /** Up to `count` retained messages from `fromSeq` on (evicted and removed ones are skipped). */
  range(fromSeq: number, count: number): CaptureRecord[] {
    const out: CaptureRecord[] = [];
    for (let seq = Math.max(fromSeq, this.firstSeq); seq <= this.lastSeq && out.length < count; seq++) {
      const record = this.get(seq);
      if (record) out.push(record);
    }
    return out;
  }

  /** Sequence numbers of retained messages matching `filter`, oldest first, scanning bytes in place. */
  filter(filter: CaptureFilter, fromSeq = 0, limit = Infinity): number[] {
    const seqs = this.matchingSeqs(filter, fromSeq, limit);
    // A loop: Array.from() over a typed array is far slower for a million entries.
    const out: number[] = new Array(seqs.length);
    for (let i = 0; i < seqs.length; i++) out[i] = seqs[i];
    return out;
  }

  /** Like filter(), as a typed array: the N-th match of a million is `matchingSeqs(f)[n]`, 8 bytes each. */
  matchingSeqs(filter: CaptureFilter, fromSeq = 0, limit = Infinity): Float64Array {
    const start = Math.max(Math.ceil(fromSeq), this.firstSeq);
    const last = this.lastSeq;
    const most = Math.max(0, Math.min(last - start + 1, limit));
    if (most === 0) return new Float64Array(0);
    let sessions: Uint8Array | undefined;
    if (filter.sessionIds) {
      sessions = new Uint8Array(this.sessionNames.length);
      let any = false;
      for (const id of filter.sessionIds) {
        const index = this.sessionIndex.get(id);
        if (index === undefined) continue;
        sessions[index] = 1;
        any = true;
      }
      if (!any) return new Float64Array(0);
    }
    const direction = filter.direction === undefined ? -1 : filter.direction === 'out' ? FLAG_OUT : 0;
    const needle = filter.contains && filter.contains.length ? filter.contains : undefined;
    const lowerNeedle = needle && filter.ignoreCase ? lowerAsciiCopy(needle) : undefined;
    const search = needle && !lowerNeedle ? new ForwardSearch(needle) : undefined;
    const prefix = filter.topicPrefix && filter.topicPrefix.length ? filter.topicPrefix : undefined;
    const readsBytes = prefix !== undefined || needle !== undefined;
    const { cursor, metaOf, offsetOf, capacity } = this;
    const { slabs, starts } = this.payload;
    // Sized for the worst case, trimmed at the end: no regrowth while scanning a million.
    const out = new Float64Array(most);
    let found = 0;
    let slabIndex = readsBytes ? this.payload.indexOf(start) : 0;
    // No slab at all when every retained slot is a removed or oversized message (nothing is read then).
    let slab: Uint8Array | undefined = readsBytes ? slabs[slabIndex] : undefined;
    if (slab) search?.reset(slab);
    let slot = this.head + (start - this.firstSeq);
    if (slot >= capacity) slot -= capacity;
    for (let seq = start; seq <= last && found < most; seq++) {
      const meta = metaOf[slot];
      const offset = offsetOf[slot];
      if (++slot === capacity) slot = 0;
      if (meta & FLAG_REMOVED) continue;
      if (sessions && !sessions[meta & SESSION_MASK]) continue;
      if (direction >= 0 && (meta & FLAG_OUT) !== direction) continue;
      if (readsBytes) {
        if (slabIndex + 1 < slabs.length && starts[slabIndex + 1] <= seq) {
          while (slabIndex + 1 < slabs.length && starts[slabIndex + 1] <= seq) slabIndex++;
          slab = slabs[slabIndex];
          search?.reset(slab);
        }
        const hasTrueSizes = (meta & FLAG_TRUE_SIZES) !== 0;
        if (prefix && !frameZeroStartsWith(cursor.at(slab!, offset), hasTrueSizes, prefix)) continue;
        if (search && !framesContain(cursor.at(slab!, offset), hasTrueSizes, search)) continue;
        if (lowerNeedle && !framesContainIgnoringCase(cursor.at(slab!, offset), hasTrueSizes, lowerNeedle)) continue;
      }
      out[found++] = seq;
    }
    return found * 2 < out.length ? out.slice(0, found) : out.subarray(0, found);
  }
  /**
   * Messages from `fromSeq` through the last one, as raw runs (one per slab). Reads no message: it copies
   * metadata and walks one message per run to find where its bytes end.
   */
  rawRuns(fromSeq: number): RawRun[] {
    const runs: RawRun[] = [];
    const last = this.lastSeq;
    const { slabs, starts } = this.payload;
    let seq = Math.max(Math.ceil(fromSeq), this.firstSeq);
    while (seq <= last) {
      const slabIndex = slabs.length ? this.payload.indexOf(seq) : -1;
      const runLast = slabIndex >= 0 && slabIndex + 1 < slabs.length ? Math.min(last, starts[slabIndex + 1] - 1) : last;
      const count = runLast - seq + 1;
      const run: RawRun = {
        firstSeq: seq,
        count,
        timeSec: new Uint32Array(count),
        timeFrac: new Uint32Array(count),
        meta: new Uint32Array(count),
        tag: new Uint16Array(count),
        offsets: new Uint32Array(count),
        payload: new Uint8Array(0),
        slab: slabIndex >= 0 ? slabs[slabIndex] : new Uint8Array(0),
      };
      let begin = -1;
      let end = 0;
      let slot = this.head + (seq - this.firstSeq);
      if (slot >= this.capacity) slot -= this.capacity;
      for (let i = 0; i < count; i++) {
        const meta = this.metaOf[slot];
        run.timeSec[i] = this.timeSec[slot];
        run.timeFrac[i] = this.timeFrac[slot];
        run.meta[i] = meta;
        run.tag[i] = this.tagOf[slot];
        if (meta & FLAG_REMOVED) run.offsets[i] = NO_PAYLOAD;
        else {
          const offset = this.offsetOf[slot];
          if (begin < 0) begin = offset;
          storedBytesAt(this.cursor.at(run.slab, offset), (meta & FLAG_TRUE_SIZES) !== 0);
          end = this.cursor.pos;
          run.offsets[i] = offset;
        }
        if (++slot === this.capacity) slot = 0;
      }
      if (begin >= 0) {
        for (let i = 0; i < count; i++) if (run.offsets[i] !== NO_PAYLOAD) run.offsets[i] -= begin;
        run.payload = run.slab.subarray(begin, end);
      }
      runs.push(run);
      seq = runLast + 1;
    }
    return runs;
  }

  /**
   * Appends a message given in the slab encoding, with its time, flags, session and tag as they were:
   * the crash spool's restore, which copies encodings instead of parsing frames. Numbered `seq` (the seqs
   * skipped before it are holes). Budgets apply as in append().
   */
  appendEncoded(
    seq: number,
    sessionId: string,
    meta: number,
    timeSec: number,
    timeFrac: number,
    tag: string | undefined,
    bytes: Uint8Array,
    start: number,
    end: number,
  ): void {
    this.skipTo(seq);
    if (seq !== this.nextSeq) return;
    let flags = meta & (FLAG_OUT | FLAG_ROUTING_ID | FLAG_TOPIC | FLAG_TRUE_SIZES);
    const hasTrueSizes = (flags & FLAG_TRUE_SIZES) !== 0;
    const cursor = this.cursor.at(bytes, start);
    const frameCount = cursor.varint();
    for (let i = 0; i < frameCount; i++) {
      const keep = cursor.varint();
      if (hasTrueSizes && cursor.varint() > keep) this.truncatedFrames++;
      cursor.pos += keep;
    }
    const span = cursor.pos - start;
    // As in append(): the budget counts the slab bytes and the metadata slot.
    const held = span + MESSAGE_OVERHEAD_BYTES;
    const session = sessionId === this.lastSessionId ? this.lastSessionIndex : this.internSession(sessionId);
    const tagIndex = tag === undefined ? NO_TAG : tag === this.lastTag ? this.lastTagIndex : this.internTag(tag);
    this.total++;
    // As in append(): kept in sync by hand, append() being the hot path.
    const { maxMessages, maxBytes } = this.limits;
    let offset = 0;
    if (held > maxBytes || cursor.pos > end) {
      this.dropped++;
      this.droppedBytes += held;
      this.oversized++;
      this.oversizedBytes += held;
      flags |= FLAG_REMOVED;
      this.removed++;
      if (this.count >= maxMessages) this.evict(1, 0);
    } else {
      if (this.count >= maxMessages || this.retainedBytes + held > maxBytes) this.evict(1, held);
      this.payload.reserve(span, seq);
      offset = this.payload.used;
      const target = this.payload.current;
      // A loop beats making a view to copy from, for the small messages restores are full of.
      if (span <= 256) for (let i = 0; i < span; i++) target[offset + i] = bytes[start + i];
      else target.set(bytes.subarray(start, start + span), offset);
      this.payload.used = offset + span;
      this.retainedBytes += held;
    }
    this.commitSlot(seq, timeSec, timeFrac, offset, session | flags, tagIndex, maxMessages);
  }

  /** Writes the message at `pos` in the current slab; returns the position after it. */
  private writeMessage(frames: Uint8Array[], trueSizes: ArrayLike<number> | undefined, flags: number, pos: number): number {
    const bytes = this.payload.current;
    const maxFrame = this.limits.maxFrameBytes;
    const frameCount = frames.length;
    const hasTrueSizes = (flags & FLAG_TRUE_SIZES) !== 0;
    if (frameCount < 128) bytes[pos++] = frameCount;
    else pos = writeVarint(bytes, pos, frameCount);
    for (let i = 0; i < frameCount; i++) {
      const frame = frames[i];
      const n = frame.length;
      const keep = n > maxFrame ? maxFrame : n;
      if (keep < 128) bytes[pos++] = keep;
      else pos = writeVarint(bytes, pos, keep);
      if (hasTrueSizes) {
        const trueSize = trueSizeOf(frames, trueSizes, i);
        if (trueSize > keep) this.truncatedFrames++;
        pos = writeVarint(bytes, pos, trueSize);
      }
      // A call into set() costs more than copying a few bytes by hand.
      if (keep <= SMALL_COPY) for (let j = 0; j < keep; j++) bytes[pos + j] = frame[j];
      else bytes.set(keep === n ? frame : frame.subarray(0, keep), pos);
      pos += keep;
    }
    return pos;
  }
}

function trueSizeOf(frames: Uint8Array[], trueSizes: ArrayLike<number> | undefined, i: number): number {
  const n = frames[i].length;
  return trueSizes && trueSizes[i] > n ? trueSizes[i] : n;
}
