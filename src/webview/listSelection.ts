// The messages the user selected in the list, as ranges of absolute positions: ctrl+A over a million rows
// is one range, not a million seqs (the host resolves positions to messages when asked to act on them).
// A click sets the anchor, shift extends from it, ctrl/cmd toggles one row. Pure (no DOM): unit-tested.

/** Inclusive [first, last] absolute positions, sorted and disjoint. */
export type SelectionRange = [number, number];

export class ListSelection {
  private ranges: SelectionRange[] = [];
  /** The ranges as they were before the current shift-extension (a new shift replaces only its own span). */
  private base: SelectionRange[] = [];
  private anchorAbs = -1;

  get anchor(): number {
    return this.anchorAbs;
  }

  get isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  /** Selected messages (positions; some may since have been evicted). */
  get count(): number {
    let total = 0;
    for (const [first, last] of this.ranges) total += last - first + 1;
    return total;
  }

  /** A copy of the ranges, for a request to the host. */
  toRanges(): SelectionRange[] {
    return this.ranges.map(([first, last]) => [first, last]);
  }

  clear(): void {
    this.ranges = [];
    this.base = [];
    this.anchorAbs = -1;
  }

  /** A plain click: only this row. */
  select(abs: number): void {
    this.ranges = [[abs, abs]];
    this.base = [];
    this.anchorAbs = abs;
  }

  /** Ctrl/cmd-click: this row in or out, the others kept; it becomes the anchor. */
  toggle(abs: number): void {
    this.ranges = this.contains(abs) ? subtract(this.ranges, abs) : normalize([...this.ranges, [abs, abs]]);
    this.base = this.ranges.map(([first, last]) => [first, last]);
    this.anchorAbs = abs;
  }

  /** Shift-click or shift+arrow: from the anchor to this row, added to what was selected before the anchor was set. */
  extendTo(abs: number): void {
    if (this.anchorAbs < 0) return this.select(abs);
    const span: SelectionRange = [Math.min(this.anchorAbs, abs), Math.max(this.anchorAbs, abs)];
    this.ranges = normalize([...this.base, span]);
  }

  /** Ctrl+A: every row from `start` to `end` (exclusive); the anchor stays where it was. */
  selectAll(start: number, end: number): void {
    if (end <= start) return this.clear();
    this.ranges = [[start, end - 1]];
    this.base = [];
    if (this.anchorAbs < start || this.anchorAbs >= end) this.anchorAbs = start;
  }

  contains(abs: number): boolean {
    let low = 0;
    let high = this.ranges.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.ranges[middle][1] < abs) low = middle + 1;
      else high = middle;
    }
    return low < this.ranges.length && this.ranges[low][0] <= abs;
  }

  /** Rows before `abs` were evicted from the capture: they leave the selection. */
  dropBefore(abs: number): void {
    const clip = (ranges: SelectionRange[]): SelectionRange[] =>
      ranges.filter(([, last]) => last >= abs).map(([first, last]): SelectionRange => [Math.max(first, abs), last]);
    this.ranges = clip(this.ranges);
    this.base = clip(this.base);
  }
}

function normalize(ranges: SelectionRange[]): SelectionRange[] {
  const sorted = ranges.map(([a, b]): SelectionRange => [Math.min(a, b), Math.max(a, b)]).sort((x, y) => x[0] - y[0]);
  const out: SelectionRange[] = [];
  for (const range of sorted) {
    const last = out[out.length - 1];
    if (last && range[0] <= last[1] + 1) last[1] = Math.max(last[1], range[1]);
    else out.push(range);
  }
  return out;
}

function subtract(ranges: SelectionRange[], abs: number): SelectionRange[] {
  const out: SelectionRange[] = [];
  for (const [first, last] of ranges) {
    if (abs < first || abs > last) out.push([first, last]);
    else {
      if (first < abs) out.push([first, abs - 1]);
      if (abs < last) out.push([abs + 1, last]);
    }
  }
  return out;
}
