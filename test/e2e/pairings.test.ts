// The topology from the workspace's code in a real VS Code:
// - the fixture workspace: the Pairings view shows the verdicts; Problems lists the incompatible pairing
//   and the double bind of the two stats services (declared as one system in its .vscode/settings.json);
// - the generated corpus (hundreds of unrelated, correct programs per language reusing the same ports),
//   opened from under a parent folder named `build`: it is scanned, Problems holds at most 10 errors and
//   30 warnings, the Pairings view lists its endpoints, and no error notification appears;
// - the seeded workspace: every wrong pairing (one per binding and per cross-file form) is an error in
//   Problems, and an application object's connect(host, port) is not there;
// - hostile files beside a normal pair: the pair is checked, a file over its budget is listed as skipped.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { withVsCode, type VsCode } from './vscodeHarness';
import { hostileSources } from '../support/hostileSources';
import { writeCorpus, writeSeededWorkspace } from '../support/topologyCorpus';

/** The Problems counts the status bar shows (its item reads "No Problems" or "Errors: N, Warnings: M..."). */
async function problemCounts(page: Page): Promise<{ errors: number; warnings: number; label: string }> {
  const item = page.locator('.part.statusbar [id="status.problems"]');
  await item.waitFor({ state: 'attached', timeout: 20_000 });
  const label = (await item.getAttribute('aria-label')) ?? (await item.innerText());
  const count = (word: string) => Number(new RegExp(`${word}:?\\s*(\\d+)`, 'i').exec(label)?.[1] ?? 0);
  return { errors: count('Errors?'), warnings: count('Warnings?'), label };
}

/** Waits until the scan is logged and the Problems counts stop changing (diagnostics are published in a batch). */
async function scanned(vscode: VsCode): Promise<{ log: string; errors: number; warnings: number; label: string }> {
  const log = await vscode.waitForExtensionLog(/Scanned \d+ files for ZeroMQ sockets/, 150_000);
  let last = await problemCounts(vscode.page);
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 500));
    const now = await problemCounts(vscode.page);
    if (now.label === last.label && i >= 2) break;
    last = now;
  }
  return { log, ...last };
}

async function pollUntilSecondScan(vscode: VsCode): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (
      vscode
        .extensionLog()
        .split('\n')
        .filter((l) => /Scanned \d+ files/.test(l)).length >= 2
    )
      return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the rescan was not logged');
}

test(
  'the Pairings view shows the verdicts and the Problems panel lists the incompatible pairing and the declared double bind',
  { timeout: 240_000 },
  async () => {
    await withVsCode('pairings', { workspace: 'test/fixtures/workspace' }, async (vscode) => {
      const { page } = vscode;
      await scanned(vscode);
      await vscode.openView('ZeroMQ');
      const pairings = vscode.viewPane('Pairings');
      await pairings.locator('.monaco-list-row', { hasText: ':5560' }).first().waitFor({ timeout: 20_000 });
      const rows = await pairings.locator('.monaco-list-row').allInnerTexts();
      const incompatible = rows.find((r) => r.includes(':5560'))!;
      assert.match(incompatible, /PUB bind/);
      assert.match(incompatible, /REQ connect/);
      assert.ok(
        rows.some((r) => r.includes(':5570') && r.includes('[stats]')),
        `the declared system's endpoint is listed: ${rows.join(' | ')}`,
      );
      // The endpoint with a problem carries the error icon; one whose types are unknown never shows as valid.
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
        .filter({ hasText: /REQ connects to tcp:\/\/localhost:5560, bound by PUB/ })
        .first()
        .waitFor({ timeout: 20_000 });
      await problems
        .filter({ hasText: /is already bound at/ })
        .first()
        .waitFor({ timeout: 10_000 });
      // Notes (valid pairings, lock-step REQ, unresolved endpoints) stay in the Pairings view.
      assert.equal(await problems.filter({ hasText: /lock-step|computed at run time|valid pairing/ }).count(), 0);
      console.log(`screenshot: ${await vscode.screenshot('pairings-problems')}`);
    });
  },
);

test(
  'the corpus under a parent folder named build: scanned, few problems, endpoints listed, no error notification',
  { timeout: 420_000 },
  async () => {
    const base = mkdtempSync(join(tmpdir(), 'zmq-e2e-corpus-'));
    const root = join(base, 'build', 'examples');
    mkdirSync(root, { recursive: true });
    const manifest = writeCorpus(root);
    try {
      await withVsCode('pairings-corpus', { workspace: root, copyWorkspace: false }, async (vscode) => {
        const { log, errors, warnings, label } = await scanned(vscode);
        console.log(`corpus: ${manifest.files} files; ${log.trim()}; Problems: ${label}`);
        const files = Number(/Scanned (\d+) files/.exec(log)![1]);
        assert.ok(files >= manifest.files - 20, `the workspace under build/ is scanned: ${log}`);
        assert.ok(errors <= 10, label);
        assert.ok(warnings <= 30, label);
        await vscode.openView('ZeroMQ');
        const pairings = vscode.viewPane('Pairings');
        await pairings.locator('.monaco-list-row', { hasText: 'tcp://*:5555' }).first().waitFor({ timeout: 30_000 });
        const rows = await pairings.locator('.monaco-list-row').allInnerTexts();
        assert.ok(rows.length >= 10, `endpoints listed: ${rows.length}`);
        const shared = rows.find((r) => r.includes('tcp://*:5555'))!;
        assert.match(shared, /ROUTER|REP/);
        const notifications = await vscode.readNotifications();
        assert.deepEqual(
          notifications.filter((n) => n.severity === 'error'),
          [],
        );
        assert.doesNotMatch(vscode.extensionHostLog(), /already registered/);
        console.log(`screenshot: ${await vscode.screenshot('pairings-corpus')}`);
        // A rescan once the window has settled: the host's event loop delay is then the scan's own.
        await vscode.runCommand('ZeroMQ: Rescan Workspace for Sockets');
        await pollUntilSecondScan(vscode);
        const rescans = vscode
          .extensionLog()
          .split('\n')
          .filter((l) => /Scanned \d+ files/.test(l));
        console.log(`rescan: ${rescans[rescans.length - 1]}`);
      });
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  },
);

test(
  'the seeded workspace: every wrong pairing is an error in Problems; an application object connect is not',
  { timeout: 300_000 },
  async () => {
    const root = mkdtempSync(join(tmpdir(), 'zmq-e2e-seeded-'));
    const manifest = writeSeededWorkspace(root);
    try {
      await withVsCode('pairings-seeded', { workspace: root, copyWorkspace: false }, async (vscode) => {
        const { errors, label } = await scanned(vscode);
        console.log(`seeded: ${manifest.errors.length} wrong pairings; Problems: ${label}`);
        assert.equal(errors, manifest.errors.length, label);
        await vscode.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
        const problems = vscode.page.locator('.markers-panel .monaco-list-row');
        await problems
          .filter({ hasText: /bound by PUB/ })
          .first()
          .waitFor({ timeout: 20_000 });
        assert.equal(await problems.filter({ hasText: 'app.py' }).count(), 0);
        console.log(`screenshot: ${await vscode.screenshot('pairings-seeded')}`);
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
);

test(
  'hostile files beside a normal pair: the window stays usable, the pair is checked, a skipped file is listed as such',
  { timeout: 300_000 },
  async () => {
    const root = mkdtempSync(join(tmpdir(), 'zmq-e2e-hostile-'));
    for (const h of hostileSources()) writeFileSync(join(root, h.file), h.text);
    writeFileSync(join(root, 'server.py'), 'import zmq\ns = zmq.Context().socket(zmq.REP)\ns.bind("tcp://*:5555")\n');
    writeFileSync(join(root, 'client.py'), 'import zmq\nc = zmq.Context().socket(zmq.REQ)\nc.connect("tcp://localhost:5555")\n');
    try {
      await withVsCode('pairings-hostile', { workspace: root, copyWorkspace: false }, async (vscode) => {
        const { log, label } = await scanned(vscode);
        console.log(`hostile: ${log.trim()}; Problems: ${label}`);
        await vscode.openView('ZeroMQ');
        const pairings = vscode.viewPane('Pairings');
        const pair = pairings.locator('.monaco-list-row', { hasText: 'tcp://*:5555' }).first();
        await pair.waitFor({ timeout: 30_000 });
        assert.equal(await pair.locator('.codicon-pass-filled').count(), 1);
        const skipped = pairings.locator('.monaco-list-row', { hasText: /Skipped files \(\d+\)/ }).first();
        await skipped.click();
        await vscode.page.keyboard.press('ArrowRight');
        await pairings
          .locator('.monaco-list-row', { hasText: /nested_fstrings\.py.*skipped: too complex/ })
          .first()
          .waitFor({ timeout: 10_000 });
        assert.deepEqual(
          (await vscode.readNotifications()).filter((n) => n.severity === 'error'),
          [],
        );
        console.log(`screenshot: ${await vscode.screenshot('pairings-hostile')}`);
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
);
