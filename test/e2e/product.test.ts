// The product as a user meets it, in a real VS Code driven by a real browser: add an endpoint from the
// palette against a publishing pyzmq peer, watch its count grow in the tree, find a decoded JSON field in
// the inspector, and send a two-frame message to a pyzmq REP and read its reply.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startPythonSocket, type PythonPeer } from '../support/peers';
import { withVsCode } from './vscodeHarness';

const PUB_PORT = 17710;
const REP_PORT = 17711;
const peers: PythonPeer[] = [];
after(async () => {
  for (const p of peers) await p.kill();
});

test(
  'add a SUB from the palette, see it count in the tree, read a decoded field in the inspector, send to a REP',
  { timeout: 240_000 },
  async () => {
    peers.push(
      await startPythonSocket(
        'PUB',
        'bind',
        `tcp://127.0.0.1:${PUB_PORT}`,
        `
n = 0
while True:
    pub.send_multipart([b"prices.EURUSD", json.dumps({"pair": "EURUSD", "bid": 1.0842 + n / 10000, "seq": n}).encode()])
    n += 1
    time.sleep(0.05)
`,
      ),
      await startPythonSocket(
        'REP',
        'bind',
        `tcp://127.0.0.1:${REP_PORT}`,
        `
while True:
    frames = rep.recv_multipart()
    rep.send_multipart([b"pyzmq got %d frames" % len(frames), b" + ".join(frames)])
`,
      ),
    );
    // An empty endpoint list: everything on screen comes from what this test does through the UI.
    await withVsCode('product', { workspace: 'demo/workspace', workspaceSettings: { 'zeromq.endpoints': [] } }, async (vscode) => {
      const { page, quickInput } = vscode;
      await vscode.waitForExtensionLog(/ZeroMQ Inspector activated/, 45_000);

      // Add Endpoint…: type, (connect), address, subscriptions, name.
      await vscode.runCommand('ZeroMQ: Add Endpoint…');
      await quickInput.pick('SUB');
      await quickInput.pick('connect');
      await quickInput.waitForPrompt(/address/);
      await quickInput.type('tcp://127.0.0.1:99999', { submit: false });
      await quickInput.waitForPrompt(/out of range/);
      await quickInput.type(`tcp://127.0.0.1:${PUB_PORT}`);
      await quickInput.waitForPrompt(/Subscriptions/);
      await quickInput.type('prices.');
      await quickInput.pick('None (NULL)');
      await quickInput.waitForPrompt(/Session name/);
      await quickInput.type('prices');
      await vscode.waitForExtensionLog(/Started prices: SUB connect/, 15_000);

      // The tree shows it, with a growing message count.
      await vscode.openView('ZeroMQ');
      const endpoints = vscode.viewPane('Endpoints');
      const row = endpoints.locator('.monaco-list-row', { hasText: 'prices' }).first();
      await row.waitFor({ timeout: 15_000 });
      const countOf = async () => Number((/([\d,]+) msgs/.exec(await row.innerText()) ?? ['', '0'])[1].replace(/,/g, ''));
      let first = 0;
      for (let i = 0; i < 50 && first === 0; i++) {
        await page.waitForTimeout(200);
        first = await countOf();
      }
      assert.ok(first > 0, `the count shows messages: ${await row.innerText()}`);
      await page.waitForTimeout(1500);
      const second = await countOf();
      assert.ok(second > first, `the count grows: ${first} then ${second}`);
      await row.click();
      await page.keyboard.press('ArrowRight');
      await page.waitForTimeout(800);
      console.log(`screenshot: ${await vscode.screenshot('product-endpoints-tree')}`);

      // The inspector lists the messages; selecting one shows the JSON decoded as a tree.
      await vscode.runCommand('ZeroMQ: Open Message Inspector');
      const inspector = await vscode.findWebviewFrame('.list-rows', 30_000);
      const listRow = inspector.locator('.list-rows .row:not([hidden])', { hasText: 'prices.EURUSD' }).first();
      await listRow.waitFor({ timeout: 20_000 });
      await listRow.click();
      const bid = inspector.locator('.frame[data-frame-index="1"] .tree-leaf', {
        has: inspector.locator('.tree-key', { hasText: /^bid$/ }),
      });
      await bid.waitFor({ timeout: 10_000 });
      assert.match((await bid.locator('.tree-value').textContent()) ?? '', /^1\.\d+$/);
      console.log(`screenshot: ${await vscode.screenshot('product-inspector')}`);

      // Send Message… from a new temporary REQ session: two text frames; the reply opens decoded.
      await vscode.runCommand('ZeroMQ: Send Message…');
      await quickInput.pick(/New temporary session/);
      await quickInput.pick('REQ');
      await quickInput.waitForPrompt(/address/);
      await quickInput.type(`tcp://127.0.0.1:${REP_PORT}`);
      await quickInput.waitForPrompt(/Session name/);
      await quickInput.type('echo-client');
      await quickInput.pick('Text');
      await quickInput.type('hello');
      await quickInput.pick('Text');
      await quickInput.type('world');
      await quickInput.pick(/Send 2 frames/);
      const editor = page.locator('.editor-instance .view-lines').filter({ hasText: 'pyzmq got 2 frames' });
      await editor.waitFor({ timeout: 20_000 });
      assert.match(await editor.innerText(), /hello\s\+\sworld/, 'Monaco draws spaces as U+00A0, which \\s matches');
      console.log(`screenshot: ${await vscode.screenshot('product-reply')}`);

      // Replay… from the inspector: the captured request goes out again from echo-client, edited first.
      await vscode.runCommand('ZeroMQ: Open Message Inspector');
      const frame = await vscode.findWebviewFrame('.list-rows', 30_000);
      // Ticks keep arriving: filter the list down to the echo session's traffic.
      await frame.locator('.filter-text').fill('hello');
      const sent = frame.locator('.list-rows .row:not([hidden])', { hasText: 'hello' }).first();
      await sent.waitFor({ timeout: 15_000 });
      await sent.click();
      await frame.locator('.detail-replay').click();
      await quickInput.pick('echo-client');
      await quickInput.pick(/Edit frame 1/);
      await quickInput.type('again');
      await quickInput.pick(/Send 2 frames/);
      await frame
        .locator('.detail-notice', { hasText: /Replay of #\d+: sent from echo-client; reply: 2 frame/ })
        .waitFor({ timeout: 15_000 });
      // The replayed request and its reply join the filtered list; the reply's second frame echoes the edit.
      const replies = frame.locator('.list-rows .row:not([hidden])', { hasText: 'pyzmq got 2 frames' });
      await replies.nth(1).waitFor({ timeout: 15_000 });
      await replies.nth(1).click();
      await frame.locator('.frame[data-frame-index="1"]', { hasText: 'hello + again' }).waitFor({ timeout: 10_000 });
      console.log(`screenshot: ${await vscode.screenshot('product-replay')}`);
    });
  },
);
