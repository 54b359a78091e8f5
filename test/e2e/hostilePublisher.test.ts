// A foreign pyzmq publisher mixing ~200-byte CBOR and MessagePack frames built from shared references (CBOR tags
// 28/29, msgpackr's structured-clone extensions 0x69/0x70) into ordinary JSON, in a real VS Code whose workspace
// also holds the hostile source files of issue 11: with an autoStart SUB capturing it and the inspector open on
// those rows, a ZeroMQ command still shows its first quick pick within 5 s, the inspector keeps counting, and the
// extension host never goes down.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cborSharedDoubling, msgpackSelfContaining, msgpackSharedDoubling } from '../support/hostileFrames';
import { hostileSources } from '../support/hostileSources';
import { startPythonPeer, type PythonPeer } from '../support/peers';
import { withVsCode } from './vscodeHarness';
import { pollUntil } from './workbenchPage';

const PUB_PORT = 17740;
const peers: PythonPeer[] = [];
const workspace = mkdtempSync(join(tmpdir(), 'zmq-hostile-workspace-'));
after(async () => {
  for (const p of peers) await p.kill();
  rmSync(workspace, { recursive: true, force: true });
});

const countIn = (text: string) => Number((/([\d,]+) messages/.exec(text) ?? ['', '0'])[1].replace(/,/g, ''));

test(
  'hostile publisher and hostile sources: a command answers within 5 s, the inspector keeps counting, the host lives',
  { timeout: 240_000 },
  async () => {
    // The three sources of the issue (and the scanner's other attacks) as a user's workspace holds them.
    mkdirSync(join(workspace, 'src'));
    for (const source of hostileSources()) writeFileSync(join(workspace, 'src', source.file), source.text);

    // 24 levels: 2^24 leaves once expanded, from 226 (CBOR) and 318 (MessagePack) bytes.
    const frames = { cbor: cborSharedDoubling(24), msgpack: msgpackSharedDoubling(24), cycle: msgpackSelfContaining() };
    assert.ok(frames.cbor.length < 300 && frames.msgpack.length < 400, 'the frames are a few hundred bytes');
    peers.push(
      await startPythonPeer(
        `
cbor, msgpack, cycle = (bytes.fromhex(h) for h in sys.argv[1:4])
pub = zmq.Context().socket(zmq.PUB)
pub.bind("tcp://127.0.0.1:${PUB_PORT}")
print("READY", flush=True)
n = 0
while True:
    pub.send_multipart([b"ticks.json", json.dumps({"n": n, "price": 100 + n % 7}).encode()])
    pub.send_multipart([b"shared.cbor", cbor])
    pub.send_multipart([b"ticks.json", json.dumps({"n": n, "side": "buy"}).encode()])
    pub.send_multipart([b"shared.msgpack", msgpack])
    pub.send_multipart([b"shared.msgpack", cycle])
    n += 1
    time.sleep(0.02)
`,
        [frames.cbor.toString('hex'), frames.msgpack.toString('hex'), frames.cycle.toString('hex')],
      ),
    );

    const endpoint = { name: 'hostile', type: 'SUB', mode: 'connect', address: `tcp://127.0.0.1:${PUB_PORT}`, autoStart: true };
    await withVsCode('hostile-publisher', { workspace, workspaceSettings: { 'zeromq.endpoints': [endpoint] } }, async (vscode) => {
      const { quickInput } = vscode;
      await vscode.waitForExtensionLog(/ZeroMQ engine started \(pid \d+/, 45_000);
      await vscode.waitForExtensionLog(/Started hostile: SUB connect/, 20_000);

      await vscode.runCommand('ZeroMQ: Open Message Inspector');
      const inspector = await vscode.findWebviewFrame('.list-rows', 30_000);
      const status = inspector.locator('.status');
      const rows = inspector.locator('.list-rows .row:not([hidden]):not(.loading)');
      // The shared-reference rows are on screen, summarised, next to the JSON ones.
      await rows.filter({ hasText: 'shared.cbor' }).first().waitFor({ timeout: 30_000 });
      await rows.filter({ hasText: 'shared.msgpack' }).first().waitFor({ timeout: 10_000 });
      await rows.filter({ hasText: 'ticks.json' }).first().waitFor({ timeout: 10_000 });
      // And one is open in the detail pane: the expansion stops at its budget instead of building 2^24 nodes. The
      // list tails under the pointer, so narrow it to the CBOR rows first.
      const topicPrefix = inspector.locator('input[placeholder="Topic prefix"]');
      await topicPrefix.fill('shared.cbor');
      await pollUntil('only CBOR rows listed', 10_000, async () =>
        (await rows.first().innerText()).includes('shared.cbor') && !(await rows.filter({ hasText: 'ticks.json' }).count())
          ? true
          : undefined,
      );
      await rows.first().click();
      const detail = inspector.locator('.detail');
      await pollUntil('the CBOR row detail to show its budget notice', 15_000, async () =>
        /truncated \(budget\)/.test(await detail.innerText()) ? true : undefined,
      );
      await topicPrefix.fill('');
      const countBefore = countIn(await status.innerText());

      // A ZeroMQ command that needs the extension host (and the engine's session list) answers promptly.
      await vscode.runCommand('ZeroMQ: Send Message…');
      const commandAt = Date.now();
      await quickInput.waitForPrompt('Send from which session?', 5000);
      const firstPickMs = Date.now() - commandAt;
      console.log(`Send Message… showed its first quick pick ${firstPickMs} ms after the palette accepted it`);
      await quickInput.cancel();

      const countAfter = await pollUntil('the inspector to keep counting', 20_000, async () => {
        const count = countIn(await status.innerText());
        return count >= countBefore + 100 ? count : undefined;
      });
      console.log(`inspector count: ${countBefore} when the detail showed, ${countAfter} after the command`);
      console.log(`screenshot: ${await vscode.screenshot('hostile-publisher')}`);

      const notifications = await vscode.readNotifications();
      assert.deepEqual(
        notifications.filter((n) => n.severity === 'error' || /Extension host terminated|engine process stopped/i.test(n.message)),
        [],
        'no error, no engine crash and no extension host failure',
      );
      assert.doesNotMatch(vscode.extensionHostLog(), /Extension host terminated|exited with code/i);
    });
  },
);
