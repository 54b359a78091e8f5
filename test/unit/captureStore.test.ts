import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exportJsonLines, importJsonLines } from '../../src/core/captureJsonl';
import { CaptureStore } from '../../src/core/captureStore';

const bytes = (s: string) => Buffer.from(s);
const text = (f: Uint8Array) => Buffer.from(f).toString();

test('append and get round-trip frames, flags, tags and time', () => {
  const store = new CaptureStore({ maxMessages: 10, maxBytes: 1000 });
  const seq = store.append('s1', 'in', [bytes('topic'), bytes(''), bytes('body')], { hasTopic: true, tag: 'tap A', timeNs: 1_700_000_000_123_456_000n });
  const record = store.get(seq)!;
  assert.equal(seq, 1);
  assert.deepEqual(record.frames.map(text), ['topic', '', 'body']);
  assert.deepEqual(record.frameSizes, [5, 0, 4]);
  assert.equal(record.hasTopic, true);
  assert.equal(record.hasRoutingId, false);
  assert.equal(record.tag, 'tap A');
  assert.equal(record.sessionId, 's1');
  assert.equal(record.direction, 'in');
  assert.equal(record.timeNs, 1_700_000_000_123_456_000n);
  assert.equal(store.get(2), undefined);
  assert.equal(store.get(0), undefined);
});

test('eviction by message count drops the oldest and counts them', () => {
  const store = new CaptureStore({ maxMessages: 3, maxBytes: 1_000_000 });
  for (let i = 1; i <= 5; i++) store.append('s', 'in', [bytes(`m${i}`)]);
  const stats = store.stats();
  assert.deepEqual([stats.total, stats.retained, stats.dropped, stats.droppedBytes, stats.firstSeq, stats.lastSeq], [5, 3, 2, 4, 3, 5]);
  assert.equal(store.get(2), undefined);
  assert.deepEqual(store.range(0, 10).map((r) => text(r.frames[0])), ['m3', 'm4', 'm5']);
});

test('eviction by byte budget keeps retained bytes exact', () => {
  const store = new CaptureStore({ maxMessages: 1000, maxBytes: 100 });
  for (let i = 0; i < 10; i++) store.append('s', 'out', [Buffer.alloc(30, i)]);
  const stats = store.stats();
  assert.equal(stats.retained, 3);
  assert.equal(stats.retainedBytes, 90);
  assert.equal(stats.dropped, 7);
  assert.equal(stats.droppedBytes, 210);
  // A message larger than the whole budget is dropped at once, and the others stay.
  const oversized = store.append('s', 'out', [Buffer.alloc(101)]);
  assert.equal(store.stats().retained, 3);
  assert.equal(store.stats().dropped, 8);
  assert.equal(store.get(oversized), undefined);
  // Sequence numbers stay addressable after it.
  const next = store.append('s', 'out', [Buffer.from('after')]);
  assert.equal(Buffer.from(store.get(next)!.frames[0]).toString(), 'after');
  assert.equal(store.get(next - 2)!.frames[0][0], 9);
  assert.deepEqual([store.stats().dropped, store.stats().retained, store.stats().retainedBytes], [8, 4, 95]);
});

test('a frame above the per-frame limit is stored truncated with its true size', () => {
  const store = new CaptureStore({ maxMessages: 10, maxBytes: 10 * 1024 * 1024, maxFrameBytes: 1024 });
  const big = Buffer.alloc(5 * 1024 * 1024, 7);
  const seq = store.append('s', 'in', [bytes('t'), big]);
  const record = store.get(seq)!;
  assert.equal(record.frames[1].length, 1024);
  assert.deepEqual(record.frameSizes, [1, 5 * 1024 * 1024]);
  assert.equal(store.stats().truncatedFrames, 1);
  assert.equal(store.stats().retainedBytes, 1025);
});

test('sequence numbers stay monotonic across clear and ring wrap-around', () => {
  const store = new CaptureStore({ maxMessages: 1500, maxBytes: 1_000_000 });
  for (let i = 0; i < 4000; i++) store.append('s', 'in', [bytes(String(i))]);
  assert.equal(store.firstSeq, 2501);
  assert.equal(text(store.get(2501)!.frames[0]), '2500');
  assert.equal(text(store.get(4000)!.frames[0]), '3999');
  assert.deepEqual(store.range(3998, 10).map((r) => r.seq), [3998, 3999, 4000]);
  store.clear();
  assert.equal(store.size, 0);
  assert.equal(store.append('s', 'in', [bytes('after')]), 4001);
  assert.equal(store.stats().dropped, 2500, 'clearing is not dropping');
});

test('filters: session, direction, topic prefix, bytes inside a frame, case-insensitive text', () => {
  const store = new CaptureStore({ maxMessages: 100, maxBytes: 100_000 });
  store.append('a', 'in', [bytes('ticks.AAPL'), bytes('{"price":1}')], { hasTopic: true });
  store.append('a', 'out', [bytes('cmd'), bytes('Hello World')]);
  store.append('b', 'in', [bytes('ticks.MSFT'), Buffer.from([0, 1, 2, 255])], { hasTopic: true });
  store.append('b', 'in', [bytes('other')]);
  assert.deepEqual(store.filter({ sessionIds: ['a'] }), [1, 2]);
  assert.deepEqual(store.filter({ sessionIds: ['nope'] }), []);
  assert.deepEqual(store.filter({ direction: 'out' }), [2]);
  assert.deepEqual(store.filter({ topicPrefix: bytes('ticks.') }), [1, 3]);
  assert.deepEqual(store.filter({ contains: Buffer.from([1, 2, 255]) }), [3]);
  assert.deepEqual(store.filter({ contains: bytes('hello world') }), []);
  assert.deepEqual(store.filter({ contains: bytes('hello WORLD'), ignoreCase: true }), [2]);
  assert.deepEqual(store.filter({ sessionIds: ['b'], direction: 'in', topicPrefix: bytes('ticks') }), [3]);
  assert.deepEqual(store.filter({}, 2, 2), [2, 3]);
});

test('removing one session keeps the others and their sequence numbers', () => {
  const store = new CaptureStore({ maxMessages: 100, maxBytes: 100_000 });
  store.append('a', 'in', [bytes('a1')]);
  store.append('b', 'in', [bytes('b1')]);
  store.append('a', 'in', [bytes('a2')]);
  store.removeSession('a');
  assert.deepEqual(store.filter({}), [2]);
  assert.equal(store.get(1), undefined);
  assert.equal(text(store.get(2)!.frames[0]), 'b1');
  assert.equal(store.stats().retained, 1);
  assert.equal(store.stats().retainedBytes, 2);
  assert.equal(store.stats().dropped, 0);
});

test('JSON Lines export and import round-trip byte-exact', () => {
  const store = new CaptureStore({ maxMessages: 100, maxBytes: 100_000 });
  const binary = Buffer.from([0, 255, 10, 13, 0x22]);
  store.append('r', 'in', [bytes('peer-1'), Buffer.alloc(0), binary], { hasRoutingId: true, timeNs: 1_000_000_123_000n });
  store.append('r', 'out', [bytes('peer-1'), bytes('ok')], { hasRoutingId: true });
  const lines: string[] = [];
  exportJsonLines(store, (line) => lines.push(line), { decoderIdFor: (_, i) => (i === 2 ? 'hex' : 'text') });
  assert.equal(lines.length, 2);
  assert.deepEqual(JSON.parse(lines[0]).decoders, ['text', 'text', 'hex']);
  const copy = new CaptureStore({ maxMessages: 100, maxBytes: 100_000 });
  const result = importJsonLines(lines.join('\n') + '\n', copy);
  assert.deepEqual(result, { imported: 2, errors: [] });
  const first = copy.get(1)!;
  assert.deepEqual(first.frames.map((f) => Buffer.from(f).toString('hex')), ['peer-1', '', binary].map((f) => Buffer.from(f).toString('hex')));
  assert.equal(first.hasRoutingId, true);
  assert.equal(first.timeNs, 1_000_000_123_000n);
  assert.equal(first.tag, 'imported #1');
  assert.equal(copy.get(2)!.direction, 'out');
});

test('bad JSON Lines are reported by line number and skipped', () => {
  const store = new CaptureStore({ maxMessages: 100, maxBytes: 100_000 });
  const good = JSON.stringify({ session: 's', direction: 'in', frames: ['aGk='] });
  const input = [good, '{not json', '[]', JSON.stringify({ session: 's', direction: 'sideways', frames: [] }), JSON.stringify({ session: 's', direction: 'in', frames: ['@@@'] }), '', JSON.stringify({ session: 's', direction: 'in', frames: [], timeNs: '1e99' }), good].join('\n');
  const result = importJsonLines(input, store);
  assert.equal(result.imported, 2);
  assert.deepEqual(result.errors.map((e) => e.line), [2, 3, 4, 5, 7]);
  assert.match(result.errors[0].message, /not JSON/);
  assert.match(result.errors[2].message, /direction/);
  assert.match(result.errors[3].message, /base64/);
});
