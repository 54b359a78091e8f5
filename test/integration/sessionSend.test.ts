// Session.send against real sockets when nothing can take the message: it settles (a timeout or a cancel)
// instead of waiting forever, says why, and sends nothing after the caller gave up.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import * as zmq from 'zeromq';
import { CaptureStore } from '../../src/core/capture/captureStore';
import { SessionManager } from '../../src/core/session/sessionManager';
import { delay, startPythonPeer, waitUntil } from '../support/peers';

const store = new CaptureStore({ maxMessages: 10_000, maxBytes: 16 * 1024 * 1024 });
const manager = new SessionManager(store);
const sockets: zmq.Socket[] = [];
after(async () => {
  await manager.dispose();
  for (const s of sockets) s.close();
});

for (const [type, port] of [
  ['PUSH', 27420],
  ['DEALER', 27421],
  ['REQ', 27422],
] as const) {
  test(`a bound ${type} with no peer: send rejects after its timeout, saying no peer is connected`, async () => {
    const session = await manager.open({ name: `lonely-${type}`, type, mode: 'bind', addresses: [`tcp://127.0.0.1:${port}`] });
    await assert.rejects(
      session.send([Buffer.from('anyone?')], { sendTimeoutMs: 300 }),
      new RegExp(`Not sent: nothing took the message within 0.3 s: no peer is connected to this ${type} \\(a bound socket waits`),
    );
    assert.equal(store.filter({ sessionIds: [session.id] }).length, 0, 'nothing sent, nothing captured');
    await manager.close(session.id);
  });
}

test('a ROUTER replying to a peer that left: send rejects instead of never settling', async () => {
  const session = await manager.open({ name: 'router', type: 'ROUTER', mode: 'bind', addresses: ['tcp://127.0.0.1:27423'] });
  const peer = await startPythonPeer(`
d = zmq.Context().socket(zmq.DEALER)
d.setsockopt(zmq.IDENTITY, b"gone")
d.connect("tcp://127.0.0.1:27423")
d.send(b"hello")
time.sleep(0.3)
print("READY", flush=True)
d.close(linger=0)
`);
  await peer.waitForLine(/READY/);
  await peer.kill();
  await waitUntil(() => session.monitor.connectionCount === 0, 'the DEALER disconnected');
  await assert.rejects(
    session.send([Buffer.from('reply')], { routingId: Buffer.from('gone'), sendTimeoutMs: 500 }),
    /no connected peer has that routing id/,
  );
  await manager.close(session.id);
});

test('a cancelled send rejects at once, and the message is not sent when a peer comes later', async () => {
  const session = await manager.open({ name: 'push-cancel', type: 'PUSH', mode: 'bind', addresses: ['tcp://127.0.0.1:27424'] });
  const abort = new AbortController();
  const sending = session.send([Buffer.from('cancelled')], { sendTimeoutMs: 60_000, signal: abort.signal });
  setTimeout(() => abort.abort(), 100);
  await assert.rejects(sending, (error: Error & { code?: string }) => error.code === 'ECANCELED' && /not sent/.test(error.message));
  const pull = new zmq.Pull({ linger: 0, receiveTimeout: 500 });
  sockets.push(pull);
  pull.connect('tcp://127.0.0.1:27424');
  await waitUntil(() => session.monitor.connectionCount === 1, 'PULL connected');
  await session.send([Buffer.from('after')]);
  const [first] = await pull.receive();
  assert.equal(first.toString(), 'after', 'the cancelled message never went out');
  await delay(100);
  await manager.close(session.id);
});
