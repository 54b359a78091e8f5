// The monitoring panel's sessions table, findings and tap latency: peers and their state since when, read
// from real SessionMonitor timelines; budgets on peers, sessions and findings (the rest counted); peer
// text made safe; round-trip times sliced by second from a real LatencyStats ring.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CaptureStore } from '../../src/core/capture/captureStore';
import type { Finding } from '../../src/core/diagnosis/findings';
import { LatencySlices, SLICE_BUCKETS_MS, sliceOf } from '../../src/core/monitor/latencySlices';
import { sessionPeers } from '../../src/core/monitor/sessionPeers';
import { SessionMonitor } from '../../src/core/session/sessionMonitor';
import { LatencyStats } from '../../src/core/tap/latencyStats';
import { MonitorBackend } from '../../src/monitor/monitorBackend';
import {
  buildHealth,
  MAX_FINDINGS_SHOWN,
  MAX_PEERS_SHOWN,
  MAX_SESSIONS_SHOWN,
  type SessionHealthSource,
} from '../../src/monitor/monitorHealth';
import { MonitorMessageType, type MonitorUpdate, type ToMonitorMessage } from '../../src/shared/monitorProtocol';

const A = 'tcp://127.0.0.1:5556';

function monitorWith(events: Array<[number, string, string?, string?]>): SessionMonitor {
  const monitor = new SessionMonitor('SUB');
  for (const [time, type, address, detail] of events) monitor.record({ time, type, address, detail, severity: 'info' });
  monitor.dispose();
  return monitor;
}

test('a connecting socket: connected since its connect, then retrying since the retry after a disconnect', () => {
  const monitor = monitorWith([
    [1000, 'connect:delay', A],
    [1500, 'connect:retry', A, 'retrying in 100 ms'],
    [2000, 'connect', A],
    [2010, 'handshake', A],
  ]);
  let { peers } = sessionPeers(monitor.timeline(), [[A, 1]]);
  assert.deepEqual(peers, [{ address: A, state: 'connected', sinceMs: 2000, connections: 1, detail: undefined, repeats: undefined }]);
  monitor.record({ time: 9000, type: 'disconnect', address: A, severity: 'info' });
  monitor.record({ time: 9100, type: 'connect:retry', address: A, detail: 'retrying in 100 ms', severity: 'info' });
  ({ peers } = sessionPeers(monitor.timeline(), []));
  assert.equal(peers[0].state, 'retrying');
  assert.equal(peers[0].sinceMs, 9000, 'not connected since the disconnect');
  assert.equal(peers[0].detail, 'retrying in 100 ms');
});

test('a handshake that keeps failing is one "failing" peer with its turns counted since the first', () => {
  const monitor = new SessionMonitor('SUB');
  for (let i = 0; i < 50; i++) {
    monitor.record({ time: 1000 + i * 10, type: 'connect', address: A, severity: 'info' });
    monitor.record({ time: 1001 + i * 10, type: 'handshake:error:other', address: A, detail: 'wrong key', severity: 'error' });
    monitor.record({ time: 1002 + i * 10, type: 'disconnect', address: A, severity: 'info' });
  }
  monitor.dispose();
  const { peers } = sessionPeers(monitor.timeline(), []);
  assert.equal(peers.length, 1);
  assert.equal(peers[0].state, 'failing');
  assert.equal(peers[0].sinceMs, 1000);
  assert.ok((peers[0].repeats ?? 0) >= 40, `repeats ${peers[0].repeats}`);
});

test('a bound socket lists its endpoint with the peers connected to it', () => {
  const bound = 'tcp://0.0.0.0:7000';
  const monitor = monitorWith([
    [1000, 'bind', bound],
    [2000, 'accept', bound],
    [2001, 'handshake', bound],
    [3000, 'accept', bound],
    [3001, 'handshake', bound],
  ]);
  const { peers } = sessionPeers(monitor.timeline(), [[bound, 2]]);
  assert.deepEqual(
    peers.map((p) => [p.address, p.state, p.connections]),
    [[bound, 'connected', 2]],
  );
});

test('peer addresses are text, cut, and capped; the hidden ones are counted', () => {
  const hostile = `tcp://[click](command:workbench.action.quit)\u202e${'x'.repeat(5000)}`;
  const monitor = new SessionMonitor('ROUTER');
  monitor.record({ time: 1, type: 'connect', address: hostile, severity: 'info' });
  for (let i = 0; i < 400; i++) monitor.record({ time: 10 + i, type: 'connect:retry', address: `tcp://10.0.0.${i}:1`, severity: 'info' });
  monitor.dispose();
  const { peers, hidden } = sessionPeers(monitor.timeline(), [[hostile, 1]], MAX_PEERS_SHOWN);
  assert.equal(peers.length, MAX_PEERS_SHOWN);
  assert.ok(hidden > 100, `hidden ${hidden}`);
  const all = sessionPeers(monitor.timeline(), [[hostile, 1]], 1000).peers;
  const shown = all.find((p) => p.address.startsWith('tcp://[click]'));
  assert.ok(shown, 'the hostile address is listed');
  assert.ok(shown.address.length <= 120);
  assert.ok(!shown.address.includes('](') && !shown.address.includes('\u202e'));
});

const finding = (i: number): Finding => ({
  kind: 'sequence-gaps',
  severity: 'warning',
  title: `gap ${i} in ](command:x)`,
  evidence: [{ kind: 'message', seq: 100 + i, text: `#${100 + i}` }],
});

const source = (i: number, findings: Finding[] = []): SessionHealthSource => ({
  id: `s${i}`,
  name: `feed ${i}`,
  type: 'SUB',
  mode: 'connect',
  state: 'connected',
  rate1s: 20,
  timeline: [],
  connections: [[A, 1]],
  routingPeerCount: 0,
  findings,
});

test('the sessions table and the findings are capped, with what is left out counted', () => {
  const health = buildHealth([
    source(
      0,
      Array.from({ length: 30 }, (_, i) => finding(i)),
    ),
    ...Array.from({ length: 40 }, (_, i) => source(i + 1, [finding(100 + i)])),
  ]);
  assert.equal(health.sessions.length, MAX_SESSIONS_SHOWN);
  assert.equal(health.hiddenSessions, 41 - MAX_SESSIONS_SHOWN);
  assert.equal(health.findings.length, MAX_FINDINGS_SHOWN);
  assert.equal(health.hiddenFindings, 70 - MAX_FINDINGS_SHOWN);
  assert.deepEqual(
    { ...health.findings[0], title: undefined },
    { sessionId: 's0', sessionName: 'feed 0', severity: 'warning', title: undefined, seq: 100 },
  );
  assert.ok(!health.findings[0].title.includes(']('), 'no markdown link from peer text');
  assert.equal(health.sessions[0].peers[0].state, 'connected');
});

test('round-trip times since a count: what the ring still holds, oldest first', () => {
  const stats = new LatencyStats(4);
  for (const ms of [1, 2, 3]) stats.add(ms);
  assert.deepEqual([...stats.since(1)], [2, 3]);
  for (const ms of [4, 5, 6]) stats.add(ms);
  assert.deepEqual([...stats.since(0)], [3, 4, 5, 6], 'six added, four kept');
  assert.deepEqual([...stats.since(6)], []);
});

test('latency slices: the first look learns the count, then each tick is one second of buckets and percentiles', () => {
  const stats = new LatencyStats(10_000);
  const tap = { id: 't', name: 'quotes', latencySince: (total: number) => ({ total: stats.total, samples: stats.since(total) }) };
  for (let i = 0; i < 50; i++) stats.add(100);
  const slices = new LatencySlices();
  assert.deepEqual(slices.tick([tap], 1000), [], 'what came before the panel is not replayed');
  for (let i = 0; i < 98; i++) stats.add(0.3);
  stats.add(40);
  stats.add(9000);
  const [{ slice }] = slices.tick([tap], 2000);
  assert.equal(
    slice.counts.reduce((a, b) => a + b),
    100,
  );
  assert.equal(slice.counts[SLICE_BUCKETS_MS.indexOf(0.5)], 98, '0.3 ms falls in the (0.25, 0.5] bucket');
  assert.equal(slice.counts[SLICE_BUCKETS_MS.indexOf(50)], 1);
  assert.equal(slice.counts[SLICE_BUCKETS_MS.length], 1, 'above the last bound: the open bucket');
  assert.equal(slice.p50, 0.3);
  assert.equal(slice.p99, 9000);
  assert.equal(slice.max, 9000);
  assert.deepEqual(slices.tick([tap], 3000)[0].slice, sliceOf(new Float64Array(0), 3000), 'an idle second is an empty slice');
  assert.deepEqual(slices.tick([], 4000), [], 'a stopped tap is forgotten');
});

test('the backend sends sessions, findings and latency, refills them on reopen, and relays a finding click', () => {
  const store = new CaptureStore({ maxMessages: 1000, maxBytes: 1 << 20 });
  const posted: ToMonitorMessage[] = [];
  const filters: unknown[] = [];
  const stats = new LatencyStats();
  const backend = new MonitorBackend(
    {
      store,
      sessions: { name: (id) => id, socketType: () => 'SUB' },
      decodeTree: () => undefined,
      openMessage: () => undefined,
      filterInspector: (filter, selectSeq) => filters.push({ filter, selectSeq }),
      log: () => undefined,
      sessionHealth: () => [source(1, [finding(1)])],
      latencySources: () => [{ id: 't', name: 'quotes', latencySince: (total) => ({ total: stats.total, samples: stats.since(total) }) }],
    },
    (m) => posted.push(m),
  );
  const updates = () => posted.filter((m): m is MonitorUpdate => m.type === MonitorMessageType.Update);
  backend.handle({ type: MonitorMessageType.Ready });
  const first = updates().at(-1)!;
  assert.equal(first.health.sessions[0].name, 'feed 1');
  assert.equal(first.health.findings[0].seq, 101);
  stats.add(2);
  (backend as unknown as { tick(update: boolean): void }).tick(true);
  assert.equal(updates().at(-1)!.latency[0].slices[0].max, 2);
  posted.length = 0;
  backend.handle({ type: MonitorMessageType.Ready });
  const refill = updates()[0];
  assert.equal(refill.latency[0].name, 'quotes');
  assert.equal(refill.latency[0].slices.at(-1)!.max, 2, 'the latency history comes back');
  assert.ok(refill.health.sessions.length === 1);
  backend.handle({ type: MonitorMessageType.FilterInspector, sessionId: 's1', selectSeq: 101 });
  backend.handle({ type: MonitorMessageType.FilterInspector, sessionId: 's1', selectSeq: 1.5 });
  assert.deepEqual(filters, [
    { filter: { topic: undefined, fromMs: undefined, toMs: undefined, sessionId: 's1' }, selectSeq: 101 },
    { filter: { topic: undefined, fromMs: undefined, toMs: undefined, sessionId: 's1' }, selectSeq: undefined },
  ]);
  backend.dispose();
});
