// The list's columns and how one row element shows one message (text only, never HTML).
import { el } from './dom';
import { formatSize, formatTime } from './format';
import type { ListRow } from './rowCache';

export const COLUMNS: ReadonlyArray<{ key: string; label: string; title: string }> = [
  { key: 'seq', label: '#', title: 'Sequence number in the capture' },
  { key: 'time', label: 'Time', title: 'Local time of capture' },
  { key: 'session', label: 'Session', title: 'Session (socket) that saw the message' },
  { key: 'dir', label: '', title: 'Direction: ↓ in (received), ↑ out (sent)' },
  { key: 'summary', label: 'Topic / first frame', title: 'Topic, or a summary of the first payload frame' },
  { key: 'frames', label: 'Frames', title: 'Number of frames' },
  { key: 'size', label: 'Size', title: 'Bytes on the wire (all frames)' },
];

export interface RowElement {
  root: HTMLElement;
  cells: HTMLElement[];
  /** Absolute position shown, -1 when hidden. */
  abs: number;
}

export function createHeader(): HTMLElement {
  return el('div', { className: 'list-header row', attrs: { role: 'row' } },
    ...COLUMNS.map((c) => el('span', { className: `cell c-${c.key}`, text: c.label, title: c.title, attrs: { role: 'columnheader' } })));
}

export function createRowElement(): RowElement {
  const cells = COLUMNS.map((c) => el('span', { className: `cell c-${c.key}`, attrs: { role: 'gridcell' } }));
  return { root: el('div', { className: 'row', attrs: { role: 'row' } }, ...cells), cells, abs: -1 };
}

/** Shows `row` (or a placeholder while its window is on the way) at list index `index`. */
export function fillRow(element: RowElement, abs: number, index: number, row: ListRow | undefined, selected: boolean): void {
  element.abs = abs;
  const root = element.root;
  const [seq, time, session, dir, summary, frames, size] = element.cells;
  root.classList.toggle('selected', selected);
  root.setAttribute('aria-selected', String(selected));
  root.setAttribute('aria-rowindex', String(index + 1));
  if (!row) {
    root.classList.add('loading');
    delete root.dataset.seq;
    for (const cell of element.cells) cell.textContent = '';
    seq.textContent = '…';
    return;
  }
  root.classList.remove('loading');
  root.dataset.seq = String(row.seq);
  seq.textContent = String(row.seq);
  time.textContent = formatTime(row.timeMs);
  session.textContent = row.session;
  session.title = row.session;
  dir.textContent = row.direction === 'in' ? '↓' : '↑';
  dir.className = `cell c-dir dir-${row.direction}`;
  dir.title = row.direction === 'in' ? 'in (received)' : 'out (sent)';
  summary.textContent = row.summary;
  summary.title = row.summary.length > 60 ? row.summary.slice(0, 500) : '';
  frames.textContent = String(row.frames);
  size.textContent = formatSize(row.size);
}
