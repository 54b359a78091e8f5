import assert from 'node:assert/strict';
import { test } from 'node:test';
import { framesForReplay, parseSeqRange } from '../../src/core/capture/replayFrames';

const b = (s: string) => Buffer.from(s);
const text = (frames: Uint8Array[]) => frames.map((f) => Buffer.from(f).toString());

test('a ROUTER-captured request replays whole from a ROUTER, without its envelope from others', () => {
  const record = { frames: [b('client-1'), b(''), b('body')], hasRoutingId: true };
  assert.deepEqual(text(framesForReplay(record, 'ROUTER')), ['client-1', '', 'body']);
  assert.deepEqual(text(framesForReplay(record, 'DEALER')), ['', 'body']);
  assert.deepEqual(text(framesForReplay(record, 'REQ')), ['body']);
  assert.deepEqual(text(framesForReplay({ frames: [b('topic'), b('x')], hasRoutingId: false }, 'PUB')), ['topic', 'x']);
});

test('sequence ranges: one number, a range, and clear errors', () => {
  assert.deepEqual(parseSeqRange('42'), { from: 42, to: 42 });
  assert.deepEqual(parseSeqRange(' #120 - #180 '), { from: 120, to: 180 });
  assert.match(String(parseSeqRange('180-120')), /older to the newer/);
  assert.match(String(parseSeqRange('abc')), /sequence number/);
  assert.match(String(parseSeqRange('1-200000')), /at most 100,000/);
});
