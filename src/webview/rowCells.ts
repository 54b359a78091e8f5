// The list's columns and how one row element shows one message (text only, never HTML).
// A row is refilled only when what it shows changed, and each cell writes its text node's data
// only when the text differs: scrolling a screen of rows then touches just the rows that moved in.
import { el } from './dom';
import { formatSize, formatTime } from './format';
import type { ListRow } from './rowCache';

export const COLUMNS: ReadonlyArray<{ key: string; label: string; title: string }> = [
  { key: 'seq', label: '#', title: 'Sequence number in the capture' },
  { key: 'time', label: 'Time', title: 'Local time of capture' },
  { key: 'session', label: 'Session', title: 'Session (socket) that saw the message' },
  { key: 'dir', label: '', title: 'Direction: in (received, arrow down) or out (sent, arrow up)' },
  { key: 'summary', label: 'Topic / first frame', title: 'Topic, or a summary of the first payload frame' },
  { key: 'frames', label: 'Frames', title: 'Number of frames' },
  { key: 'size', label: 'Size', title: 'Bytes on the wire (all frames)' },
];

/** One cell and the text node it shows, so an update is a `data` write, not a node replacement. */
interface Cell {
  element: HTMLElement;
  text: Text;
}

export interface RowElement {
  root: HTMLElement;
  cells: Cell[];
  /** Absolute position shown, -1 when hidden. */
  abs: number;
  /** What the row was last filled with: a fill with the same values is skipped. */
  shown: ListRow | undefined;
  shownIndex: number;
  shownSelected: boolean;
}

export function createHeader(): HTMLElement {
  return el(
    'div',
    { className: 'list-header row', attrs: { role: 'row' } },
    ...COLUMNS.map((c) => el('span', { className: `cell c-${c.key}`, text: c.label, title: c.title, attrs: { role: 'columnheader' } })),
  );
}

export function createRowElement(): RowElement {
  const cells = COLUMNS.map((c): Cell => {
    const text = document.createTextNode('');
    return { element: el('span', { className: `cell c-${c.key}`, attrs: { role: 'gridcell' } }, text), text };
  });
  return {
    root: el('div', { className: 'row', attrs: { role: 'row' } }, ...cells.map((c) => c.element)),
    cells,
    abs: -1,
    shown: undefined,
    shownIndex: -1,
    shownSelected: false,
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
  if (element.abs === -1 && element.root.hidden) return;
  element.root.hidden = true;
  element.abs = -1;
}

/** Shows `row` (or a placeholder while its window is on the way) at list index `index`. */
export function fillRow(element: RowElement, abs: number, index: number, row: ListRow | undefined, selected: boolean): void {
  const root = element.root;
  if (root.hidden) root.hidden = false;
  if (
    element.abs === abs &&
    element.shown === row &&
    element.shownIndex === index &&
    element.shownSelected === selected &&
    row !== undefined
  )
    return;
  element.abs = abs;
  if (element.shownSelected !== selected || element.shown === undefined) {
    root.classList.toggle('selected', selected);
    root.setAttribute('aria-selected', String(selected));
    element.shownSelected = selected;
  }
  if (element.shownIndex !== index) {
    root.setAttribute('aria-rowindex', String(index + 1));
    element.shownIndex = index;
  }
  const [seq, time, session, dir, summary, frames, size] = element.cells;
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
  setText(time, formatTime(row.timeMs));
  setText(session, row.session);
  setTitle(session, row.session);
  setText(dir, '');
  const dirClass = `cell c-dir dir-${row.direction} codicon codicon-${row.direction === 'in' ? 'arrow-down' : 'arrow-up'}`;
  if (dir.element.className !== dirClass) dir.element.className = dirClass;
  setTitle(dir, row.direction === 'in' ? 'in (received)' : 'out (sent)');
  // The host puts a sequence gap's marker first ("[⚠ 37 missing (seq 1,204–1,240)] …"): the row shows a line above it.
  const afterGap = row.summary.startsWith('[⚠');
  if (root.classList.contains('after-gap') !== afterGap) root.classList.toggle('after-gap', afterGap);
  setText(summary, row.summary);
  setTitle(summary, row.summary.length > 60 ? row.summary.slice(0, 500) : '');
  setText(frames, String(row.frames));
  setText(size, formatSize(row.size));
}
