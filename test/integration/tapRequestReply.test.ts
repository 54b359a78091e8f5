// The tap in request-reply patterns between real peers (zeromq.js and pyzmq): replies back to their own
// clients, each paired with its request and timed; unanswered and undeliverable replies; back-pressure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as zmq from 'zeromq';
import { delay, waitUntil } from '../support/peers';
import { at, tapTestbed, text } from '../support/tapTestbed';

const { store, records, startTap, python, track } = tapTestbed();

test('REQ (zeromq.js) → tap → REP (pyzmq): replies come back, each paired with its request and timed', async () => {
  await python(`
rep = zmq.Context().socket(zmq.REP)
rep.bind("tcp://127.0.0.1:19501")
print("READY", flush=True)
while True:
    msg = rep.recv()
    rep.send(b"echo:" + msg)
`);
  const tap = await startTap('tap-rr', 'req-rep', 19500, 19501);
  assert.equal(tap.pattern, 'request-reply');
  assert.equal(tap.listen, at(19500));
  const req = track(new zmq.Request({ linger: 0 }));
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
  assert.equal(replies[0].tag, 'service→client');
  assert.ok(captured.every((r) => r.hasRoutingId));
  // The whole envelope is captured: [client routing id, "", body].
  assert.equal(requests[0].frames.length, 3);
  assert.equal(requests[0].frames[1].length, 0);
  assert.equal(text(requests[0].frames[2]), 'ping 0');
  for (let i = 0; i < 20; i++) {
    const correlation = tap.correlation(replies[i].seq)!;
    assert.equal(correlation.pairSeq, requests[i].seq);
    assert.ok(correlation.rttMs > 0 && correlation.rttMs < 5000, `rtt ${correlation.rttMs}`);
    assert.equal(correlation.role, 'reply');
    assert.deepEqual(tap.correlation(requests[i].seq), { role: 'request', pairSeq: replies[i].seq, rttMs: correlation.rttMs });
  }
  const latency = tap.latency();
  assert.equal(latency.count, 20);
  assert.ok(latency.p50 > 0 && latency.p50 <= latency.p90 && latency.p90 <= latency.p99 && latency.p99 <= latency.max);
  assert.equal(
    latency.histogram.reduce((n, b) => n + b.count, 0),
    20,
  );
  assert.deepEqual(tap.unanswered(), []);
  assert.equal(tap.counters.toService, 20);
  assert.equal(tap.counters.toClients, 20);
});

test('a request the service never answers is flagged; a late reply clears the flag and is timed', async () => {
  const service = track(new zmq.Router({ linger: 0 }));
  await service.bind(at(19511));
  const flagged: number[] = [];
  const tap = await startTap('tap-hang', 'request-reply', 19510, 19511, { replyTimeoutMs: 200, onUnanswered: (u) => flagged.push(u.seq) });
  const req = track(new zmq.Request({ linger: 0 }));
  req.connect(at(19510));
  await req.send('hello?');
  const request = await service.receive();
  await waitUntil(() => flagged.length === 1, 'the request flagged');
  const [requestRecord] = records('tap-hang');
  assert.equal(flagged[0], requestRecord.seq);
  const [stuck] = tap.unanswered();
  assert.equal(stuck.seq, requestRecord.seq);
  assert.equal(stuck.clientIdHex, Buffer.from(requestRecord.frames[0]).toString('hex'));
  assert.ok(stuck.ageMs >= 200);
  await delay(300);
  assert.equal(flagged.length, 1, 'flagged once');
  // The service finally answers: [tap's routing id, client envelope..., body].
  await service.send([...request.slice(0, -1), Buffer.from('sorry, late')]);
  assert.equal((await req.receive())[0].toString(), 'sorry, late');
  await waitUntil(() => tap.unanswered().length === 0, 'the flag cleared');
  assert.ok(tap.correlation(requestRecord.seq)!.rttMs >= 500);
});

test('a reply for a client that left is counted as undeliverable (and still captured)', async () => {
  const service = track(new zmq.Router({ linger: 0 }));
  await service.bind(at(19516));
  const tap = await startTap('tap-gone', 'request-reply', 19515, 19516);
  const client = new zmq.Dealer({ linger: 0 });
  client.connect(at(19515));
  await client.send(['', 'anyone?']);
  const request = await service.receive();
  client.close();
  await delay(200);
  await service.send([...request.slice(0, -1), Buffer.from('too late')]);
  await waitUntil(() => tap.counters.undeliverable === 1, 'the reply counted as undeliverable');
  const reply = records('tap-gone').find((r) => r.direction === 'in')!;
  assert.match(reply.tag!, /undeliverable/);
  assert.equal(text(reply.frames.at(-1)!), 'too late');
  assert.match(tap.lastError!, /disconnected before the service answered/);
});

test('a slow client pushes back through the tap: no reply lost when its queue is full', async () => {
  // Mandatory: the service's own ROUTER waits instead of dropping when the tap's queue is full.
  const service = track(new zmq.Router({ linger: 0, mandatory: true }));
  await service.bind(at(19518));
  const tap = await startTap('tap-slow', 'request-reply', 19517, 19518, { highWaterMark: 10 });
  const client = track(new zmq.Dealer({ linger: 0, receiveHighWaterMark: 10 }));
  client.connect(at(19517));
  await client.send(['', 'stream please']);
  const request = await service.receive();
  // 2000 replies of 10 kB (more than the kernel's socket buffers hold) to a client that is not reading yet.
  const chunk = Buffer.alloc(10_000, 1);
  const streaming = (async () => {
    for (let i = 0; i < 2000; i++) await service.send([...request.slice(0, -1), Buffer.from(String(i)), chunk]);
  })();
  await delay(500);
  assert.ok(tap.counters.toClients < 2000, 'the tap is held back by the client');
  for (let i = 0; i < 2000; i++) assert.equal((await client.receive()).at(-2)!.toString(), String(i));
  await streaming;
  assert.equal(tap.counters.undeliverable, 0);
});

test(
  'DEALER clients (pyzmq) → tap → ROUTER (zeromq.js): routing ids preserved, ' +
    'each reply to its own client, out-of-order replies paired by envelope',
  async () => {
    const router = track(new zmq.Router({ linger: 0 }));
    await router.bind(at(19521));
    const tap = await startTap('tap-dr', 'dealer-router', 19520, 19521);
    // The service collects all 9 requests, then answers them in reverse order.
    void (async () => {
      const received: Buffer[][] = [];
      for await (const message of router) {
        received.push(message);
        if (received.length < 9) continue;
        for (const [tapId, clientId, requestId, delimiter, body] of received.reverse()) {
          await router.send([
            tapId,
            clientId,
            requestId,
            delimiter,
            Buffer.concat([Buffer.from('for '), clientId, Buffer.from(': '), body]),
          ]);
        }
      }
    })().catch(() => undefined);
    const clients = await python(`
ctx = zmq.Context()
socks = []
for name in [b"alice", b"bob", b"carol"]:
    d = ctx.socket(zmq.DEALER)
    d.setsockopt(zmq.IDENTITY, name)
    d.connect("tcp://127.0.0.1:19520")
    socks.append((name, d))
print("READY", flush=True)
time.sleep(0.3)
for i in range(3):
    for name, d in socks:
        d.send_multipart([b"r%d" % i, b"", b"hi %d from " % i + name])
for name, d in socks:
    got = [d.recv_multipart() for _ in range(3)]
    print("GOT", name.decode(), json.dumps([[f.decode() for f in m] for m in got]), flush=True)
time.sleep(30)
`);
    for (const name of ['alice', 'bob', 'carol']) {
      const line = await clients.waitForLine(new RegExp(`^GOT ${name} `));
      const got = JSON.parse(line.slice(`GOT ${name} `.length)) as string[][];
      assert.deepEqual(
        got,
        [2, 1, 0].map((i) => [`r${i}`, '', `for ${name}: hi ${i} from ${name}`]),
        `${name} got only its own replies, whole`,
      );
    }
    const captured = records('tap-dr');
    const requests = captured.filter((r) => r.direction === 'out');
    const replies = captured.filter((r) => r.direction === 'in');
    assert.equal(requests.length, 9);
    assert.equal(replies.length, 9);
    assert.deepEqual(
      [...new Set(replies.map((r) => text(r.frames[0])))].sort(),
      ['alice', 'bob', 'carol'],
      'the DEALER identities are the routing ids',
    );
    for (const reply of replies) {
      const request = store.get(tap.correlation(reply.seq)!.pairSeq)!;
      assert.equal(text(request.frames[0]), text(reply.frames[0]), 'same client');
      assert.equal(text(request.frames[1]), text(reply.frames[1]), 'same request id');
    }
    assert.equal(tap.latency().count, 9);
  },
);

test('a 5-frame request with empty and large frames goes through request-reply byte for byte', async () => {
  await python(`
rep = zmq.Context().socket(zmq.REP)
rep.bind("tcp://127.0.0.1:19571")
print("READY", flush=True)
while True:
    rep.send_multipart(list(reversed(rep.recv_multipart())))
`);
  await startTap('tap-5', 'request-reply', 19570, 19571);
  const req = track(new zmq.Request({ linger: 0 }));
  req.connect(at(19570));
  const frames = [Buffer.from('one'), Buffer.alloc(0), Buffer.from([0, 255, 1, 254]), Buffer.alloc(200_000, 7), Buffer.from('five')];
  await req.send(frames);
  const reply = await req.receive();
  assert.equal(reply.length, 5);
  assert.deepEqual(reply, [...frames].reverse());
  const [request, captured] = records('tap-5');
  assert.deepEqual(request.frameSizes.slice(2), [3, 0, 4, 200_000, 4], 'envelope + 5 frames captured');
  assert.deepEqual(captured.frameSizes.slice(2), [4, 200_000, 4, 0, 3]);
});
