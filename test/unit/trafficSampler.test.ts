// The monitoring panel's sampling: messages a second per session and per topic, quiet seconds as zeros,
// the busiest topics by name and the rest folded, plotted fields read from their topic's messages, and
// the backend's history refilling a reopened panel.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CaptureStore } from '../../src/core/capture/captureStore';
import { MAX_TOPIC_SERIES, OTHER_TOPICS, TrafficSampler } from '../../src/core/monitor/trafficSampler';
import { MonitorBackend } from '../../src/monitor/monitorBackend';
import { MonitorMessageType, type MonitorUpdate, type ToMonitorMessage } from '../../src/shared/monitorProtocol';

const utf8 = (s: string) => Buffer.from(s);
const T0 = 1_764_000_000_000;
const ns = (ms: number) => BigInt(ms) * 1_000_000n;
const sessions = { name: (id: string) => `name of ${id}`, socketType: () => 'SUB' };

function tick(store: CaptureStore, topic: string, ms: number, body: string, session = 's1'): number {
  return store.append(session, 'in', [utf8(topic), utf8(body)], { hasTopic: true, timeNs: ns(ms) });
}

test('rates per session and topic, by second, with quiet seconds as zeros', () => {
  const store = new CaptureStore({ maxMessages: 10_000, maxBytes: 1 << 24 });
  const sampler = new TrafficSampler(store, sessions, () => undefined);
  for (let i = 0; i < 5; i++) tick(store, 'ticks.EUR', T0 + i * 100, '{}');
  for (let i = 0; i < 3; i++) tick(store, 'ticks.GBP', T0 + 1000 + i * 100, '{}', 's2');
  const first = sampler.tick(T0 + 4000);
  assert.deepEqual(
    first.sessions.s1.map((p) => [p.timeMs - T0, p.messages]),
    [
      [0, 5],
      [1000, 0],
      [2000, 0],
      [3000, 0],
    ],
  );
  assert.deepEqual(
    first.topics['ticks.GBP'].map((p) => [p.timeMs - T0, p.messages, p.bytes]),
    [
      [1000, 3, 3 * 11],
      [2000, 0, 0],
      [3000, 0, 0],
    ],
  );
  assert.equal(first.behind, 0);
  assert.deepEqual(Object.keys(sampler.tick(T0 + 4000).sessions), [], 'nothing new, no second closed');
});

test('the busiest topics get their own series, the rest are folded together', () => {
  const store = new CaptureStore({ maxMessages: 10_000, maxBytes: 1 << 24 });
  const sampler = new TrafficSampler(store, sessions, () => undefined);
  for (let i = 0; i < MAX_TOPIC_SERIES + 10; i++) tick(store, `t${i}`, T0, 'x');
  const result = sampler.tick(T0 + 1000);
  assert.equal(Object.keys(result.topics).length, MAX_TOPIC_SERIES + 1);
  assert.equal(result.topics[OTHER_TOPICS][0].messages, 10);
});

test('a plotted field is read from the messages of its topic, with their numbers', () => {
  const store = new CaptureStore({ maxMessages: 10_000, maxBytes: 1 << 24 });
  const sampler = new TrafficSampler(store, sessions, () => undefined);
  const key = sampler.plot({ topic: 'ticks.EUR', path: '$.price' });
  const a = tick(store, 'ticks.EUR', T0, '{"price":1.08}');
  tick(store, 'ticks.GBP', T0 + 10, '{"price":99}');
  tick(store, 'ticks.EUR', T0 + 20, '{"other":1}');
  const b = tick(store, 'ticks.EUR', T0 + 30, '{"price":"1.09"}');
  assert.deepEqual(sampler.tick(T0 + 1000).fields[key], [
    { timeMs: T0, value: 1.08, seq: a },
    { timeMs: T0 + 30, value: 1.09, seq: b },
  ]);
  assert.throws(() => sampler.plot({ topic: 'x', path: '$.price >' }), /Expected expression/);
});

test('the backend refills a reopened panel from its history and relays clicks', () => {
  const store = new CaptureStore({ maxMessages: 10_000, maxBytes: 1 << 24 });
  const posted: ToMonitorMessage[] = [];
  const opened: number[] = [];
  const filters: unknown[] = [];
  const backend = new MonitorBackend(
    {
      store,
      sessions,
      decodeTree: () => undefined,
      openMessage: (seq) => opened.push(seq),
      filterInspector: (f) => filters.push(f),
      log: () => undefined,
    },
    (m) => posted.push(m),
  );
  const label = backend.plot({ topic: 'ticks.EUR', path: '$.price' });
  assert.equal(label, 'price of ticks.EUR');
  tick(store, 'ticks.EUR', Date.now() - 2000, '{"price":1}');
  backend.handle({ type: MonitorMessageType.Ready });
  const updates = () => posted.filter((m): m is MonitorUpdate => m.type === MonitorMessageType.Update);
  assert.ok(updates().some((u) => u.fields.some((f) => f.points[0]?.value === 1)));
  posted.length = 0;
  backend.handle({ type: MonitorMessageType.Ready });
  assert.equal(posted[0].type, MonitorMessageType.Reset);
  const refill = updates()[0];
  assert.equal(refill.fields[0].points[0].value, 1, 'the history comes back');
  assert.ok(refill.sessions.length >= 1);
  backend.handle({ type: MonitorMessageType.OpenMessage, seq: 1 });
  backend.handle({ type: MonitorMessageType.FilterInspector, topic: 'ticks.EUR', fromMs: 5, toMs: Number.NaN });
  assert.deepEqual(opened, [1]);
  assert.deepEqual(filters, [{ topic: 'ticks.EUR', fromMs: 5, toMs: undefined }]);
  backend.dispose();
});

test('imported messages stamped hours ago count as arriving now, not as a burst in the past', () => {
  const store = new CaptureStore({ maxMessages: 10_000, maxBytes: 1 << 24 });
  const sampler = new TrafficSampler(store, sessions, () => undefined);
  const now = T0 + 5 * 3600 * 1000;
  for (let i = 0; i < 14; i++) tick(store, 'ticks.EUR', T0 + i, '{}', 'pcap');
  const points = sampler.tick(now).sessions.pcap;
  assert.equal(points[0].timeMs, now - 10_000, 'ten seconds back at most');
  assert.equal(points[0].messages, 14);
  assert.equal(points.length, 10, 'the quiet seconds up to now, not five hours of them');
});
