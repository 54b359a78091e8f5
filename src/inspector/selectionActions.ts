// The inspector's selected rows on the host: positions (as the webview holds them) resolved to messages
// of the current view, within a budget per action, and copied as lines of text, hex or capture JSON Lines.
import { recordLine } from '../core/capture/captureJsonl';
import type { CaptureRecord } from '../core/types';
import type { ListSelectionSpec, SelectionCopyFormat } from '../shared/inspectorShapes';
import type { CaptureSource, CaptureView } from './inspectorCaptureView';
import { toHex } from './messagePresenter';

/** A selection is a few ranges (clicks and shift-clicks), not one per row. */
const MAX_RANGES = 10_000;
/** The clipboard is for a screenful or a few thousand, not a capture: export the rest. */
export const MAX_COPY_MESSAGES = 10_000;
export const MAX_COPY_CHARS = 32 * 1024 * 1024;
/** Each replayed message is sent on a real socket. */
export const MAX_REPLAY_MESSAGES = 1000;

/**
 * The seqs of the selected rows that are still retained, oldest first. Throws when the list changed
 * since the rows were selected, when the selection is malformed, or when it holds more than `limit`.
 */
export function selectedSeqs(view: CaptureView, selection: ListSelectionSpec, limit: number, action: string): number[] {
  if (selection.filterGeneration !== view.generation)
    throw new Error('The list changed since these rows were selected (a new filter, or the capture was cleared): select them again.');
  const ranges = selection.ranges;
  if (!Array.isArray(ranges) || ranges.length > MAX_RANGES) throw new Error(`A selection has at most ${MAX_RANGES} ranges.`);
  let total = 0;
  const clipped: Array<[number, number]> = [];
  for (const range of ranges) {
    const [first, last] = (Array.isArray(range) ? range : []) as unknown[];
    if (
      typeof first !== 'number' ||
      typeof last !== 'number' ||
      !Number.isSafeInteger(first) ||
      !Number.isSafeInteger(last) ||
      first > last
    )
      throw new Error('A selected range is malformed.');
    const from = Math.max(first, view.evicted);
    const to = Math.min(last, view.evicted + view.count - 1);
    if (from > to) continue;
    clipped.push([from, to]);
    total += to - from + 1;
  }
  if (total > limit)
    throw new Error(`${total.toLocaleString('en-US')} messages are selected; ${action} takes at most ${limit.toLocaleString('en-US')}.`);
  if (total === 0) throw new Error('The selected messages are no longer in the capture.');
  clipped.sort((a, b) => a[0] - b[0]);
  const seqs: number[] = [];
  let previous = -1;
  for (const [from, to] of clipped) {
    for (let abs = Math.max(from, previous + 1); abs <= to; abs++) {
      const seq = view.seqAt(abs - view.evicted);
      if (seq !== undefined) seqs.push(seq);
    }
    previous = Math.max(previous, to);
  }
  return seqs;
}

const lenientUtf8 = new TextDecoder('utf-8', { fatal: false });

/** One line per message: frames as text (control characters escaped) or hex, separated by " | ". */
function messageLine(record: CaptureRecord, format: 'text' | 'hex'): string {
  const frames = record.frames.map((frame) =>
    format === 'hex' ? toHex(frame) : JSON.stringify(lenientUtf8.decode(frame)).slice(1, -1).replace(/\\"/g, '"'),
  );
  return `#${record.seq} ${record.direction} ${frames.join(' | ')}`;
}

/** The selected messages as clipboard text, or an error when it would exceed MAX_COPY_CHARS. */
export function selectionText(
  store: CaptureSource,
  seqs: readonly number[],
  format: SelectionCopyFormat,
  describeSession: (sessionId: string) => { name: string; type: string } | undefined,
): { text: string; messages: number } {
  const lines: string[] = [];
  let chars = 0;
  for (const seq of seqs) {
    const record = store.get(seq);
    if (!record) continue;
    const line = format === 'jsonl' ? recordLine(record, { describeSession }) : messageLine(record, format);
    chars += line.length + 1;
    if (chars > MAX_COPY_CHARS)
      throw new Error(`The selection is over ${MAX_COPY_CHARS / 1024 / 1024} MiB as text: use "Export selected…" for this many.`);
    lines.push(line);
  }
  return { text: lines.length ? `${lines.join('\n')}\n` : '', messages: lines.length };
}

export interface SelectionActionDeps {
  store: CaptureSource;
  /** The view as of now (caught up with the store). */
  view(): CaptureView;
  describeSession(sessionId: string): { name: string; type: string } | undefined;
  writeClipboard(text: string): Promise<void>;
  /** Writes these messages to a JSON Lines file the user picks; resolves with what happened. */
  exportMessages?(seqs: number[]): Promise<string>;
  /** Sends these messages again from a session the user picks; resolves with what happened. */
  replayMessages?(seqs: number[]): Promise<string>;
}

/** What the inspector does with the selected rows (copy, export, replay). */
export class SelectionActions {
  constructor(private readonly deps: SelectionActionDeps) {}

  async copy(selection: ListSelectionSpec, format: SelectionCopyFormat): Promise<{ messages: number; bytes: number }> {
    const seqs = selectedSeqs(this.deps.view(), selection, MAX_COPY_MESSAGES, 'copying');
    const { text, messages } = selectionText(this.deps.store, seqs, format, (id) => this.deps.describeSession(id));
    await this.deps.writeClipboard(text);
    return { messages, bytes: Buffer.byteLength(text) };
  }

  async export(selection: ListSelectionSpec): Promise<{ outcome: string }> {
    if (!this.deps.exportMessages) throw new Error('Export is not available here.');
    const seqs = selectedSeqs(this.deps.view(), selection, Number.MAX_SAFE_INTEGER, 'export');
    return { outcome: await this.deps.exportMessages(seqs) };
  }

  async replay(selection: ListSelectionSpec): Promise<{ outcome: string }> {
    if (!this.deps.replayMessages) throw new Error('Replay is not available here.');
    const seqs = selectedSeqs(this.deps.view(), selection, MAX_REPLAY_MESSAGES, 'replay');
    return { outcome: await this.deps.replayMessages(seqs) };
  }
}
