// The list rows the webview has pulled from the host, by absolute position, and the policy that
// decides what to pull next: the rows in view, one page behind and a few pages ahead of the scroll.
import type { RowWindow } from '../shared/inspectorProtocol';

export interface ListRow {
  seq: number;
  timeMs: number;
  session: string;
  direction: 'in' | 'out';
  summary: string;
  frames: number;
  size: number;
  /** The message's own sequence number, when its session is tracked and the number readable. */
  sequence?: number;
}

/** Where the list stands, in absolute positions. */
export interface ListViewport {
  /** First row in view. */
  first: number;
  /** Rows a screen holds. */
  page: number;
  /** First and one-past-last row that exist. */
  start: number;
  end: number;
  scrollingUp: boolean;
}

const CACHE_LIMIT = 6000;
/** Pages of rows loaded ahead of the view in the direction it moves. */
const PREFETCH_PAGES = 4;

export class RowCache {
  private readonly rows = new Map<number, ListRow>();
  private fetching = false;
  private fetchAgain = false;

  constructor(
    /** Resolves undefined when the answer is stale (another filter by now). */
    private readonly fetchRows: (absStart: number, count: number) => Promise<RowWindow | undefined>,
    private readonly rowsArrived: () => void,
  ) {}

  get(abs: number): ListRow | undefined {
    return this.rows.get(abs);
  }

  has(abs: number): boolean {
    return this.rows.has(abs);
  }

  clear(): void {
    this.rows.clear();
  }

  dropBefore(abs: number): void {
    for (const key of this.rows.keys()) if (key < abs) this.rows.delete(key);
  }

  /** Absolute position of a loaded row with this seq, or -1. */
  positionOf(seq: number): number {
    for (const [abs, row] of this.rows) if (row.seq === seq) return abs;
    return -1;
  }

  hasAll(from: number, to: number): boolean {
    for (let abs = from; abs < to; abs++) if (!this.rows.has(abs)) return false;
    return true;
  }

  put(window: RowWindow): void {
    for (let i = 0; i < window.seqs.length; i++) {
      this.rows.set(window.absStart + i, {
        seq: window.seqs[i],
        timeMs: window.timesMs[i],
        session: window.sessionNames[i],
        direction: window.directions[i] === 'o' ? 'out' : 'in',
        summary: window.summaries[i],
        frames: window.frameCounts[i],
        size: window.sizes[i],
        sequence: window.sequenceValues?.[i] ?? undefined,
      });
    }
  }

  /** Loads [from, to) now (used before the view moves there), then tells the list. */
  async load(from: number, to: number): Promise<void> {
    if (to <= from || this.hasAll(from, to)) return;
    const window = await this.fetchRows(from, to - from);
    if (window) this.put(window);
  }

  /** True when a row within a page of the view (ahead of the scroll) is missing: time to fetch. */
  needsRows(view: ListViewport): boolean {
    const from = Math.max(view.start, view.first - (view.scrollingUp ? view.page : 0));
    const to = Math.min(view.end, view.first + view.page + (view.scrollingUp ? 0 : view.page));
    return !this.hasAll(from, to);
  }

  /**
   * Keeps at most one window in flight; when the view moved meanwhile it fetches again for where
   * the view is now, so a fast scroll costs one request per round trip, not one per frame.
   */
  async fill(view: () => ListViewport): Promise<void> {
    if (this.fetching) {
      this.fetchAgain = true;
      return;
    }
    this.fetching = true;
    try {
      do {
        this.fetchAgain = false;
        const now = view();
        const ahead = PREFETCH_PAGES * now.page;
        let start = Math.max(now.start, now.scrollingUp ? now.first - ahead : now.first - now.page);
        let end = Math.min(now.end, now.scrollingUp ? now.first + 2 * now.page : now.first + now.page + ahead);
        while (start < end && this.rows.has(start)) start++;
        while (end > start && this.rows.has(end - 1)) end--;
        if (end <= start) break;
        const window = await this.fetchRows(start, end - start);
        if (window) {
          this.trim(view().first);
          this.put(window);
          this.rowsArrived();
        }
      } while (this.fetchAgain || this.needsRows(view()));
    } finally {
      this.fetching = false;
    }
  }

  private trim(around: number): void {
    if (this.rows.size < CACHE_LIMIT) return;
    for (const abs of this.rows.keys()) if (Math.abs(abs - around) > CACHE_LIMIT / 3) this.rows.delete(abs);
  }
}
