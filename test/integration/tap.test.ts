// The tap between real peers (zeromq.js on one side, pyzmq on the other) in the other patterns (pub/sub,
// push/pull, pair): everything forwarded unchanged, everything recorded, and nothing left bound after close.
// Request-reply: tapRequestReply.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as zmq from 'zeromq';
import { Tap } from '../../src/core/tap/tap';
import { delay, waitUntil } from '../support/peers';
import { at, tapTestbed, text } from '../support/tapTestbed';

const { store, records, startTap, python, track } = tapTestbed();

test('PUB (pyzmq) → tap XSUB/XPUB → SUB (zeromq.js): subscriptions are forwarded, captured and filter upstream', async () => {
  await python(`
pub = zmq.Context().socket(zmq.PUB)
pub.bind("tcp://127.0.0.1:19531")
print("READY", flush=True)
while True:
    pub.send_multipart([b"a.price", b"1"])
    pub.send_multipart([b"b.price", b"2"])
    time.sleep(0.01)
`);
  await startTap('tap-ps', 'pub-sub', 19530, 19531);
  const subA = track(new zmq.Subscriber({ linger: 0 }));
  subA.connect(at(19530));
  subA.subscribe('a');
  for (let i = 0; i < 10; i++) {
    const [topic, value] = await subA.receive();
    assert.equal(topic.toString(), 'a.price');
    assert.equal(value.toString(), '1');
  }
  const captured = records('tap-ps');
  const subscription = captured.find((r) => r.direction === 'out');
  assert.ok(subscription, 'the subscription message was captured');
  assert.equal(Buffer.from(subscription!.frames[0]).toString('latin1'), '\x01a');
  assert.equal(subscription!.hasTopic, false);
  const publications = captured.filter((r) => r.direction === 'in');
  assert.ok(publications.length >= 10 && publications.every((r) => r.hasTopic));
  assert.ok(
    publications.every((r) => text(r.frames[0]) === 'a.price'),
    'the publisher filtered: only "a" topics reached the tap',
  );
  // A second subscriber, to "b": its subscription goes upstream too, and each SUB gets only its own topic.
  const subB = track(new zmq.Subscriber({ linger: 0 }));
  subB.connect(at(19530));
  subB.subscribe('b');
  for (let i = 0; i < 10; i++) assert.equal((await subB.receive())[0].toString(), 'b.price');
  for (let i = 0; i < 10; i++) assert.equal((await subA.receive())[0].toString(), 'a.price');
  assert.ok(records('tap-ps').some((r) => r.direction === 'out' && Buffer.from(r.frames[0]).toString('latin1') === '\x01b'));
});

test('PUSH (pyzmq) → tap → PULL workers (zeromq.js): 1000 messages delivered exactly once, 5-frame messages whole', async () => {
  await startTap('tap-pp', 'pipeline', 19540, 19541);
  const workers = [track(new zmq.Pull({ linger: 0 })), track(new zmq.Pull({ linger: 0 }))];
  const got: string[] = [];
  const perWorker = [0, 0];
  workers.forEach((worker, index) => {
    worker.connect(at(19540));
    void (async () => {
      for await (const frames of worker) {
        assert.deepEqual(
          frames.slice(1).map((f) => f.toString()),
          ['f1', '', 'f3', 'x'.repeat(300)],
        );
        got.push(frames[0].toString());
        perWorker[index]++;
      }
    })().catch(() => undefined);
  });
  await delay(200);
  await python(`
push = zmq.Context().socket(zmq.PUSH)
push.bind("tcp://127.0.0.1:19541")
print("READY", flush=True)
for i in range(1000):
    push.send_multipart([str(i).encode(), b"f1", b"", b"f3", b"x" * 300])
time.sleep(30)
`);
  await waitUntil(() => got.length === 1000, '1000 work items');
  await delay(100);
  assert.equal(got.length, 1000);
  assert.equal(new Set(got).size, 1000, 'no duplicates');
  assert.ok(perWorker[0] > 0 && perWorker[1] > 0, `both workers got work (${perWorker})`);
  const captured = records('tap-pp');
  assert.equal(captured.length, 1000);
  assert.ok(captured.every((r) => r.direction === 'in' && r.frames.length === 5 && r.frameSizes[4] === 300));
});

test('PAIR ↔ tap ↔ PAIR (pyzmq) and PUSH producers → tap → PULL sink (pyzmq): both directions', async () => {
  const pair = await python(`
p = zmq.Context().socket(zmq.PAIR)
p.bind("tcp://127.0.0.1:19581")
print("READY", flush=True)
while True:
    m = p.recv_multipart()
    p.send_multipart([b"pair:"] + m)
`);
  void pair;
  await startTap('tap-pair', 'pair', 19580, 19581);
  const client = track(new zmq.Pair({ linger: 0 }));
  client.connect(at(19580));
  await client.send(['x', 'y']);
  assert.deepEqual(
    (await client.receive()).map((f) => f.toString()),
    ['pair:', 'x', 'y'],
  );
  assert.deepEqual(
    records('tap-pair').map((r) => r.direction),
    ['out', 'in'],
  );

  const sink = await python(`
pull = zmq.Context().socket(zmq.PULL)
pull.bind("tcp://127.0.0.1:19591")
print("READY", flush=True)
n = 0
while n < 200:
    pull.recv()
    n += 1
print("SUNK", n, flush=True)
time.sleep(30)
`);
  await startTap('tap-sink', 'pipeline-sink', 19590, 19591);
  const producers = [track(new zmq.Push({ linger: 0 })), track(new zmq.Push({ linger: 0 }))];
  for (const producer of producers) producer.connect(at(19590));
  for (let i = 0; i < 100; i++) for (const producer of producers) await producer.send(`job ${i}`);
  await sink.waitForLine(/^SUNK 200$/);
  assert.equal(records('tap-sink').filter((r) => r.direction === 'out').length, 200);
});

test('the service restarted while the tap runs: messages flow again; closing frees the listen port', async () => {
  const script = `
rep = zmq.Context().socket(zmq.REP)
rep.bind("tcp://127.0.0.1:19551")
print("READY", flush=True)
while True:
    rep.send(b"up:" + rep.recv())
`;
  const first = await python(script);
  const tap = await startTap('tap-restart', 'request-reply', 19550, 19551);
  const dealer = track(new zmq.Dealer({ linger: 0 }));
  dealer.connect(at(19550));
  await dealer.send(['', 'one']);
  assert.equal((await dealer.receive()).at(-1)!.toString(), 'up:one');
  await first.kill();
  await delay(150);
  // Sent while the service is down: the tap holds it until the service is back.
  await dealer.send(['', 'two']);
  await delay(200);
  await python(script);
  assert.equal((await dealer.receive()).at(-1)!.toString(), 'up:two');
  await dealer.send(['', 'three']);
  assert.equal((await dealer.receive()).at(-1)!.toString(), 'up:three');
  assert.equal(tap.latency().count, 3);
  await tap.close();
  assert.equal(tap.isClosed, true);
  const rebind = track(new zmq.Router({ linger: 0 }));
  await rebind.bind(at(19550));
  // Closing twice is harmless.
  await tap.close();
});

test('bad addresses and a busy listen port are clear errors, and leave nothing bound', async () => {
  await assert.rejects(
    Tap.start({ id: 'x', name: 'x', pattern: 'pair', listen: 'tcp://127.0.0.1:99999', upstream: at(19561), sink: store }),
    /Listen address: .*out of range/,
  );
  await assert.rejects(
    Tap.start({ id: 'x', name: 'x', pattern: 'pair', listen: at(19560), upstream: 'tcp://*:19561', sink: store }),
    /Service address: /,
  );
  await assert.rejects(
    Tap.start({ id: 'x', name: 'x', pattern: 'pair', listen: at(19560), upstream: at(19560), sink: store }),
    /cannot listen on the service's own address/,
  );
  const holder = track(new zmq.Pair({ linger: 0 }));
  await holder.bind(at(19562));
  await assert.rejects(
    Tap.start({ id: 'x', name: 'x', pattern: 'pair', listen: at(19562), upstream: at(19563), sink: store }),
    /already in use/,
  );
  const free = track(new zmq.Pair({ linger: 0 }));
  await free.bind(at(19560));
});
