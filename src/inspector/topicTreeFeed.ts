// The inspector's topic tree: kept up with the capture store a slice at a time (each request reads at
// most a few milliseconds' worth of new messages), with the last value of each shown topic summarized.
import { StoredMessageView } from '../core/capture/captureStore';
import { TopicTree, type TopicNodeSnapshot } from '../core/topics/topicTree';
import type { CaptureRecord } from '../core/types';
import type { TopicTreeView } from '../shared/inspectorProtocol';
import type { CaptureSource } from './inspectorCaptureView';

const CATCH_UP_MS = 15;
const SNAPSHOT_NODES = 2000;

export class TopicTreeFeed {
  private tree = new TopicTree();
  private scannedThrough = 0;
  private readonly view = new StoredMessageView();
  private readonly utf8 = new TextDecoder();

  constructor(
    private readonly store: CaptureSource,
    private readonly summarize: (record: CaptureRecord) => string,
  ) {}

  snapshot(): TopicTreeView {
    const stats = this.store.stats();
    // Cleared: start over (counts are of what is in the capture, not of what once was).
    if (stats.retained === 0 || stats.lastSeq < this.scannedThrough) {
      this.tree = new TopicTree();
      this.scannedThrough = stats.lastSeq;
    }
    const deadline = performance.now() + CATCH_UP_MS;
    let seq = Math.max(this.scannedThrough + 1, stats.firstSeq);
    for (; seq <= stats.lastSeq; seq++) {
      if ((seq & 1023) === 0 && performance.now() > deadline) break;
      if (!this.store.readInto(seq, this.view) || !this.view.hasTopic || this.view.frameCount === 0) continue;
      const topic = this.utf8.decode(this.view.frame(0).subarray(0, 800));
      this.tree.add(topic, this.view.timeMs, this.view.size, undefined, seq);
    }
    this.scannedThrough = seq - 1;
    const root = this.tree.snapshot(Date.now(), SNAPSHOT_NODES);
    this.fillValues(root);
    return {
      separator: this.tree.detectedSeparator ?? '',
      root,
      complete: this.scannedThrough >= stats.lastSeq,
    };
  }

  private fillValues(node: TopicNodeSnapshot): void {
    if (node.lastSeq !== undefined && node.lastValue === undefined) {
      const record = this.store.get(node.lastSeq);
      if (record) node.lastValue = this.summarize(record);
    }
    for (const child of node.children) this.fillValues(child);
  }
}
