// The inspector's power tools and the monitoring panel in headless Chromium, over a real capture: a
// packet capture recorded from pyzmq and zeromq.js (imported as "Open Packet Capture" does) plus live
// ticks from a zeromq.js PUB into a real SUB session. Screenshots go to test-results/screenshots.
import assert from 'node:assert/strict';
import { createReadStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as zmq from 'zeromq';
import { CaptureStore } from '../../src/core/capture/captureStore';
import { createDefaultRegistry } from '../../src/core/decoders';
import type { FieldPlotSpec } from '../../src/core/monitor/trafficSampler';
import { importPcapFromStream } from '../../src/core/pcap/pcapImport';
import { SessionManager } from '../../src/core/session/sessionManager';
import type { InspectorDeps } from '../../src/inspector/inspectorBackend';
import { delay, waitUntil } from '../support/peers';
import { closeChromium, openInspectorPage, repoRoot, type InspectorPage } from './inspectorHarness';
import { openMonitorPage, type MonitorPage } from './monitorHarness';

// Page functions run in the browser, where the DOM exists; this project's Node types have none.
interface PageNode {
  textContent: string | null;
  value?: string;
}
declare const document: {
  querySelector(selector: string): PageNode | null;
  querySelectorAll(selector: string): ArrayLike<PageNode> & Iterable<PageNode>;
};

const SCREENSHOTS = join(repoRoot, 'test-results', 'screenshots');
const store = new CaptureStore({ maxMessages: 100_000, maxBytes: 64 * 1024 * 1024 });
const sessions = new SessionManager(store);
const decoders = createDefaultRegistry();
const plotted: FieldPlotSpec[] = [];
let monitor: MonitorPage;
const deps: InspectorDeps = {
  store,
  sessions,
  decoders,
  getRules: () => [],
  addRule: async () => undefined,
  log: () => undefined,
  getFilterPresets: () => [{ name: 'Hide heartbeats', expression: '!(topic ~= "heartbeat")', enabled: false }],
  plotField: (spec) => {
    plotted.push(spec);
    return monitor.backend.plot(spec);
  },
};
let inspector: InspectorPage;
let pub: zmq.Publisher;
let publishing = true;

async function shot(page: InspectorPage['page'], name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

before(async () => {
  const imported = await importPcapFromStream(createReadStream(join(repoRoot, 'test/fixtures/pcap/pubsub.pcap')), store, {
    tag: 'pubsub.pcap',
    sessionIdFor: ({ name, socketType }) => sessions.adoptImported(`${name} (pubsub.pcap)`, socketType as 'SUB'),
  });
  assert.equal(imported.imported, 14);
  pub = new zmq.Publisher({ linger: 0 });
  let address = '';
  for (let port = 18510; !address && port < 18530; port++) {
    try {
      await pub.bind(`tcp://127.0.0.1:${port}`);
      address = `tcp://127.0.0.1:${port}`;
    } catch {
      // In use by another run: the next one.
    }
  }
  await sessions.open({ name: 'live ticks', type: 'SUB', mode: 'connect', addresses: [address], subscriptions: [''] });
  await delay(300);
  let n = 0;
  void (async () => {
    while (publishing) {
      n++;
      await pub.send([n % 2 ? 'ticks.EURUSD' : 'ticks.GBPUSD', JSON.stringify({ seq: n, price: +(1.08 + (n % 50) / 1000).toFixed(4) })]);
      await delay(40);
    }
  })();
  await waitUntil(() => store.stats().retained > 30, 'live ticks are captured');
  monitor = await openMonitorPage(
    {
      store,
      sessions: { name: (id) => sessions.describe(id)?.name ?? id, socketType: (id) => sessions.describe(id)?.type },
      decodeTree: (frame, index) => {
        const result = decoders.decodeFrame(frame, { frameIndex: index, frameCount: 2 });
        return result.ok ? result.tree : undefined;
      },
      openMessage: () => undefined,
      filterInspector: (filter) => inspector.backend.applyFilter(filter.topic !== undefined ? { topic: filter.topic } : {}),
      log: () => undefined,
    },
    18530,
  );
  inspector = await openInspectorPage(deps, { port: 18550, width: 1300, height: 850 });
});

after(async () => {
  publishing = false;
  await inspector?.close();
  await monitor?.close();
  await closeChromium();
  await sessions.dispose();
  pub?.close();
});

const rowCount = (page: InspectorPage['page']) => page.locator('.list-rows .row:not([hidden]):not(.loading)').count();

test('a field expression narrows the list, and a broken one says what is wrong', async () => {
  const { page } = inspector;
  await page.waitForSelector('.list-rows .row .c-seq');
  await page.fill('.filter-expression', 'topic ^= "ticks." && $.price > 1.1');
  // The status says "N of M" as soon as the new filter is known; the filtered rows arrive in later slices,
  // so wait for them (a filter that lets other topics through times out here).
  await page.waitForFunction(() => {
    const status = document.querySelector('.status')?.textContent ?? '';
    const rows = [...document.querySelectorAll('.list-rows .row:not([hidden]):not(.loading) .c-summary')];
    const settled = /of \d+ messages/.test(status) && !status.includes('filtering') && rows.length > 0;
    return settled && rows.every((row) => row.textContent?.startsWith('ticks.'));
  });
  const shown = await page.locator('.list-rows .row:not([hidden]):not(.loading) .c-summary').allTextContents();
  assert.ok(shown.length > 0 && shown.every((s) => s.startsWith('ticks.')), shown.join(' | '));
  await shot(page, 'power-tools-expression');
  await page.fill('.filter-expression', '$.price >> 1');
  await page.waitForFunction(() => /Expression: .*character/.test(document.querySelector('.filter-problem')?.textContent ?? ''));
  await page.fill('.filter-expression', '');
  await page.waitForFunction(() => !document.querySelector('.filter-problem')?.textContent);
  // Clearing the expression refilters in slices too: the full list comes back a moment after the problem clears.
  await page.waitForFunction(() => [...document.querySelectorAll('.list-rows .row:not([hidden]):not(.loading)')].length > 10);
  assert.ok((await rowCount(page)) > 10);
});

test('the topic tree lists the captured topics by level; a click filters the list', async () => {
  const { page } = inspector;
  await page.click('.topics-toggle');
  await page.waitForSelector('.topic-pane:not([hidden]) .topic-name');
  await page.waitForFunction(() => {
    const names = [...document.querySelectorAll('.topic-name')].map((n) => n.textContent);
    return ['ticks', 'EURUSD', 'GBPUSD', 'news/fx'].every((name) => names.includes(name));
  });
  const names = await page.locator('.topic-name').allTextContents();
  for (const expected of ['ticks', 'EURUSD', 'GBPUSD', 'news/fx'])
    assert.ok(names.includes(expected), `${expected} in ${names.join(', ')}`);
  await shot(page, 'power-tools-topic-tree');
  await page.locator('.topic-name', { hasText: 'GBPUSD' }).first().click();
  await page.waitForFunction(() => document.querySelector('.filter-topic')?.value === 'ticks.GBPUSD');
  await page.waitForFunction(() =>
    [...document.querySelectorAll('.list-rows .row:not([hidden]):not(.loading) .c-summary')].every((n) =>
      n.textContent?.startsWith('ticks.GBPUSD'),
    ),
  );
  await page.click('.topic-pane .icon-btn');
});

test('compare with previous shows the changed price of two ticks', async () => {
  const { page } = inspector;
  await page.locator('.list-rows .row:not([hidden]):not(.loading)').last().click();
  await page.waitForSelector('.detail-compare');
  await page.click('.detail-compare');
  await page.waitForSelector('.diff-fields');
  const paths = await page.locator('.diff-fields .diff-path').allTextContents();
  assert.ok(paths.includes('$.price'), paths.join(', '));
  assert.ok(paths.includes('$.seq'));
  await shot(page, 'power-tools-diff');
});

test('"Plot this field" on price draws a series in the monitoring panel, whose rate chart moves', async () => {
  const { page } = inspector;
  await page.click('.detail-back');
  await page.locator('.tree-leaf', { hasText: 'price' }).first().hover();
  await page.locator('.tree-leaf', { hasText: 'price' }).locator('.tree-plot').first().click();
  await waitUntil(() => plotted.length === 1, 'the plot request reaches the host');
  assert.deepEqual(plotted[0], { topic: 'ticks.GBPUSD', path: '$.price', sessionId: plotted[0].sessionId });
  const mon = monitor.page;
  await mon.waitForFunction(
    () => /price of ticks\.GBPUSD = [\d.]+/.test(document.querySelector('.field-list')?.textContent ?? ''),
    undefined,
    {
      timeout: 15_000,
    },
  );
  await mon.waitForSelector('.chart-sessions canvas');
  // The legend shows the live value under the cursor; the data itself must have non-zero rates.
  const live = await mon.evaluate(() => document.querySelector('.share-table')?.textContent ?? '');
  assert.match(live, /ticks\.(EUR|GBP)USD/);
  await delay(2500);
  await monitor.page.screenshot({ path: join(SCREENSHOTS, 'monitor-panel.png') });
  assert.deepEqual(monitor.errors, []);
  assert.deepEqual(inspector.errors, []);
});
