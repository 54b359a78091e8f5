// The host side of the Message Inspector without `vscode`: answers the webview's requests from the
// capture store and pushes a coalesced summary (<= 30/s) when the store changed and the panel is visible.
// The panel wraps it; the browser test drives the very same class.
import type { CaptureFilter, CaptureRecord, SocketTypeName } from '../core/types';
import { storePredicate, withPushdown } from '../core/filter/captureExpressionFilter';
import type { TreeDecoder } from '../core/filter/filterSubject';
import { GapMarkerFeed } from './gapMarkerFeed';
import { plotSpecFor } from './plotField';
import { buildRowWindow } from './rowWindow';
import { SelectionActions } from './selectionActions';
import { CaptureView } from './inspectorCaptureView';
import type { InspectorDeps, InspectorHost } from './inspectorDeps';
import { compileExpressionFilters, toCaptureFilter } from './inspectorFilter';
import { MessageComparer } from './messageComparer';
import { MessagePresenter } from './messagePresenter';
import { TopicTreeFeed } from './topicTreeFeed';
import {
  MessageType,
  answerRequest,
  type FilterSpec,
  type FromWebviewMessage,
  type FromWebviewRequest,
  type RequestOf,
  type RequestType,
  type ResponseTypes,
  type RowWindow,
  type RuleProposal,
  type SessionInfo,
  type SummaryMessage,
  type ToWebviewMessage,
} from '../shared/inspectorProtocol';

export type { InspectorDeps, InspectorHost, InspectorSequence, InspectorSessions } from './inspectorDeps';

/** ~30 summaries a second at most; the webview pulls rows itself. */
export const SUMMARY_INTERVAL_MS = 33;
/** Field expressions are evaluated in slices this long, with a turn of the event loop between. */
const SCAN_SLICE_MS = 8;

export class InspectorBackend {
  private readonly presenter: MessagePresenter;
  private readonly topics: TopicTreeFeed;
  private readonly comparer: MessageComparer;
  private readonly gapMarkers: GapMarkerFeed | undefined;
  private readonly selection: SelectionActions;
  private view: CaptureView;
  private filter: CaptureFilter | undefined;
  private predicate: ((seq: number) => boolean) | undefined;
  private scanning: ReturnType<typeof setImmediate> | undefined;
  private pendingApply: ToWebviewMessage | undefined;
  private generation = 0;
  private visible = true;
  private ready = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private sentVersion = -1;
  private sentGeneration = -1;
  private sessionsChanged = true;
  private tickFailed = false;
  private readonly sessionListener: { dispose(): void };

  constructor(
    private readonly deps: InspectorDeps,
    private readonly host: InspectorHost,
  ) {
    this.presenter = new MessagePresenter(
      deps.decoders,
      deps.sessions,
      () => deps.getRules(),
      deps.annotate ? (seq) => deps.annotate!(seq) : undefined,
      deps.sequence ? (seq) => deps.sequence!.markerBefore(seq) : undefined,
    );
    this.gapMarkers = deps.sequence ? new GapMarkerFeed(deps.sequence) : undefined;
    this.view = CaptureView.build(deps.store, undefined, this.generation);
    this.topics = new TopicTreeFeed(deps.store, (record) => this.presenter.rowSummary(record));
    this.comparer = new MessageComparer(deps.store, deps.decoders, () => deps.getRules());
    this.selection = new SelectionActions({
      store: deps.store,
      view: () => (this.refresh(), this.view),
      describeSession: (id) => this.presenter.session(id),
      writeClipboard: (text) => host.writeClipboard(text),
      exportMessages: deps.exportMessages && ((seqs) => deps.exportMessages!(seqs)),
      replayMessages: deps.replayMessages && ((seqs) => deps.replayMessages!(seqs)),
    });
    this.sessionListener = deps.sessions.onDidChange(() => {
      this.sessionsChanged = true;
    });
  }

  /** Sets filter fields in the webview (now, or once it is ready) and selects a message. */
  applyFilter(filter: Partial<FilterSpec>, selectSeq?: number): void {
    const message: ToWebviewMessage = { type: MessageType.ApplyFilter, filter, ...(selectSeq !== undefined ? { selectSeq } : {}) };
    if (this.ready) this.host.post(message);
    else this.pendingApply = message;
  }

  /**
   * The sequence numbers the current filter shows within [fromSeq, toSeq], at most `max`, oldest first:
   * what "replay the inspector's messages" sends. A filter still scanning gives what it has matched so far.
   */
  shownSeqs(fromSeq: number, toSeq: number, max: number): number[] {
    if (!this.view.update()) this.rebuild();
    const seqs: number[] = [];
    for (let index = this.view.indexAtOrAfter(fromSeq); seqs.length < max; index++) {
      const seq = this.view.seqAt(index);
      if (seq === undefined || seq > toSeq) break;
      seqs.push(seq);
    }
    return seqs;
  }

  /** How many messages the filter shows (within [fromSeq, toSeq]), and the first and last of them. */
  shownRange(fromSeq = 0, toSeq = Number.MAX_SAFE_INTEGER): { count: number; firstSeq?: number; lastSeq?: number } {
    if (!this.view.update()) this.rebuild();
    const first = this.view.indexAtOrAfter(fromSeq);
    const count = Math.max(0, this.view.indexAtOrAfter(toSeq + 1) - first);
    return count ? { count, firstSeq: this.view.seqAt(first), lastSeq: this.view.seqAt(first + count - 1) } : { count };
  }

  /** A hidden panel gets nothing; becoming visible again sends the current summary at once. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    this.schedule();
    if (visible && this.ready) this.pushSummary(true);
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.scanning) clearImmediate(this.scanning);
    this.scanning = undefined;
    this.sessionListener.dispose();
    this.ready = false;
  }

  async handle(message: FromWebviewMessage): Promise<void> {
    if (message.type === MessageType.Ready) {
      // Also after the webview was recreated (hidden panels are not kept alive): start over.
      this.ready = true;
      this.schedule();
      this.pushSummary(true);
      if (this.pendingApply) this.host.post(this.pendingApply);
      this.pendingApply = undefined;
      return;
    }
    await this.answer(message);
  }

  private answer(request: FromWebviewRequest): Promise<void> {
    const post = (reply: ToWebviewMessage): void => this.host.post(reply);
    const run = <T extends RequestType>(
      typed: RequestOf<T>,
      handler: (r: RequestOf<T>) => Promise<ResponseTypes[T]> | ResponseTypes[T],
    ): Promise<void> => answerRequest<T>(typed, handler, post);
    switch (request.type) {
      case MessageType.SetFilter:
        return run(request, (r) => this.setFilter(r));
      case MessageType.GetRows:
        return run(request, (r) => this.rows(r));
      case MessageType.GetMessage:
        return run(request, (r) => {
          const record = this.deps.store.get(r.seq);
          return record ? this.presenter.detail(record, r.decoderOverrides) : null;
        });
      case MessageType.GetFrames:
        return run(request, (r) => {
          const record = this.deps.store.get(r.seq);
          return record ? this.presenter.frames(record, r.start, r.decoderOverrides) : null;
        });
      case MessageType.DecodeFrame:
        return run(request, (r) => {
          const record = this.deps.store.get(r.seq);
          if (!record || !record.frames[r.frameIndex]) return null;
          return this.presenter.frameDetail(record, r.frameIndex, r.decoderId || undefined);
        });
      case MessageType.AddRule:
        return run(request, (r) => this.addRule(r.rule));
      case MessageType.Copy:
        return run(request, async (r) => {
          const record = this.requireRecord(r.seq);
          const text =
            r.frameIndex === undefined
              ? this.presenter.copyMessageText(record, r.format)
              : this.presenter.copyText(record, r.frameIndex, r.format, r.decoderId);
          await this.host.writeClipboard(text);
          return { bytes: Buffer.byteLength(text) };
        });
      case MessageType.Replay:
        return run(request, async (r) => {
          this.requireRecord(r.seq);
          if (!this.deps.replay) throw new Error('Replay is not available here.');
          return { outcome: await this.deps.replay(r.seq) };
        });
      case MessageType.PlotField:
        return run(request, async (r) => {
          if (!this.deps.plotField) throw new Error('Plotting is not available here.');
          return { label: await this.deps.plotField(plotSpecFor(this.requireRecord(r.seq), r.frameIndex, r.path)) };
        });
      case MessageType.GetTopicTree:
        return run(request, () => this.topics.snapshot());
      case MessageType.Diff:
        return run(request, (r) => this.comparer.compare(r.seq, r.otherSeq));
      case MessageType.CopySelection:
        return run(request, (r) => this.selection.copy(r.selection, r.format));
      case MessageType.ExportSelection:
        return run(request, (r) => this.selection.export(r.selection));
      case MessageType.ReplaySelection:
        return run(request, (r) => this.selection.replay(r.selection));
      default: {
        const unknown: never = request;
        this.deps.log(`Inspector: unknown request ${JSON.stringify(unknown)}`);
        return Promise.resolve();
      }
    }
  }

  private requireRecord(seq: number): CaptureRecord {
    const record = this.deps.store.get(seq);
    if (!record) throw new Error(`Message #${seq} is no longer in the capture (dropped or cleared).`);
    return record;
  }

  private setFilter(request: RequestOf<MessageType.SetFilter>): ResponseTypes[MessageType.SetFilter] {
    const base = toCaptureFilter(request.filter);
    const compiled = compileExpressionFilters(request.filter, this.deps.getFilterPresets?.() ?? []);
    const started = Date.now();
    if (compiled.length) {
      const { filter, pushed } = withPushdown(base, compiled);
      this.filter = filter;
      const sessions = {
        name: (id: string) => this.presenter.session(id).name,
        socketType: (id: string) => this.presenter.session(id).type,
      };
      this.predicate = storePredicate(this.deps.store, compiled, sessions, this.treeDecoder(), pushed);
    } else {
      this.filter = base;
      this.predicate = undefined;
    }
    this.rebuild();
    this.scan();
    const elapsed = Date.now() - started;
    if (elapsed > 250) this.deps.log(`Inspector: filtering ${this.view.count} matches took ${elapsed} ms`);
    const anchorIndex = request.anchorSeq === undefined ? undefined : this.view.indexAtOrAfter(request.anchorSeq);
    this.sentVersion = -1;
    return { filterGeneration: this.generation, matched: this.view.count, evicted: this.view.evicted, anchorIndex };
  }

  /** Decodes a frame for a field expression as the inspector would show it (rules, then detection). */
  private treeDecoder(): TreeDecoder {
    const utf8 = new TextDecoder();
    return (frame, index, view) => {
      const result = this.deps.decoders.decodeFrame(
        frame,
        {
          frameIndex: index,
          frameCount: view.frameCount,
          sessionId: view.sessionId,
          socketType: this.deps.sessions.get(view.sessionId)?.type as SocketTypeName | undefined,
          topic: view.hasTopic ? utf8.decode(view.frame(0).subarray(0, 256)) : undefined,
        },
        { rules: this.deps.getRules() },
      );
      return result.ok ? result.tree : undefined;
    };
  }

  /** Evaluates a field expression a slice at a time until the view has caught up with the store. */
  private scan(): void {
    if (!this.predicate || this.scanning) return;
    const step = () => {
      this.scanning = undefined;
      const done = this.view.advance(SCAN_SLICE_MS);
      this.sentVersion = -1;
      if (!done) this.scanning = setImmediate(step);
    };
    this.scanning = setImmediate(step);
  }

  private rebuild(): void {
    this.generation++;
    this.view = CaptureView.build(this.deps.store, this.filter, this.generation, this.predicate);
  }

  /** Brings the view up to date; a clear or a removed session means a new generation. */
  private refresh(): void {
    if (!this.view.update()) this.rebuild();
    if (this.predicate) this.scan();
  }

  private rows(request: RequestOf<MessageType.GetRows>): RowWindow {
    this.refresh();
    return buildRowWindow(this.view, request, {
      store: this.deps.store,
      presenter: this.presenter,
      sequenceOf: this.deps.sequence?.tracking() ? (record) => this.deps.sequence!.valueOf(record) : undefined,
    });
  }

  private async addRule(proposal: RuleProposal): Promise<{ description: string }> {
    const known = this.deps.decoders.list().find((d) => d.id === proposal.decoder);
    if (!known) throw new Error(`There is no decoder "${proposal.decoder}".`);
    const rule: RuleProposal = { decoder: proposal.decoder };
    if (proposal.session) rule.session = proposal.session;
    if (proposal.topicPrefix !== undefined && proposal.topicPrefix !== '') rule.topicPrefix = proposal.topicPrefix;
    if (proposal.frameIndex !== undefined) rule.frameIndex = proposal.frameIndex;
    await this.deps.addRule(rule);
    this.presenter.forgetSummaries();
    this.sentVersion = -1;
    const where = [
      rule.frameIndex !== undefined ? `frame ${rule.frameIndex}` : 'every frame',
      rule.topicPrefix !== undefined ? `of topic "${rule.topicPrefix}"` : '',
      rule.session ? `in ${rule.session}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    return { description: `From now on ${where} is decoded as ${known.label}.` };
  }

  private schedule(): void {
    const wanted = this.ready && this.visible;
    if (wanted && !this.timer) this.timer = setInterval(() => this.tick(), SUMMARY_INTERVAL_MS);
    if (!wanted && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private sessionList(): SessionInfo[] {
    const open = this.deps.sessions.list();
    const infos: SessionInfo[] = open.map((s) => ({ id: s.id, name: s.name, type: s.type, open: true }));
    for (const s of open) this.presenter.session(s.id);
    const openIds = new Set(open.map((s) => s.id));
    for (const id of this.presenter.knownSessionIds()) {
      if (openIds.has(id)) continue;
      const info = this.presenter.session(id);
      infos.push({ id, name: info.name, type: info.type, open: false });
    }
    return infos;
  }

  /** The timer's work: a failure is logged once, never thrown 30 times a second into the host. */
  private tick(): void {
    try {
      this.pushSummary(false);
      this.tickFailed = false;
    } catch (error) {
      if (!this.tickFailed)
        this.deps.log(`Inspector: the list could not be updated: ${error instanceof Error ? error.message : String(error)}`);
      this.tickFailed = true;
    }
  }

  /** Sends a summary when something changed since the last one (or when forced). */
  private pushSummary(force: boolean): void {
    if (!this.ready || !this.visible) return;
    const version = this.deps.store.version;
    if (!force && version === this.sentVersion && this.generation === this.sentGeneration && !this.sessionsChanged) return;
    this.refresh();
    this.sessionsChanged = false;
    this.sentVersion = version;
    this.sentGeneration = this.generation;
    const stats = this.deps.store.stats();
    this.host.post({
      type: MessageType.Summary,
      storeVersion: version,
      filterGeneration: this.view.generation,
      matched: this.view.count,
      evicted: this.view.evicted,
      lastSeq: stats.lastSeq,
      stats: {
        total: stats.total,
        retained: stats.retained,
        dropped: stats.dropped,
        droppedBytes: stats.droppedBytes,
        truncatedFrames: stats.truncatedFrames,
      },
      sessions: this.sessionList(),
      decoders: this.deps.decoders.list().map((d) => ({ id: d.id, label: d.label })),
      presets: (this.deps.getFilterPresets?.() ?? []).map((p) => ({ name: p.name, expression: p.expression, enabled: p.enabled === true })),
      ...(this.predicate && this.view.pendingFraction > 0 ? { filterProgress: 1 - this.view.pendingFraction } : {}),
      ...this.sequenceFields(force),
    });
  }

  private sequenceFields(force: boolean): Pick<SummaryMessage, 'gapMarkers' | 'sequenceTracking'> {
    if (!this.deps.sequence || !this.gapMarkers) return {};
    const gapMarkers = this.gapMarkers.update(this.view, force);
    return { sequenceTracking: this.deps.sequence.tracking(), ...(gapMarkers ? { gapMarkers } : {}) };
  }
}
