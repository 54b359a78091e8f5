// What the mouse and keys do to the message list's selection. Arrows, pages, Home and End move the focus,
// Shift extends the selection from its anchor (as in VS Code's own lists), Ctrl/Cmd toggles a row,
// Ctrl/Cmd+A selects all, Ctrl/Cmd+C copies, Escape drops a multiple selection. listKeyAction is pure.
import { ListSelection } from './listSelection';

export type ListKeyAction =
  | { kind: 'move'; target: number; extend: boolean }
  | { kind: 'selectAll' }
  | { kind: 'copy' }
  | { kind: 'activate' }
  | { kind: 'clearSelection' };

export interface ListKeyState {
  /** The focused message's position, or the one above the first in view when none is. */
  current: number;
  /** Rows a PageUp/PageDown moves. */
  page: number;
  /** First and last positions that exist. */
  first: number;
  last: number;
}

export function listKeyAction(
  event: { key: string; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean },
  state: ListKeyState,
): ListKeyAction | undefined {
  const command = event.ctrlKey || event.metaKey;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  if (command && key === 'a') return { kind: 'selectAll' };
  if (command && key === 'c') return { kind: 'copy' };
  if (key === 'Enter') return { kind: 'activate' };
  if (key === 'Escape') return { kind: 'clearSelection' };
  const { current, page, first, last } = state;
  const targets: Record<string, number> = {
    ArrowDown: current + 1,
    ArrowUp: current - 1,
    PageDown: current + page,
    PageUp: current - page,
    Home: first,
    End: last,
  };
  const target = targets[key];
  if (target === undefined || last < first) return undefined;
  return { kind: 'move', target: Math.min(Math.max(target, first), last), extend: event.shiftKey };
}

/** What the input needs of the list. */
export interface SelectableList {
  /** First and one-past-last message positions that exist. */
  readonly evicted: number;
  readonly endAbs: number;
  /** The message the detail pane shows, -1 when none. */
  readonly focusedAbs: number;
  /** The first message at the top of the view. */
  readonly topAbs: number;
  readonly pageRows: number;
  /** Moves the focus there, scrolling it into view (and shows it in the detail pane). */
  focusAbs(abs: number): void;
  redraw(): void;
  focus(): void;
}

/** The parts of a MouseEvent or KeyboardEvent this reads (structural: the pure parts run in Node tests). */
interface InputEvent {
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  preventDefault(): void;
}

export interface ListInputEvents {
  activate(): void;
  copySelection(): void;
  selectionChanged(count: number): void;
}

export class ListInput {
  readonly selection = new ListSelection();

  constructor(
    private readonly list: SelectableList,
    private readonly events: ListInputEvents,
  ) {}

  /** The selection for a request to the host (it resolves positions to messages); the focused row when nothing else. */
  get ranges(): Array<[number, number]> {
    const focused = this.list.focusedAbs;
    if (this.selection.isEmpty && focused >= 0) return [[focused, focused]];
    return this.selection.toRanges();
  }

  clear(): void {
    this.selection.clear();
    this.events.selectionChanged(0);
  }

  click(abs: number, event: InputEvent): void {
    const { evicted, endAbs } = this.list;
    const clamped = Math.min(Math.max(abs, evicted), endAbs - 1);
    if (clamped < evicted) return;
    if (event.shiftKey) {
      // Shift-click would also select the rows' text; the list keeps the focus instead.
      event.preventDefault();
      this.list.focus();
      this.extendTo(clamped);
    } else if (event.ctrlKey || event.metaKey) this.selection.toggle(clamped);
    else this.selection.select(clamped);
    this.changed();
    this.list.focusAbs(clamped);
  }

  key(event: InputEvent & { key: string }, hasFocus: boolean): void {
    const list = this.list;
    const action = listKeyAction(event, {
      current: list.focusedAbs >= 0 ? list.focusedAbs : list.topAbs - 1,
      page: list.pageRows,
      first: list.evicted,
      last: list.endAbs - 1,
    });
    if (!action || (action.kind === 'clearSelection' && this.selection.count < 2)) return;
    event.preventDefault();
    if (action.kind === 'activate') {
      if (hasFocus) this.events.activate();
    } else if (action.kind === 'copy') this.events.copySelection();
    else if (action.kind === 'clearSelection') {
      this.selection.clear();
      this.changed();
    } else if (action.kind === 'selectAll') {
      this.selection.selectAll(list.evicted, list.endAbs);
      this.changed();
    } else {
      if (action.extend) this.extendTo(action.target);
      else this.selection.select(action.target);
      this.changed();
      list.focusAbs(action.target);
    }
  }

  private extendTo(abs: number): void {
    if (this.selection.anchor < 0 && this.list.focusedAbs >= 0) this.selection.select(this.list.focusedAbs);
    this.selection.extendTo(abs);
  }

  private changed(): void {
    this.events.selectionChanged(this.selection.count);
    this.list.redraw();
  }
}
