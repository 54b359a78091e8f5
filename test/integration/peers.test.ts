// The test support's pyzmq peers die with the test process that started them, even when it is killed
// (an abort in libzmq skips every after() hook): otherwise they keep their ports bound for later files.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { DIE_WITH_PARENT, processAlive, waitUntil } from '../support/peers';

test('a pyzmq peer started by a test process that is killed with SIGKILL exits too', async () => {
  // A stand-in test process: it starts the peer as the support code does and prints the peer's pid.
  const peerScript = `${DIE_WITH_PARENT}import zmq, time\ns = zmq.Context().socket(zmq.PUB)\ns.bind("tcp://127.0.0.1:*")\nprint("READY", flush=True)\ntime.sleep(60)\n`;
  const parent = spawn(
    process.execPath,
    [
      '-e',
      `const c = require('node:child_process').spawn('/usr/bin/python3', ['-u', '-c', ${JSON.stringify(peerScript)}], { stdio: ['ignore', 'pipe', 'inherit'] });
       c.stdout.on('data', (d) => { if (String(d).includes('READY')) console.log(c.pid); });
       setInterval(() => {}, 1000);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [chunk] = (await once(parent.stdout!, 'data')) as [Buffer];
  const peerPid = Number(String(chunk).trim());
  assert.ok(peerPid > 0 && processAlive(peerPid), 'the peer runs');
  parent.kill('SIGKILL');
  await once(parent, 'exit');
  await waitUntil(() => !processAlive(peerPid), `peer ${peerPid} to exit with its parent`, 5000);
});
