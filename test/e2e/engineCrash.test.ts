// The engine process killed with SIGABRT (what a libzmq assertion does) in the middle of a flood, in a real
// VS Code with the inspector open: the user sees one notification, the session is capturing again within
// 3 s, the messages captured before the kill are still listed, and the extension host never went down.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startPythonPeer, type PythonPeer } from '../support/peers';
import type { Frame } from 'playwright-core';
import { withVsCode, type VsCode } from './vscodeHarness';
import { pollUntil } from './workbenchPage';

const FLOOD_PORT = 17730;
const peers: PythonPeer[] = [];
after(async () => {
  for (const p of peers) await p.kill();
});

/**
 * Runs `action` on the inspector's frame, again on the new frame when the page was swapped under it: VS Code
 * may replace a webview's frame more than once while the page reloads.
 */
async function onInspector<T>(vscode: VsCode, action: (frame: Frame) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const frame = await vscode.findWebviewFrame('.list-rows', 30_000);
    try {
      return await action(frame);
    } catch (error) {
      if (attempt >= 3 || !frame.isDetached()) throw error;
    }
  }
}

const countIn = (text: string) => Number((/([\d,]+) messages/.exec(text) ?? ['', '0'])[1].replace(/,/g, ''));

test(
  'SIGABRT of the engine mid-flood: one notification, the session back within 3 s, earlier messages still listed',
  { timeout: 240_000 },
  async () => {
    // A flood that leaves the machine's two cores to VS Code and the browser too: bursts of 200 messages.
    peers.push(
      await startPythonPeer(`
pub = zmq.Context().socket(zmq.PUB)
pub.bind("tcp://127.0.0.1:${FLOOD_PORT}")
print("READY", flush=True)
n = 0
while True:
    for _ in range(200):
        pub.send_multipart([b"flood", json.dumps({"n": n, "pad": "x" * 64}).encode()])
        n += 1
    time.sleep(0.005)
`),
    );
    const endpoint = { name: 'flood', type: 'SUB', mode: 'connect', address: `tcp://127.0.0.1:${FLOOD_PORT}`, autoStart: true };
    await withVsCode(
      'engine-crash',
      { workspace: 'demo/workspace', workspaceSettings: { 'zeromq.endpoints': [endpoint] } },
      async (vscode) => {
        const { page } = vscode;
        const started = await vscode.waitForExtensionLog(/ZeroMQ engine started \(pid (\d+)/, 45_000);
        const pid = Number(/pid (\d+)/.exec(started)![1]);
        await vscode.waitForExtensionLog(/Started flood: SUB connect/, 20_000);

        await vscode.runCommand('ZeroMQ: Open Message Inspector');
        const inspector = await vscode.findWebviewFrame('.list-rows', 30_000);
        const status = inspector.locator('.status');
        await pollUntil('the inspector to count 20,000 messages', 60_000, async () =>
          countIn(await status.innerText()) >= 20_000 ? true : undefined,
        );
        // What is listed now was captured more than a second before the kill below.
        const listedBefore = countIn(await status.innerText());
        await page.waitForTimeout(1200);
        console.log(`screenshot: ${await vscode.screenshot('engine-crash-before')}`);

        const killedAt = Date.now();
        process.kill(pid, 'SIGABRT');
        const notice = await vscode.waitForNotification(/the engine process stopped \(signal SIGABRT\) and was restarted/, 20_000);
        assert.equal(notice.severity, 'warning');
        assert.ok(notice.actions.includes('Show Log'), `actions: ${notice.actions.join(', ')}`);
        assert.match(notice.message, /1 session reopened, [\d,]+ captured messages kept/);
        // The session is running again: the new engine reopened it and its count moves on.
        const reopened = await vscode.waitForExtensionLog(/reopened 1 session\(s\)/, 10_000);
        const reopenedMs = Number(/started \(pid \d+, libzmq [\d.]+, (\d+) ms\)/.exec(reopened)?.[1]);
        assert.ok(reopenedMs < 3000, `engine started and session reopened in ${reopenedMs} ms: ${reopened}`);
        assert.notEqual(Number(/pid (\d+)/.exec(reopened)![1]), pid);

        // The inspector page reloads against the new engine; then it lists the earlier messages and counts new ones.
        await pollUntil('the inspector page to reload', 20_000, async () => (inspector.isDetached() ? true : undefined));
        const { after, capturingAgainMs } = await onInspector(vscode, async (frame) => {
          const n = await pollUntil('the inspector to count past the messages listed before the kill', 20_000, async () => {
            const count = countIn(await frame.locator('.status').innerText());
            return count > listedBefore ? count : undefined;
          });
          return { after: n, capturingAgainMs: Date.now() - killedAt };
        });
        console.log(
          `SIGABRT: ${listedBefore} listed before, ${after} after; engine back in ${reopenedMs} ` +
            `ms; capturing again ${capturingAgainMs} ms after the kill (as seen through the UI)`,
        );
        await onInspector(vscode, async (frame) => {
          await frame.locator('.list').focus();
          await page.keyboard.press('Home');
          await frame
            .locator('.list-rows .row:not([hidden]):not(.loading) .c-seq', { hasText: /^1$/ })
            .first()
            .waitFor({ timeout: 10_000 });
        });
        console.log(`screenshot: ${await vscode.screenshot('engine-crash-after')}`);

        const notifications = await vscode.readNotifications();
        assert.equal(notifications.filter((n) => /engine process stopped/.test(n.message)).length, 1, 'one notification for one crash');
        assert.deepEqual(
          notifications.filter((n) => n.severity === 'error' || /Extension host terminated/i.test(n.message)),
          [],
          'no error and no extension host failure',
        );
        assert.doesNotMatch(vscode.extensionHostLog(), /Extension host terminated|exited with code/i);
      },
    );
  },
);
