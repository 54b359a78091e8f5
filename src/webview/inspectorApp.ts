// Wires the toolbar, the list and the detail pane to the host: applies summaries, pulls rows and the
// selected message, and keeps the view state (filter, selection, scroll) for a window reload.
import {
  MessageType,
  RequestClient,
  type CopyFormat,
  type FilterSpec,
  type FromWebviewMessage,
  type MessageDetail,
  type RowWindow,
  type SummaryMessage,
  type ToWebviewMessage,
} from '../shared/inspectorProtocol';
import { ColumnLayout, type ColumnLayoutState } from './columnLayout';
import { DetailPane } from './detailPane';
import { el } from './dom';
import { FilterBar } from './filterBar';
import { formatCount, formatSize } from './format';
import { MessageList } from './messageList';
import { SelectionBar } from './selectionBar';
import { TopicTreePane } from './topicTreePane';

export interface VsCodeApi {
  postMessage(message: FromWebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** What survives a window reload (the serializer hands it back to the revived webview). */
export interface PersistedState {
  filter: FilterSpec;
  tail: boolean;
  topSeq?: number;
  selectedSeq?: number;
  detailHeight?: number;
  /** Column widths and hidden columns, as the user left them. */
  columns?: ColumnLayoutState;
}

const EMPTY_FILTER: FilterSpec = { text: '', sessionId: '', direction: '', topic: '' };
const SELECT_DEBOUNCE_MS = 25;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class InspectorApp {
  private readonly client: RequestClient;
  private readonly filterBar: FilterBar;
  private readonly list: MessageList;
  private readonly detail: DetailPane;
  private readonly selectionBar: SelectionBar;
  private readonly topicPane: TopicTreePane;
  private readonly state: PersistedState;
  private readonly columns: ColumnLayout;
  private generation = -1;
  private filterToken = 0;
  private pausedAtEnd = 0;
  private lastSummary: SummaryMessage | undefined;
  private selectTimer: ReturnType<typeof setTimeout> | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private decoderOverrides: Record<number, string> = {};

  constructor(
    private readonly api: VsCodeApi,
    root: HTMLElement,
  ) {
    this.client = new RequestClient((message) => api.postMessage(message));
    const saved = api.getState() as Partial<PersistedState> | undefined;
    this.state = {
      filter: { ...EMPTY_FILTER, ...saved?.filter },
      tail: saved?.tail ?? true,
      topSeq: saved?.topSeq,
      selectedSeq: saved?.selectedSeq,
      detailHeight: saved?.detailHeight,
    };
    this.columns = new ColumnLayout(saved?.columns);

    this.filterBar = new FilterBar({
      filterChanged: (filter) => void this.applyFilter(filter, this.list.isTail ? undefined : this.list.topSeq),
      jumpToLatest: () => {
        this.list.scrollToEnd();
        this.list.focus();
      },
      toggleTopics: () => this.topicPane.toggle(),
    });
    this.topicPane = new TopicTreePane({
      fetch: () => this.client.request(MessageType.GetTopicTree, {}),
      pick: (prefix) => this.filterBar.setTopic(prefix),
    });
    this.list = new MessageList(
      {
        fetchRows: (absStart, count) => this.fetchRows(absStart, count),
        select: (seq) => this.select(seq),
        activate: () => this.detail.focus(),
        tailChanged: (tail) => this.tailChanged(tail),
        scrolled: () => this.saveSoon(),
        columnsChanged: () => this.saveSoon(),
        selectionChanged: (count) => {
          this.selectionBar.setCount(count);
          this.list.element.classList.toggle('multi-select', count > 1);
        },
        copySelection: () => void this.selectionBar.copy('text'),
      },
      this.columns,
    );
    this.selectionBar = new SelectionBar(this.client, {
      selection: () => ({ filterGeneration: this.generation, ranges: this.list.input.ranges }),
      notice: (text, isError) => this.detail.showNotice(text, isError),
      clear: () => {
        this.list.input.clear();
        this.list.redraw();
        this.list.focus();
      },
    });
    this.detail = new DetailPane({
      changeDecoder: (seq, frameIndex, decoderId) => void this.changeDecoder(seq, frameIndex, decoderId),
      useFromNowOn: (detail, frameIndex, decoderId) => void this.useFromNowOn(detail, frameIndex, decoderId),
      copy: (seq, frameIndex, format, decoderId) => void this.copy(seq, frameIndex, format, decoderId),
      replay: (seq) => void this.replay(seq),
      loadFrames: (seq, start) => this.loadFrames(seq, start),
      compare: (seq, otherSeq) => void this.compare(seq, otherSeq),
      plot: (seq, frameIndex, path) => void this.plot(seq, frameIndex, path),
    });
    const splitter = el('div', {
      className: 'splitter',
      attrs: { role: 'separator', 'aria-orientation': 'horizontal', title: 'Drag to resize' },
    });
    root.replaceChildren(
      this.filterBar.element,
      this.selectionBar.element,
      this.list.element,
      splitter,
      this.detail.element,
      this.topicPane.element,
    );
    this.setDetailHeight(this.state.detailHeight ?? Math.round(window.innerHeight * 0.45));
    this.enableSplitter(splitter);
    this.detail.element.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.list.focus();
    });
    this.list.element.addEventListener('keydown', (event) => {
      if (event.key === '/' || (event.key === 'f' && (event.ctrlKey || event.metaKey))) {
        event.preventDefault();
        this.filterBar.focusText();
      }
    });
    window.addEventListener('message', (event: MessageEvent<ToWebviewMessage>) => this.receive(event.data));
  }

  async start(): Promise<void> {
    this.filterBar.value = this.state.filter;
    this.api.postMessage({ type: MessageType.Ready });
    await this.applyFilter(this.state.filter, this.state.tail ? undefined : this.state.topSeq);
    if (this.state.selectedSeq !== undefined) this.select(this.state.selectedSeq);
    this.list.focus();
  }

  private receive(message: ToWebviewMessage): void {
    if (!message || typeof message !== 'object') return;
    if (this.client.settle(message)) return;
    if (message.type === MessageType.Summary) this.applySummary(message);
    else if (message.type === MessageType.ApplyFilter) void this.applyFromHost(message.filter, message.selectSeq);
  }

  private applySummary(summary: SummaryMessage): void {
    this.lastSummary = summary;
    this.filterBar.setSessions(summary.sessions);
    this.filterBar.setPresets(summary.presets ?? []);
    this.detail.setDecoders(summary.decoders);
    if (summary.filterGeneration > this.generation && this.generation >= 0) {
      // The host rebuilt the view (capture cleared, session removed): cached rows are gone.
      this.generation = summary.filterGeneration;
      this.list.reset(summary.matched, summary.evicted);
      this.pausedAtEnd = this.list.endAbs;
    } else if (summary.filterGeneration === this.generation) {
      void this.list.setCounts(summary.matched, summary.evicted);
    }
    const markers = summary.gapMarkers;
    if (markers && markers.filterGeneration === this.generation) this.list.setMarkers(markers.positions, markers.texts);
    this.list.setSequenceColumn(summary.sequenceTracking === true);
    this.updateStatus();
  }

  private updateStatus(): void {
    const summary = this.lastSummary;
    if (!summary) return;
    const stats = summary.stats;
    const filtered = summary.matched !== stats.retained;
    let text = filtered
      ? `${formatCount(summary.matched)} of ${formatCount(stats.retained)} messages`
      : `${formatCount(stats.retained)} messages`;
    if (stats.dropped > 0) text += ` · ${formatCount(stats.dropped)} dropped`;
    if (summary.filterProgress !== undefined) text += ` · filtering ${Math.floor(summary.filterProgress * 100)}%`;
    const title = [
      `${formatCount(stats.total)} captured in total, ${formatCount(stats.retained)} kept`,
      stats.dropped
        ? `${formatCount(stats.dropped)} oldest messages (${formatSize(stats.droppedBytes)}) dropped to stay within the capture limits`
        : '',
      stats.truncatedFrames ? `${formatCount(stats.truncatedFrames)} frames truncated to the per-frame limit` : '',
    ]
      .filter(Boolean)
      .join('\n');
    this.filterBar.setStatus(text, title);
    this.filterBar.setPaused(this.list.isTail ? -1 : Math.max(0, this.list.endAbs - this.pausedAtEnd));
  }

  private tailChanged(tail: boolean): void {
    if (!tail) this.pausedAtEnd = this.list.endAbs;
    this.updateStatus();
    this.saveSoon();
  }

  private async applyFilter(filter: FilterSpec, anchorSeq?: number): Promise<void> {
    const token = ++this.filterToken;
    this.state.filter = filter;
    try {
      const result = await this.client.request(MessageType.SetFilter, { filter, anchorSeq });
      if (token !== this.filterToken) return;
      this.filterBar.setProblem('');
      const filtered = Boolean(
        filter.text.trim() || filter.topic || filter.sessionId || filter.direction || filter.expression?.trim() || filter.presets?.length,
      );
      this.list.setEmptyText(filtered ? 'No messages match the filter.' : 'No messages captured yet.');
      this.generation = result.filterGeneration;
      this.list.reset(result.matched, result.evicted, anchorSeq === undefined ? undefined : result.anchorIndex);
      // New messages are counted from now on: the old filter's count means nothing here.
      this.pausedAtEnd = this.list.endAbs;
      this.updateStatus();
      this.saveSoon();
    } catch (error) {
      if (token === this.filterToken) this.filterBar.setProblem(errorText(error));
    }
  }

  private async fetchRows(absStart: number, count: number): Promise<RowWindow | undefined> {
    const generation = this.generation;
    try {
      const window = await this.client.request(MessageType.GetRows, { filterGeneration: generation, absStart, count });
      return window.filterGeneration === this.generation ? window : undefined;
    } catch {
      return undefined;
    }
  }

  private select(seq: number): void {
    const again = seq === this.state.selectedSeq;
    if (!again) this.decoderOverrides = {};
    this.state.selectedSeq = seq;
    this.list.setSelectedSeq(seq);
    // Home on the row already shown: a message never changes, and a rebuilt pane would lose the focus.
    if (again && this.detail.seq === seq) return;
    this.saveSoon();
    // Holding an arrow key selects many rows; only the one it stops on is fetched and decoded.
    if (this.selectTimer) clearTimeout(this.selectTimer);
    this.selectTimer = setTimeout(() => void this.loadDetail(seq), SELECT_DEBOUNCE_MS);
  }

  private async loadDetail(seq: number): Promise<void> {
    try {
      const detail = await this.client.request(MessageType.GetMessage, { seq, decoderOverrides: this.decoderOverrides });
      if (this.state.selectedSeq !== seq) return;
      if (!detail) this.detail.showPlaceholder(`Message #${seq} is no longer in the capture (dropped or cleared).`);
      else this.detail.showMessage(detail);
    } catch (error) {
      if (this.state.selectedSeq === seq) this.detail.showError(`Could not load message #${seq}: ${errorText(error)}`);
    }
  }

  private async loadFrames(seq: number, start: number): Promise<void> {
    try {
      const frames = await this.client.request(MessageType.GetFrames, { seq, start, decoderOverrides: this.decoderOverrides });
      if (frames) this.detail.appendFrames(seq, frames);
      else this.detail.showNotice(`Message #${seq} is no longer in the capture (dropped or cleared).`, true);
    } catch (error) {
      this.detail.showNotice(errorText(error), true);
    }
  }

  private async changeDecoder(seq: number, frameIndex: number, decoderId: string): Promise<void> {
    if (decoderId) this.decoderOverrides[frameIndex] = decoderId;
    else delete this.decoderOverrides[frameIndex];
    try {
      const frame = await this.client.request(MessageType.DecodeFrame, { seq, frameIndex, decoderId });
      if (frame) this.detail.replaceFrame(seq, frame);
    } catch (error) {
      this.detail.showNotice(errorText(error), true);
    }
  }

  private async useFromNowOn(detail: MessageDetail, frameIndex: number, decoderId: string): Promise<void> {
    try {
      const result = await this.client.request(MessageType.AddRule, {
        rule: { decoder: decoderId, session: detail.sessionName, topicPrefix: detail.topic, frameIndex },
      });
      this.detail.showNotice(result.description);
      delete this.decoderOverrides[frameIndex];
      await this.loadDetail(detail.seq);
    } catch (error) {
      this.detail.showNotice(errorText(error), true);
    }
  }

  private async copy(seq: number, frameIndex: number, format: CopyFormat, decoderId: string): Promise<void> {
    try {
      const result = await this.client.request(MessageType.Copy, { seq, frameIndex, format, decoderId: decoderId || undefined });
      this.detail.showNotice(`Copied frame ${frameIndex} as ${format} (${formatSize(result.bytes)}).`);
    } catch (error) {
      this.detail.showNotice(errorText(error), true);
    }
  }

  private async replay(seq: number): Promise<void> {
    try {
      const result = await this.client.request(MessageType.Replay, { seq });
      this.detail.showNotice(`Replay of #${seq}: ${result.outcome}.`);
    } catch (error) {
      this.detail.showNotice(errorText(error), true);
    }
  }

  /** A filter (and a message to show) sent by the monitoring panel. */
  private async applyFromHost(filter: Partial<FilterSpec>, selectSeq?: number): Promise<void> {
    const merged = { ...this.filterBar.value, ...filter };
    this.filterBar.value = merged;
    await this.applyFilter(merged, selectSeq);
    if (selectSeq !== undefined) this.select(selectSeq);
  }

  private async plot(seq: number, frameIndex: number, path: (string | number)[]): Promise<void> {
    try {
      const result = await this.client.request(MessageType.PlotField, { seq, frameIndex, path });
      this.detail.showNotice(`Plotting ${result.label} in the monitoring panel.`);
    } catch (error) {
      this.detail.showNotice(errorText(error), true);
    }
  }

  private async compare(seq: number, otherSeq?: number): Promise<void> {
    try {
      const diff = await this.client.request(MessageType.Diff, { seq, otherSeq });
      if (!diff) this.detail.showNotice(`No earlier message of this session and topic before #${seq}.`);
      else this.detail.showDiff(diff);
    } catch (error) {
      this.detail.showNotice(errorText(error), true);
    }
  }

  private setDetailHeight(height: number): void {
    const clamped = Math.round(Math.min(Math.max(height, 80), Math.max(120, window.innerHeight - 140)));
    this.state.detailHeight = clamped;
    document.documentElement.style.setProperty('--detail-height', `${clamped}px`);
  }

  private enableSplitter(splitter: HTMLElement): void {
    splitter.addEventListener('pointerdown', (down) => {
      const startY = down.clientY;
      const startHeight = this.state.detailHeight ?? 200;
      splitter.setPointerCapture(down.pointerId);
      const move = (event: PointerEvent): void => this.setDetailHeight(startHeight - (event.clientY - startY));
      const up = (): void => {
        splitter.removeEventListener('pointermove', move);
        splitter.removeEventListener('pointerup', up);
        this.saveSoon();
      };
      splitter.addEventListener('pointermove', move);
      splitter.addEventListener('pointerup', up);
    });
  }

  private saveSoon(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.state.tail = this.list.isTail;
      this.state.topSeq = this.list.topSeq;
      this.state.columns = this.columns.state();
      this.api.setState(this.state);
    }, 200);
  }
}
