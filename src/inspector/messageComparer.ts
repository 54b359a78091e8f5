// "Compare": two captured messages diffed frame by frame, the older on the left; without a second one,
// the previous message of the same session and topic (looked for within a bounded number of messages).
import { diffMessages } from '../core/diff/messageDiff';
import { treeToValue } from '../core/filter/filterSubject';
import type { CaptureRecord } from '../core/types';
import type { MessageDiffView } from '../shared/inspectorProtocol';
import type { CaptureSource } from './inspectorCaptureView';
import type { DecoderSource } from './messagePresenter';

/** How far back "previous on this topic" looks. */
const MAX_LOOK_BACK = 100_000;

export class MessageComparer {
  constructor(
    private readonly store: CaptureSource,
    private readonly decoders: DecoderSource,
    private readonly rules: () => readonly unknown[],
  ) {}

  compare(seq: number, otherSeq: number | undefined): MessageDiffView | null {
    const right = this.store.get(seq);
    if (!right) throw new Error(`Message #${seq} is no longer in the capture (dropped or cleared).`);
    const left = otherSeq === undefined ? this.previousOnTopic(right) : this.store.get(otherSeq);
    if (otherSeq !== undefined && !left) throw new Error(`Message #${otherSeq} is no longer in the capture (dropped or cleared).`);
    if (!left) return null;
    const [older, newer] = left.seq < right.seq ? [left, right] : [right, left];
    const valueOf = (record: CaptureRecord) => (frame: Uint8Array, index: number) => {
      const result = this.decoders.decodeFrame(
        frame,
        { frameIndex: index, frameCount: record.frames.length, sessionId: record.sessionId, topic: this.topicOf(record) },
        { rules: this.rules() },
      );
      return result.ok && result.tree ? treeToValue(result.tree) : undefined;
    };
    const diff = diffMessages(older.frames, newer.frames, (frame, index, side) => valueOf(side === 'left' ? older : newer)(frame, index));
    return { leftSeq: older.seq, rightSeq: newer.seq, frames: diff.frames };
  }

  private topicOf(record: CaptureRecord): string | undefined {
    return record.hasTopic && record.frames.length ? new TextDecoder().decode(record.frames[0].subarray(0, 256)) : undefined;
  }

  private previousOnTopic(record: CaptureRecord): CaptureRecord | undefined {
    const first = Math.max(this.store.stats().firstSeq, record.seq - MAX_LOOK_BACK);
    const topic = record.hasTopic ? record.frames[0] : undefined;
    for (let seq = record.seq - 1; seq >= first; seq--) {
      const candidate = this.store.get(seq);
      if (!candidate || candidate.sessionId !== record.sessionId || candidate.direction !== record.direction) continue;
      if (topic && !(candidate.hasTopic && sameBytes(candidate.frames[0], topic))) continue;
      return candidate;
    }
    return undefined;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
