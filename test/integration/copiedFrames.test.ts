// The engine makes zeromq.js copy received frames instead of wrapping libzmq's memory (src/engine/copiedFrames.ts).
// Observable over inproc, where libzmq moves a message without copying it: a wrapped received frame is the
// sender's own Buffer memory, so a write to the sent Buffer shows in it; a copied one does not change.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as zmq from 'zeromq';
import { receiveCopiedFrames } from '../../src/engine/copiedFrames';

/**
 * Sends a 4 KiB frame over inproc, writes to the sent Buffer, and says whether the received frame changed. A
 * module of its own, run both in a child process (zeromq.js left alone) and in this one.
 */
const dir = mkdtempSync(join(tmpdir(), 'zmq-copied-frames-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const CHECK = join(dir, 'sharesSenderMemory.js');
writeFileSync(
  CHECK,
  `module.exports = async function sharesSenderMemory(zmq) {
  const receiver = new zmq.Pair({ linger: 0 });
  const sender = new zmq.Pair({ linger: 0 });
  await receiver.bind('inproc://copied-frames-test');
  sender.connect('inproc://copied-frames-test');
  const sent = Buffer.alloc(4096, 1);
  await sender.send(sent);
  const [received] = await receiver.receive();
  sent.fill(2);
  const shared = received[0] === 2;
  sender.close();
  receiver.close();
  return shared;
};`,
);

test('zeromq.js left alone wraps libzmq memory in received frames (the control: the check can see it)', () => {
  const child = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(CHECK)})(require('zeromq')).then((s) => console.log(s))`], {
    encoding: 'utf8',
  });
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout.trim(), 'true');
});

test('after receiveCopiedFrames, received frames are copies, and process.versions is as it was', async () => {
  assert.equal(process.versions.electron, undefined);
  assert.equal(await receiveCopiedFrames(), 'copied');
  assert.equal(process.versions.electron, undefined);
  assert.ok(!Object.prototype.hasOwnProperty.call(process.versions, 'electron'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the check is a file written above
  const sharesSenderMemory = require(CHECK) as (z: typeof zmq) => Promise<boolean>;
  assert.equal(await sharesSenderMemory(zmq), false);
});
