// Puts one direction of a captured TCP connection back in order: segments that arrive early wait (within
// a byte budget), retransmitted bytes are dropped, and bytes that never made it into the capture are
// reported as gaps. A hole is taken for lost once the peer acknowledged past it and more data came
// after that acknowledgement, when the waiting segments outgrow the budget, or at the end.
import { TCP_SYN } from './packetLayers';

/** Where the bytes of one direction go, in order. */
export interface ByteStreamSink {
  /** The next bytes of the stream; a view valid only during the call. */
  data(bytes: Uint8Array, timeNs: bigint): void;
  /** `bytes` bytes of the stream are missing from the capture before the next data. */
  gap(bytes: number, timeNs: bigint): void;
}

/** Bytes of early segments all directions may hold at once (shared, so one import stays bounded). */
export class PendingBudget {
  used = 0;
  constructor(readonly max: number) {}
}

/** Early segments held per direction; past this the hole before them is given up as lost. */
export const MAX_PENDING_BYTES_PER_DIRECTION = 4 * 1024 * 1024;

interface PendingSegment {
  seq: number;
  data: Uint8Array;
  /** Bytes after data that the snapshot length cut. */
  missing: number;
  timeNs: bigint;
}

/** Sequence-number distance a - b in a 32-bit space that wraps. */
const distance = (a: number, b: number): number => (a - b) | 0;

export class TcpDirectionReassembler {
  /** The seq of the next byte expected; undefined until the first segment. */
  private nextSeq: number | undefined;
  private pending: PendingSegment[] = [];
  private pendingBytes = 0;
  /** The highest ack the other direction sent. */
  private ackedTo: number | undefined;
  /** The first segment came without SYN: the capture started after the connection. */
  startedMidStream = false;
  sawSyn = false;
  retransmittedBytes = 0;
  outOfOrderSegments = 0;
  gaps = 0;
  gapBytes = 0;
  deliveredBytes = 0;

  constructor(
    private readonly sink: ByteStreamSink,
    private readonly budget: PendingBudget,
  ) {}

  segment(seq: number, flags: number, payload: Uint8Array, missingTail: number, timeNs: bigint): void {
    if (flags & TCP_SYN) {
      this.sawSyn = true;
      seq = (seq + 1) >>> 0;
      if (this.nextSeq === undefined) this.nextSeq = seq;
    }
    const length = payload.length + missingTail;
    if (length === 0) return;
    if (this.nextSeq === undefined) {
      this.nextSeq = seq;
      this.startedMidStream = true;
    }
    const ahead = distance(seq, this.nextSeq);
    if (ahead > 0) {
      this.hold({ seq, data: payload.slice(), missing: missingTail, timeNs });
      // Acknowledged before this later segment came, yet still missing: it is not in the capture.
      if (this.ackedTo !== undefined && distance(this.ackedTo, this.nextSeq) > 0) this.skipHole(timeNs);
      else if (this.pendingBytes > MAX_PENDING_BYTES_PER_DIRECTION || this.budget.used > this.budget.max) this.skipHole(timeNs);
      return;
    }
    this.take(seq, payload, missingTail, timeNs);
    this.drain();
  }

  /** The other direction acknowledged every byte before `ack`. */
  peerAcked(ack: number): void {
    if (this.ackedTo === undefined || distance(ack, this.ackedTo) > 0) this.ackedTo = ack;
  }

  /** The capture ended (or the connection was reset): what waits is delivered, holes reported as gaps. */
  flush(timeNs: bigint): void {
    while (this.pending.length) this.skipHole(timeNs);
  }

  /** Delivers a segment that starts at or before nextSeq, without the bytes already delivered. */
  private take(seq: number, data: Uint8Array, missing: number, timeNs: bigint): void {
    const behind = -distance(seq, this.nextSeq!);
    if (behind >= data.length + missing) {
      this.retransmittedBytes += data.length + missing;
      return;
    }
    if (behind > 0) {
      this.retransmittedBytes += behind;
      const fromData = Math.min(behind, data.length);
      data = data.subarray(fromData);
      missing -= behind - fromData;
    }
    if (data.length) {
      this.deliveredBytes += data.length;
      this.nextSeq = (this.nextSeq! + data.length) >>> 0;
      this.sink.data(data, timeNs);
    }
    if (missing > 0) this.reportGap(missing, timeNs);
  }

  private hold(segment: PendingSegment): void {
    this.outOfOrderSegments++;
    const same = this.pending.findIndex((p) => p.seq === segment.seq);
    if (same >= 0) {
      // A retransmission of a segment already waiting: keep the longer.
      const kept = this.pending[same];
      if (kept.data.length + kept.missing >= segment.data.length + segment.missing) {
        this.retransmittedBytes += segment.data.length + segment.missing;
        return;
      }
      this.release(kept);
      this.pending.splice(same, 1);
    }
    let at = this.pending.length;
    while (at > 0 && distance(this.pending[at - 1].seq, segment.seq) > 0) at--;
    this.pending.splice(at, 0, segment);
    this.pendingBytes += segment.data.length;
    this.budget.used += segment.data.length;
  }

  private release(segment: PendingSegment): void {
    this.pendingBytes -= segment.data.length;
    this.budget.used -= segment.data.length;
  }

  /** Gives up the hole before the first waiting segment, then delivers what follows in order. */
  private skipHole(timeNs: bigint): void {
    const first = this.pending[0];
    if (!first) return;
    const hole = distance(first.seq, this.nextSeq!);
    if (hole > 0) {
      this.reportGap(hole, timeNs);
    }
    this.drain();
  }

  private reportGap(bytes: number, timeNs: bigint): void {
    this.gaps++;
    this.gapBytes += bytes;
    this.nextSeq = (this.nextSeq! + bytes) >>> 0;
    this.sink.gap(bytes, timeNs);
  }

  private drain(): void {
    while (this.pending.length && distance(this.pending[0].seq, this.nextSeq!) <= 0) {
      const next = this.pending.shift()!;
      this.release(next);
      this.take(next.seq, next.data, next.missing, next.timeNs);
    }
  }
}
