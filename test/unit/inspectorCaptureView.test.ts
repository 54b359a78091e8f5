// The inspector's filtered view over a real CaptureStore: incremental updates agree with the store's
// own filter, evictions shift positions by a counted amount, and a clear asks for a rebuild.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CaptureStore } from '../../src/core/capture/captureStore';
import type { CaptureFilter } from '../../src/core/types';
import { CaptureView } from '../../src/inspector/inspectorCaptureView';
import { InspectorFilterError, toCaptureFilter } from '../../src/inspector/inspectorFilter';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

function seqsOf(view: CaptureView): number[] {
  const seqs: number[] = [];
  for (let i = 0; i < view.count; i++) seqs.push(view.seqAt(i)!);
  return seqs;
}

/** Deterministic traffic: topics a.x / b.y, payloads with mixed case, two sessions, both directions. */
function appendTraffic(store: CaptureStore, from: number, count: number): void {
  for (let i = from; i < from + count; i++) {
    const topic = i % 3 === 0 ? 'a.x' : 'b.y';
    const payload = i % 5 === 0 ? `Alert ${i}` : `tick ${i}`;
    store.append(i % 2 ? 's1' : 's2', i % 4 === 0 ? 'out' : 'in', [utf8(topic), utf8(payload)], { hasTopic: true });
  }
}

const FILTERS: Array<[string, CaptureFilter | undefined]> = [
  ['everything', undefined],
  ['topic prefix', { topicPrefix: utf8('a.') }],
  ['text, any case', { contains: utf8('ALERT'), ignoreCase: true }],
  ['session and direction', { sessionIds: ['s1'], direction: 'in' }],
];

for (const [name, filter] of FILTERS) {
  test(`an updated view lists what the store's filter lists (${name}), also after evictions`, () => {
    const store = new CaptureStore({ maxMessages: 1000, maxBytes: 64 * 1024 * 1024 });
    appendTraffic(store, 0, 300);
    const view = CaptureView.build(store, filter, 1);
    assert.deepEqual(seqsOf(view), store.filter(filter ?? {}));
    let evictedBefore = 0;
    for (let batch = 1; batch <= 6; batch++) {
      appendTraffic(store, batch * 300, 300);
      assert.equal(view.update(), true, 'appends and evictions update in place');
      assert.deepEqual(seqsOf(view), store.filter(filter ?? {}));
      assert.ok(view.evicted >= evictedBefore, 'the evicted count only grows');
      evictedBefore = view.evicted;
    }
    assert.ok(store.stats().dropped > 0, 'the store did evict');
    assert.ok(view.evicted > 0, 'evicted matches are counted, so positions stay stable');
  });
}

test('positions stay stable: evicted + index names the same message before and after an eviction', () => {
  const store = new CaptureStore({ maxMessages: 1000, maxBytes: 64 * 1024 * 1024 });
  appendTraffic(store, 0, 1000);
  const view = CaptureView.build(store, { topicPrefix: utf8('a.') }, 1);
  const absolute = view.evicted + 100;
  const seq = view.seqAt(100);
  appendTraffic(store, 1000, 150);
  view.update();
  assert.equal(view.seqAt(absolute - view.evicted), seq);
});

test('indexAtOrAfter finds where a seq is, or would be', () => {
  const store = new CaptureStore({ maxMessages: 1000, maxBytes: 64 * 1024 * 1024 });
  appendTraffic(store, 0, 90);
  const all = CaptureView.build(store, undefined, 1);
  const first = store.stats().firstSeq;
  assert.equal(all.seqAt(all.indexAtOrAfter(first + 10)), first + 10);
  const filtered = CaptureView.build(store, { topicPrefix: utf8('a.') }, 2);
  const index = filtered.indexAtOrAfter(first + 1);
  assert.ok(filtered.seqAt(index)! >= first + 1 && (index === 0 || filtered.seqAt(index - 1)! < first + 1));
  assert.equal(filtered.indexAtOrAfter(Number.MAX_SAFE_INTEGER), filtered.count);
});

test('a cleared store makes update() ask for a rebuild', () => {
  const store = new CaptureStore({ maxMessages: 1000, maxBytes: 64 * 1024 * 1024 });
  appendTraffic(store, 0, 50);
  const view = CaptureView.build(store, { topicPrefix: utf8('b.') }, 1);
  store.clear();
  appendTraffic(store, 0, 5);
  assert.equal(view.update(), false);
});

test('the filter box: topic: terms, text in any case, hex bytes, and a readable error for bad hex', () => {
  const spec = { text: '', sessionId: '', direction: '' as const, topic: '' };
  assert.equal(toCaptureFilter(spec), undefined);
  const parsed = toCaptureFilter({ ...spec, text: 'topic:prices. big order', direction: 'in', sessionId: 's1' })!;
  assert.deepEqual(Buffer.from(parsed.topicPrefix!).toString(), 'prices.');
  assert.deepEqual(Buffer.from(parsed.contains!).toString(), 'big order');
  const json = toCaptureFilter({ ...spec, text: '"status":"error"' })!;
  assert.equal(Buffer.from(json.contains!).toString(), '"status":"error"', 'quotes are searched, not eaten');
  assert.equal(json.topicPrefix, undefined);
  const middle = toCaptureFilter({ ...spec, text: 'big topic:a.b order' })!;
  assert.equal(Buffer.from(middle.contains!).toString(), 'big order');
  assert.equal(Buffer.from(middle.topicPrefix!).toString(), 'a.b');
  assert.equal(parsed.ignoreCase, true);
  assert.deepEqual(parsed.sessionIds, ['s1']);
  assert.equal(parsed.direction, 'in');
  const quoted = toCaptureFilter({ ...spec, text: 'topic:"a b" x' })!;
  assert.equal(Buffer.from(quoted.topicPrefix!).toString(), 'a b');
  const bytes = toCaptureFilter({ ...spec, text: 'hex:00ff' })!;
  assert.deepEqual([...bytes.contains!], [0, 255]);
  assert.equal(bytes.ignoreCase, undefined);
  assert.deepEqual([...toCaptureFilter({ ...spec, topic: 'hex:01' })!.topicPrefix!], [1]);
  assert.throws(() => toCaptureFilter({ ...spec, topic: 'hex:0' }), InspectorFilterError);
});

test('after a session is removed the rebuilt view skips its messages, and keeps up with new ones', () => {
  const store = new CaptureStore({ maxMessages: 1000, maxBytes: 64 * 1024 * 1024 });
  appendTraffic(store, 0, 200);
  const view = CaptureView.build(store, undefined, 1);
  store.removeSession('s1');
  assert.equal(view.update(), false, 'a hole in the middle is not an append');
  const rebuilt = CaptureView.build(store, undefined, 2);
  appendTraffic(store, 200, 900);
  assert.equal(rebuilt.update(), true);
  assert.deepEqual(seqsOf(rebuilt), store.filter({}));
  assert.ok(seqsOf(rebuilt).every((seq) => store.get(seq)!.sessionId === 's2' || seq > 200));
});
