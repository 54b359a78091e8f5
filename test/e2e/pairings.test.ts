// The topology from the workspace's code in a real VS Code: the fixture workspace (services in Python,
// C, JavaScript, Go, Java, C#, Rust) opens, the Pairings view shows the verdicts, and the Problems panel
// lists the incompatible pairing and the double bind.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withVsCode } from './vscodeHarness';

test('the Pairings view shows the verdicts and the Problems panel lists the incompatible pairing', { timeout: 180_000 }, async () => {
  await withVsCode('pairings', { workspace: 'test/fixtures/workspace' }, async (vscode) => {
    const { page } = vscode;
    await vscode.waitForExtensionLog(/Scanned \d+ files for ZeroMQ sockets/, 60_000);
    await vscode.openView('ZeroMQ');
    const pairings = vscode.viewPane('Pairings');
    await pairings.locator('.monaco-list-row', { hasText: ':5560' }).first().waitFor({ timeout: 20_000 });
    const rows = await pairings.locator('.monaco-list-row').allInnerTexts();
    const incompatible = rows.find((r) => r.includes(':5560'))!;
    assert.match(incompatible, /PUB bind/);
    assert.match(incompatible, /REQ connect/);
    assert.ok(
      rows.some((r) => r.includes(':5570')),
      `double bind endpoint listed: ${rows.join(' | ')}`,
    );
    // The endpoint with a problem carries the error icon.
    const errorRow = pairings.locator('.monaco-list-row', { hasText: ':5560' }).first();
    assert.equal(await errorRow.locator('.codicon-error').count(), 1);
    await errorRow.click();
    await page.keyboard.press('ArrowRight');
    await pairings
      .locator('.monaco-list-row', { hasText: /REQ connect/ })
      .first()
      .waitFor({ timeout: 10_000 });
    console.log(`screenshot: ${await vscode.screenshot('pairings-view')}`);

    await vscode.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    const problems = page.locator('.markers-panel .monaco-list-row');
    await problems
      .filter({ hasText: /PUB bound here, REQ connects from/ })
      .first()
      .waitFor({ timeout: 20_000 });
    await problems
      .filter({ hasText: /is also bound at/ })
      .first()
      .waitFor({ timeout: 10_000 });
    console.log(`screenshot: ${await vscode.screenshot('pairings-problems')}`);
  });
});
