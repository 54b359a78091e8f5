// The inspector's marker rows for sequence gaps: the tracked sessions' gaps (by the capture seq of the
// message after each) placed in the current filter's list. Recomputed only when the gaps, the filter, or
// what the view has scanned change, so a summary 30 times a second costs one comparison.
import type { GapMarkersView } from '../shared/inspectorShapes';
import type { CaptureView } from './inspectorCaptureView';

export interface GapMarkerSource {
  /** `version` changes whenever a gap (or what is tracked) does. */
  gapMarkers(): { version: string; markers: ReadonlyArray<{ captureSeq: number; text: string }> };
}

export class GapMarkerFeed {
  private sentKey: string | undefined;
  /** Lowest capture seq of a marker whose message the view had not scanned yet (Infinity: none). */
  private waitingFor = Infinity;

  constructor(private readonly source: GapMarkerSource) {}

  /** The markers of `view` when they changed since the last call (or `force`), else undefined. */
  update(view: CaptureView, force = false): GapMarkersView | undefined {
    const { version, markers } = this.source.gapMarkers();
    const key = `${view.generation}|${version}`;
    if (!force && key === this.sentKey && view.scannedSeq < this.waitingFor) return undefined;
    this.sentKey = key;
    this.waitingFor = Infinity;
    const positions: number[] = [];
    const texts: string[] = [];
    const scanned = view.scannedSeq;
    for (const { captureSeq, text } of markers) {
      if (captureSeq > scanned) {
        this.waitingFor = Math.min(this.waitingFor, captureSeq);
        continue;
      }
      const index = view.indexAtOrAfter(captureSeq);
      if (view.seqAt(index) === captureSeq) {
        positions.push(view.evicted + index);
        texts.push(text);
      }
    }
    return { filterGeneration: view.generation, positions, texts };
  }
}
