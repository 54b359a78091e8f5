// The selected message: one section per frame with its label, sizes, decoder picker, decoded view,
// hex dump and copy buttons. Every payload-derived string is inserted as text.
import type { CopyFormat, DecoderInfo, FrameDetail, MessageDetail, MessageDiffView } from '../shared/inspectorProtocol';
import { renderDecodedTree } from './decodedTree';
import { renderDiff } from './diffView';
import { button, el, icon, iconButton } from './dom';
import { formatDateTime, formatSize } from './format';
import { renderHexDump } from './hexDump';

export interface DetailPaneEvents {
  /** decoderId '' means auto-detect. */
  changeDecoder(seq: number, frameIndex: number, decoderId: string): void;
  useFromNowOn(detail: MessageDetail, frameIndex: number, decoderId: string): void;
  copy(seq: number, frameIndex: number, format: CopyFormat, decoderId: string): void;
  replay(seq: number): void;
  /** The frames from `start` on are wanted (the detail came with the first ones only). */
  loadFrames(seq: number, start: number): Promise<void>;
  /** Compare with `otherSeq`, or with the previous message of the topic when absent. */
  compare(seq: number, otherSeq?: number): void;
  /** "Plot this field": the decoded field at `path` of frame `frameIndex`. */
  plot(seq: number, frameIndex: number, path: (string | number)[]): void;
}

export class DetailPane {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private readonly notice: HTMLElement;
  private detail: MessageDetail | undefined;
  /** "Show more frames", after the last frame shown, while the message has more. */
  private moreFrames: HTMLElement | undefined;
  /** A message marked to compare the next one with. */
  private marked: number | undefined;
  private decoders: DecoderInfo[] = [];
  private noticeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly events: DetailPaneEvents) {
    this.body = el('div', { className: 'detail-body' });
    this.notice = el('div', { className: 'detail-notice', attrs: { role: 'status', 'aria-live': 'polite' } });
    this.element = el(
      'section',
      { className: 'detail', attrs: { tabindex: '-1', 'aria-label': 'Message details' } },
      this.notice,
      this.body,
    );
    this.showPlaceholder(
      'Select a message to see its frames. In the list: ↑ ↓ Page Up/Down Home End to move, Enter to come here, Esc to go back, / to filter.',
    );
  }

  get seq(): number | undefined {
    return this.detail?.seq;
  }

  setDecoders(decoders: DecoderInfo[]): void {
    this.decoders = decoders;
  }

  focus(): void {
    const first = this.body.querySelector<HTMLElement>('select, button, summary');
    (first ?? this.element).focus();
  }

  showPlaceholder(text: string): void {
    this.detail = undefined;
    this.body.replaceChildren(el('div', { className: 'detail-placeholder', text }));
  }

  showError(text: string): void {
    this.body.replaceChildren(el('div', { className: 'detail-error', text }));
  }

  showNotice(text: string, isError = false): void {
    this.notice.textContent = text;
    this.notice.classList.toggle('error', isError);
    this.notice.classList.add('visible');
    if (this.noticeTimer) clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => this.notice.classList.remove('visible'), isError ? 6000 : 2500);
  }

  showMessage(detail: MessageDetail): void {
    this.detail = detail;
    const header = el(
      'div',
      { className: 'detail-header' },
      el('span', { className: 'detail-seq', text: `#${detail.seq}` }),
      el('span', { className: 'detail-time', text: formatDateTime(detail.timeMs) }),
      el(
        'span',
        { className: `detail-dir dir-${detail.direction}` },
        icon(detail.direction === 'in' ? 'arrow-down' : 'arrow-up'),
        detail.direction === 'in' ? ' in' : ' out',
      ),
      el('span', {
        className: 'detail-session',
        text: `${detail.sessionName} (${detail.socketType})`,
        title: `session id ${detail.sessionId}`,
      }),
      el('span', {
        className: 'detail-meta',
        text: `${detail.frameCount} frame${detail.frameCount === 1 ? '' : 's'} · ${formatSize(detail.totalBytes)}`,
      }),
      detail.tag ? el('span', { className: 'detail-tag', text: detail.tag }) : undefined,
      iconButton(
        'diff',
        'Compare with previous',
        'Diff with the previous message of this session and topic',
        () => this.events.compare(detail.seq),
        'btn detail-compare',
      ),
      this.marked !== undefined && this.marked !== detail.seq
        ? button(
            `Compare with #${this.marked}`,
            `Diff with the marked message #${this.marked}`,
            () => this.events.compare(detail.seq, this.marked),
            'btn detail-compare-marked',
          )
        : button(
            'Mark for compare',
            'Remember this message; select another and compare the two',
            () => {
              this.marked = detail.seq;
              this.showNotice(`#${detail.seq} marked: select another message, then "Compare with #${detail.seq}".`);
            },
            'btn detail-mark',
          ),
      iconButton(
        'debug-restart',
        'Replay…',
        'Send this message again, to a session or an address (frames can be edited first)',
        () => this.events.replay(detail.seq),
        'btn detail-replay',
      ),
    );
    const frames = detail.frames.map((frame) => this.renderFrame(detail, frame));
    const hadFocus = this.body.contains(document.activeElement);
    this.moreFrames = this.moreFramesButton(detail);
    this.body.replaceChildren(header, ...frames, ...(this.moreFrames ? [this.moreFrames] : []));
    // The focused control went with the old frames: keep the keyboard in the pane, not on <body>.
    if (hadFocus) this.element.focus();
  }

  /** Frames asked for with "Show more frames", added after the ones shown. */
  appendFrames(seq: number, frames: FrameDetail[]): void {
    const detail = this.detail;
    if (!detail || detail.seq !== seq) return;
    // A late answer for frames already shown (a double click) adds nothing.
    if (!frames.length || frames[0].index !== detail.frames.length) return;
    detail.frames.push(...frames);
    const rendered = frames.map((frame) => this.renderFrame(detail, frame));
    const next = this.moreFramesButton(detail);
    this.moreFrames?.replaceWith(...rendered, ...(next ? [next] : []));
    this.moreFrames = next;
  }

  /** Frames past the first batch are decoded when asked for: a message of 10,000 frames opens at once. */
  private moreFramesButton(detail: MessageDetail): HTMLElement | undefined {
    const shown = detail.frames.length;
    if (shown >= detail.frameCount) return undefined;
    const left = detail.frameCount - shown;
    const more = button(
      `Show more frames (${left} not shown)`,
      `Decode the frames from ${shown} on, a batch at a time`,
      () => {
        more.disabled = true;
        void this.events.loadFrames(detail.seq, shown).finally(() => (more.disabled = false));
      },
      'btn secondary more-frames',
    );
    return el('div', { className: 'frame more-frames-row' }, more);
  }

  /** Shows a comparison in place of the message; "Back" shows the message again. */
  showDiff(diff: MessageDiffView): void {
    const detail = this.detail;
    const header = el(
      'div',
      { className: 'detail-header' },
      el('span', { className: 'detail-seq', text: `#${diff.leftSeq} → #${diff.rightSeq}` }),
      el('span', { className: 'detail-meta', text: `${diff.frames.filter((f) => !f.same).length} of ${diff.frames.length} frames differ` }),
      detail ? button('Back to the message', `Show #${detail.seq} again`, () => this.showMessage(detail), 'btn detail-back') : undefined,
    );
    this.body.replaceChildren(header, renderDiff(diff));
  }

  replaceFrame(seq: number, frame: FrameDetail): void {
    if (!this.detail || this.detail.seq !== seq) return;
    this.detail.frames[frame.index] = frame;
    const old = this.body.querySelector(`[data-frame-index="${frame.index}"]`);
    old?.replaceWith(this.renderFrame(this.detail, frame));
  }

  private renderFrame(detail: MessageDetail, frame: FrameDetail): HTMLElement {
    const decoded = frame.decoded;
    const sizeText =
      frame.size === frame.trueSize
        ? formatSize(frame.trueSize)
        : `${formatSize(frame.size)} kept of ${formatSize(frame.trueSize)} (truncated)`;
    const picker = this.decoderPicker(detail.seq, frame);
    const title = el(
      'div',
      { className: 'frame-title' },
      el('span', { className: 'frame-index', text: `Frame ${frame.index}` }),
      frame.label ? el('span', { className: `frame-label label-${frame.label.replace(/\s+/g, '-')}`, text: frame.label }) : undefined,
      el('span', {
        className: `frame-size${frame.size !== frame.trueSize ? ' truncated' : ''}`,
        text: sizeText,
        title: `${frame.trueSize} bytes on the wire`,
      }),
      frame.asText !== undefined && frame.label === 'routing id'
        ? el('span', { className: 'frame-astext mono', text: frame.asText })
        : undefined,
    );
    const decoderId = decoded.decoderId;
    const actions = el(
      'div',
      { className: 'frame-actions' },
      el('label', { className: 'decoder-label' }, 'Decoder ', picker),
      button(
        'Use from now on',
        `Use the ${decoderId} decoder for frame ${frame.index}${detail.topic !== undefined ? ` of topic "${detail.topic}"` : ''} ` +
          `in ${detail.sessionName} from now on (adds a decoder rule)`,
        () => this.events.useFromNowOn(detail, frame.index, picker.value || decoderId),
        'btn secondary',
      ),
      el(
        'span',
        { className: 'copy-group' },
        'Copy ',
        ...(['text', 'hex', 'base64', 'json'] as CopyFormat[]).map((format) =>
          button(
            format === 'json' ? 'JSON' : format === 'base64' ? 'Base64' : format[0].toUpperCase() + format.slice(1),
            format === 'json' ? 'Copy the decoded value as JSON' : `Copy the frame as ${format}`,
            () => this.events.copy(detail.seq, frame.index, format, picker.value),
            'btn link',
          ),
        ),
      ),
    );
    const section = el(
      'section',
      { className: 'frame', attrs: { 'data-frame-index': String(frame.index), 'aria-label': `Frame ${frame.index}` } },
      el('div', { className: 'frame-head' }, title, actions),
      this.decodedView(frame),
    );
    return section;
  }

  private decoderPicker(seq: number, frame: FrameDetail): HTMLSelectElement {
    const decoded = frame.decoded;
    const select = el('select', { className: 'decoder-select', attrs: { 'aria-label': `Decoder for frame ${frame.index}` } });
    select.append(el('option', { text: decoded.pinned ? 'Auto' : `Auto (${decoded.decoderId})`, attrs: { value: '' } }));
    for (const decoder of this.decoders) select.append(el('option', { text: decoder.label, attrs: { value: decoder.id } }));
    select.value = decoded.pinned ? decoded.decoderId : '';
    select.addEventListener('change', () => this.events.changeDecoder(seq, frame.index, select.value));
    return select;
  }

  private decodedView(frame: FrameDetail): HTMLElement {
    const decoded = frame.decoded;
    const view = el('div', { className: 'frame-body' });
    if (decoded.warning) view.append(el('div', { className: 'decode-warning', text: decoded.warning }));
    const hex = (): HTMLElement => renderHexDump(frame.hexRows, frame.hexTruncated, frame.size);
    if (!decoded.ok) {
      view.append(el('div', { className: 'decode-error', text: `Not ${decoded.decoderId}: ${decoded.error ?? 'cannot decode'}` }), hex());
      return view;
    }
    if (decoded.decoderId === 'hex' || frame.size === 0) {
      view.append(hex());
      return view;
    }
    const seq = this.detail?.seq;
    if (decoded.tree)
      view.append(renderDecodedTree(decoded.tree, 2, seq === undefined ? undefined : (path) => this.events.plot(seq, frame.index, path)));
    else view.append(el('pre', { className: 'decoded-text', text: decoded.text ?? decoded.summary ?? '' }));
    const hexDetails = el('details', { className: 'hex-details' }, el('summary', { text: `Hex (${formatSize(frame.size)})` }));
    let built = false;
    hexDetails.addEventListener('toggle', () => {
      if (!hexDetails.open || built) return;
      built = true;
      hexDetails.append(hex());
    });
    view.append(hexDetails);
    return view;
  }
}
