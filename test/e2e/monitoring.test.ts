// The monitoring panel as a user meets it in a real VS Code, against the demo services
// (scripts/demo-traffic.mjs on test ports): "Open Monitoring Panel" shows a per-session rate chart that
// moves with the ticks; "Plot this field" on a tick's price in the inspector draws its series in the panel;
// "Open Packet Capture…" on a pcap recorded from pyzmq lists its messages, with their topics, in the inspector.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Frame } from 'playwright-core';
import { PROJECT_ROOT, demoEndpoints, startDemoTraffic, withVsCode, type DemoTraffic } from './vscodeHarness';
import { pollUntil } from './workbenchPage';

const PCAP = join(PROJECT_ROOT, 'test', 'fixtures', 'pcap', 'pubsub.pcap');
/** The topics the pyzmq publisher of pubsub.pcap sent, in order. */
const PCAP_TOPICS = (
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'test', 'fixtures', 'pcap', 'pubsub.expected.json'), 'utf8')) as {
    server: string[][];
  }
).server.map((frames) => Buffer.from(frames[0], 'base64').toString('utf8'));

let traffic: DemoTraffic | undefined;
after(async () => {
  await traffic?.stop();
});

// Page functions run in the webview, where the DOM exists; this project's Node types have none.
interface PageCanvas {
  width: number;
  height: number;
  toDataURL(): string;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
}
declare const document: { querySelector(selector: string): PageCanvas | null };

/** What a chart's canvas shows: its pixels (to tell two moments apart) and the highest row drawn in `color`. */
async function chartPixels(frame: Frame, selector: string, color: [number, number, number]) {
  return frame.evaluate(
    ({ selector, color }) => {
      const canvas = document.querySelector(selector);
      const context = canvas?.getContext('2d');
      if (!canvas || !context) return undefined;
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      let top = -1;
      let drawn = 0;
      for (let i = 0; i < data.length; i += 4) {
        const near = Math.abs(data[i] - color[0]) + Math.abs(data[i + 1] - color[1]) + Math.abs(data[i + 2] - color[2]) < 40;
        if (!near || data[i + 3] < 200) continue;
        drawn++;
        const row = Math.floor(i / 4 / canvas.width);
        if (top === -1 || row < top) top = row;
      }
      return { image: canvas.toDataURL(), height: canvas.height, top, drawn };
    },
    { selector, color },
  );
}

test(
  'the monitoring panel charts the demo traffic, plots a tick price, and a pcap opens with its topics',
  { timeout: 180_000 },
  async () => {
    traffic = await startDemoTraffic();
    await withVsCode(
      'monitoring',
      {
        workspace: 'demo/workspace',
        workspaceSettings: { 'zeromq.endpoints': demoEndpoints(traffic) },
        viewport: { width: 1600, height: 1000 },
      },
      async (vscode) => {
        await vscode.waitForExtensionLog(/Started ticks: SUB connect/, 45_000);

        // The panel's per-session chart: the ticks session's line (the first colour) rises off the floor and moves.
        await vscode.runCommand('ZeroMQ: Open Monitoring Panel');
        let monitor = await vscode.findWebviewFrame('.chart-sessions', 30_000);
        // The sessions table: ticks receives, its publisher connected since a clock time.
        const ticksRow = monitor.locator('.sessions-table tr', { hasText: 'ticks' }).first();
        await ticksRow
          .locator('.peer', { hasText: /tcp:\/\/127\.0\.0\.1:17556 connected since \d\d:\d\d:\d\d/ })
          .waitFor({ timeout: 20_000 });
        await pollUntil('the ticks session to show its rate', 10_000, async () =>
          Number(await ticksRow.locator('.session-rate').textContent()) > 0 ? true : undefined,
        );
        const SESSION_BLUE: [number, number, number] = [0x37, 0x94, 0xff];
        const first = await pollUntil('the session chart to draw a non-zero rate', 20_000, async () => {
          const pixels = await chartPixels(monitor, '.chart-sessions canvas', SESSION_BLUE);
          return pixels && pixels.drawn > 20 && pixels.top >= 0 && pixels.top < pixels.height * 0.6 ? pixels : undefined;
        });
        await vscode.page.waitForTimeout(2500);
        const second = await chartPixels(monitor, '.chart-sessions canvas', SESSION_BLUE);
        assert.ok(second && second.drawn > 20, 'the line is still drawn');
        assert.notEqual(second.image, first.image, 'the chart moved in 2.5 s of traffic');
        console.log(`screenshot: ${await vscode.screenshot('monitoring-rates')}`);

        // Plot this field: a JSON tick's price, from the inspector's decoded tree, becomes a series in the panel.
        await vscode.runCommand('ZeroMQ: Open Message Inspector');
        const inspector = await vscode.findWebviewFrame('.list-rows', 30_000);
        // Rows are reused as the list tails, so the click may land on another message than the one it aimed at:
        // narrow the list to the JSON ticks first, and whichever the click lands on is the one plotted.
        await inspector.locator('.filter-expression').fill('topic ^= "ticks."');
        await pollUntil('the list narrowed to the JSON ticks', 15_000, async () => {
          const shown = await inspector.locator('.list-rows .row:not([hidden]):not(.loading) .c-summary').allTextContents();
          return shown.length > 0 && shown.every((summary) => /^ticks\.(AAPL|MSFT)/.test(summary)) ? true : undefined;
        });
        const tick = inspector.locator('.list-rows .row:not([hidden])', { hasText: /ticks\.(AAPL|MSFT)/ }).first();
        await tick.waitFor({ timeout: 20_000 });
        await tick.click();
        const price = inspector.locator('.frame[data-frame-index="1"] .tree-leaf', {
          has: inspector.locator('.tree-key', { hasText: /^price$/ }),
        });
        await price.waitFor({ timeout: 10_000 });
        const topic = (await inspector.locator('.frame[data-frame-index="0"] .decoded-text').innerText()).trim();
        assert.match(topic, /^ticks\.(AAPL|MSFT)$/);
        await price.hover();
        await price.locator('.tree-plot').click();
        // The inspector opened over the panel; plotting brings the panel back beside it, as a new webview.
        monitor = await vscode.findWebviewFrame('.field-chip', 30_000);
        const fields = monitor.locator('.field-list');
        await fields.filter({ hasText: new RegExp(`price of ${topic.replace('.', '\\.')} = \\d+(\\.\\d+)?`) }).waitFor({ timeout: 20_000 });
        await pollUntil('the price series on the field chart', 15_000, async () => {
          const pixels = await chartPixels(monitor, '.chart-fields canvas', SESSION_BLUE);
          return pixels && pixels.drawn > 10 ? pixels : undefined;
        });
        console.log(`screenshot: ${await vscode.screenshot('monitoring-plotted-price')}`);

        // Open Packet Capture…: the pcap's messages join the capture, tagged with the file's name.
        await vscode.runCommand('ZeroMQ: Open Packet Capture…');
        await vscode.acceptFileDialog(PCAP);
        const done = await vscode.waitForNotification(
          /^ZeroMQ: pubsub\.pcap: imported 14 messages from 1 ZeroMQ connection; 1 other TCP connection skipped\.$/,
          30_000,
        );
        assert.equal(done.severity, 'info', done.message);
        await inspector.locator('.filter-expression').fill('tag == "pubsub.pcap" && frames >= 2');
        const rows = inspector.locator('.list-rows .row:not([hidden]):not(.loading) .c-summary');
        const topics = await pollUntil(`${PCAP_TOPICS.length} imported rows`, 15_000, async () => {
          const shown = await rows.allTextContents();
          return shown.length === PCAP_TOPICS.length ? shown : undefined;
        });
        assert.deepEqual(
          topics.map((summary) => PCAP_TOPICS.find((topic) => summary.startsWith(topic))),
          PCAP_TOPICS,
          `rows: ${topics.join(' | ')}`,
        );
        console.log(`screenshot: ${await vscode.screenshot('monitoring-pcap-in-inspector')}`);
        const errors = (await vscode.readNotifications()).filter((n) => n.severity === 'error');
        assert.deepEqual(errors, []);
      },
    );
  },
);
