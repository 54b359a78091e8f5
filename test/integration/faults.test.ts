// Faults the inspector must survive with nothing lost: a peer killed mid-multipart, a reconnect storm,
// a capture budget exceeded during a flood, a 100 MB frame, and shutdown while sockets are busy.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import * as zmq from 'zeromq';
import { CaptureStore } from '../../src/core/capture/captureStore';
import { SessionManager } from '../../src/core/session/sessionManager';
import { delay, startPythonPeer, startPythonSocket, waitUntil, type PythonPeer } from '../support/peers';

const peers: PythonPeer[] = [];
const sockets: zmq.Socket[] = [];
after(async () => {
  for (const s of sockets) s.close();
  for (const p of peers) await p.kill();
});
const at = (port: number) => `tcp://127.0.0.1:${port}`;

test('a peer killed in the middle of a multipart message delivers nothing partial', async () => {
  const store = new CaptureStore({ maxMessages: 1000, maxBytes: 1 << 20 });
  const manager = new SessionManager(store);
  const session = await manager.open({ name: 'pull', type: 'PULL', mode: 'bind', addresses: [at(15101)] });
  const dying = await startPythonPeer(`
import os
ctx = zmq.Context()
push = ctx.socket(zmq.PUSH)
push.connect("tcp://127.0.0.1:15101")
print("READY", flush=True)
push.send_multipart([b"whole", b"message"])
time.sleep(0.3)
push.send(b"part-1", zmq.SNDMORE)
push.send(b"part-2", zmq.SNDMORE)
time.sleep(0.3)
os._exit(0)
`);
  peers.push(dying);
  await new Promise((resolve) => dying.process.once('exit', resolve));
  const healthy = await startPythonSocket(
    'PUSH',
    'connect',
    'tcp://127.0.0.1:15101',
    `
push.send_multipart([b"after", b"restart"])
time.sleep(30)
`,
  );
  peers.push(healthy);
  await waitUntil(() => store.size === 2, 'two whole messages');
  await delay(200);
  const messages = store.filter({}).map((seq) => store.get(seq)!.frames.map((f) => Buffer.from(f).toString()));
  assert.deepEqual(messages, [
    ['whole', 'message'],
    ['after', 'restart'],
  ]);
  assert.equal(session.monitor.counters.messagesIn, 2);
  await manager.dispose();
});

test('a publisher restarted 50 times in a row: the storm is in the timeline and capture resumes', async () => {
  const store = new CaptureStore({ maxMessages: 10_000, maxBytes: 1 << 24 });
  const manager = new SessionManager(store);
  const session = await manager.open({
    name: 'storm',
    type: 'SUB',
    mode: 'connect',
    addresses: [at(15102)],
    reconnectInterval: 10,
    reconnectMaxInterval: 20,
  });
  for (let i = 0; i < 50; i++) {
    const pub = new zmq.Publisher({ linger: 0 });
    await pub.bind(at(15102));
    await waitUntil(() => session.state === 'connected', `connection ${i + 1}`);
    await pub.unbind(at(15102));
    pub.close();
    await waitUntil(() => session.state === 'retrying', `disconnect ${i + 1}`);
  }
  const timeline = session.monitor.timeline();
  const count = (type: string) => timeline.filter((e) => e.type === type).reduce((n, e) => n + (e.repeat ?? 1), 0);
  assert.ok(count('disconnect') >= 50, `disconnects in the timeline: ${count('disconnect')}`);
  assert.ok(count('handshake') >= 50, `handshakes in the timeline: ${count('handshake')}`);
  const pub = new zmq.Publisher({ linger: 0 });
  sockets.push(pub);
  await pub.bind(at(15102));
  await waitUntil(() => session.state === 'connected', 'the 51st connection');
  await delay(200);
  for (let i = 0; i < 10; i++) await pub.send(['after-storm', String(i)]);
  await waitUntil(() => store.size === 10, 'capture after the storm');
  await manager.dispose();
});

test('a flood beyond the capture budget: the oldest are dropped and counted, nothing else is lost', async () => {
  const store = new CaptureStore({ maxMessages: 1000, maxBytes: 1 << 24 });
  const manager = new SessionManager(store);
  const session = await manager.open({ name: 'flood', type: 'PULL', mode: 'bind', addresses: [at(15103)] });
  const push = new zmq.Push({ linger: 0 });
  sockets.push(push);
  push.connect(at(15103));
  const total = 20_000;
  for (let i = 0; i < total; i++) await push.send(Buffer.from(String(i).padStart(8, '0')));
  await waitUntil(() => session.monitor.counters.messagesIn === total, 'every message received', 20_000);
  const stats = store.stats();
  assert.equal(stats.total, total);
  assert.equal(stats.retained, 1000);
  assert.equal(stats.dropped, total - 1000);
  const kept = store.filter({}).map((seq) => Number(Buffer.from(store.get(seq)!.frames[0]).toString()));
  assert.deepEqual(
    kept,
    Array.from({ length: 1000 }, (_, i) => total - 1000 + i),
    'the newest 1000, in order, none missing',
  );
  await manager.dispose();
});

test('a 100 MB frame is captured within the byte budget, truncated, with its true size', async () => {
  const store = new CaptureStore({ maxMessages: 1000, maxBytes: 8 << 20, maxFrameBytes: 1 << 20 });
  const manager = new SessionManager(store);
  await manager.open({ name: 'big', type: 'PULL', mode: 'bind', addresses: [at(15104)] });
  const push = new zmq.Push({ linger: 0 });
  sockets.push(push);
  push.connect(at(15104));
  const big = Buffer.alloc(100 * 1024 * 1024, 0x61);
  await push.send(['header', big]);
  await waitUntil(() => store.size === 1, 'the big message', 20_000);
  const record = store.get(store.lastSeq)!;
  assert.deepEqual(record.frameSizes, [6, 100 * 1024 * 1024]);
  assert.equal(record.frames[1].length, 1 << 20);
  assert.ok(store.stats().retainedBytes <= 8 << 20);
  await manager.dispose();
});

test('closing everything while sockets are busy leaves no port bound', async () => {
  const store = new CaptureStore({ maxMessages: 1000, maxBytes: 1 << 24 });
  const manager = new SessionManager(store);
  const ports = [15110, 15111, 15112];
  await manager.open({ name: 'a', type: 'PULL', mode: 'bind', addresses: [at(ports[0])] });
  await manager.open({ name: 'b', type: 'ROUTER', mode: 'bind', addresses: [at(ports[1])] });
  await manager.open({ name: 'c', type: 'PUB', mode: 'bind', addresses: [at(ports[2])] });
  const push = new zmq.Push({ linger: 0 });
  const dealer = new zmq.Dealer({ linger: 0 });
  sockets.push(push, dealer);
  push.connect(at(ports[0]));
  dealer.connect(at(ports[1]));
  let sending = true;
  const flood = (async () => {
    while (sending) {
      await push.send('busy');
      await dealer.send('busy');
    }
  })().catch(() => undefined);
  await delay(300);
  await manager.dispose();
  sending = false;
  assert.equal(manager.list().length, 0);
  for (const port of ports) {
    const probe = new zmq.Pull({ linger: 0 });
    sockets.push(probe);
    await probe.bind(at(port));
  }
  void flood;
});
