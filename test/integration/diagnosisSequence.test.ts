// Losses, late joins, duplicates and reordering as sequence numbers show them, against real pyzmq
// publishers: every count is checked against what the publisher says it sent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnoseSession } from '../../src/core/diagnosis/diagnoseSession';
import type { Finding } from '../../src/core/diagnosis/findings';
import { parseSequenceField } from '../../src/core/diagnosis/sequenceField';
import { gapMarker } from '../../src/core/diagnosis/sequenceFindings';
import { diagnosisTestbed } from '../support/diagnosisTestbed';
import { delay, waitUntil } from '../support/peers';

const { store, sink, manager, python } = diagnosisTestbed({ maxMessages: 1_000_000, maxBytes: 256 * 1024 * 1024 });

function finding(findings: Finding[], kind: Finding['kind']): Finding {
  const found = findings.find((f) => f.kind === kind);
  assert.ok(found, `expected a ${kind} finding among: ${findings.map((f) => f.kind).join(', ')}`);
  return found;
}

/** Blocks this process's event loop, as a busy subscriber would: the session cannot read meanwhile. */
function stall(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

test('a PUB with SNDHWM 10 flooding a slow subscriber: the gaps add up exactly to what the publisher sent and we did not get', async (t) => {
  const address = 'tcp://127.0.0.1:24611';
  const publisher = await python(
    `
pub = zmq.Context().socket(zmq.PUB)
pub.sndhwm = 10
pub.sndbuf = 4096
pub.bind(sys.argv[1])
print('READY', flush=True)
sys.stdin.readline()
payload = b'x' * 1020
n = 0
for i in range(20000):
    n += 1
    pub.send(n.to_bytes(4, 'big') + payload)
time.sleep(3)
# A slow tail after the stall, so the last numbers are known to the subscriber.
for i in range(5):
    n += 1
    pub.send(n.to_bytes(4, 'big') + payload)
    time.sleep(0.05)
print('SENT', n, flush=True)
time.sleep(60)
`,
    [address],
  );
  const session = await manager.open({ name: 'hwm', type: 'SUB', mode: 'connect', addresses: [address], receiveHighWaterMark: 10 });
  const tracker = sink.track(session.id, parseSequenceField('u32be@0'));
  await waitUntil(() => session.state === 'connected', 'the SUB connects');
  await delay(300);
  publisher.process.stdin!.write('go\n');
  stall(1500);
  const sent = Number((await publisher.waitForLine(/^SENT \d+/)).split(' ')[1]);
  await waitUntil(() => tracker.report().publishers[0]?.last === sent, 'the last message arrives');
  const report = tracker.report();
  const received = session.monitor.counters.messagesIn;
  assert.equal(report.publishers[0].first, 1);
  assert.equal(report.totals.received, received);
  assert.ok(report.totals.missing > 0, 'the publisher dropped at its high-water mark');
  assert.equal(report.totals.received + report.totals.missing, sent, 'received + missing = sent, exactly');
  assert.equal(report.totals.duplicates + report.totals.reordered + report.totals.restarts, 0);

  const diagnosis = await diagnoseSession(session, { store, sink, sampleMs: 0 });
  const gaps = finding(diagnosis.findings, 'sequence-gaps');
  t.diagnostic(`sent ${sent}, received ${received}, ${gaps.title}`);
  assert.equal(gaps.numbers?.missing, sent - received);
  assert.equal(gaps.numbers?.gaps, report.gaps.length);
  assert.equal(gaps.numbers?.afterReconnect, 0);
  assert.match(gaps.title, new RegExp(`^${(sent - received).toLocaleString('en-US')} missing in `));
  assert.match(gaps.detail!, /send high-water mark \(SNDHWM\)/);
  // The inspector's marker sits on the message after each gap.
  const first = report.gaps[0];
  assert.deepEqual(tracker.gapBefore(first.beforeCaptureSeq), first);
  assert.equal(tracker.gapBefore(first.beforeCaptureSeq + 1), undefined);
  assert.match(gapMarker(first), /^⚠ [\d,]+ missing \(seq [\d,]+–[\d,]+\)$/);
  assert.ok(gaps.evidence.some((e) => e.kind === 'message' && e.text.includes(gapMarker(report.gaps.at(-1)!))));
  await manager.close(session.id);
  await publisher.kill();
});

test('a subscriber that connects after 500 messages: late joiner, first seq 501 (field proposed from the first messages)', async () => {
  const address = 'tcp://127.0.0.1:24612';
  const publisher = await python(
    `
pub = zmq.Context().socket(zmq.XPUB)
pub.bind(sys.argv[1])
print('READY', flush=True)
for n in range(1, 501):
    pub.send_multipart([b'tick', json.dumps({'seq': n, 'ts': time.time()}).encode()])
print('SENT 500', flush=True)
pub.recv()  # the first subscription
time.sleep(0.2)
for n in range(501, 601):
    pub.send_multipart([b'tick', json.dumps({'seq': n, 'ts': time.time()}).encode()])
    time.sleep(0.002)
print('SENT 600', flush=True)
time.sleep(60)
`,
    [address],
  );
  await publisher.waitForLine(/^SENT 500/);
  const session = await manager.open({ name: 'late', type: 'SUB', mode: 'connect', addresses: [address] });
  await publisher.waitForLine(/^SENT 600/);
  await waitUntil(() => session.monitor.counters.messagesIn === 100, 'messages 501-600');
  assert.equal(sink.propose(session.id)[0]?.text, 'json:seq');

  const diagnosis = await diagnoseSession(session, { store, sink, sampleMs: 0 });
  const late = finding(diagnosis.findings, 'late-joiner');
  assert.equal(late.title, 'Late joiner: the first 500 messages were published before this subscriber was connected (first seq 501)');
  assert.deepEqual(late.numbers, { firstSeq: 501, missedBefore: 500 });
  assert.ok(late.evidence.some((e) => e.kind === 'event' && (e.type === 'handshake' || e.type === 'connect')));
  assert.ok(!diagnosis.findings.some((f) => f.kind === 'sequence-gaps'), 'what came before the join is not a gap');
  await manager.close(session.id);
  await publisher.kill();
});

test('two publishers on one SUB, one duplicating and reordering: counted per publisher, no gap left', async () => {
  const [a, b] = ['tcp://127.0.0.1:24613', 'tcp://127.0.0.1:24614'];
  const script = `
pub = zmq.Context().socket(zmq.PUB)
pub.bind(sys.argv[1])
print('READY', flush=True)
sys.stdin.readline()
for n in json.loads(sys.argv[3]):
    pub.send(json.dumps({'pub': sys.argv[2], 'seq': n}).encode())
    time.sleep(0.003)
print('SENT', flush=True)
time.sleep(60)
`;
  const inOrder = Array.from({ length: 20 }, (_, i) => i + 1);
  const shuffled = [1, 2, 3, 3, 5, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
  const pubA = await python(script, [a, 'A', JSON.stringify(inOrder)]);
  const pubB = await python(script, [b, 'B', JSON.stringify(shuffled)]);
  const session = await manager.open({ name: 'two-pubs', type: 'SUB', mode: 'connect', addresses: [a, b] });
  const tracker = sink.track(session.id, parseSequenceField('json:seq'), {
    publisher: { kind: 'field', field: parseSequenceField('json:pub') },
  });
  await waitUntil(() => session.monitor.connectionCount === 2, 'connected to both');
  await delay(300);
  pubA.process.stdin!.write('go\n');
  pubB.process.stdin!.write('go\n');
  await Promise.all([pubA.waitForLine(/^SENT/), pubB.waitForLine(/^SENT/)]);
  await waitUntil(() => session.monitor.counters.messagesIn === inOrder.length + shuffled.length, 'all 41 messages');

  const byPublisher = Object.fromEntries(tracker.report().publishers.map((p) => [p.publisher, p]));
  assert.deepEqual([byPublisher.A.received, byPublisher.A.missing, byPublisher.A.duplicates, byPublisher.A.reordered], [20, 0, 0, 0]);
  assert.deepEqual(
    [byPublisher.B.received, byPublisher.B.missing, byPublisher.B.duplicates, byPublisher.B.reordered, byPublisher.B.gaps],
    [21, 0, 1, 1, 1],
  );
  const diagnosis = await diagnoseSession(session, { store, sink, sampleMs: 0 });
  assert.equal(finding(diagnosis.findings, 'sequence-duplicates').numbers?.duplicates, 1);
  assert.match(finding(diagnosis.findings, 'sequence-duplicates').evidence[0].text, /seq 3 again \(publisher "B"\)/);
  assert.equal(finding(diagnosis.findings, 'sequence-reordered').numbers?.reordered, 1);
  assert.match(finding(diagnosis.findings, 'sequence-reordered').evidence[0].text, /seq 4 after 5 \(publisher "B"\)/);
  assert.ok(!diagnosis.findings.some((f) => f.kind === 'sequence-gaps'), 'the late 4 filled its gap');
  await manager.close(session.id);
});
