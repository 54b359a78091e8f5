// Scenario files in a real VS Code against the demo services (scripts/demo-traffic.mjs on test ports):
// "Run scenario" in the CodeLens shows ✓ with timing on every step; the Test Explorer runs the file;
// a wrong expectation shows ✗ inline and an expected/actual failure in the Test Explorer.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { PROJECT_ROOT, startDemoTraffic, withVsCode, type DemoTraffic } from './vscodeHarness';

/** The demo workspace plus a scenario with a wrong expectation (written before VS Code indexes the folder). */
function workspaceWithWrongScenario(): string {
  const dir = mkdtempSync(join(tmpdir(), 'zmq-e2e-scenarios-'));
  cpSync(join(PROJECT_ROOT, 'demo', 'workspace'), dir, { recursive: true });
  writeFileSync(
    join(dir, 'scenarios', 'wrong.zmq'),
    [
      'endpoint echo REQ connect tcp://127.0.0.1:{{echoPort}}',
      '',
      'scenario The echo is wrong on purpose',
      '  request echo within 2s',
      '    text ping',
      '    $.echo[0] == "pong"',
      '  request echo',
      '    text never sent',
      '',
    ].join('\n'),
  );
  return dir;
}

/** The text of every inline result (`after` decorations) in the active editor, by line text. Runs in the page. */
const INLINE_RESULTS = `(() => {
  const results = [];
  const editor = document.querySelector('.editor-group-container.active .editor-instance');
  for (const line of editor ? editor.querySelectorAll('.view-lines .view-line') : []) {
    for (const span of line.querySelectorAll('span')) {
      const content = getComputedStyle(span, '::after').content;
      if (content && /[✓✗…–]/.test(content))
        results.push({ line: (line.textContent || '').replace(/\\u00a0/g, ' ').trim(), result: content.replace(/^"|"$/g, '') });
    }
  }
  return results;
})()`;

async function inlineResults(page: Page): Promise<{ line: string; result: string }[]> {
  const results: { line: string; result: string }[] = await page.evaluate(INLINE_RESULTS);
  // CSS `content` escapes quotes and backslashes.
  return results.map((r) => ({ ...r, result: r.result.replace(/\\(.)/g, '$1') }));
}

async function waitForResults(page: Page, count: number, pattern: RegExp, timeoutMs = 30_000): Promise<{ line: string; result: string }[]> {
  const deadline = Date.now() + timeoutMs;
  let last: { line: string; result: string }[] = [];
  while (Date.now() < deadline) {
    last = await inlineResults(page);
    if (last.filter((r) => pattern.test(r.result)).length >= count) return last;
    await page.waitForTimeout(250);
  }
  throw new Error(`expected ${count} inline results matching ${pattern}, saw ${JSON.stringify(last)}`);
}

test(
  'scenarios: CodeLens run shows ✓ per step, the Test Explorer runs them, a wrong expectation shows ✗ with expected and actual',
  { timeout: 300_000 },
  async () => {
    const traffic: DemoTraffic = await startDemoTraffic();
    const workspace = workspaceWithWrongScenario();
    try {
      const port = (address: string) => address.split(':').pop()!;
      await withVsCode(
        'scenarios',
        {
          workspace,
          workspaceSettings: {
            'zeromq.endpoints': [],
            'zeromq.scenarios.environment': 'e2e',
            'zeromq.scenarios.environments': {
              e2e: { echoPort: port(traffic.rep), ticksPort: port(traffic.pub), workPort: port(traffic.push) },
            },
            'testing.automaticallyOpenPeekView': 'never',
          },
        },
        async (vscode) => {
          const { page } = vscode;
          await vscode.waitForExtensionLog(/ZeroMQ Inspector activated/, 45_000);
          await vscode.openFile('scenarios/echo.zmq');
          const lens = page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Run scenario' }).first();
          await lens.waitFor({ timeout: 30_000 });
          await lens.click();
          // Scenario 1 has two request steps: both get ✓ with their time.
          const passed = await waitForResults(page, 2, /^✓ [\d.]+ (ms|s)$/);
          assert.ok(
            passed.some((r) => r.line.startsWith('request echo within 2s')),
            JSON.stringify(passed),
          );
          await vscode.waitForExtensionLog(/Scenario "Echo answers a ping" \(echo\.zmq\): passed/, 20_000);
          console.log(`screenshot: ${await vscode.screenshot('scenarios-codelens-pass')}`);

          // The Test Explorer: run every scenario of the workspace's files.
          await vscode.runCommand('Testing: Focus on Test Explorer View');
          await page.locator('.test-explorer .monaco-list-row', { hasText: 'echo.zmq' }).first().waitFor({ timeout: 30_000 });
          await vscode.runCommand('Test: Run All Tests');
          await vscode.waitForExtensionLog(/Scenario "The echo repeats every frame, in order" \(echo\.zmq\): passed/, 60_000);
          await vscode.waitForExtensionLog(/Scenario "MSFT ticks are JSON with a price" \(ticks\.zmq\): passed/, 60_000);
          await vscode.waitForExtensionLog(/Scenario "A work item names a task and a file" \(work\.zmq\): passed/, 60_000);
          await vscode.waitForExtensionLog(/Scenario "Publish 500 templated orders a second for 2 seconds" \(work\.zmq\): passed/, 60_000);
          await vscode.waitForExtensionLog(/Scenario "The echo is wrong on purpose" \(wrong\.zmq\): failed/, 60_000);
          const explorer = page.locator('.test-explorer');
          const fileRow = (name: string) => explorer.locator('.monaco-list-row', { hasText: `scenarios/${name}` });
          await fileRow('echo.zmq').locator('.codicon-testing-passed-icon').waitFor({ timeout: 20_000 });
          await fileRow('wrong.zmq').locator('.codicon-testing-failed-icon').waitFor({ timeout: 20_000 });
          // Every step shows its ✓ after the Test Explorer's run too (the lines on screen: the first scenario's).
          await waitForResults(page, 2, /^✓ [\d.]+ (ms|s)$/);
          console.log(`screenshot: ${await vscode.screenshot('scenarios-test-explorer')}`);

          // A wrong expectation: ✗ inline, and the Test Explorer's failure says what was expected and what came.
          await vscode.openFile('scenarios/wrong.zmq');
          const wrongLens = page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Run scenario' }).first();
          await wrongLens.waitFor({ timeout: 30_000 });
          // The Test Explorer ran this file already: wait for the CodeLens run's own result, not that one.
          const wrongRuns = () =>
            vscode
              .extensionLog()
              .split('\n')
              .filter((l) => /Scenario "The echo is wrong on purpose" \(wrong\.zmq\): failed/.test(l)).length;
          const before = wrongRuns();
          await wrongLens.click();
          const deadline = Date.now() + 30_000;
          while (wrongRuns() === before && Date.now() < deadline) await page.waitForTimeout(200);
          assert.equal(wrongRuns(), before + 1, 'the CodeLens run of wrong.zmq finished');
          // The failed step's ✗ and the skipped step's mark come in separate updates: wait for both.
          const failed = await waitForResults(page, 2, /^(✗ [\d.]+ (ms|s)|– skipped)$/);
          assert.match(failed.find((r) => r.result.startsWith('✗'))!.line, /^request echo within 2s/);
          assert.ok(
            failed.some((r) => r.line === 'request echo' && r.result === '– skipped'),
            JSON.stringify(failed),
          );
          // VS Code draws the step's test message beside the failed assertion: actual != expected.
          const inlineFailure = page.getByText('ping != "pong"').first();
          await inlineFailure.waitFor({ timeout: 10_000 });
          console.log(`screenshot: ${await vscode.screenshot('scenarios-wrong-inline')}`);
          // Its peek is the expected/actual diff.
          await inlineFailure.click();
          const peek = page.locator('.peekview-widget').first();
          await peek.waitFor({ timeout: 20_000 });
          await page.waitForFunction(
            `(() => { const t = document.querySelector('.peekview-widget')?.innerText ?? ''; return t.includes('Expected') && t.includes('Actual'); })()`,
            undefined,
            { timeout: 20_000 },
          );
          const peekText = await peek.innerText();
          assert.match(peekText, /line 6: \$\.echo\[0\] == "pong"/);
          assert.match(peekText, /"pong"\s+Expected\s+ping\s+Actual/);
          console.log(`screenshot: ${await vscode.screenshot('scenarios-wrong-peek')}`);
        },
      );
    } finally {
      await traffic.stop();
      rmSync(workspace, { recursive: true, force: true });
    }
  },
);
