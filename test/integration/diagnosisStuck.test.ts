// Stuck and dropped, with real pyzmq peers: a REQ whose REP dies mid-request, a ROUTER service replying
// to a DEALER that already left (seen through the tap), and two DEALERs presenting one routing id.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnoseSession, diagnoseTap } from '../../src/core/diagnosis/diagnoseSession';
import { Tap } from '../../src/core/tap/tap';
import { diagnosisTestbed } from '../support/diagnosisTestbed';
import { delay, waitUntil } from '../support/peers';

const { store, sink, manager, python, track } = diagnosisTestbed({ maxMessages: 100_000, maxBytes: 16 * 1024 * 1024 });

test('a REQ whose REP dies mid-request: named stuck, with the request and the disconnect as evidence', async () => {
  const address = 'tcp://127.0.0.1:24631';
  const rep = await python(
    `
import os
rep = zmq.Context().socket(zmq.REP)
rep.bind(sys.argv[1])
print('READY', flush=True)
rep.recv()
print('GOT', flush=True)
time.sleep(0.1)
os._exit(0)
`,
    [address],
  );
  const session = await manager.open({ name: 'req', type: 'REQ', mode: 'connect', addresses: [address] });
  await waitUntil(() => session.state === 'connected', 'the REQ connects');
  await assert.rejects(session.send([Buffer.from('hello')], { replyTimeoutMs: 1500 }), /No reply within 2 s/);
  await rep.waitForLine(/^GOT/);
  await waitUntil(() => session.monitor.connectionCount === 0, 'the disconnect is seen');
  const diagnosis = await diagnoseSession(session, { store, sink, replyTimeoutMs: 1000 });
  const stuck = diagnosis.findings.find((f) => f.kind === 'req-stuck');
  assert.ok(stuck, diagnosis.findings.map((f) => f.title).join(' / '));
  const requestSeq = store.matchingSeqs({ sessionIds: [session.id], direction: 'out' })[0];
  assert.match(
    stuck.title,
    new RegExp(`^REQ stuck: request #${requestSeq} has had no reply for \\d+\\.\\d s, and its peer disconnected after receiving it$`),
  );
  assert.equal(stuck.numbers?.requestSeq, requestSeq);
  assert.equal(stuck.numbers?.peerDisconnected, 1);
  assert.ok(stuck.numbers!.waitedMs >= 1500);
  assert.deepEqual(
    stuck.evidence.map((e) => e.kind),
    ['message', 'event'],
  );
  assert.match(stuck.fix!, /Lazy Pirate/);
  // And the probe says nothing is there any more.
  assert.ok(diagnosis.findings.some((f) => f.kind === 'nothing-bound' && f.title === `Nothing answers at ${address}`));
  await manager.close(session.id);
});

test('a ROUTER service replying to a DEALER that left, through the tap: the dropped reply is counted and named', async () => {
  const [listen, service] = ['tcp://127.0.0.1:24634', 'tcp://127.0.0.1:24635'];
  await python(
    `
router = zmq.Context().socket(zmq.ROUTER)
router.bind(sys.argv[1])
print('READY', flush=True)
while True:
    frames = router.recv_multipart()
    time.sleep(0.5)  # the client is gone by now
    router.send_multipart(frames[:-1] + [b'reply:' + frames[-1]])
    print('REPLIED', flush=True)
`,
    [service],
  );
  const tap = await Tap.start({
    id: 'tap-rr',
    name: 'rr',
    pattern: 'request-reply',
    listen,
    upstream: service,
    sink,
    replyTimeoutMs: 60_000,
  });
  track(tap);
  const dealer = await python(
    `
d = zmq.Context().socket(zmq.DEALER)
d.setsockopt(zmq.LINGER, 1000)
d.connect(sys.argv[1])
print('READY', flush=True)
d.send_multipart([b'', b'job-1'])
time.sleep(0.1)
d.close()
print('GONE', flush=True)
`,
    [listen],
  );
  await dealer.waitForLine(/^GONE/);
  await waitUntil(() => tap.counters.undeliverable === 1, 'the tap sees the reply it cannot deliver', 5000);
  const diagnosis = diagnoseTap(tap, { store, sink });
  const dropped = diagnosis.findings.find((f) => f.kind === 'router-undeliverable');
  assert.equal(dropped?.title, 'The ROUTER service sent 1 reply to clients that had disconnected');
  assert.equal(dropped!.numbers?.undeliverable, 1);
  assert.equal(dropped!.evidence.length, 1);
  const evidence = dropped!.evidence[0];
  assert.equal(evidence.kind, 'message');
  const record = store.get((evidence as { seq: number }).seq)!;
  assert.equal(Buffer.from(record.frames.at(-1)!).toString(), 'reply:job-1');
  assert.match(evidence.text, /reply for routing id 0x[0-9a-f]+ at [\d:.]+, not delivered/);
  assert.ok(!diagnosis.findings.some((f) => f.kind === 'no-traffic'), 'a tap is not checked like a bound session');
});

test('two DEALERs with the same routing id on a ROUTER session: flagged, and not when the ids differ', async () => {
  const dealers = `
ctx = zmq.Context()
ids = sys.argv[2].split(',')
socks = []
for i in ids:
    d = ctx.socket(zmq.DEALER)
    d.setsockopt(zmq.IDENTITY, i.encode())
    d.connect(sys.argv[1])
    socks.append(d)
    time.sleep(0.2)
print('READY', flush=True)
for n in range(5):
    for k, d in enumerate(socks):
        d.send_multipart([b'from-%d' % k, b'%d' % n])
    time.sleep(0.05)
print('SENT', flush=True)
time.sleep(60)
`;
  const same = await manager.open({ name: 'router-dup', type: 'ROUTER', mode: 'bind', addresses: ['tcp://127.0.0.1:24636'] });
  const distinct = await manager.open({ name: 'router-ok', type: 'ROUTER', mode: 'bind', addresses: ['tcp://127.0.0.1:24637'] });
  await (await python(dealers, ['tcp://127.0.0.1:24636', 'worker,worker'])).waitForLine(/^SENT/);
  await (await python(dealers, ['tcp://127.0.0.1:24637', 'worker-a,worker-b'])).waitForLine(/^SENT/);
  await waitUntil(() => distinct.monitor.counters.messagesIn === 10, 'both distinct DEALERs heard');
  await delay(200);
  // The ROUTER kept the first "worker" and dropped every message of the second without a word.
  assert.equal(same.monitor.counters.messagesIn, 5);
  const flagged = (await diagnoseSession(same, { store, sink })).findings.find((f) => f.kind === 'duplicate-routing-id');
  assert.equal(flagged?.title, '2 peers are connected but only 1 routing id ("worker") ever sent: two peers may share a routing id');
  assert.deepEqual(flagged!.numbers, { connections: 2, routingIds: 1 });
  const clean = await diagnoseSession(distinct, { store, sink });
  assert.ok(!clean.findings.some((f) => f.kind === 'duplicate-routing-id'));
  assert.equal(clean.checks.find((c) => c.check.startsWith('The ROUTER delivers'))?.status, 'ok');
  await manager.close(same.id);
  await manager.close(distinct.id);
});
