// The list's row elements: a fixed pool inside one layer moved by a transform. Scrolling by a few rows
// moves the elements that left one edge to the other (in the DOM too, so document order stays the order
// on screen); the rows still in view keep their content and are not refilled.
import { el } from './dom';
import { createRowElement, type RowElement } from './rowCells';

export class RowPool {
  readonly layer: HTMLElement;
  readonly rows: RowElement[] = [];
  private layerTop = Number.NaN;

  constructor() {
    this.layer = el('div', { className: 'list-rows', attrs: { role: 'rowgroup' } });
  }

  /** Grows the pool to `size`, places the layer at `contentTop` px and lines the elements up from display position `first`. */
  arrange(first: number, size: number, contentTop: number): void {
    while (this.rows.length < size) {
      const row = createRowElement();
      this.layer.append(row.root);
      this.rows.push(row);
    }
    if (contentTop !== this.layerTop) {
      this.layerTop = contentTop;
      this.layer.style.transform = `translateY(${contentTop}px)`;
    }
    this.rotate(first, size);
  }

  /** The pool element a DOM node belongs to. */
  find(node: EventTarget | null): RowElement | undefined {
    const rowNode = (node as HTMLElement | null)?.closest?.('.row');
    return rowNode ? this.rows.find((r) => r.root === rowNode) : undefined;
  }

  private rotate(first: number, size: number): void {
    const current = this.rows[0].pos;
    if (current < 0) return;
    const shift = first - current;
    if (shift === 0 || Math.abs(shift) >= size) return;
    const live = this.rows.slice(0, size);
    if (shift > 0) {
      const moved = live.splice(0, shift);
      live.push(...moved);
      this.layer.insertBefore(fragmentOf(moved), this.rows[size]?.root ?? null);
    } else {
      const moved = live.splice(live.length + shift, -shift);
      live.unshift(...moved);
      this.layer.prepend(fragmentOf(moved));
    }
    this.rows.splice(0, size, ...live);
  }
}

function fragmentOf(rows: RowElement[]): DocumentFragment {
  const fragment = document.createDocumentFragment();
  for (const row of rows) fragment.append(row.root);
  return fragment;
}
