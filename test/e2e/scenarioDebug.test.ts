// Debugging a scenario in the real VS Code: a breakpoint on a step line of the demo's echo.zmq, "Debug Test
// at Cursor" on the scenario, the run pauses before that step with the Variables view showing the value the
// first step captured and the reply it checked; Step Over runs the last step and the scenario passes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { startDemoTraffic, withVsCode, type DemoTraffic, type VsCode } from './vscodeHarness';

async function goToLine(vscode: VsCode, line: number): Promise<void> {
  await vscode.runCommand('Go to Line/Column...');
  await vscode.quickInput.type(`:${line}`);
  await vscode.quickInput.waitClosed();
}

/** Labels of the rows the Variables view shows. */
async function variableRows(page: Page): Promise<string[]> {
  return page.locator('.debug-variables .monaco-list-row').allInnerTexts();
}

test(
  'scenario debugging: a breakpoint on a step pauses with captures and the last reply in Variables, Step Over finishes',
  { timeout: 300_000 },
  async () => {
    const traffic: DemoTraffic = await startDemoTraffic();
    try {
      const port = (address: string) => address.split(':').pop()!;
      await withVsCode(
        'scenario-debug',
        {
          workspace: 'demo/workspace',
          workspaceSettings: {
            'zeromq.endpoints': [],
            'zeromq.scenarios.environment': 'e2e',
            'zeromq.scenarios.environments': {
              e2e: { echoPort: port(traffic.rep), ticksPort: port(traffic.pub), workPort: port(traffic.push) },
            },
            'testing.automaticallyOpenPeekView': 'never',
            'debug.openDebug': 'openOnDebugBreak',
          },
        },
        async (vscode) => {
          const { page } = vscode;
          await vscode.waitForExtensionLog(/ZeroMQ Inspector activated/, 45_000);
          await vscode.openFile('scenarios/echo.zmq');
          await page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Run scenario' }).first().waitFor({ timeout: 30_000 });
          // Line 23 is the scenario's second step: `request echo`.
          await goToLine(vscode, 23);
          await vscode.runCommand('Debug: Toggle Breakpoint');
          await page.locator('.codicon-debug-breakpoint').first().waitFor({ timeout: 10_000 });
          // On the scenario's own line, "at cursor" is the scenario (on a step line it would be that step alone).
          await goToLine(vscode, 13);
          await vscode.runCommand('Test: Debug Test at Cursor');

          await page.locator('.debug-toolbar').waitFor({ timeout: 60_000 });
          const captured = page.locator('.debug-variables .monaco-list-row', { hasText: 'Captured' }).first();
          await captured.waitFor({ timeout: 30_000 });
          // The call stack names the paused step and its line.
          await page.getByText('Paused on breakpoint').first().waitFor({ timeout: 10_000 });
          await page
            .locator('.debug-call-stack .monaco-list-row', { hasText: 'request echo' })
            .filter({ hasText: '23:1' })
            .first()
            .waitFor({ timeout: 10_000 });
          await captured.click();
          await page.locator('.debug-variables .monaco-list-row', { hasText: 'answeredAt' }).waitFor({ timeout: 10_000 });
          const lastReceived = page.locator('.debug-variables .monaco-list-row', { hasText: 'Last received (echo)' }).first();
          await lastReceived.click();
          await page.locator('.debug-variables .monaco-list-row', { hasText: 'frame[0]' }).waitFor({ timeout: 10_000 });
          const rows = await variableRows(page);
          assert.ok(
            rows.some((r) => /frame\[0\][\s\S]*"echo"/.test(r)),
            `the last reply's frame shows: ${JSON.stringify(rows)}`,
          );
          assert.ok(
            rows.some((r) => /echoPort/.test(r)),
            `the environment's variables show: ${JSON.stringify(rows)}`,
          );
          console.log(`screenshot: ${await vscode.screenshot('scenario-debug-paused')}`);

          await vscode.runCommand('Debug: Step Over');
          await vscode.waitForExtensionLog(/Scenario "Echo answers a ping" \(echo\.zmq\): passed/, 30_000);
          await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 });
          console.log(`screenshot: ${await vscode.screenshot('scenario-debug-done')}`);
        },
      );
    } finally {
      await traffic.stop();
    }
  },
);
