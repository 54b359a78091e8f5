// The traffic commands in the real VS Code, against a pyzmq PULL: "Generate Traffic…" sends templated
// messages from a PUSH endpoint (the PULL gets them in order) and its final notification says what was
// achieved; "Replay Captured Messages…" resends the messages the open inspector shows, ten times as fast.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startPythonPeer } from '../support/peers';
import { withVsCode } from './vscodeHarness';

const PUSH_PORT = 17880;

test(
  'Generate Traffic sends templated messages at a rate and reports it; Replay resends the inspector’s messages ×10',
  { timeout: 300_000 },
  async () => {
    const pull = await startPythonPeer(`
pull = zmq.Context().socket(zmq.PULL)
pull.connect("tcp://127.0.0.1:${PUSH_PORT}")
print("READY", flush=True)
got, in_order = 0, True
while True:
    n = json.loads(pull.recv())["n"]
    got += 1
    in_order = in_order and n == (got - 1) % 1000 + 1
    if got % 1000 == 0:
        print("GOT", got, in_order, flush=True)
`);
    try {
      await withVsCode(
        'traffic-commands',
        {
          workspace: 'demo/workspace',
          workspaceSettings: {
            'zeromq.endpoints': [{ name: 'load', type: 'PUSH', mode: 'bind', address: `tcp://127.0.0.1:${PUSH_PORT}`, autoStart: true }],
          },
        },
        async (vscode) => {
          await vscode.waitForExtensionLog(/ZeroMQ Inspector activated/, 45_000);
          await vscode.runCommand('ZeroMQ: Open Message Inspector');
          // Replay below resends what the inspector shows: wait until it is up (and done taking the focus).
          await vscode.findWebviewFrame('.list-rows', 30_000);
          await vscode.runCommand('ZeroMQ: Generate Traffic…');
          await vscode.quickInput.pick('load');
          await vscode.quickInput.waitForPrompt('pace');
          await vscode.quickInput.type('2000/s');
          await vscode.quickInput.waitForPrompt('stop after');
          await vscode.quickInput.type('1000');
          await vscode.quickInput.waitForPrompt('frame 1');
          await vscode.quickInput.type('json {"n": {{$seq}}}');
          await vscode.quickInput.pick(/Start sending 1-frame messages/);
          const report = await vscode.waitForNotification(/^ZeroMQ: load sent 1,000 messages/, 30_000);
          assert.match(report.message, /\/s of 2,000\/s asked\. PUSH waits at its send high-water mark/);
          assert.equal(await pull.waitForLine(/^GOT 1000/, 10_000), 'GOT 1000 True');
          console.log(`screenshot: ${await vscode.screenshot('generate-traffic-report')}`);

          await vscode.runCommand('ZeroMQ: Replay Captured Messages…');
          await vscode.quickInput.pick(/The 1,000 messages the inspector shows/);
          await vscode.quickInput.pick('load');
          await vscode.quickInput.pick('Ten times as fast');
          const replayed = await vscode.waitForNotification(/^ZeroMQ: replayed 1000 of 1000 messages from load/, 30_000);
          assert.match(replayed.message, /×10\)\.$/);
          assert.equal(await pull.waitForLine(/^GOT 2000/, 10_000), 'GOT 2000 True');
          console.log(`screenshot: ${await vscode.screenshot('replay-inspector-report')}`);
        },
      );
    } finally {
      await pull.kill();
    }
  },
);
