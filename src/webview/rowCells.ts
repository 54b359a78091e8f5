// How one row element shows one message (or a sequence gap's marker row) (text only, never HTML).
// A row is refilled only when what it shows changed, and each cell writes its text node's data
// only when the text differs: scrolling a screen of rows then touches just the rows that moved in.
import { COLUMNS } from './columnLayout';
import { el } from './dom';
import { formatSize, formatTime } from './format';
import type { ListRow } from './rowCache';

/** One cell and the text node it shows, so an update is a `data` write, not a node replacement. */
interface Cell {
  element: HTMLElement;
  text: Text;
}

export interface RowElement {
  root: HTMLElement;
  cells: Cell[];
  /** The gap marker's text (shown instead of the cells on a marker row); made the first time the row is one. */
  marker: Cell | undefined;
  /** Display position shown (messages and marker rows), -1 when hidden. */
  pos: number;
  /** Absolute position of the message shown, or of the message below the marker shown; -1 when hidden. */
  abs: number;
  isMarker: boolean;
  /** What the row was last filled with: a fill with the same values is skipped. */
  shown: ListRow | undefined;
  shownIndex: number;
  shownSelected: boolean;
  shownFocused: boolean;
}

export function createRowElement(): RowElement {
  const cells = COLUMNS.map((c): Cell => {
    const text = document.createTextNode('');
    return { element: el('span', { className: `cell c-${c.key}`, attrs: { role: 'gridcell' } }, text), text };
  });
  return {
    root: el('div', { className: 'row', attrs: { role: 'row' } }, ...cells.map((c) => c.element)),
    cells,
    marker: undefined,
    pos: -1,
    abs: -1,
    isMarker: false,
    shown: undefined,
    shownIndex: -1,
    shownSelected: false,
    shownFocused: false,
  };
}

function setText(cell: Cell, value: string): void {
  if (cell.text.data !== value) cell.text.data = value;
}

function setTitle(cell: Cell, value: string): void {
  if (cell.element.title !== value) cell.element.title = value;
}

/** Takes a row out of view (it stays in the pool for reuse). */
export function hideRow(element: RowElement): void {
  if (element.pos === -1 && element.root.hidden) return;
  element.root.hidden = true;
  element.pos = -1;
  element.abs = -1;
}

function setMarker(element: RowElement, isMarker: boolean): void {
  if (element.isMarker === isMarker) return;
  element.isMarker = isMarker;
  element.root.classList.toggle('gap-marker', isMarker);
  element.shown = undefined;
  element.shownIndex = -1;
}

/** Shows a sequence gap's marker row ("⚠ 37 missing (seq 1,204–1,240)") above message `abs`. */
export function fillMarker(element: RowElement, pos: number, abs: number, text: string): void {
  const root = element.root;
  if (root.hidden) root.hidden = false;
  setMarker(element, true);
  element.pos = pos;
  element.abs = abs;
  if (root.classList.contains('selected')) root.classList.remove('selected');
  element.shownSelected = false;
  if (element.shownFocused) root.classList.remove('focused');
  element.shownFocused = false;
  root.classList.remove('loading');
  root.removeAttribute('aria-selected');
  delete root.dataset.seq;
  if (!element.marker) {
    const markerText = document.createTextNode('');
    element.marker = { element: el('span', { className: 'cell c-marker', attrs: { role: 'gridcell' } }, markerText), text: markerText };
    root.append(element.marker.element);
  }
  setText(element.marker, text);
  setTitle(element.marker, `${text}: messages the publisher numbered but this session never received`);
}

/** Shows `row` (or a placeholder while its window is on the way) at list index `index`. */
export function fillRow(
  element: RowElement,
  pos: number,
  abs: number,
  index: number,
  row: ListRow | undefined,
  selected: boolean,
  /** The message the detail pane shows (outlined among several selected). */
  focused = selected,
): void {
  const root = element.root;
  if (root.hidden) root.hidden = false;
  setMarker(element, false);
  if (
    element.pos === pos &&
    element.abs === abs &&
    element.shown === row &&
    element.shownIndex === index &&
    element.shownSelected === selected &&
    element.shownFocused === focused &&
    row !== undefined
  )
    return;
  element.pos = pos;
  element.abs = abs;
  if (element.shownSelected !== selected || element.shown === undefined) {
    root.classList.toggle('selected', selected);
    root.setAttribute('aria-selected', String(selected));
    element.shownSelected = selected;
  }
  if (element.shownFocused !== focused) {
    root.classList.toggle('focused', focused);
    element.shownFocused = focused;
  }
  if (element.shownIndex !== index) {
    root.setAttribute('aria-rowindex', String(index + 1));
    element.shownIndex = index;
  }
  const [seq, tracked, time, session, dir, summary, frames, size] = element.cells;
  if (!row) {
    root.classList.add('loading');
    delete root.dataset.seq;
    for (const cell of element.cells) setText(cell, '');
    setText(seq, '…');
    element.shown = undefined;
    return;
  }
  if (element.shown === undefined) root.classList.remove('loading');
  element.shown = row;
  root.dataset.seq = String(row.seq);
  setText(seq, String(row.seq));
  setText(tracked, row.sequence === undefined ? '' : String(row.sequence));
  setText(time, formatTime(row.timeMs));
  setText(session, row.session);
  setTitle(session, row.session);
  setText(dir, '');
  const dirClass = `cell c-dir dir-${row.direction} codicon codicon-${row.direction === 'in' ? 'arrow-down' : 'arrow-up'}`;
  if (dir.element.className !== dirClass) dir.element.className = dirClass;
  setTitle(dir, row.direction === 'in' ? 'in (received)' : 'out (sent)');
  setText(summary, row.summary);
  setTitle(summary, row.summary.length > 60 ? row.summary.slice(0, 500) : '');
  setText(frames, String(row.frames));
  setText(size, formatSize(row.size));
}
