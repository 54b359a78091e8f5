// Which list columns show and how wide they are, as the user left them (kept in the webview state).
// Pure (no DOM): the header applies it as one grid template and one class per hidden column.

export type ColumnKey = 'seq' | 'tracked' | 'time' | 'session' | 'dir' | 'summary' | 'frames' | 'size';

export interface ColumnSpec {
  key: ColumnKey;
  label: string;
  title: string;
  /** The grid track before the user resizes it. */
  track: string;
  /** The topic/summary column takes the room left: it can be neither hidden nor resized. */
  fixed?: boolean;
}

export const COLUMNS: readonly ColumnSpec[] = [
  { key: 'seq', label: '#', title: 'Sequence number in the capture', track: '8ch' },
  {
    key: 'tracked',
    label: 'Sequence',
    title: "The message's own sequence number (the field picked for sequence tracking)",
    track: '10ch',
  },
  { key: 'time', label: 'Time', title: 'Local time of capture', track: '15ch' },
  { key: 'session', label: 'Session', title: 'Session (socket) that saw the message', track: 'minmax(6ch, 16ch)' },
  { key: 'dir', label: '', title: 'Direction: in (received, arrow down) or out (sent, arrow up)', track: '2ch' },
  {
    key: 'summary',
    label: 'Topic / first frame',
    title: 'Topic, or a summary of the first payload frame',
    track: 'minmax(10ch, 1fr)',
    fixed: true,
  },
  { key: 'frames', label: 'Frames', title: 'Number of frames', track: '6ch' },
  { key: 'size', label: 'Size', title: 'Bytes on the wire (all frames)', track: '9ch' },
];

export const MIN_COLUMN_PX = 16;
export const MAX_COLUMN_PX = 1200;

/** What is saved: widths in CSS pixels of the columns the user resized, and the columns hidden. */
export interface ColumnLayoutState {
  widths: Partial<Record<ColumnKey, number>>;
  hidden: ColumnKey[];
}

const KEYS = new Set<string>(COLUMNS.map((c) => c.key));

function isKey(value: unknown): value is ColumnKey {
  return typeof value === 'string' && KEYS.has(value);
}

export class ColumnLayout {
  private readonly widths = new Map<ColumnKey, number>();
  private readonly hidden = new Set<ColumnKey>();
  /** The "Sequence" column exists only while a session has sequence tracking on. */
  private trackingOn = false;

  /** Restores a saved layout; anything malformed in it is ignored (the state is ours, but may be old). */
  constructor(saved?: unknown) {
    if (!saved || typeof saved !== 'object') return;
    const { widths, hidden } = saved as Partial<Record<keyof ColumnLayoutState, unknown>>;
    if (widths && typeof widths === 'object') {
      for (const [key, width] of Object.entries(widths)) if (isKey(key) && typeof width === 'number') this.resize(key, width);
    }
    if (Array.isArray(hidden)) for (const key of hidden) if (isKey(key)) this.setHidden(key, true);
  }

  get tracking(): boolean {
    return this.trackingOn;
  }

  /** Returns true when this changed what shows. */
  setTracking(on: boolean): boolean {
    if (this.trackingOn === on) return false;
    this.trackingOn = on;
    return true;
  }

  /** A column the user may show or hide now. */
  canToggle(key: ColumnKey): boolean {
    return !COLUMNS.find((c) => c.key === key)?.fixed && (key !== 'tracked' || this.trackingOn);
  }

  isHidden(key: ColumnKey): boolean {
    return this.hidden.has(key);
  }

  isShown(key: ColumnKey): boolean {
    return !this.hidden.has(key) && (key !== 'tracked' || this.trackingOn);
  }

  setHidden(key: ColumnKey, hidden: boolean): void {
    if (COLUMNS.find((c) => c.key === key)?.fixed) return;
    if (hidden) this.hidden.add(key);
    else this.hidden.delete(key);
  }

  resize(key: ColumnKey, px: number): void {
    if (COLUMNS.find((c) => c.key === key)?.fixed || !Number.isFinite(px)) return;
    this.widths.set(key, Math.round(Math.min(Math.max(px, MIN_COLUMN_PX), MAX_COLUMN_PX)));
  }

  width(key: ColumnKey): number | undefined {
    return this.widths.get(key);
  }

  /** Back to the default widths, every column shown. */
  reset(): void {
    this.widths.clear();
    this.hidden.clear();
  }

  /** The grid template of the columns shown, in order. */
  template(): string {
    return COLUMNS.filter((c) => this.isShown(c.key))
      .map((c) => {
        const width = this.widths.get(c.key);
        return width === undefined ? c.track : `${width}px`;
      })
      .join(' ');
  }

  state(): ColumnLayoutState {
    return { widths: Object.fromEntries(this.widths), hidden: [...this.hidden] };
  }
}
