// Subscriptions against what a real publisher sends: a C publisher on Debian's libzmq and a pyzmq one,
// subscribers with a prefix that also takes longer names, one that differs in case, one with a trailing
// NUL (the C strlen + 1 mistake), and none at all. Findings carry the bytes in hex.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { CaptureStore } from '../../src/core/capture/captureStore';
import { diagnoseSession, diagnoseTap } from '../../src/core/diagnosis/diagnoseSession';
import { DiagnosisSink } from '../../src/core/diagnosis/diagnosisSink';
import type { Finding } from '../../src/core/diagnosis/findings';
import { SessionManager } from '../../src/core/session/sessionManager';
import { Tap } from '../../src/core/tap/tap';
import { startCPeer, type CPeer } from '../support/cPeers';
import { startPythonPeer, waitUntil, type PythonPeer } from '../support/peers';

const store = new CaptureStore({ maxMessages: 100_000, maxBytes: 16 * 1024 * 1024 });
const sink = new DiagnosisSink(store);
const manager = new SessionManager(sink);
const peers: Array<CPeer | PythonPeer> = [];
after(async () => {
  await manager.dispose();
  for (const p of peers) await p.kill();
});

const kinds = (findings: Finding[]) => findings.map((f) => f.kind);

test('a SUB subscribed to "tick" while a C publisher sends "ticks." and "Tick": it takes "ticks." by prefix and misses "Tick" by case', async () => {
  const address = 'tcp://127.0.0.1:24621';
  peers.push(await startCPeer('test/fixtures/c/topic_publisher.c', [address, 'ticks.', 'Tick']));
  const session = await manager.open({ name: 'tick', type: 'SUB', mode: 'connect', addresses: [address], subscriptions: ['tick'] });
  await waitUntil(() => session.monitor.counters.messagesIn >= 5, 'some "ticks." messages');
  const diagnosis = await diagnoseSession(session, { store, sink, sampleMs: 1000 });
  assert.deepEqual(
    kinds(diagnosis.findings)
      .filter((k) => k.startsWith('subscription'))
      .sort(),
    ['subscription-case-mismatch', 'subscription-prefix-overmatch'],
  );
  const caseMismatch = diagnosis.findings.find((f) => f.kind === 'subscription-case-mismatch')!;
  assert.equal(caseMismatch.title, 'Topic "Tick" (54 69 63 6b) is not received: it differs from the subscription "tick" only in case');
  assert.deepEqual(
    caseMismatch.evidence.map((e) => (e.kind === 'bytes' ? e.hex : '')),
    ['74 69 63 6b', '54 69 63 6b'],
  );
  const overmatch = diagnosis.findings.find((f) => f.kind === 'subscription-prefix-overmatch')!;
  assert.equal(overmatch.severity, 'info');
  assert.equal(overmatch.title, 'The subscription "tick" also takes "ticks.": subscriptions match by prefix');
  assert.equal(diagnosis.checks.find((c) => c.check.startsWith('There is a subscription'))?.status, 'problem');
  await manager.close(session.id);
});

test('a SUB subscribed to "tick\\0" (strlen + 1): it ends with a NUL and matches none of the topics, shown in hex', async () => {
  const address = 'tcp://127.0.0.1:24622';
  peers.push(await startCPeer('test/fixtures/c/topic_publisher.c', [address, 'ticks.', 'Tick']));
  const session = await manager.open({
    name: 'tick-nul',
    type: 'SUB',
    mode: 'connect',
    addresses: [address],
    subscriptions: ['hex:7469636b00'],
  });
  const diagnosis = await diagnoseSession(session, { store, sink, sampleMs: 1000 });
  assert.equal(session.monitor.counters.messagesIn, 0);
  const trailing = diagnosis.findings.find((f) => f.kind === 'subscription-trailing-bytes');
  assert.equal(trailing?.title, 'The subscription "tick\\0" ends with a NUL byte (00)');
  assert.match(trailing!.fix!, /Subscribe to "tick" \(74 69 63 6b\) instead/);
  const nothing = diagnosis.findings.find((f) => f.kind === 'subscription-matches-nothing');
  assert.equal(nothing?.title, 'The subscription "tick\\0" (74 69 63 6b 00) matches none of the 2 topics the publisher sent');
  assert.match(nothing!.detail!, /"ticks\." \(74 69 63 6b 73 2e\)/);
  assert.match(nothing!.detail!, /"Tick" \(54 69 63 6b\)/);
  assert.match(nothing!.detail!, /Without its trailing a NUL byte it would match "ticks\."/);
  assert.equal(nothing!.numbers?.topicsSeen, 2);
  assert.equal(nothing!.severity, 'error');
  assert.equal(diagnosis.summary, nothing!.title);
  await manager.close(session.id);
});

test('a SUB with no subscription against a pyzmq publisher: nothing is received, and that is the finding', async () => {
  const address = 'tcp://127.0.0.1:24623';
  peers.push(
    await startPythonPeer(
      `
pub = zmq.Context().socket(zmq.PUB)
pub.bind(sys.argv[1])
print('READY', flush=True)
while True:
    pub.send_multipart([b'weather', b'21.5'])
    time.sleep(0.005)
`,
      [address],
    ),
  );
  const session = await manager.open({ name: 'none', type: 'SUB', mode: 'connect', addresses: [address], subscriptions: [] });
  const diagnosis = await diagnoseSession(session, { store, sink, sampleMs: 500 });
  assert.equal(session.monitor.counters.messagesIn, 0);
  const none = diagnosis.findings.find((f) => f.kind === 'no-subscription');
  assert.equal(none?.title, 'This SUB has no subscription, so it receives nothing');
  assert.equal(diagnosis.summary, none!.title);
  // The publisher itself is fine: reachable, NULL, a PUB.
  const statuses = Object.fromEntries(diagnosis.checks.map((c) => [c.check, c.status]));
  assert.equal(statuses['Something is listening at the address'], 'ok');
  assert.equal(statuses['The socket types can talk to each other'], 'ok');
  await manager.close(session.id);
});

test('the subscription map of a pub-sub tap: prefixes with their holders, (un)subscriptions in order, and a late joiner', async () => {
  const [listen, service] = ['tcp://127.0.0.1:24625', 'tcp://127.0.0.1:24626'];
  peers.push(
    await startPythonPeer(
      `
pub = zmq.Context().socket(zmq.PUB)
pub.bind(sys.argv[1])
print('READY', flush=True)
n = 0
while True:
    for topic in (b'a.1', b'b.1', b'c.1'):
        pub.send_multipart([topic, b'%d' % n])
    n += 1
    time.sleep(0.005)
`,
      [service],
    ),
  );
  const tap = await Tap.start({ id: 'tap-ps', name: 'ps', pattern: 'pub-sub', listen, upstream: service, sink });
  const map = sink.mapSubscriptions(tap.id, 'out');
  const subscriber = (prefixes: string[], lifeSeconds: number) =>
    startPythonPeer(
      `
sub = zmq.Context().socket(zmq.SUB)
for p in sys.argv[2].split(','):
    sub.setsockopt(zmq.SUBSCRIBE, p.encode())
sub.connect(sys.argv[1])
print('READY', flush=True)
end = time.time() + float(sys.argv[3])
while time.time() < end:
    if sub.poll(50):
        sub.recv_multipart()
sub.close(0)
print('DONE', flush=True)
time.sleep(60)
`,
      [listen, prefixes.join(','), String(lifeSeconds)],
    );
  const first = await subscriber(['a.'], 0.6);
  peers.push(first);
  await waitUntil(() => map.snapshot().publications > 20, 'publications through the tap');
  const second = await subscriber(['a.', 'b.'], 30);
  peers.push(second);
  await first.waitForLine(/^DONE/);
  await waitUntil(() => map.snapshot().changes.length === 4, 'three subscribes and one cancel');
  const snapshot = map.snapshot();
  const text = (bytes: Uint8Array) => Buffer.from(bytes).toString();
  const prefixes = Object.fromEntries(snapshot.prefixes.map((p) => [text(p.prefix), [p.holders, p.subscribes, p.unsubscribes]]));
  assert.deepEqual(prefixes, { 'a.': [1, 2, 1], 'b.': [1, 1, 0] });
  assert.deepEqual(
    snapshot.changes.map((c) => `${c.subscribe ? '+' : '-'}${text(c.prefix)}:${c.holders}`),
    ['+a.:1', '+a.:2', '+b.:1', '-a.:1'],
  );
  const secondA = snapshot.changes[1];
  assert.ok(secondA.publishedBefore! > 20, 'messages on "a." went by before the second subscriber joined');
  assert.equal(snapshot.changes[2].publishedBefore, 0, 'nothing on "b." had been published: nobody had asked');
  // The publisher filters upstream: "c.1" never reaches the tap.
  assert.deepEqual(snapshot.topics.map((t) => text(t.topic)).sort(), ['a.1', 'b.1']);
  const diagnosis = diagnoseTap(tap, { store, sink });
  const late = diagnosis.findings.find((f) => f.kind === 'late-joiner');
  assert.equal(late?.numbers?.missedBefore, secondA.publishedBefore);
  assert.match(late!.title, /^Late joiner: [\d,]+ messages matching "a\." went by before a subscriber subscribed to it$/);
  await tap.close();
});
