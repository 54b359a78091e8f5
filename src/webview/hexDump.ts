// Hex dump with offsets and the ASCII column side by side; rows arrive preformatted from the host.
import type { HexRow } from '../shared/inspectorProtocol';
import { el } from './dom';
import { formatSize } from './format';

export function renderHexDump(rows: HexRow[], truncated: boolean, storedSize: number): HTMLElement {
  const dump = el('div', { className: 'hexdump', attrs: { role: 'table', 'aria-label': 'Hex dump' } });
  for (const row of rows) {
    dump.append(
      el(
        'div',
        { className: 'hex-row', attrs: { role: 'row' } },
        el('span', { className: 'hex-offset', text: row.offset.toString(16).padStart(8, '0') }),
        el('span', { className: 'hex-bytes', text: row.hex }),
        el('span', { className: 'hex-ascii', text: row.ascii }),
      ),
    );
  }
  if (rows.length === 0) dump.append(el('div', { className: 'hex-empty', text: '(empty frame)' }));
  if (truncated) {
    const shown = rows.length ? rows[rows.length - 1].offset + 16 : 0;
    dump.append(
      el('div', {
        className: 'hex-more',
        text: `Showing the first ${formatSize(shown)} of ${formatSize(storedSize)}; copy as hex for all of it.`,
      }),
    );
  }
  return dump;
}
