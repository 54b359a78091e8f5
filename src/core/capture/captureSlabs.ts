// The capture store's payload memory: append-only slabs in sequence order, freed whole from the front
// once every message in them is evicted.

const SLAB_BYTES = 4 * 1024 * 1024;
/** A slab given up with more unused room than this is copied to its used size (bounds the waste). */
const SLAB_SLACK_TRIM = SLAB_BYTES / 8;
const SPARE_SLABS = 2;

export class SlabChain {
  /** slabs[i] holds the written messages from starts[i] up to starts[i + 1] (exclusive). */
  slabs: Uint8Array[] = [];
  starts: number[] = [];
  /** The slab being written (the last one), and how much of it is used. */
  current: Uint8Array = new Uint8Array(0);
  used = 0;
  /** Freed standard slabs kept for reuse: a full store evicts and refills constantly, and a fresh 4 MiB
   * allocation per slab (zero-filled, then garbage) costs more than the copies it holds at 4 KiB a message. */
  private spares: Uint8Array[] = [];
  /** Slabs a write is reading (the crash spool): never reused as spares. */
  readonly pinned = new Set<Uint8Array>();

  /** Makes room for `span` bytes of message `seq` at `used` in `current`, starting a slab if needed. */
  reserve(span: number, seq: number): void {
    if (this.used + span <= this.current.length) return;
    const last = this.slabs.length - 1;
    if (last >= 0 && this.current.length - this.used > SLAB_SLACK_TRIM) this.slabs[last] = this.current.slice(0, this.used);
    // A message bigger than a slab gets a slab of its own, of its size.
    this.current = span <= SLAB_BYTES && this.spares.length ? this.spares.pop()! : new Uint8Array(Math.max(SLAB_BYTES, span));
    this.used = 0;
    this.slabs.push(this.current);
    this.starts.push(seq);
  }

  /** Index of the slab holding the written message `seq`: the last one starting at or before it. */
  indexOf(seq: number): number {
    const starts = this.starts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (starts[middle] <= seq) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  /** Frees the slabs that only hold messages older than `firstSeq`; the first slab then holds firstSeq. */
  freeBefore(firstSeq: number): void {
    while (this.slabs.length > 1 && this.starts[1] <= firstSeq) {
      const freed = this.slabs.shift()!;
      this.starts.shift();
      if (freed.length === SLAB_BYTES && this.spares.length < SPARE_SLABS && !this.pinned.has(freed)) this.spares.push(freed);
    }
  }

  release(): void {
    this.spares = [];
    this.slabs = [];
    this.starts = [];
    this.current = new Uint8Array(0);
    this.used = 0;
  }
}
