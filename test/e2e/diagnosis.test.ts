// Diagnosis in a real VS Code against pyzmq publishers: a PUB with SNDHWM 10 drops while the extension
// host is paused (a slow subscriber), and the inspector marks the gap; "Why Am I Not Receiving?" on a SUB
// whose subscription ("tick\0") matches none of the publisher's topics names the mismatch and the bytes.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { delay, startPythonPeer, type PythonPeer } from '../support/peers';
import { withVsCode } from './vscodeHarness';

const FEED_PORT = 17861;
const TICKER_PORT = 17862;
const peers: PythonPeer[] = [];
after(async () => {
  for (const p of peers) await p.kill();
});

/** The extension host of the VS Code server started for `runDir` (a process this test started). */
function extensionHostPid(runDir: string): number {
  const commandLines = new Map<number, string>();
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      commandLines.set(Number(name), readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' '));
      parents.set(Number(name), Number(readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1].split(' ')[1]));
    } catch {
      // The process ended meanwhile.
    }
  }
  const server = [...commandLines].find(([, cmd]) => cmd.includes(`--server-data-dir ${runDir}`))?.[0];
  assert.ok(server, 'the VS Code server of this run');
  const descends = (pid: number): boolean =>
    pid === server || (parents.get(pid) !== undefined && parents.get(pid) !== pid && descends(parents.get(pid)!));
  const host = [...commandLines].find(([pid, cmd]) => cmd.includes('--type=extensionHost') && descends(pid))?.[0];
  assert.ok(host, 'its extension host');
  return host;
}

test(
  'diagnosis in VS Code: the HWM gap marked in the inspector, and "Why Am I Not Receiving?" naming a subscription mismatch in hex',
  { timeout: 300_000 },
  async () => {
    const feed = await startPythonPeer(
      `
pub = zmq.Context().socket(zmq.PUB)
pub.sndhwm = 10
pub.sndbuf = 4096
pub.bind("tcp://127.0.0.1:${FEED_PORT}")
print("READY", flush=True)
sys.stdin.readline()
payload = b"x" * 1020
n = 0
for i in range(20000):
    n += 1
    pub.send(n.to_bytes(4, "big") + payload)
time.sleep(4)
for i in range(5):
    n += 1
    pub.send(n.to_bytes(4, "big") + payload)
    time.sleep(0.05)
print("SENT", n, flush=True)
time.sleep(120)
`,
    );
    peers.push(feed);
    peers.push(
      await startPythonPeer(`
pub = zmq.Context().socket(zmq.PUB)
pub.bind("tcp://127.0.0.1:${TICKER_PORT}")
print("READY", flush=True)
n = 0
while True:
    for topic in (b"ticks.", b"Tick"):
        pub.send_multipart([topic, b"%d" % n])
    n += 1
    time.sleep(0.01)
`),
    );
    const endpoints = [
      { name: 'feed', type: 'SUB', mode: 'connect', address: `tcp://127.0.0.1:${FEED_PORT}`, sequence: 'u32be@0', autoStart: true },
      {
        name: 'ticker',
        type: 'SUB',
        mode: 'connect',
        address: `tcp://127.0.0.1:${TICKER_PORT}`,
        subscriptions: ['hex:7469636b00'],
        autoStart: true,
      },
    ];
    await withVsCode('diagnosis', { workspace: 'demo/workspace', workspaceSettings: { 'zeromq.endpoints': endpoints } }, async (vscode) => {
      const { page, quickInput } = vscode;
      await vscode.waitForExtensionLog(/\[feed\] tracking sequence numbers: u32be@0/, 45_000);
      await vscode.waitForExtensionLog(/Started ticker: SUB connect/, 15_000);
      await delay(1000);

      // A slow subscriber: the extension host stops for 2 s while the publisher floods; its SNDHWM of 10 drops.
      const host = extensionHostPid(vscode.runDir);
      feed.process.stdin!.write('go\n');
      await delay(20);
      process.kill(host, 'SIGSTOP');
      await delay(2000);
      process.kill(host, 'SIGCONT');
      const sent = Number((await feed.waitForLine(/^SENT \d+/, 30_000)).split(' ')[1]);

      await vscode.runCommand('ZeroMQ: Open Message Inspector');
      const inspector = await vscode.findWebviewFrame('.list-rows', 30_000);
      // The gap is a marker row of its own between the two messages.
      const marked = inspector.locator('.list-rows .row.gap-marker:not([hidden])').first();
      await marked.waitFor({ timeout: 20_000 });
      const markedText = await marked.locator('.c-marker').innerText();
      const marker = /⚠ ([\d,]+) missing \(seq ([\d,]+)–([\d,]+)\)/.exec(markedText);
      assert.ok(marker, markedText);
      const [from, to] = [marker[2], marker[3]].map((n) => Number(n.replace(/,/g, '')));
      assert.equal(Number(marker[1].replace(/,/g, '')), to - from + 1);
      assert.ok(to < sent);
      console.log(`screenshot: ${await vscode.screenshot('diagnosis-gap-marker')}`);

      // The feed's node carries the loss under Findings.
      await vscode.openView('ZeroMQ');
      const endpointsPane = vscode.viewPane('Endpoints');
      const feedRow = endpointsPane.locator('.monaco-list-row', { hasText: /^feed/ }).first();
      await feedRow.click();
      await page.keyboard.press('ArrowRight');
      await endpointsPane
        .locator('.monaco-list-row', { hasText: /missing in \d+ gaps? \(big-endian 32-bit uint at byte 0/ })
        .first()
        .waitFor({ timeout: 10_000 });

      // Why am I not receiving? on the ticker: the subscription "tick\0" matches none of "ticks." and "Tick".
      await vscode.runCommand('ZeroMQ: Why Am I Not Receiving?');
      await quickInput.pick('ticker');
      let report = '';
      const deadline = Date.now() + 30_000;
      while (!report.includes('Checklist') && Date.now() < deadline) {
        await delay(300);
        report = await vscode.editorText().catch(() => '');
      }
      assert.match(report, /Why am I not receiving\? ticker \(SUB connect tcp:\/\/127\.0\.0\.1:17862\)/);
      assert.match(report, /✗ The subscription "tick\\0" \(74 69 63 6b 00\) matches none of the 2 topics the publisher sent/);
      assert.match(report, /"ticks\." \(74 69 63 6b 73 2e\)/);
      assert.match(report, /"Tick" \(54 69 63 6b\)/);
      assert.match(report, /⚠ The subscription "tick\\0" ends with a NUL byte \(00\)/);
      assert.match(report, /✓ Something is listening at the address/);
      console.log(`screenshot: ${await vscode.screenshot('diagnosis-why-not-receiving')}`);
      const errors = (await vscode.readNotifications()).filter((n) => n.severity === 'error');
      assert.deepEqual(errors, []);
    });
  },
);
