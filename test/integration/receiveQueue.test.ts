// libzmq's receive queue is memory outside the capture store: a SUB whose reader stalls holds at most its
// receive high-water mark, which is sized from the capture's byte budget (libzmq counts messages).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { CaptureStore } from '../../src/core/capture/captureStore';
import { captureHighWaterMarkFor, forwardingHighWaterMarkFor } from '../../src/core/capture/queueBudget';
import { SessionManager } from '../../src/core/session/sessionManager';
import { delay, startPythonPeer, waitUntil, type PythonPeer } from '../support/peers';

const MiB = 1024 * 1024;
const peers: PythonPeer[] = [];
const managers: SessionManager[] = [];
after(async () => {
  for (const m of managers) await m.dispose();
  for (const p of peers) await p.kill();
});

test("a session's receive queue holds a quarter of the capture budget, at most 32 MiB, of 8 KiB messages; a tap's about the budget", () => {
  assert.equal(captureHighWaterMarkFor(16 * MiB), 1000, "never below libzmq's default");
  assert.equal(captureHighWaterMarkFor(64 * MiB), 2048);
  assert.equal(captureHighWaterMarkFor(256 * MiB), 4096, 'at most 32 MiB whatever the budget: RSS stays within budget + 150 MiB');
  assert.equal(captureHighWaterMarkFor(1 * MiB), 1000, "never below libzmq's default");
  assert.equal(forwardingHighWaterMarkFor(64 * MiB), 8192);
  assert.equal(forwardingHighWaterMarkFor(256 * MiB), 32_768);
  assert.equal(forwardingHighWaterMarkFor(1 * MiB), 1000, "never below libzmq's default");
  assert.equal(forwardingHighWaterMarkFor(64 * 1024 * MiB), 1_000_000);
});

test('a SUB whose reader stalls while a pyzmq PUB sends 320 MB holds its queue, not the flood', async (t) => {
  const store = new CaptureStore({ maxMessages: 1_000_000, maxBytes: 16 * MiB });
  const manager = new SessionManager(store);
  managers.push(manager);
  const peer = await startPythonPeer(`
pub = zmq.Context().socket(zmq.PUB)
pub.setsockopt(zmq.SNDHWM, 0)
pub.bind("tcp://127.0.0.1:27430")
print("READY", flush=True)
sys.stdin.readline()
body = b"x" * 8192
for i in range(40000):
    pub.send(body)
print("DONE", flush=True)
time.sleep(60)
`);
  peers.push(peer);
  await peer.waitForLine(/READY/);
  const session = await manager.open({ name: 'stalled', type: 'SUB', mode: 'connect', addresses: ['tcp://127.0.0.1:27430'] });
  await waitUntil(() => session.state === 'connected', 'SUB connected');
  await delay(300);
  const before = process.memoryUsage().rss;
  peer.process.stdin!.write('go\n');
  // The reader (this event loop) stalls for 4 s, without using the CPU, while libzmq's I/O thread receives.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 4000);
  const grown = process.memoryUsage().rss - before;
  await waitUntil(() => store.stats().total > 0, 'messages captured after the stall');
  t.diagnostic(`RSS grew ${(grown / MiB).toFixed(1)} MiB during the stall (a receive HWM of 1,000,000 grew 164 MiB here)`);
  // The queue: 1000 messages (libzmq's default; a quarter of 16 MiB is 512 at 8 KiB) of 8 KiB; the rest stays with the publisher (its SNDHWM is 0).
  assert.ok(grown < 64 * MiB, `RSS grew ${(grown / MiB).toFixed(0)} MiB during the stall`);
});
