// The packaged .vsix in a real VS Code (code-server's VS Code server + chromium): it installs, activates in
// a trusted and in a restricted workspace, shows its view and its log, and raises no error notification.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { pollUntil } from './workbenchPage';
import { DEMO_TEST_PORTS, demoEndpoints, withVsCode, type VsCode } from './vscodeHarness';

// The demo workspace's endpoints moved to test ports, so a demo running on the default ports (npm start)
// is never touched by a test run.
const at = (port: number) => `tcp://127.0.0.1:${port}`;
// A saved endpoint that binds when started: whether its port is taken tells whether autoStart ran.
const AUTOSTART_BIND_PORT = DEMO_TEST_PORTS.pub + 40;
const testEndpoints = [
  ...demoEndpoints({ pub: at(DEMO_TEST_PORTS.pub), rep: at(DEMO_TEST_PORTS.rep), push: at(DEMO_TEST_PORTS.push) }),
  { name: 'autostart-bind', type: 'PUB', mode: 'bind', address: at(AUTOSTART_BIND_PORT), autoStart: true },
];

/** True when nothing listens on 127.0.0.1:port (we could bind it ourselves). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function assertNoErrorNotification(vscode: VsCode): Promise<void> {
  const errors = (await vscode.readNotifications()).filter((n) => n.severity === 'error');
  assert.deepEqual(errors, [], `error notifications: ${JSON.stringify(errors)}`);
}

test('the packaged extension installs, activates and shows its view and log in VS Code', { timeout: 150_000 }, async () => {
  const options = {
    workspace: 'demo/workspace',
    settings: { 'workbench.startupEditor': 'readme' },
    workspaceSettings: { 'zeromq.endpoints': testEndpoints },
  };
  await withVsCode('smoke-trusted', options, async (vscode) => {
    const { page } = vscode;
    console.log(`server answered after ${vscode.timings.serverReadyMs} ms, workbench after ${vscode.timings.workbenchReadyMs} ms`);

    // The workbench shows the demo folder.
    await page.locator('.explorer-folders-view').getByText('README.md', { exact: true }).waitFor({ timeout: 20_000 });
    // Webviews render (the inspector is one): the README's Markdown preview, an iframe in an iframe.
    const readme = await vscode.findWebviewFrame('h1', 30_000);
    assert.equal(await readme.locator('h1').first().innerText(), 'ZeroMQ Inspector demo workspace');

    // Editors show the workspace's files (editorText gives plain text: Monaco draws spaces as U+00A0).
    await vscode.openFile('proto/tick.proto');
    assert.match(await vscode.editorText(), /message Tick \{\n\s+string sym = 1;/);

    // Activated (onStartupFinished): the extension host says so, and so does the extension's own log.
    await vscode.waitForExtensionLog(/ZeroMQ Inspector activated/, 45_000);
    assert.match(vscode.extensionHostLog(), /_doActivateExtension zeromq-inspector\.zeromq-inspector\b/);
    // Trusted: the saved bind endpoint with autoStart holds its port (the control for the Restricted Mode test).
    await pollUntil('the autoStart PUB to bind its port', 15_000, async () => ((await portIsFree(AUTOSTART_BIND_PORT)) ? undefined : true));

    await vscode.runCommand('Developer: Show Running Extensions');
    const running = page.locator('.runtime-extensions-editor .monaco-list-row').filter({ hasText: 'ZeroMQ Inspector' });
    await running.waitFor({ timeout: 10_000 });
    assert.match(await running.innerText(), /Activation/, 'Running Extensions lists ZeroMQ Inspector as activated');

    // Its LogOutputChannel "ZeroMQ" is offered among the output channels and shows the activation line.
    await vscode.runCommand('Output: Show Output Channels...');
    await vscode.quickInput.pick('ZeroMQ');
    const channelPicker = page.locator('.part.panel select:has(option[value="ZeroMQ"])').filter({ visible: true });
    await pollUntil('the Output view to show the ZeroMQ channel', 10_000, async () =>
      (await channelPicker.inputValue()) === 'ZeroMQ' ? true : undefined,
    );
    await page
      .locator('.part.panel .view-lines')
      .filter({ hasText: /\[info\]/ })
      .waitFor({ timeout: 10_000 });

    // Its view container sits in the activity bar and opens.
    await vscode.openView('ZeroMQ');
    await vscode.viewPane('Endpoints').waitFor({ timeout: 10_000 });

    await assertNoErrorNotification(vscode);
    console.log(`screenshot: ${await vscode.screenshot('smoke-trusted')}`);
  });
});

test('in Restricted Mode the extension still activates (limited support) and raises no error', { timeout: 150_000 }, async () => {
  await withVsCode(
    'smoke-restricted',
    { workspace: 'demo/workspace', trusted: false, workspaceSettings: { 'zeromq.endpoints': testEndpoints } },
    async (vscode) => {
      await vscode.page.locator('.part.statusbar').getByText('Restricted Mode').waitFor({ timeout: 20_000 });
      await vscode.waitForExtensionLog(/ZeroMQ Inspector activated/, 45_000);
      // The trust gate: workspace settings open no socket. Without it the autoStart PUB would hold this port.
      await vscode.waitForExtensionLog(/Restricted Mode: saved endpoints with autoStart were not started/, 10_000);
      assert.equal(await portIsFree(AUTOSTART_BIND_PORT), true, 'no socket bound from workspace settings in Restricted Mode');
      await vscode.openView('ZeroMQ');
      await assertNoErrorNotification(vscode);
      console.log(`screenshot: ${await vscode.screenshot('smoke-restricted')}`);
    },
  );
});
