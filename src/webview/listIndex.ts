// Where each list row sits once gap marker rows ("⚠ 37 missing (seq 1,204–1,240)") stand between
// messages. The list scrolls in display positions (messages and markers, one row each); messages keep
// their absolute positions (what the host serves). Both directions are a binary search over the
// markers, so a million messages with thousands of markers still cost O(log n) per row shown.
// Pure (no DOM): unit-tested in Node.

/** What a display position shows: a message, or the marker row just above message `abs`. */
export interface DisplaySlot {
  abs: number;
  marker?: string;
}

export class ListIndex {
  /** Absolute positions of the messages that follow a marker, strictly increasing. */
  private positions: number[] = [];
  private texts: string[] = [];

  get markerCount(): number {
    return this.positions.length;
  }

  /** Replaces the markers (positions of the messages they precede, any order; duplicates keep the first). */
  setMarkers(positions: readonly number[], texts: readonly string[]): void {
    const order = positions.map((_, i) => i).filter((i) => Number.isSafeInteger(positions[i]) && positions[i] >= 0);
    order.sort((a, b) => positions[a] - positions[b]);
    this.positions = [];
    this.texts = [];
    for (const i of order) {
      if (this.positions.length && this.positions[this.positions.length - 1] === positions[i]) continue;
      this.positions.push(positions[i]);
      this.texts.push(String(texts[i] ?? ''));
    }
  }

  clear(): void {
    this.positions = [];
    this.texts = [];
  }

  /** Markers above messages before `abs` (those at positions < abs). */
  markersBefore(abs: number): number {
    let low = 0;
    let high = this.positions.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.positions[middle] < abs) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The marker text above message `abs`, if any. */
  markerAbove(abs: number): string | undefined {
    const i = this.markersBefore(abs);
    return this.positions[i] === abs ? this.texts[i] : undefined;
  }

  /** Display position of message `abs` (its marker, if any, is the position before). */
  displayOf(abs: number): number {
    return abs + this.markersBefore(abs + 1);
  }

  /** Display position where a list starting at message `abs` begins: its marker row when it has one. */
  displayStart(abs: number): number {
    return abs + this.markersBefore(abs);
  }

  /** What display position `position` shows. */
  at(position: number): DisplaySlot {
    // k = markers whose row (positions[i] + i) is at or before `position`: monotone in i.
    let low = 0;
    let high = this.positions.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.positions[middle] + middle <= position) low = middle + 1;
      else high = middle;
    }
    if (low > 0 && this.positions[low - 1] + low - 1 === position) return { abs: this.positions[low - 1], marker: this.texts[low - 1] };
    return { abs: position - low };
  }
}
