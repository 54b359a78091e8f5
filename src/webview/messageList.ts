// The virtualized message list: a fixed pool of row elements over a tall spacer, fed by pulled windows.
// Messages have absolute positions (evicted + list index) so rows dropped from the front of the capture do
// not shift what the user is looking at; the list scrolls in display positions, which add a marker row
// above each message that follows a sequence gap (ListIndex maps between the two).
import type { RowWindow } from '../shared/inspectorProtocol';
import { el } from './dom';
import { ListIndex } from './listIndex';
import { ListInput, type ListInputEvents, type SelectableList } from './listInput';
import { RowCache, type ListViewport } from './rowCache';
import type { ColumnLayout } from './columnLayout';
import { ListHeader } from './listHeader';
import { fillMarker, fillRow, hideRow } from './rowCells';
import { RowPool } from './rowPool';

export const ROW_HEIGHT = 22;
/** Beyond this the spacer is scaled: Chromium stops laying out near 33.5M px. */
const MAX_SPACER_PX = 15_000_000;

export interface MessageListEvents extends ListInputEvents {
  /** Fetch absolute positions [absStart, absStart + count); resolve undefined when the answer is stale. */
  fetchRows(absStart: number, count: number): Promise<RowWindow | undefined>;
  select(seq: number): void;
  activate(): void;
  tailChanged(tail: boolean): void;
  scrolled(): void;
  /** The user resized, hid or showed a column (save the layout). */
  columnsChanged(): void;
}

export class MessageList implements SelectableList {
  readonly element: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly pool = new RowPool();
  /** What the user selected (clicks and keys). */
  readonly input: ListInput;
  private readonly rows: RowCache;
  private readonly index = new ListIndex();
  private matched = 0;
  /** Matching rows dropped from the front of the capture: the first position that exists. */
  evicted = 0;
  /** Display position of the top edge of the viewport, in rows (fractional). */
  private topPos = 0;
  /** Content pixels per scrollbar pixel (1 unless the list is taller than MAX_SPACER_PX). */
  private scale = 1;
  private tail = true;
  private selectedSeq = -1;
  private selectedAbs = -1;
  private expectedScrollTop = -1;
  /** The viewport's scrollTop as last set or seen (the scaled list places its rows from it). */
  private scrollTopPx = 0;
  private frameQueued = false;
  /** A wheel moved topAbs: the scrollbar follows on the next animation frame, once per frame. */
  private scrollPending = false;
  /** Viewport height from the ResizeObserver: reading clientHeight after a DOM write forces a layout. */
  private viewportHeight = 0;
  /** True while the non-passive wheel listener is attached (only when the spacer is scaled). */
  private wheelAttached = false;
  private readonly wheelListener = (event: WheelEvent): void => this.onWheel(event);
  private scrollingUp = false;
  private lastRenderedTop = 0;
  /** Bumped by reset(): counts fetched for an older filter are dropped. */
  private generation = 0;
  private applyingCounts = false;
  private pendingCounts: { matched: number; evicted: number; generation: number } | undefined;

  private readonly header: ListHeader;

  constructor(
    private readonly events: MessageListEvents,
    private readonly columns: ColumnLayout,
  ) {
    this.rows = new RowCache(
      (absStart, count) => events.fetchRows(absStart, count),
      () => this.rowsArrived(),
    );
    this.spacer = el('div', { className: 'list-spacer' });
    this.empty = el('div', { className: 'list-empty', text: 'No messages captured yet.' });
    this.viewport = el('div', { className: 'list-viewport' }, this.spacer, this.pool.layer, this.empty);
    this.element = el('div', { className: 'list', attrs: { role: 'grid', tabindex: '0', 'aria-label': 'Captured messages' } });
    this.header = new ListHeader(this.element, columns, () => events.columnsChanged());
    this.element.append(this.header.element, this.viewport);
    this.viewport.addEventListener('scroll', () => this.onScroll());
    this.input = new ListInput(this, events);
    this.element.addEventListener('keydown', (event) => this.input.key(event, this.selectedSeq >= 0));
    this.pool.layer.addEventListener('mousedown', (event) => {
      const element = this.pool.find(event.target);
      if (element && element.abs >= 0) this.input.click(element.abs, event);
    });
    new ResizeObserver((entries) => {
      this.viewportHeight = entries[entries.length - 1].contentRect.height;
      this.layout();
    }).observe(this.viewport);
  }

  /** What the empty list says: nothing captured, or nothing matching the filter. */
  setEmptyText(text: string): void {
    this.empty.textContent = text;
  }

  get isTail(): boolean {
    return this.tail;
  }

  /** Seq of the first fully visible message (kept across reloads), if loaded. */
  get topSeq(): number | undefined {
    return this.rows.get(this.index.at(Math.ceil(this.topPos - 0.001)).abs)?.seq;
  }

  /** Absolute end: every matching row ever seen in this filter generation. */
  get endAbs(): number {
    return this.evicted + this.matched;
  }

  focus(): void {
    this.element.focus();
  }

  get focusedAbs(): number {
    return this.selectedAbs;
  }

  get topAbs(): number {
    return this.index.at(Math.ceil(this.topPos)).abs;
  }

  get pageRows(): number {
    return Math.max(1, Math.floor(this.visibleRows()) - 1);
  }

  /** A new filter generation: loaded rows no longer apply. topIndex places the view (else it stays). */
  reset(matched: number, evicted: number, topIndex?: number): void {
    this.generation++;
    this.pendingCounts = undefined;
    this.rows.clear();
    this.index.clear();
    this.matched = matched;
    this.evicted = evicted;
    this.selectedAbs = -1;
    // Positions of another generation name other messages.
    this.input.clear();
    if (topIndex !== undefined) {
      this.tail = false;
      this.topPos = evicted + topIndex;
    }
    this.layout();
  }

  /** The "Sequence" column shows while a session has sequence tracking on. */
  setSequenceColumn(shown: boolean): void {
    if (this.columns.setTracking(shown)) this.header.apply();
  }

  /** Gap marker rows for the current generation; the message at the top stays at the top. */
  setMarkers(positions: readonly number[], texts: readonly string[]): void {
    const top = Math.floor(this.topPos);
    const slot = this.index.at(top);
    const fraction = this.topPos - top;
    this.index.setMarkers(positions, texts);
    const markerKept = slot.marker !== undefined && this.index.markerAbove(slot.abs) !== undefined;
    this.topPos = this.index.displayOf(slot.abs) - (markerKept ? 1 : 0) + fraction;
    this.layout();
  }

  /**
   * New counts from a summary. While tailing, the rows of the new end are fetched before the view
   * moves there, so the bottom rows never flash empty at 30 updates a second.
   */
  async setCounts(matched: number, evicted: number): Promise<void> {
    this.pendingCounts = { matched, evicted, generation: this.generation };
    if (this.applyingCounts) return;
    this.applyingCounts = true;
    try {
      while (this.pendingCounts) {
        const next = this.pendingCounts;
        this.pendingCounts = undefined;
        if (next.generation !== this.generation) continue;
        if (this.tail) {
          const end = next.evicted + next.matched;
          await this.rows.load(Math.max(next.evicted, end - Math.ceil(this.visibleRows()) - 1), end);
        }
        if (next.generation === this.generation) this.applyCounts(next.matched, next.evicted);
      }
    } finally {
      this.applyingCounts = false;
    }
  }

  setSelectedSeq(seq: number): void {
    this.selectedSeq = seq;
    this.selectedAbs = this.rows.positionOf(seq);
    this.queueFrame();
  }

  scrollToEnd(): void {
    this.tail = true;
    this.topPos = this.maxTop();
    this.applyScroll();
    this.events.tailChanged(true);
  }

  private applyCounts(matched: number, evicted: number): void {
    if (matched === this.matched && evicted === this.evicted) return;
    this.matched = matched;
    this.evicted = evicted;
    if (this.selectedAbs >= 0 && this.selectedAbs < evicted) this.selectedAbs = -1;
    this.rows.dropBefore(evicted);
    this.input.selection.dropBefore(evicted);
    this.layout();
  }

  private rowsArrived(): void {
    if (this.selectedAbs < 0 && this.selectedSeq >= 0) this.selectedAbs = this.rows.positionOf(this.selectedSeq);
    // Right away, not on the next animation frame: the rows then make this frame's paint.
    this.render();
  }

  private height(): number {
    // Before the first ResizeObserver callback (or while hidden) the cache is 0: ask the layout.
    return this.viewportHeight || this.viewport.clientHeight;
  }

  private visibleRows(): number {
    return this.height() / ROW_HEIGHT;
  }

  /** Display positions [startPos, endPos) exist: the retained messages and their marker rows. */
  private startPos(): number {
    return this.index.displayStart(this.evicted);
  }

  private endPos(): number {
    return this.index.displayStart(this.endAbs);
  }

  private maxTop(): number {
    const start = this.startPos();
    return start + Math.max(0, this.endPos() - start - this.visibleRows());
  }

  private listViewport(): ListViewport {
    return {
      first: this.index.at(Math.floor(this.topPos)).abs,
      page: Math.ceil(this.visibleRows()) + 1,
      start: this.evicted,
      end: this.endAbs,
      scrollingUp: this.scrollingUp,
    };
  }

  private layout(): void {
    const viewportHeight = this.height();
    const start = this.startPos();
    const contentHeight = (this.endPos() - start) * ROW_HEIGHT;
    const spacerHeight = Math.min(contentHeight, MAX_SPACER_PX);
    this.spacer.style.height = `${spacerHeight}px`;
    const scrollRange = spacerHeight - viewportHeight;
    this.scale = scrollRange > 0 && contentHeight > MAX_SPACER_PX ? (contentHeight - viewportHeight) / scrollRange : 1;
    this.attachWheel(this.scale !== 1);
    this.empty.hidden = this.matched > 0;
    if (this.tail) this.topPos = this.maxTop();
    this.topPos = Math.min(Math.max(this.topPos, start), this.maxTop());
    this.applyScroll();
  }

  /**
   * A non-passive wheel listener makes the compositor wait for this page on every wheel event, so
   * it is there only when wheel steps must be rewritten (a scaled spacer); otherwise scrolling stays
   * on the compositor.
   */
  private attachWheel(attach: boolean): void {
    if (attach === this.wheelAttached) return;
    this.wheelAttached = attach;
    if (attach) this.viewport.addEventListener('wheel', this.wheelListener, { passive: false });
    else this.viewport.removeEventListener('wheel', this.wheelListener);
  }

  /** Moves the native scrollbar to match topPos; the scroll event this causes is ignored. */
  private applyScroll(): void {
    this.scrollPending = false;
    const target = ((this.topPos - this.startPos()) * ROW_HEIGHT) / this.scale;
    if (Math.abs(this.viewport.scrollTop - target) >= 1) {
      // The setter lays out anyway, so reading the clamped value back costs nothing more.
      this.viewport.scrollTop = target;
      this.expectedScrollTop = this.scrollTopPx = this.viewport.scrollTop;
    }
    this.render();
  }

  private onScroll(): void {
    const scrollTop = this.viewport.scrollTop;
    this.scrollTopPx = scrollTop;
    const ours = this.expectedScrollTop >= 0 && Math.abs(scrollTop - this.expectedScrollTop) < 1;
    this.expectedScrollTop = -1;
    if (!ours) {
      this.topPos = this.startPos() + (scrollTop * this.scale) / ROW_HEIGHT;
      this.userMoved();
    }
    this.render();
  }

  /** Only when scaled: a native wheel step would jump `scale` times too far, so we move by rows. */
  private onWheel(event: WheelEvent): void {
    if (this.scale === 1 || event.ctrlKey) return;
    event.preventDefault();
    const unit = event.deltaMode === 1 ? ROW_HEIGHT : event.deltaMode === 2 ? this.height() : 1;
    this.topPos = Math.min(Math.max(this.topPos + (event.deltaY * unit) / ROW_HEIGHT, this.startPos()), this.maxTop());
    this.userMoved();
    // Several wheel events can arrive in one frame: the scrollbar and rows follow once, at the frame.
    this.scrollPending = true;
    this.queueFrame();
  }

  private userMoved(): void {
    const tail = this.topPos >= this.maxTop() - 0.05;
    if (tail !== this.tail) {
      this.tail = tail;
      this.events.tailChanged(tail);
    }
    this.events.scrolled();
  }

  redraw(): void {
    this.queueFrame();
  }

  private queueFrame(): void {
    if (this.frameQueued) return;
    this.frameQueued = true;
    requestAnimationFrame(() => {
      this.frameQueued = false;
      if (this.scrollPending) this.applyScroll();
      else this.render();
    });
  }

  private render(): void {
    const first = Math.floor(this.topPos);
    const start = this.startPos();
    const poolSize = Math.ceil(this.visibleRows()) + 2;
    // Unscaled, rows sit at their true offset (right even while the compositor scrolls ahead of us).
    const contentTop = this.scale === 1 ? (first - start) * ROW_HEIGHT : this.scrollTopPx - (this.topPos - first) * ROW_HEIGHT;
    if (first !== this.lastRenderedTop) this.scrollingUp = first < this.lastRenderedTop;
    this.lastRenderedTop = first;
    this.pool.arrange(first, poolSize, contentTop);
    const end = this.endPos();
    const selection = this.input.selection;
    const many = !selection.isEmpty;
    const elements = this.pool.rows;
    const noMarkers = this.index.markerCount === 0;
    for (let i = 0; i < elements.length; i++) {
      const element = elements[i];
      const pos = first + i;
      if (i >= poolSize || pos >= end) {
        hideRow(element);
        continue;
      }
      const slot = noMarkers ? { abs: pos } : this.index.at(pos);
      if (slot.marker !== undefined) {
        fillMarker(element, pos, slot.abs, slot.marker);
        continue;
      }
      const row = this.rows.get(slot.abs);
      const focused = row !== undefined && row.seq === this.selectedSeq;
      fillRow(element, pos, slot.abs, pos - start, row, many ? selection.contains(slot.abs) : focused, focused);
    }
    if (this.rows.needsRows(this.listViewport())) void this.rows.fill(() => this.listViewport());
  }

  focusAbs(abs: number): void {
    const clamped = Math.min(Math.max(abs, this.evicted), this.endAbs - 1);
    if (clamped < this.evicted) return;
    this.selectedAbs = clamped;
    this.revealAbs(clamped);
    const choose = (): void => {
      const row = this.rows.get(clamped);
      if (!row || this.selectedAbs !== clamped) return;
      this.selectedSeq = row.seq;
      this.events.select(row.seq);
      this.render();
    };
    // Not loaded yet (End on a million rows): select once its window arrives.
    if (this.rows.has(clamped)) choose();
    else void this.rows.load(clamped, clamped + 1).then(choose);
  }

  private revealAbs(abs: number): void {
    const fullRows = Math.max(1, Math.floor(this.visibleRows()));
    const pos = this.index.displayOf(abs);
    // Going up onto a message after a gap shows its marker row too.
    const top = this.index.markerAbove(abs) !== undefined ? pos - 1 : pos;
    if (top < this.topPos) this.topPos = top;
    else if (pos + 1 > this.topPos + fullRows) this.topPos = pos + 1 - this.visibleRows();
    this.topPos = Math.min(Math.max(this.topPos, this.startPos()), this.maxTop());
    this.userMoved();
    this.applyScroll();
  }
}
