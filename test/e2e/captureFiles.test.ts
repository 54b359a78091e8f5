// Export Capture… and Import Capture… as a user runs them in a real VS Code: a pyzmq publisher sends
// multipart messages with a non-ASCII topic and text, a binary frame and an empty one; the capture is
// exported through the browser's file dialog and read back here byte for byte; then cleared, imported
// from the same file, and a file with bad lines is imported, whose warning names them.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, test } from 'node:test';
import { startPythonPeer, type PythonPeer } from '../support/peers';
import { withVsCode } from './vscodeHarness';
import { pollUntil } from './workbenchPage';
import type { CaptureLine } from '../../src/core/capture/captureJsonlExport';

const PUB_PORT = 17730;
const MESSAGES = 12;
const TOPIC = 'prix.€';
const LABEL = 'café €';
const peers: PythonPeer[] = [];
const dirs: string[] = [];
after(async () => {
  for (const p of peers) await p.kill();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test(
  'Export Capture… writes what a pyzmq PUB sent (non-ASCII, binary, empty frames); Import Capture… brings it back and names bad lines',
  { timeout: 240_000 },
  async () => {
    // An XPUB sends only once the subscription arrived: the SUB gets every message, so the count is exact.
    // It prints each message's frames in base64, for comparing the exported file with what went out.
    const pub = await startPythonPeer(`
import base64
ctx = zmq.Context()
pub = ctx.socket(zmq.XPUB)
pub.bind("tcp://127.0.0.1:${PUB_PORT}")
print("READY", flush=True)
while pub.recv()[:1] != b"\\x01":
    pass
for n in range(${MESSAGES}):
    body = json.dumps({"seq": n, "label": ${JSON.stringify(LABEL)}}, ensure_ascii=False).encode()
    frames = [${JSON.stringify(TOPIC)}.encode(), body, bytes([n]) + bytes(range(256)), b""]
    pub.send_multipart(frames)
    print("SENT", json.dumps([base64.b64encode(f).decode() for f in frames]), flush=True)
print("DONE", flush=True)
time.sleep(600)
`);
    peers.push(pub);
    const dir = mkdtempSync(join(tmpdir(), 'zeromq-capture-e2e-'));
    dirs.push(dir);
    const capturePath = join(dir, 'prix capture.jsonl');
    const badPath = join(dir, 'with-bad-lines.jsonl');

    await withVsCode(
      'capture-files',
      {
        workspace: 'demo/workspace',
        workspaceSettings: {
          'zeromq.endpoints': [
            {
              name: 'prix',
              type: 'SUB',
              mode: 'connect',
              address: `tcp://127.0.0.1:${PUB_PORT}`,
              subscriptions: ['prix.'],
              autoStart: true,
            },
          ],
        },
      },
      async (vscode) => {
        const { page } = vscode;
        await vscode.waitForExtensionLog(/Started prix: SUB connect/, 45_000);
        await pub.waitForLine(/^DONE/, 30_000);
        const sent = pub.lines.filter((l) => l.startsWith('SENT ')).map((l) => JSON.parse(l.slice(5)) as string[]);
        assert.equal(sent.length, MESSAGES);

        // The inspector's status line counts the capture: every message the peer sent.
        await vscode.runCommand('ZeroMQ: Open Message Inspector');
        const inspector = await vscode.findWebviewFrame('.list-rows', 30_000);
        const status = inspector.locator('.toolbar .status');
        const waitForCount = (n: number) => status.filter({ hasText: new RegExp(`^${n} messages$`) }).waitFor({ timeout: 15_000 });
        await waitForCount(MESSAGES);

        // Export: the browser's file dialog offers a path in the workspace; the user types another one.
        await vscode.runCommand('ZeroMQ: Export Capture (JSON Lines)…');
        // VS Code keeps a progress notification up for at least 800 ms: watched from before the dialog closes.
        const exportProgress = vscode.waitForNotification(`ZeroMQ: exporting the capture: ${MESSAGES} of ${MESSAGES} messages`);
        exportProgress.catch(() => undefined); // awaited below; a failing dialog must not leave it unhandled
        await vscode.acceptFileDialog(capturePath);
        assert.ok((await exportProgress).actions.includes('Cancel'), 'the export can be cancelled');
        const exported = await vscode.waitForNotification(
          new RegExp(`^ZeroMQ: exported ${MESSAGES} messages to ${escapeRegExp(capturePath)}\\.$`),
        );
        assert.equal(exported.severity, 'info');
        await vscode.waitForExtensionLog(new RegExp(`Exported ${MESSAGES} messages to ${escapeRegExp(capturePath)}$`));
        console.log(`screenshot: ${await vscode.screenshot('capture-files-exported')}`);

        const text = readFileSync(capturePath, 'utf8');
        assert.ok(text.endsWith('\n'), 'the file ends with a newline');
        const rawLines = text.slice(0, -1).split('\n');
        assert.equal(rawLines.length, MESSAGES);
        const lines = rawLines.map((raw, i) => {
          try {
            return JSON.parse(raw) as CaptureLine;
          } catch {
            throw new Error(`line ${i + 1} is not JSON: ${raw}`);
          }
        });
        const session = lines[0].session;
        assert.ok(session, 'a session id');
        lines.forEach((line, i) => {
          assert.equal(line.direction, 'in', `line ${i + 1}: received by the SUB`);
          assert.equal(line.session, session, `line ${i + 1}: one session`);
          // The id means nothing in another window: the name and type travel with it.
          assert.deepEqual([line.sessionName, line.socketType], ['prix', 'SUB'], `line ${i + 1}: the session's name and type`);
          assert.equal(line.topic, true, `line ${i + 1}: a SUB's first frame is the topic`);
          assert.deepEqual(line.frames, sent[i], `line ${i + 1}: the frames the peer sent, in order`);
          const frames = line.frames.map((f) => Buffer.from(f, 'base64'));
          assert.deepEqual(
            line.frameSizes,
            frames.map((f) => f.length),
            `line ${i + 1}: whole frames, none truncated`,
          );
          assert.equal(frames[0].toString('utf8'), TOPIC);
          assert.deepEqual(frames[0], Buffer.from([0x70, 0x72, 0x69, 0x78, 0x2e, 0xe2, 0x82, 0xac]), '€ is 3 UTF-8 bytes');
          assert.deepEqual(JSON.parse(frames[1].toString('utf8')), { seq: i, label: LABEL });
          assert.deepEqual(frames[2], Buffer.from([i, ...Array.from({ length: 256 }, (_, b) => b)]), 'every byte value, unchanged');
          assert.equal(frames[3].length, 0, 'the empty frame stays');
          if (i > 0) {
            assert.ok(line.seq > lines[i - 1].seq, `line ${i + 1}: in capture order`);
            assert.ok(BigInt(line.timeNs) >= BigInt(lines[i - 1].timeNs), `line ${i + 1}: times do not go back`);
          }
          assert.equal(
            Date.parse(line.time.replace(/(\.\d{3})\d*Z$/, '$1Z')),
            Number(BigInt(line.timeNs) / 1_000_000n),
            `line ${i + 1}: time and timeNs agree`,
          );
        });

        // Clear, then import the same file through the open dialog.
        await vscode.runCommand('ZeroMQ: Clear Captured Messages');
        await waitForCount(0);
        await vscode.runCommand('ZeroMQ: Import Capture (JSON Lines)…');
        const kb = (Buffer.byteLength(text) / 1024).toLocaleString('en-US', { maximumFractionDigits: 1 });
        const importProgress = vscode.waitForNotification(`ZeroMQ: importing a capture: ${kb} of ${kb} KB`);
        importProgress.catch(() => undefined);
        await vscode.acceptFileDialog(capturePath);
        assert.ok((await importProgress).actions.includes('Cancel'), 'the import can be cancelled');
        console.log(`screenshot: ${await vscode.screenshot('capture-files-import-progress')}`);
        const imported = await vscode.waitForNotification(new RegExp(`^ZeroMQ: imported ${MESSAGES} messages\\.$`));
        assert.equal(imported.severity, 'info');
        await vscode.waitForExtensionLog(new RegExp(`Imported ${MESSAGES} messages from ${escapeRegExp(capturePath)}$`));
        await waitForCount(MESSAGES);
        // The imported messages read as the live ones did: topic, decoded text, binary bytes.
        const rows = inspector.locator('.list-rows .row:not([hidden])');
        await pollUntil(`${MESSAGES} rows showing ${TOPIC}`, 10_000, async () =>
          (await rows.filter({ hasText: TOPIC }).count()) === MESSAGES ? true : undefined,
        );
        const last = rows.filter({ hasText: `"seq":${MESSAGES - 1},"label":"${LABEL}"` });
        await last.click();
        await inspector.locator('.detail-meta', { hasText: '4 frames' }).waitFor({ timeout: 10_000 });
        const frame = (index: number) => inspector.locator(`.frame[data-frame-index="${index}"]`);
        assert.equal(await frame(0).locator('.decoded-text').innerText(), TOPIC);
        const label = frame(1).locator('.tree-leaf', { has: inspector.locator('.tree-key', { hasText: /^label$/ }) });
        assert.equal(await label.locator('.tree-value').innerText(), JSON.stringify(LABEL));
        const hex = frame(2).locator('.hex-row').first();
        assert.match(
          await hex.locator('.hex-bytes').innerText(),
          new RegExp(`^${(MESSAGES - 1).toString(16).padStart(2, '0')} 00 01 02 03 04 05 06`),
        );
        await frame(3).locator('.hex-empty', { hasText: '(empty frame)' }).waitFor({ timeout: 5000 });
        // Imported under a session of their own (the live prix keeps its id), tagged with the file's name.
        assert.equal(await inspector.locator('.detail-session').innerText(), 'prix (imported) (SUB)');
        assert.equal(await inspector.locator('.detail-tag').innerText(), basename(capturePath));
        console.log(`screenshot: ${await vscode.screenshot('capture-files-imported')}`);

        // A file with two bad lines between two good ones: the good ones come in, the warning names the bad ones.
        writeFileSync(badPath, [rawLines[0], 'not json', '{"session":"x"}', rawLines[1], ''].join('\n'));
        await vscode.runCommand('ZeroMQ: Import Capture (JSON Lines)…');
        await vscode.acceptFileDialog(badPath);
        const warning = await vscode.waitForNotification(/^ZeroMQ: imported 2 messages\./);
        assert.equal(warning.severity, 'warning');
        assert.match(warning.message, /^ZeroMQ: imported 2 messages\. 2 bad lines skipped, the first at line 2: not JSON \(.+\)$/);
        assert.deepEqual(warning.actions, ['Show Log']);
        await vscode.waitForExtensionLog(new RegExp(`Import ${escapeRegExp(badPath)}:2: not JSON`));
        await vscode.waitForExtensionLog(new RegExp(`Import ${escapeRegExp(badPath)}:3: "direction" must be "in" or "out"`));
        await vscode.waitForExtensionLog(new RegExp(`Imported 2 messages from ${escapeRegExp(badPath)} \\(2 bad lines skipped\\)$`));
        await waitForCount(MESSAGES + 2);
        console.log(`screenshot: ${await vscode.screenshot('capture-files-bad-lines')}`);
        // Show Log opens the ZeroMQ output, where every bad line is listed with its number.
        await page
          .locator('.notification-toast', { hasText: 'bad lines skipped' })
          .locator('.monaco-button', { hasText: 'Show Log' })
          .click();
        const output = page
          .locator('.part.panel .view-lines')
          .filter({ hasText: /with-bad-lines\.jsonl:3:\s+"direction"\s+must\s+be/ })
          .first();
        await output.waitFor({ timeout: 10_000 });
        assert.match(await output.innerText(), /with-bad-lines\.jsonl:2:\s+not\s+JSON/);
        console.log(`screenshot: ${await vscode.screenshot('capture-files-show-log')}`);
        assert.equal((await vscode.readNotifications()).filter((n) => n.severity === 'error').length, 0, 'no error notification');
      },
    );
  },
);
