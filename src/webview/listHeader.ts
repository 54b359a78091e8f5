// The list's header row: column labels, a grip on each column's right edge to resize it, and the
// "Columns" menu (right-click the header, or its gear button) to hide and show columns. What the user
// sets is applied to the whole list at once (one grid template rule, one class per hidden column).
import { COLUMNS, type ColumnKey, type ColumnLayout } from './columnLayout';
import { el, icon } from './dom';

export class ListHeader {
  readonly element: HTMLElement;
  private menu: HTMLElement | undefined;
  /**
   * The column template as one rule of our own: a var() in the rows' grid template made every row the
   * pool re-inserts while scrolling resolve it again (wheel-scroll main-thread work p95 22 ms against 13).
   */
  private readonly sheet =
    typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype ? new CSSStyleSheet() : undefined;
  private template = '';
  private readonly closeMenuOnOutside = (event: Event): void => {
    if (this.menu && !this.menu.contains(event.target as Node)) this.closeMenu();
  };

  constructor(
    /** The list element: it carries the grid template and the hide-* classes its rows inherit. */
    private readonly list: HTMLElement,
    private readonly layout: ColumnLayout,
    private readonly changed: () => void,
  ) {
    const cells = COLUMNS.map((c) => {
      const cell = el('span', { className: `cell c-${c.key}`, text: c.label, title: c.title, attrs: { role: 'columnheader' } });
      if (!c.fixed) {
        const grip = el('span', { className: 'col-grip', title: 'Drag to resize', attrs: { 'aria-hidden': 'true' } });
        this.enableResize(grip, cell, c.key);
        cell.append(grip);
      }
      return cell;
    });
    const gear = el('button', {
      className: 'columns-button',
      title: 'Columns: show, hide, reset widths',
      attrs: { type: 'button', 'aria-label': 'Columns', 'aria-haspopup': 'menu' },
    });
    gear.append(icon('settings-gear'));
    gear.addEventListener('click', (event) => {
      event.stopPropagation();
      const box = gear.getBoundingClientRect();
      this.openMenu(box.right, box.bottom);
    });
    this.element = el('div', { className: 'list-header row', attrs: { role: 'row' } }, ...cells, gear);
    if (this.sheet) document.adoptedStyleSheets = [...document.adoptedStyleSheets, this.sheet];
    this.element.addEventListener('contextmenu', (event) => {
      event.preventDefault();
      this.openMenu(event.clientX, event.clientY);
    });
    this.apply();
  }

  /** Applies the layout to the list (after a change here or from the host, e.g. tracking switched on). */
  apply(): void {
    const template = this.layout.template();
    if (template !== this.template) {
      this.template = template;
      this.sheet?.replaceSync(`.list .row { grid-template-columns: ${template}; }`);
    }
    for (const c of COLUMNS) {
      const hide = !this.layout.isShown(c.key);
      if (this.list.classList.contains(`hide-${c.key}`) !== hide) this.list.classList.toggle(`hide-${c.key}`, hide);
    }
  }

  private enableResize(grip: HTMLElement, cell: HTMLElement, key: ColumnKey): void {
    grip.addEventListener('pointerdown', (down) => {
      down.preventDefault();
      down.stopPropagation();
      const startX = down.clientX;
      const startWidth = cell.getBoundingClientRect().width;
      grip.setPointerCapture(down.pointerId);
      const move = (event: PointerEvent): void => {
        this.layout.resize(key, startWidth + event.clientX - startX);
        this.apply();
      };
      const up = (): void => {
        grip.removeEventListener('pointermove', move);
        grip.removeEventListener('pointerup', up);
        this.changed();
      };
      grip.addEventListener('pointermove', move);
      grip.addEventListener('pointerup', up);
    });
  }

  private openMenu(x: number, y: number): void {
    this.closeMenu();
    const items: HTMLElement[] = [];
    for (const c of COLUMNS) {
      if (!this.layout.canToggle(c.key)) continue;
      const shown = !this.layout.isHidden(c.key);
      const name = c.label || c.title.split(':')[0];
      const item = el('button', {
        className: 'menu-item',
        title: c.title,
        attrs: { type: 'button', role: 'menuitemcheckbox', 'aria-checked': String(shown), 'data-column': c.key },
      });
      item.append(icon(shown ? 'check' : 'blank'), el('span', { text: name }));
      item.addEventListener('click', () => {
        this.layout.setHidden(c.key, shown);
        this.apply();
        this.changed();
        this.closeMenu();
      });
      items.push(item);
    }
    const reset = el('button', { className: 'menu-item', attrs: { type: 'button', role: 'menuitem' } });
    reset.append(icon('discard'), el('span', { text: 'Reset columns' }));
    reset.addEventListener('click', () => {
      this.layout.reset();
      this.apply();
      this.changed();
      this.closeMenu();
    });
    const menu = el('div', { className: 'column-menu', attrs: { role: 'menu', 'aria-label': 'Columns' } }, ...items, reset);
    menu.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.closeMenu();
      if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
      event.preventDefault();
      const buttons = [...menu.querySelectorAll<HTMLElement>('.menu-item')];
      const at = buttons.indexOf(document.activeElement as HTMLElement);
      buttons[(at + (event.key === 'ArrowDown' ? 1 : buttons.length - 1)) % buttons.length]?.focus();
    });
    document.body.append(menu);
    const box = menu.getBoundingClientRect();
    menu.style.left = `${Math.max(0, Math.min(x, window.innerWidth - box.width - 4))}px`;
    menu.style.top = `${Math.max(0, Math.min(y, window.innerHeight - box.height - 4))}px`;
    this.menu = menu;
    (menu.querySelector('.menu-item') as HTMLElement | null)?.focus();
    setTimeout(() => document.addEventListener('mousedown', this.closeMenuOnOutside), 0);
  }

  private closeMenu(): void {
    this.menu?.remove();
    this.menu = undefined;
    document.removeEventListener('mousedown', this.closeMenuOnOutside);
  }
}
