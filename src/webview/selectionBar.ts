// The bar over the list while several messages are selected: how many, and what to do with them (copy
// as text, hex or JSON Lines; export to a file; replay; clear). Ctrl/Cmd+C in the list copies as text.
import { MessageType, type ListSelectionSpec, type RequestClient, type SelectionCopyFormat } from '../shared/inspectorProtocol';
import { el, iconButton } from './dom';
import { formatCount, formatSize } from './format';

export interface SelectionBarEvents {
  /** The rows selected now, for the host (which resolves them to messages). */
  selection(): ListSelectionSpec;
  /** Says a one-message copy where the user looks (the detail pane). */
  notice(text: string, isError: boolean): void;
  clear(): void;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class SelectionBar {
  readonly element: HTMLElement;
  private readonly count: HTMLElement;
  private readonly note: HTMLElement;

  constructor(
    private readonly client: RequestClient,
    private readonly events: SelectionBarEvents,
  ) {
    this.count = el('span', { className: 'selection-count', attrs: { 'aria-live': 'polite' } });
    this.note = el('span', { className: 'selection-note' });
    this.element = el(
      'div',
      { className: 'selection-bar', attrs: { role: 'toolbar', 'aria-label': 'Selected messages' } },
      this.count,
      iconButton('copy', 'Text', 'Copy the selected messages, one line each (frames as text)', () => void this.copy('text')),
      iconButton('copy', 'Hex', 'Copy the selected messages, one line each (frames as hex)', () => void this.copy('hex')),
      iconButton('json', 'JSON Lines', 'Copy the selected messages as capture JSON Lines', () => void this.copy('jsonl')),
      iconButton(
        'save',
        'Export…',
        'Write the selected messages to a JSON Lines file',
        () => void this.act(MessageType.ExportSelection, 'Export'),
      ),
      iconButton(
        'debug-restart',
        'Replay…',
        'Send the selected messages again from a session you pick',
        () => void this.act(MessageType.ReplaySelection, 'Replay'),
      ),
      iconButton('close', '', 'Clear the selection (Escape)', () => events.clear()),
      this.note,
    );
    this.element.hidden = true;
  }

  setCount(count: number): void {
    const hidden = count < 2;
    if (this.element.hidden !== hidden) {
      this.element.hidden = hidden;
      this.note.textContent = '';
    }
    this.count.textContent = `${formatCount(count)} selected`;
  }

  setNote(text: string, isError = false): void {
    this.note.textContent = text;
    this.note.classList.toggle('error', isError);
  }

  async copy(format: SelectionCopyFormat): Promise<void> {
    const selection = this.events.selection();
    if (!selection.ranges.length) return;
    try {
      const result = await this.client.request(MessageType.CopySelection, { selection, format });
      const what = `Copied ${formatCount(result.messages)} message${result.messages === 1 ? '' : 's'} (${formatSize(result.bytes)}).`;
      this.setNote(what);
      if (result.messages === 1) this.events.notice(what, false);
    } catch (error) {
      this.setNote(errorText(error), true);
      if (this.element.hidden) this.events.notice(errorText(error), true);
    }
  }

  private async act(type: MessageType.ExportSelection | MessageType.ReplaySelection, verb: string): Promise<void> {
    const selection = this.events.selection();
    if (!selection.ranges.length) return;
    try {
      const result = await this.client.request(type, { selection });
      this.setNote(`${verb}: ${result.outcome}.`);
    } catch (error) {
      this.setNote(errorText(error), true);
    }
  }
}
