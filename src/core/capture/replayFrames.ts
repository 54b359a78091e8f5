// What a replay sends: a captured message's frames adapted to the socket that resends them.
import type { CaptureRecord, SocketTypeName } from '../types';

/** Envelope frames only a ROUTER can use are dropped for other senders; REQ adds its own delimiter. */
export function framesForReplay(record: Pick<CaptureRecord, 'frames' | 'hasRoutingId'>, senderType: SocketTypeName): Uint8Array[] {
  let frames = record.frames;
  if (record.hasRoutingId && senderType !== 'ROUTER') {
    frames = frames.slice(1);
    if (senderType === 'REQ' && frames.length > 1 && frames[0].length === 0) frames = frames.slice(1);
  }
  return frames;
}

/** Parses "120-180" or "42" into a range of sequence numbers, or says what is wrong. */
export function parseSeqRange(text: string): { from: number; to: number } | string {
  const match = /^\s*#?(\d+)\s*(?:[-–]\s*#?(\d+))?\s*$/.exec(text);
  if (!match) return 'Write a sequence number (42) or a range (120-180).';
  const from = Number(match[1]);
  const to = Number(match[2] ?? match[1]);
  if (to < from) return 'The range must go from the older to the newer message.';
  if (to - from >= 100_000) return 'Replay at most 100,000 messages at once.';
  return { from, to };
}
