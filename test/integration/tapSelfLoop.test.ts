// A tap whose service address is the tap itself (same machine, same port, written another way) is refused
// with a message, and leaves the port free; a real service on another port is accepted.
import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { test } from 'node:test';
import * as zmq from 'zeromq';
import { CaptureStore } from '../../src/core/capture/captureStore';
import { Tap } from '../../src/core/tap/tap';

const store = new CaptureStore({ maxMessages: 1000, maxBytes: 1024 * 1024 });

async function startTap(listen: string, upstream: string): Promise<Tap> {
  return Tap.start({ id: `tap-${listen}`, name: 'loop', pattern: 'pipeline-sink', listen, upstream, sink: store });
}

/** Expects the start to be refused; a tap that did start is closed, so a failing test leaves no loop running. */
async function refused(listen: string, upstream: string): Promise<string> {
  let tap: Tap | undefined;
  try {
    tap = await startTap(listen, upstream);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  await tap.close();
  assert.fail(`the tap ${listen} → ${upstream} started`);
}

test('listening on tcp://*:P with the service at tcp://127.0.0.1:P or localhost:P is refused, and the port stays free', async () => {
  const message = await refused('tcp://*:27410', 'tcp://127.0.0.1:27410');
  assert.match(
    message,
    /The tap would connect to itself: it listens on tcp:\/\/0\.0\.0\.0:27410 and the service address tcp:\/\/127\.0\.0\.1:27410/,
  );
  assert.match(await refused('tcp://*:27411', 'tcp://localhost:27411'), /would connect to itself/);
  assert.match(await refused('tcp://127.0.0.1:27412', 'tcp://localhost:27412'), /would connect to itself/);
  const pull = new zmq.Pull({ linger: 0 });
  await pull.bind('tcp://*:27410');
  await pull.unbind(pull.lastEndpoint!);
  pull.close();
});

test("listening on every interface with the service at this machine's own LAN address (same port) is refused", async (t) => {
  const lan = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal);
  if (!lan) return t.skip('this machine has no non-loopback IPv4 address');
  assert.match(await refused('tcp://*:27413', `tcp://${lan.address}:27413`), /would connect to itself/);
});

test('a service on another port, or the same port on another host, is accepted', async () => {
  const tap = await startTap('tcp://*:27414', 'tcp://127.0.0.1:27415');
  await tap.close();
  const elsewhere = await startTap('tcp://127.0.0.1:27416', 'tcp://192.0.2.1:27416');
  await elsewhere.close();
});
