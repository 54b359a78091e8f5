// Insert a tap from the palette between a pyzmq REQ client and a pyzmq REP server, in a real VS Code:
// the client's requests and the service's replies pass through, and the inspector pairs them with their
// round-trip times; the Endpoints view shows the tap's latency summary and the client's connection.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startPythonSocket, type PythonPeer } from '../support/peers';
import { withVsCode } from './vscodeHarness';

const SERVICE_PORT = 17720;
const TAP_PORT = 17721;
const peers: PythonPeer[] = [];
after(async () => {
  for (const p of peers) await p.kill();
});

test('Insert Tap… between a pyzmq REQ and REP: pairs and round-trip times in the inspector', { timeout: 240_000 }, async () => {
  peers.push(
    await startPythonSocket(
      'REP',
      'bind',
      `tcp://127.0.0.1:${SERVICE_PORT}`,
      `
while True:
    request = rep.recv()
    time.sleep(0.005)
    rep.send(b"quote for " + request)
`,
    ),
  );
  await withVsCode('tap', { workspace: 'demo/workspace', workspaceSettings: { 'zeromq.endpoints': [] } }, async (vscode) => {
    const { page, quickInput } = vscode;
    await vscode.waitForExtensionLog(/ZeroMQ Inspector activated/, 45_000);
    await vscode.runCommand('ZeroMQ: Insert Tap…');
    await quickInput.waitForPrompt(/real service/);
    await quickInput.type(`tcp://127.0.0.1:${SERVICE_PORT}`);
    // The probe found a REP: the tap offers ROUTER/DEALER and a listen address.
    await quickInput.waitForPrompt(/service is a REP; tap uses ROUTER\/DEALER/);
    await quickInput.type(`tcp://127.0.0.1:${TAP_PORT}`);
    await quickInput.waitForPrompt(/name/);
    await quickInput.type('quotes-tap');
    await vscode.waitForExtensionLog(/Tap quotes-tap \(ROUTER\/DEALER\) listens on tcp:\/\/127\.0\.0\.1:17721/, 15_000);

    const client = await startPythonSocket(
      'REQ',
      'connect',
      `tcp://127.0.0.1:${TAP_PORT}`,
      `
for sym in [b"AAPL", b"MSFT", b"GOOG", b"AMZN", b"NVDA"]:
    req.send(sym)
    print("REPLY", req.recv().decode(), flush=True)
print("DONE", flush=True)
time.sleep(60)
`,
    );
    peers.push(client);
    await client.waitForLine(/^DONE/, 20_000);
    assert.ok(client.lines.includes('REPLY quote for NVDA'), client.lines.join('\n'));

    await vscode.openView('ZeroMQ');
    const tapRow = vscode.viewPane('Endpoints').locator('.monaco-list-row', { hasText: 'quotes-tap' }).first();
    await tapRow.waitFor({ timeout: 10_000 });
    await page.waitForFunction('/p50 [\\d.]+ ms/.test(document.body.innerText)', undefined, { timeout: 10_000 });
    assert.match(await tapRow.innerText(), /10 msgs · p50 [\d.]+ ms · p99 [\d.]+ ms/);
    await tapRow.click();
    await page.keyboard.press('ArrowRight');
    // The tap's relay names the client's connection: its socket type, no heartbeat (pyzmq's default), idle time.
    const connection = vscode.viewPane('Endpoints').locator('.monaco-list-row', { hasText: '(REQ)' }).first();
    await connection.waitFor({ timeout: 10_000 });
    assert.match(await connection.innerText(), /127\.0\.0\.1:\d+ \(REQ\)\s*no ZMTP heartbeat · idle [\d.]+ m?s/);
    console.log(`screenshot: ${await vscode.screenshot('tap-connections')}`);

    await vscode.runCommand('ZeroMQ: Open Message Inspector');
    const inspector = await vscode.findWebviewFrame('.list-rows', 30_000);
    const reply = inspector.locator('.list-rows .row:not([hidden])', { hasText: 'quote for NVDA' }).first();
    await reply.waitFor({ timeout: 15_000 });
    assert.match(await reply.innerText(), /\[reply to #\d+ · [\d.]+ ms\]/);
    await reply.click();
    await inspector.locator('.detail-tag', { hasText: /service→client · reply to #\d+ · [\d.]+ ms/ }).waitFor({ timeout: 10_000 });
    const request = inspector.locator('.list-rows .row:not([hidden])', { hasText: /replied by #\d+/ }).first();
    await request.waitFor({ timeout: 10_000 });
    console.log(`screenshot: ${await vscode.screenshot('tap-inspector')}`);
  });
});
