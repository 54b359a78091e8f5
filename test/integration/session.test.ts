// Sessions against real peers on 127.0.0.1: zeromq.js sockets and pyzmq (Debian python3-zmq).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import * as zmq from 'zeromq';
import { CaptureStore } from '../../src/core/capture/captureStore';
import { SessionManager } from '../../src/core/session/sessionManager';
import type { CaptureRecord } from '../../src/core/types';
import { delay, startPythonPeer, startPythonSocket, waitUntil, type PythonPeer } from '../support/peers';

const store = new CaptureStore({ maxMessages: 100_000, maxBytes: 64 * 1024 * 1024 });
const manager = new SessionManager(store);
const peers: PythonPeer[] = [];
const sockets: zmq.Socket[] = [];
after(async () => {
  await manager.dispose();
  for (const s of sockets) s.close();
  for (const p of peers) await p.kill();
});

function recordsOf(sessionId: string): CaptureRecord[] {
  return store.filter({ sessionIds: [sessionId] }).map((seq) => store.get(seq)!);
}

function text(frame: Uint8Array): string {
  return Buffer.from(frame).toString('utf8');
}

test('a SUB session sniffs a zeromq.js PUB with a topic filter', async () => {
  const pub = new zmq.Publisher({ linger: 0 });
  sockets.push(pub);
  await pub.bind('tcp://127.0.0.1:15001');
  const session = await manager.open({
    name: 'js-pub',
    type: 'SUB',
    mode: 'connect',
    addresses: ['tcp://127.0.0.1:15001'],
    subscriptions: ['ticks.'],
  });
  await waitUntil(() => session.state === 'connected', 'SUB connected');
  await delay(200); // the subscription travels to the PUB after the handshake
  for (let i = 0; i < 20; i++) {
    await pub.send(['ticks.AAPL', JSON.stringify({ i })]);
    await pub.send(['other', 'ignored']);
  }
  await waitUntil(() => recordsOf(session.id).length === 20, '20 ticks');
  await delay(100);
  const records = recordsOf(session.id);
  assert.equal(records.length, 20, 'only the subscribed topic is captured');
  assert.ok(records.every((r) => text(r.frames[0]) === 'ticks.AAPL' && r.hasTopic && r.direction === 'in'));
  assert.deepEqual(JSON.parse(text(records[19].frames[1])), { i: 19 });
  assert.equal(session.monitor.counters.messagesIn, 20);
  assert.ok(session.monitor.timeline().some((e) => e.type === 'handshake'));
  await manager.close(session.id);
});

test('a SUB session sniffs a pyzmq PUB, with two topic filters (text and hex)', async () => {
  const peer = await startPythonSocket(
    'PUB',
    'bind',
    'tcp://127.0.0.1:15002',
    `
n = 0
while True:
    pub.send_multipart([b"weather.paris", json.dumps({"n": n}).encode()])
    pub.send_multipart([b"\\x01bin", b"\\x00\\xff"])
    pub.send_multipart([b"sports", b"x"])
    n += 1
    time.sleep(0.01)
`,
  );
  peers.push(peer);
  const session = await manager.open({
    name: 'py-pub',
    type: 'SUB',
    mode: 'connect',
    addresses: ['tcp://127.0.0.1:15002'],
    subscriptions: ['weather.', 'hex:0162'],
  });
  await waitUntil(() => recordsOf(session.id).length >= 20, '20 messages from pyzmq');
  const topics = new Set(recordsOf(session.id).map((r) => Buffer.from(r.frames[0]).toString('latin1')));
  assert.deepEqual([...topics].sort(), ['\x01bin', 'weather.paris']);
  session.unsubscribe('weather.');
  assert.deepEqual(session.subscriptions, ['hex:0162']);
  await manager.close(session.id);
  await peer.kill();
});

test('a ROUTER session captures a zeromq.js DEALER and a pyzmq REQ, and replies to each by routing id', async () => {
  const session = await manager.open({ name: 'router', type: 'ROUTER', mode: 'bind', addresses: ['tcp://127.0.0.1:15003'] });
  const dealer = new zmq.Dealer({ routingId: 'js-dealer', linger: 0 });
  sockets.push(dealer);
  dealer.connect('tcp://127.0.0.1:15003');
  await dealer.send(['hello from dealer']);
  const peer = await startPythonPeer(`
ctx = zmq.Context()
req = ctx.socket(zmq.REQ)
req.setsockopt(zmq.IDENTITY, b"py-req")
req.connect("tcp://127.0.0.1:15003")
print("READY", flush=True)
req.send(b"hello from pyzmq")
print("REPLY", req.recv_multipart(), flush=True)
`);
  peers.push(peer);
  await waitUntil(() => recordsOf(session.id).length === 2, 'two requests');
  const byId = new Map(recordsOf(session.id).map((r) => [text(r.frames[0]), r]));
  assert.ok(byId.get('js-dealer')?.hasRoutingId);
  assert.equal(text(byId.get('js-dealer')!.frames.at(-1)!), 'hello from dealer');
  // REQ puts an empty delimiter frame between the envelope and the body.
  assert.deepEqual(byId.get('py-req')!.frames.map(text), ['py-req', '', 'hello from pyzmq']);
  assert.deepEqual([...session.monitor.routingPeers.values()].map((p) => p.idText).sort(), ['js-dealer', 'py-req']);

  await session.send([Buffer.from('py-req'), Buffer.alloc(0), Buffer.from('reply to py')]);
  await session.send([Buffer.from('reply to dealer')], { routingId: Buffer.from('js-dealer') });
  assert.match(await peer.waitForLine(/^REPLY/), /reply to py/);
  const [reply] = await dealer.receive();
  assert.equal(reply.toString(), 'reply to dealer');
  const out = recordsOf(session.id).filter((r) => r.direction === 'out');
  assert.equal(out.length, 2);
  await assert.rejects(session.send([Buffer.from('nobody'), Buffer.from('x')]), /no connected peer has that routing id/);
  await assert.rejects(session.send([Buffer.from('x')]), /starts with the routing id/);
  await manager.close(session.id);
});

test('a PULL session receives every message of a pyzmq PUSH', async () => {
  const session = await manager.open({ name: 'pull', type: 'PULL', mode: 'bind', addresses: ['tcp://127.0.0.1:15004'] });
  const peer = await startPythonSocket(
    'PUSH',
    'connect',
    'tcp://127.0.0.1:15004',
    `
for i in range(1000):
    push.send(str(i).encode())
print("SENT", flush=True)
time.sleep(30)
`,
  );
  peers.push(peer);
  await waitUntil(() => recordsOf(session.id).length === 1000, '1000 pipeline messages');
  const values = recordsOf(session.id).map((r) => Number(text(r.frames[0])));
  assert.deepEqual(
    values,
    Array.from({ length: 1000 }, (_, i) => i),
  );
  await assert.rejects(session.send([Buffer.from('x')]), /PULL socket cannot send/);
  await peer.kill();
  await manager.close(session.id);
});

test('a 5-frame multipart message arrives whole, and a REQ session gets the reply of a pyzmq REP', async () => {
  const peer = await startPythonSocket(
    'REP',
    'bind',
    'tcp://127.0.0.1:15005',
    `
while True:
    frames = rep.recv_multipart()
    rep.send_multipart([b"got %d frames" % len(frames)] + frames)
`,
  );
  peers.push(peer);
  const session = await manager.open({ name: 'req', type: 'REQ', mode: 'connect', addresses: ['tcp://127.0.0.1:15005'] });
  const frames = ['one', 'two', '', 'four', 'five'].map((s) => Buffer.from(s));
  const reply = await session.send(frames);
  assert.deepEqual(reply!.map(text), ['got 5 frames', 'one', 'two', '', 'four', 'five']);
  const records = recordsOf(session.id);
  assert.deepEqual(
    records.map((r) => [r.direction, r.frames.length]),
    [
      ['out', 5],
      ['in', 6],
    ],
  );
  await assert.rejects(session.nextMessage(100), /REQ socket receives only the reply/);
  await peer.kill();
  await manager.close(session.id);
});

test('a REQ whose service never answers times out, and the session can send again', async () => {
  const silent = new zmq.Router({ linger: 0 });
  sockets.push(silent);
  await silent.bind('tcp://127.0.0.1:15006');
  const session = await manager.open({ name: 'stuck-req', type: 'REQ', mode: 'connect', addresses: ['tcp://127.0.0.1:15006'] });
  await assert.rejects(session.send([Buffer.from('first')], { replyTimeoutMs: 300 }), /No reply within 0 s|No reply within/);
  // A correlating REQ sends [request id, empty delimiter, body]; the ROUTER adds the routing id.
  const first = await silent.receive();
  assert.equal(first.at(-1)!.toString(), 'first');
  const second = session.send([Buffer.from('second')], { replyTimeoutMs: 5000 });
  const again = await silent.receive();
  assert.equal(again.at(-1)!.toString(), 'second');
  await silent.send([again[0], ...again.slice(1, -1), Buffer.from('answer')]);
  assert.equal(text((await second)![0]), 'answer');
  await manager.close(session.id);
});

test('monitor events show a pyzmq peer killed and restarted, and capture resumes', async () => {
  const startPublisher = () =>
    startPythonSocket(
      'PUB',
      'bind',
      'tcp://127.0.0.1:15007',
      `
while True:
    pub.send(b"tick")
    time.sleep(0.01)
`,
    );
  let peer = await startPublisher();
  peers.push(peer);
  const session = await manager.open({
    name: 'restart',
    type: 'SUB',
    mode: 'connect',
    addresses: ['tcp://127.0.0.1:15007'],
    reconnectInterval: 50,
  });
  await waitUntil(() => session.monitor.counters.messagesIn > 5, 'first ticks');
  await peer.kill();
  await waitUntil(() => session.monitor.timeline().some((e) => e.type === 'disconnect'), 'disconnect event');
  await waitUntil(() => session.state === 'retrying', 'retrying state');
  const before = session.monitor.counters.messagesIn;
  peer = await startPublisher();
  peers.push(peer);
  await waitUntil(() => session.monitor.counters.messagesIn > before + 5, 'ticks after restart');
  assert.equal(session.state, 'connected');
  const types = session.monitor.timeline().map((e) => e.type);
  assert.ok(types.indexOf('disconnect') < types.lastIndexOf('handshake'), `timeline: ${types.join(',')}`);
  assert.ok(types.includes('connect:retry') || types.includes('connect:delay'), `timeline: ${types.join(',')}`);
  await peer.kill();
  await manager.close(session.id);
});

test('binding a port already in use is a clear error and leaves nothing open', async () => {
  const holder = new zmq.Publisher({ linger: 0 });
  sockets.push(holder);
  await holder.bind('tcp://127.0.0.1:15008');
  await assert.rejects(
    manager.open({ name: 'dup', type: 'PUB', mode: 'bind', addresses: ['tcp://127.0.0.1:15008'] }),
    /Cannot bind tcp:\/\/127.0.0.1:15008: the address is already in use/,
  );
  assert.equal(manager.findByName('dup'), undefined);
  await assert.rejects(manager.open({ name: 'bad', type: 'SUB', mode: 'connect', addresses: ['tcp://127.0.0.1:99999'] }), /out of range/);
  await assert.rejects(
    manager.open({ name: 'ipc', type: 'PULL', mode: 'bind', addresses: ['ipc:///nonexistent-dir/x.sock'] }),
    /Cannot bind ipc:\/\/\/nonexistent-dir\/x.sock/,
  );
});

test('closing a session frees its port at once, every time (libzmq closes listeners on its I/O thread)', async () => {
  // One round passed nearly always; 300 rounds on a busy machine failed 22 times before close() waited until
  // the port could be listened on again.
  for (let round = 0; round < 100; round++) {
    const session = await manager.open({ name: 'free', type: 'PUB', mode: 'bind', addresses: ['tcp://127.0.0.1:15009'] });
    await manager.close(session.id);
    const again = await manager.open({ name: 'free2', type: 'PUB', mode: 'bind', addresses: ['tcp://127.0.0.1:15009'] });
    assert.equal(again.monitor.state, 'listening', `round ${round}: the second session bound the port the first one freed`);
    await manager.close(again.id);
  }
});
