// The byte layout of one captured message inside a capture slab, read and searched in place.
// Layout: varint frame count, then per frame: varint stored length, the true length as a second varint
// (only when the message has a truncated frame), then the stored bytes. Varints are LEB128, so a small
// frame costs one header byte.

/** Bytes a varint of `n` takes (n a non-negative safe integer). */
export function varintSize(n: number): number {
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/** Writes `n` at `pos` and returns the position after it. */
export function writeVarint(bytes: Uint8Array, pos: number, n: number): number {
  // Division rather than shifts: true frame sizes may exceed 32 bits.
  while (n >= 128) {
    bytes[pos++] = (n % 128) | 128;
    n = Math.floor(n / 128);
  }
  bytes[pos++] = n;
  return pos;
}

/** A read position in a slab, reused for every read so reading allocates nothing. */
export class SlabCursor {
  bytes: Uint8Array = new Uint8Array(0);
  pos = 0;

  at(bytes: Uint8Array, pos: number): this {
    this.bytes = bytes;
    this.pos = pos;
    return this;
  }

  varint(): number {
    const bytes = this.bytes;
    let b = bytes[this.pos++];
    if (b < 128) return b;
    let n = b & 127;
    let scale = 128;
    do {
      b = bytes[this.pos++];
      n += (b & 127) * scale;
      scale *= 128;
    } while (b >= 128);
    return n;
  }
}

/**
 * What one message costs besides its slab bytes: its slot in the store's metadata rings (time 4 + 4,
 * offset 4, session and flags 4, tag 2).
 */
export const MESSAGE_OVERHEAD_BYTES = 18;

/**
 * Bytes the message at the cursor holds, as the byte budget counts them: its slab bytes (frame count,
 * per-frame headers, stored payload) and MESSAGE_OVERHEAD_BYTES. A message of 10,000 empty frames holds
 * about 10 KB, not 0. Leaves the cursor after the message.
 */
export function heldBytesAt(cursor: SlabCursor, hasTrueSizes: boolean): number {
  const start = cursor.pos;
  const frameCount = cursor.varint();
  for (let i = 0; i < frameCount; i++) {
    const keep = cursor.varint();
    if (hasTrueSizes) cursor.varint();
    cursor.pos += keep;
  }
  return cursor.pos - start + MESSAGE_OVERHEAD_BYTES;
}

/** Walks past the message at the cursor (e.g. to find where a run of messages ends). */
export function storedBytesAt(cursor: SlabCursor, hasTrueSizes: boolean): number {
  const frameCount = cursor.varint();
  let stored = 0;
  for (let i = 0; i < frameCount; i++) {
    const keep = cursor.varint();
    if (hasTrueSizes) cursor.varint();
    stored += keep;
    cursor.pos += keep;
  }
  return stored;
}

/** Whether frame 0 of the message at the cursor starts with `prefix` (stored bytes only). */
export function frameZeroStartsWith(cursor: SlabCursor, hasTrueSizes: boolean, prefix: Uint8Array): boolean {
  if (cursor.varint() === 0) return prefix.length === 0;
  const keep = cursor.varint();
  if (hasTrueSizes) cursor.varint();
  if (keep < prefix.length) return false;
  const bytes = cursor.bytes;
  const start = cursor.pos;
  for (let i = 0; i < prefix.length; i++) if (bytes[start + i] !== prefix[i]) return false;
  return true;
}

/** Whether some frame of the message at the cursor contains the searched bytes (case-sensitive). */
export function framesContain(cursor: SlabCursor, hasTrueSizes: boolean, search: ForwardSearch): boolean {
  const frameCount = cursor.varint();
  for (let f = 0; f < frameCount; f++) {
    const keep = cursor.varint();
    if (hasTrueSizes) cursor.varint();
    const start = cursor.pos;
    if (search.within(start, start + keep)) return true;
    cursor.pos = start + keep;
  }
  return false;
}

/** Whether some frame of the message at the cursor contains `lowerNeedle`, ignoring ASCII case. */
export function framesContainIgnoringCase(cursor: SlabCursor, hasTrueSizes: boolean, lowerNeedle: Uint8Array): boolean {
  const frameCount = cursor.varint();
  for (let f = 0; f < frameCount; f++) {
    const keep = cursor.varint();
    if (hasTrueSizes) cursor.varint();
    const start = cursor.pos;
    if (keep >= lowerNeedle.length && indexIgnoringCase(cursor.bytes, start, start + keep, lowerNeedle) >= 0) return true;
    cursor.pos = start + keep;
  }
  return false;
}

/**
 * Native search for one needle through a slab, asked about frames in increasing position order: one
 * search usually answers many frames (the next occurrence is remembered), so scanning a slab of small
 * messages costs about one pass of the native search instead of a call per frame.
 */
export class ForwardSearch {
  private slab: Buffer = Buffer.alloc(0);
  /** First occurrence at or after the last searched position; -1: none up to the slab's end; -2: not searched. */
  private hit = -2;

  constructor(private readonly needle: Uint8Array) {}

  /** Starts on another slab. */
  reset(slab: Uint8Array): void {
    this.slab = Buffer.from(slab.buffer, slab.byteOffset, slab.byteLength);
    this.hit = -2;
  }

  /** Whether the needle occurs wholly inside [start, end); `start` must not go down between calls. */
  within(start: number, end: number): boolean {
    const length = this.needle.length;
    if (end - start < length || this.hit === -1) return false;
    if (this.hit < start) this.hit = this.slab.indexOf(this.needle, start);
    while (this.hit >= 0 && this.hit + length > end) {
      if (this.hit >= end) return false;
      // Runs past this frame's end: the next occurrence may still fit.
      this.hit = this.slab.indexOf(this.needle, this.hit + 1);
    }
    return this.hit >= 0;
  }
}

function indexIgnoringCase(bytes: Uint8Array, start: number, end: number, lowerNeedle: Uint8Array): number {
  const first = lowerNeedle[0];
  const last = end - lowerNeedle.length;
  outer: for (let i = start; i <= last; i++) {
    if (LOWER[bytes[i]] !== first) continue;
    for (let j = 1; j < lowerNeedle.length; j++) if (LOWER[bytes[i + j]] !== lowerNeedle[j]) continue outer;
    return i;
  }
  return -1;
}

const LOWER = Uint8Array.from({ length: 256 }, (_, b) => (b >= 0x41 && b <= 0x5a ? b + 0x20 : b));

export function lowerAsciiCopy(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = LOWER[bytes[i]];
  return out;
}
