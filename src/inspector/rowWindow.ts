// One window of list rows for the webview, as parallel arrays (one postMessage per window, not per row).
import type { CaptureRecord } from '../core/types';
import type { RowWindow } from '../shared/inspectorShapes';
import type { CaptureSource, CaptureView } from './inspectorCaptureView';
import type { MessagePresenter } from './messagePresenter';

/** A window bigger than a few screens is a bug in the caller, not a reason to send 100k rows. */
const MAX_WINDOW_ROWS = 2000;

export interface RowWindowSources {
  store: CaptureSource;
  presenter: MessagePresenter;
  /** While sequence tracking is on: each message's own number (the "Sequence" column). */
  sequenceOf?: (record: CaptureRecord) => number | undefined;
}

export function buildRowWindow(
  view: CaptureView,
  request: { filterGeneration: number; absStart: number; count: number },
  sources: RowWindowSources,
): RowWindow {
  const window: RowWindow = {
    filterGeneration: view.generation,
    absStart: request.absStart,
    seqs: [],
    timesMs: [],
    sessionNames: [],
    directions: '',
    summaries: [],
    frameCounts: [],
    sizes: [],
  };
  if (request.filterGeneration !== view.generation) return window;
  const start = Math.max(0, request.absStart - view.evicted);
  window.absStart = view.evicted + start;
  const end = Math.min(view.count, start + Math.min(Math.max(0, request.count), MAX_WINDOW_ROWS));
  const sequenceOf = sources.sequenceOf;
  const sequenceValues: (number | null)[] = [];
  let directions = '';
  for (let index = start; index < end; index++) {
    const seq = view.seqAt(index);
    const record = seq === undefined ? undefined : sources.store.get(seq);
    if (!record) break;
    window.seqs.push(record.seq);
    window.timesMs.push(Number(record.timeNs / 1000n) / 1000);
    window.sessionNames.push(sources.presenter.session(record.sessionId).name);
    directions += record.direction === 'out' ? 'o' : 'i';
    window.summaries.push(sources.presenter.rowSummary(record));
    window.frameCounts.push(record.frames.length);
    let size = 0;
    for (let i = 0; i < record.frames.length; i++) size += record.frameSizes[i] ?? record.frames[i].length;
    window.sizes.push(size);
    if (sequenceOf) sequenceValues.push(sequenceOf(record) ?? null);
  }
  window.directions = directions;
  if (sequenceOf) window.sequenceValues = sequenceValues;
  return window;
}
