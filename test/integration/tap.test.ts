// The tap between real peers (zeromq.js on one side, pyzmq on the other): everything forwarded unchanged,
// everything recorded, requests paired with replies, and nothing left bound after close.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import * as zmq from 'zeromq';
import { CaptureStore } from '../../src/core/captureStore';
import { Tap } from '../../src/core/tap';
import { delay, startPythonPeer, waitUntil, type PythonPeer } from '../support/peers';

const store = new CaptureStore({ maxMessages: 100_000, maxBytes: 64 * 1024 * 1024 });
const peers: PythonPeer[] = [];
const sockets: zmq.Socket[] = [];
const taps: Tap[] = [];
after(async () => {
  for (const t of taps) await t.close();
  for (const s of sockets) s.close();
  for (const p of peers) await p.kill();
});

const at = (port: number) => `tcp://127.0.0.1:${port}`;
const records = (tapId: string) => store.filter({ sessionIds: [tapId] }).map((seq) => store.get(seq)!);

async function startTap(id: string, pattern: import('../../src/core/tap').TapPattern, listen: number, upstream: number, replyTimeoutMs?: number): Promise<Tap> {
  const tap = await Tap.start({ id, name: id, pattern, listen: at(listen), upstream: at(upstream), sink: store, replyTimeoutMs });
  taps.push(tap);
  return tap;
}

test('REQ (zeromq.js) → tap → REP (pyzmq): replies come back, each paired with its request and timed', async () => {
  const rep = await startPythonPeer(`
ctx = zmq.Context()
rep = ctx.socket(zmq.REP)
rep.bind("tcp://127.0.0.1:19501")
print("READY", flush=True)
while True:
    msg = rep.recv()
    rep.send(b"echo:" + msg)
`);
  peers.push(rep);
  const tap = await startTap('tap-rr', 'request-reply', 19500, 19501);
  const req = new zmq.Request({ linger: 0 });
  sockets.push(req);
  req.connect(at(19500));
  for (let i = 0; i < 20; i++) {
    await req.send(`ping ${i}`);
    const [reply] = await req.receive();
    assert.equal(reply.toString(), `echo:ping ${i}`);
  }
  const captured = records('tap-rr');
  assert.equal(captured.length, 40);
  const requests = captured.filter((r) => r.direction === 'out');
  const replies = captured.filter((r) => r.direction === 'in');
  assert.equal(requests.length, 20);
  assert.equal(requests[0].tag, 'client→service');
  assert.equal(Buffer.from(requests[0].frames.at(-1)!).toString(), 'ping 0');
  for (let i = 0; i < 20; i++) {
    const correlation = tap.correlation(replies[i].seq)!;
    assert.equal(correlation.pairSeq, requests[i].seq);
    assert.ok(correlation.rttMs >= 0 && correlation.rttMs < 5000);
  }
  const latency = tap.latency();
  assert.equal(latency.count, 20);
  assert.ok(latency.p50 <= latency.p99 && latency.p99 <= latency.max);
  assert.equal(latency.histogram.reduce((n, b) => n + b.count, 0), 20);
});

test('a request the service never answers is flagged as unanswered', async () => {
  const silent = new zmq.Router({ linger: 0 });
  sockets.push(silent);
  await silent.bind(at(19511));
  const flagged: number[] = [];
  const tap = await Tap.start({ id: 'tap-hang', name: 'tap-hang', pattern: 'request-reply', listen: at(19510), upstream: at(19511), sink: store, replyTimeoutMs: 200, onUnanswered: (u) => flagged.push(u.seq) });
  taps.push(tap);
  const req = new zmq.Request({ linger: 0 });
  sockets.push(req);
  req.connect(at(19510));
  await req.send('hello?');
  await waitUntil(() => flagged.length === 1, 'the request flagged');
  assert.equal(tap.unanswered()[0].seq, records('tap-hang')[0].seq);
});

test('DEALER (pyzmq) clients → tap → ROUTER (zeromq.js): routing ids preserved, each reply to its own client', async () => {
  const router = new zmq.Router({ linger: 0 });
  sockets.push(router);
  await router.bind(at(19521));
  void (async () => {
    for await (const [tapId, clientId, body] of router) await router.send([tapId, clientId, Buffer.concat([Buffer.from('for '), clientId, Buffer.from(': '), body])]);
  })();
  const tap = await startTap('tap-dr', 'request-reply', 19520, 19521);
  const clients = await startPythonPeer(`
ctx = zmq.Context()
socks = []
for name in [b"alice", b"bob", b"carol"]:
    d = ctx.socket(zmq.DEALER)
    d.setsockopt(zmq.IDENTITY, name)
    d.connect("tcp://127.0.0.1:19520")
    socks.append((name, d))
print("READY", flush=True)
time.sleep(0.3)
for name, d in socks:
    d.send(b"hi from " + name)
for name, d in socks:
    print("GOT", name.decode(), d.recv().decode(), flush=True)
time.sleep(30)
`);
  peers.push(clients);
  for (const name of ['alice', 'bob', 'carol']) assert.match(await clients.waitForLine(new RegExp(`^GOT ${name}`)), new RegExp(`GOT ${name} for ${name}: hi from ${name}`));
  const replies = records('tap-dr').filter((r) => r.direction === 'in');
  assert.deepEqual(replies.map((r) => Buffer.from(r.frames[0]).toString()).sort(), ['alice', 'bob', 'carol']);
  assert.equal(tap.latency().count, 3);
});

test('PUB (pyzmq) → tap XSUB/XPUB → SUB (zeromq.js): subscriptions are forwarded and filter upstream', async () => {
  const pub = await startPythonPeer(`
ctx = zmq.Context()
pub = ctx.socket(zmq.PUB)
pub.bind("tcp://127.0.0.1:19531")
print("READY", flush=True)
while True:
    pub.send_multipart([b"a.price", b"1"])
    pub.send_multipart([b"b.price", b"2"])
    time.sleep(0.01)
`);
  peers.push(pub);
  await startTap('tap-ps', 'pub-sub', 19530, 19531);
  const sub = new zmq.Subscriber({ linger: 0 });
  sockets.push(sub);
  sub.connect(at(19530));
  sub.subscribe('a');
  for (let i = 0; i < 10; i++) {
    const [topic] = await sub.receive();
    assert.equal(topic.toString(), 'a.price');
  }
  const captured = records('tap-ps');
  const subscription = captured.find((r) => r.direction === 'out');
  assert.ok(subscription, 'the subscription message was captured');
  assert.equal(Buffer.from(subscription!.frames[0]).toString('latin1'), '\x01a');
  assert.ok(captured.filter((r) => r.direction === 'in').every((r) => Buffer.from(r.frames[0]).toString() === 'a.price'), 'the publisher filtered: only "a" topics reached the tap');
});

test('PUSH (pyzmq) → tap → PULL workers (zeromq.js): every message delivered exactly once, 5-frame messages whole', async () => {
  await startTap('tap-pp', 'pipeline', 19540, 19541);
  const workers = [new zmq.Pull({ linger: 0 }), new zmq.Pull({ linger: 0 })];
  const got: string[] = [];
  for (const w of workers) {
    sockets.push(w);
    w.connect(at(19540));
    void (async () => {
      for await (const frames of w) {
        assert.equal(frames.length, 5);
        got.push(frames[0].toString());
      }
    })();
  }
  await delay(200);
  const push = await startPythonPeer(`
ctx = zmq.Context()
push = ctx.socket(zmq.PUSH)
push.bind("tcp://127.0.0.1:19541")
print("READY", flush=True)
for i in range(1000):
    push.send_multipart([str(i).encode(), b"f1", b"", b"f3", b"f4"])
time.sleep(30)
`);
  peers.push(push);
  await waitUntil(() => got.length === 1000, '1000 work items');
  await delay(100);
  assert.equal(got.length, 1000);
  assert.equal(new Set(got).size, 1000, 'no duplicates');
  assert.equal(records('tap-pp').length, 1000);
  assert.ok(records('tap-pp').every((r) => r.frames.length === 5));
});

test('the service restarted while the tap runs: messages flow again; closing frees the listen port', async () => {
  const script = `
ctx = zmq.Context()
rep = ctx.socket(zmq.REP)
rep.bind("tcp://127.0.0.1:19551")
print("READY", flush=True)
while True:
    rep.send(b"up:" + rep.recv())
`;
  let service = await startPythonPeer(script);
  peers.push(service);
  const tap = await startTap('tap-restart', 'request-reply', 19550, 19551);
  const dealer = new zmq.Dealer({ linger: 0 });
  sockets.push(dealer);
  dealer.connect(at(19550));
  await dealer.send(['', 'one']);
  assert.equal((await dealer.receive()).at(-1)!.toString(), 'up:one');
  await service.kill();
  service = await startPythonPeer(script);
  peers.push(service);
  await delay(300);
  await dealer.send(['', 'two']);
  assert.equal((await dealer.receive()).at(-1)!.toString(), 'up:two');
  await tap.close();
  const rebind = new zmq.Router({ linger: 0 });
  sockets.push(rebind);
  await rebind.bind(at(19550));
});

test('bad addresses and a busy listen port are clear errors', async () => {
  await assert.rejects(Tap.start({ id: 'x', name: 'x', pattern: 'pair', listen: 'tcp://127.0.0.1:99999', upstream: at(19561), sink: store }), /Listen address: .*out of range/);
  await assert.rejects(Tap.start({ id: 'x', name: 'x', pattern: 'pair', listen: at(19560), upstream: at(19560), sink: store }), /cannot listen on the service's own address/);
  const holder = new zmq.Pair({ linger: 0 });
  sockets.push(holder);
  await holder.bind(at(19562));
  await assert.rejects(Tap.start({ id: 'x', name: 'x', pattern: 'pair', listen: at(19562), upstream: at(19563), sink: store }), /already in use/);
});
