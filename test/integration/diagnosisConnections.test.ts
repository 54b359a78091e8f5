// What the tap sees per client connection, with real pyzmq subscribers: ZMTP heartbeats on the one that
// sets ZMQ_HEARTBEAT_IVL and none on the one that does not, and which subscriber holds which prefixes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as zmq from 'zeromq';
import { CaptureStore } from '../../src/core/capture/captureStore';
import { connectionLines } from '../../src/core/diagnosis/connectionFindings';
import { diagnoseTap } from '../../src/core/diagnosis/diagnoseSession';
import { DiagnosisSink } from '../../src/core/diagnosis/diagnosisSink';
import { renderDiagnosis } from '../../src/core/diagnosis/diagnosisReport';
import { Tap } from '../../src/core/tap/tap';
import type { WireConnection } from '../../src/core/tap/wireRelay';
import { startPythonPeer, waitUntil, type PythonPeer } from '../support/peers';

const PUBLISHER = 'tcp://127.0.0.1:24641';
const TAP = 'tcp://127.0.0.1:24640';
const store = new CaptureStore({ maxMessages: 100_000, maxBytes: 16 * 1024 * 1024 });
const sink = new DiagnosisSink(store);
const publisher = new zmq.Publisher({ linger: 0 });
let tap: Tap;
let subscribers: PythonPeer;
let publishing: NodeJS.Timeout;

before(async () => {
  await publisher.bind(PUBLISHER);
  let n = 0;
  publishing = setInterval(() => {
    for (const topic of ['tick', 'tock', 'news']) void publisher.send([`${topic}.${n}`, String(n)]).catch(() => undefined);
    n++;
  }, 10);
  tap = await Tap.start({ id: 'conn-tap', name: 'conn-tap', pattern: 'pub-sub', listen: TAP, upstream: PUBLISHER, sink });
  sink.mapSubscriptions(tap.id, 'out');
  // Two subscribers in one process: "hb" pings every 100 ms and takes "tick"; "quiet" sets no heartbeat and
  // takes "tock" and "news". Each prints what it received, so the test knows both are live.
  subscribers = await startPythonPeer(
    `
ctx = zmq.Context()
hb = ctx.socket(zmq.SUB)
hb.setsockopt(zmq.HEARTBEAT_IVL, 100)
hb.setsockopt(zmq.HEARTBEAT_TIMEOUT, 1000)
hb.setsockopt(zmq.HEARTBEAT_TTL, 2000)
hb.setsockopt(zmq.SUBSCRIBE, b"tick")
hb.connect(sys.argv[1])
quiet = ctx.socket(zmq.SUB)
quiet.setsockopt(zmq.SUBSCRIBE, b"tock")
quiet.setsockopt(zmq.SUBSCRIBE, b"news")
quiet.connect(sys.argv[1])
print("READY", flush=True)
poller = zmq.Poller()
poller.register(hb, zmq.POLLIN)
poller.register(quiet, zmq.POLLIN)
seen = set()
while True:
    for sock, _ in poller.poll(1000):
        topic = sock.recv_multipart()[0].split(b".")[0]
        name = "hb" if sock is hb else "quiet"
        if (name, topic) not in seen:
            seen.add((name, topic))
            print("GOT", name, topic.decode(), flush=True)
`,
    [TAP],
  );
  await subscribers.waitForLine(/^GOT hb tick/);
  await subscribers.waitForLine(/^GOT quiet tock/);
  await subscribers.waitForLine(/^GOT quiet news/);
});

after(async () => {
  clearInterval(publishing);
  await subscribers?.kill();
  await tap?.close();
  publisher.close();
});

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
const holding = (prefix: string) => (c: WireConnection) => !c.closedMs && c.subscriptions.some((s) => text(s.prefix) === prefix);

test('heartbeats through the tap: the SUB with ZMQ_HEARTBEAT_IVL 100 ms is seen pinging, the one without is named as having none', async () => {
  await waitUntil(() => (tap.connections().find(holding('tick'))?.pingsFromPeer ?? 0) >= 5, 'five PINGs from the heartbeating SUB');
  const connections = tap.connections().filter((c) => !c.closedMs);
  assert.equal(connections.length, 2);
  const hb = connections.find(holding('tick'))!;
  const quiet = connections.find(holding('tock'))!;
  assert.equal(hb.socketType, 'SUB');
  assert.equal(hb.version, '3.1');
  assert.equal(hb.mechanism, 'NULL');
  // libzmq answers every PING with a PONG; one may be on its way back as the test looks.
  assert.ok(hb.pongsToPeer >= hb.pingsFromPeer - 1 && hb.pongsToPeer > 0, `${hb.pingsFromPeer} PINGs, ${hb.pongsToPeer} PONGs`);
  assert.ok(hb.peerPingIntervalMs! >= 50 && hb.peerPingIntervalMs! <= 400, `interval ${hb.peerPingIntervalMs} ms`);
  // ZMQ_HEARTBEAT_TTL 2000 ms goes out in each PING (in tenths of a second).
  assert.equal(hb.peerTtlMs, 2000);
  assert.equal(quiet.pingsFromPeer, 0);
  assert.equal(quiet.pongsToPeer, 0);
  assert.ok(quiet.messagesToPeer > 0, 'publications reached the quiet subscriber through the relay');

  const diagnosis = await diagnoseTap(tap, { store, sink });
  const seen = diagnosis.findings.find((f) => f.kind === 'heartbeats-seen');
  const none = diagnosis.findings.find((f) => f.kind === 'no-heartbeats');
  assert.ok(seen && none, diagnosis.findings.map((f) => f.title).join(' / '));
  assert.equal(seen.title, `ZMTP heartbeats seen on 1 of 2 connections: ${hb.peer} (SUB)`);
  assert.equal(seen.numbers?.connections, 1);
  assert.ok(seen.numbers!.pings >= 5);
  assert.equal(none.title, `No ZMTP heartbeat on 1 of 2 connections: ${quiet.peer} (SUB)`);
  assert.match(none.fix!, /ZMQ_HEARTBEAT_IVL/);
  assert.match(seen.evidence[0].text, /♥ \d+ PING every \d+ ms \/ \d+ PONG; idle \d+ ms/);

  const lines = connectionLines({ watched: true, connections: tap.connections() }, Date.now());
  const hbLine = lines.find((l) => l.label === `${hb.peer} (SUB)`)!;
  assert.match(hbLine.description, /^♥ \d+ PING every \d+ ms \/ \d+ PONG · idle \d+ ms · subscribes "tick" \(74 69 63 6b\) since /);
  const quietLine = lines.find((l) => l.label === `${quiet.peer} (SUB)`)!;
  assert.match(quietLine.description, /^no ZMTP heartbeat · idle /);
});

test('subscriptions per subscriber through the tap: each SUB named with its own prefixes, bytes and time', async () => {
  const connections = tap.connections().filter((c) => !c.closedMs);
  const hb = connections.find(holding('tick'))!;
  const quiet = connections.find(holding('tock'))!;
  assert.deepEqual(
    hb.subscriptions.map((s) => text(s.prefix)),
    ['tick'],
  );
  assert.deepEqual(quiet.subscriptions.map((s) => text(s.prefix)).sort(), ['news', 'tock']);
  for (const c of [hb, quiet]) for (const s of c.subscriptions) assert.ok(s.sinceMs >= c.openedMs && s.sinceMs - c.openedMs < 1000);

  const diagnosis = await diagnoseTap(tap, { store, sink });
  const perSubscriber = diagnosis.findings.filter((f) => f.kind === 'subscriber-subscriptions').map((f) => f.title);
  assert.deepEqual(
    perSubscriber.sort(),
    [
      `${hb.peer} (SUB) subscribes to "tick" (74 69 63 6b)`,
      `${quiet.peer} (SUB) subscribes to ${quiet.subscriptions
        .map(
          (s) =>
            `"${text(s.prefix)}" (${Buffer.from(s.prefix)
              .toString('hex')
              .replace(/(..)(?!$)/g, '$1 ')})`,
        )
        .join(', ')}`,
    ].sort(),
  );
  const report = renderDiagnosis('conn-tap', diagnosis, Date.now());
  assert.match(report, /✓ Who subscribes to what \(per subscriber, through the tap\)/);
  assert.match(report, /· "tick" \(74 69 63 6b\) since \d\d:\d\d:\d\d\.\d{3} \(\d+ ms after connecting\)/);

  // The subscriber leaves: its connection closes, and the tap's map (counted holders) lets "tick" go.
  await subscribers.kill();
  await waitUntil(() => tap.connections().filter((c) => !c.closedMs).length === 0, 'both connections closed');
  const closed = tap.connections().find((c) => c.peer === hb.peer)!;
  assert.ok(closed.closedMs! >= closed.openedMs);
  assert.deepEqual(
    connectionLines({ watched: true, connections: tap.connections() }, Date.now()).map((l) => l.label),
    ['No client connected'],
  );
});
