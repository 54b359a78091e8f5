// The monitoring panel's sessions, findings and tap latency in headless Chromium, over a real engine core
// (the wiring the engine uses: monitorDeps): a zeromq.js PUB whose sequence numbers skip (a gap finding),
// a SUB session connected to it (a peer, connected since), a second SUB whose subscription ends with a NUL
// (a subscription finding, known without sampling the publisher), and a request-reply tap between a zeromq.js REQ
// and a REP that answers in 1 to 30 ms (the latency heatmap). A click on the finding asks the host to filter
// the inspector to the session and select the message after the gap. Screenshot: monitor-health.png.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as zmq from 'zeromq';
import { parseSequenceField } from '../../src/core/diagnosis/sequenceField';
import { EngineCore } from '../../src/engine/engineCore';
import { monitorDeps } from '../../src/engine/enginePanels';
import { delay, waitUntil } from '../support/peers';
import { closeChromium, repoRoot } from './inspectorHarness';
import { openMonitorPage, type MonitorPage } from './monitorHarness';

const SCREENSHOTS = join(repoRoot, 'test-results', 'screenshots');
const PORTS = { pub: 18571, rep: 18572, tap: 18573, page: 18574 };
const core = new EngineCore({
  limits: { maxMessages: 100_000, maxBytes: 64 * 1024 * 1024, maxFrameBytes: 1024 * 1024 },
  receiveTimeoutMs: 5000,
  log: () => undefined,
  emitSnapshot: () => undefined,
});
const hostCalls: Array<{ method: string; params: unknown }> = [];
let monitor: MonitorPage;
let running = true;
const pub = new zmq.Publisher({ linger: 0 });
const rep = new zmq.Reply({ linger: 0 });
const req = new zmq.Request({ linger: 0 });

before(async () => {
  await pub.bind(`tcp://127.0.0.1:${PORTS.pub}`);
  await rep.bind(`tcp://127.0.0.1:${PORTS.rep}`);
  const feed = await core.sessions.open({
    name: 'feed',
    type: 'SUB',
    mode: 'connect',
    addresses: [`tcp://127.0.0.1:${PORTS.pub}`],
    subscriptions: [''],
  });
  core.sink.track(feed.id, parseSequenceField('f1:json:seq'));
  // C code's strlen(topic) + 1: the subscription ends with the NUL, so it matches none of the topics.
  await core.sessions.open({
    name: 'c-feed',
    type: 'SUB',
    mode: 'connect',
    addresses: [`tcp://127.0.0.1:${PORTS.pub}`],
    subscriptions: ['hex:7469636b7300'],
  });
  await core.startTap({
    id: 'tap-1',
    name: 'quotes-tap',
    pattern: 'request-reply',
    listen: `tcp://127.0.0.1:${PORTS.tap}`,
    upstream: `tcp://127.0.0.1:${PORTS.rep}`,
    replyTimeoutMs: 5000,
  });
  req.connect(`tcp://127.0.0.1:${PORTS.tap}`);
  void (async () => {
    for await (const [request] of rep) {
      await delay(1 + Math.floor(Math.random() * 30));
      await rep.send(['quote for ', request]).catch(() => undefined);
      if (!running) return;
    }
  })().catch(() => undefined);
  void (async () => {
    while (running) {
      await req.send('AAPL');
      await req.receive();
    }
  })().catch(() => undefined);
  await delay(300);
  // seq 1..40, then 61..: 20 missing.
  void (async () => {
    for (let seq = 1; running; seq++) {
      if (seq === 41) seq = 61;
      await pub.send(['ticks.AAPL', JSON.stringify({ seq, price: 190 + (seq % 7) })]);
      await delay(25);
    }
  })().catch(() => undefined);
  await waitUntil(() => core.store.stats().retained > 60, 'ticks and round trips are captured', 10_000);
  monitor = await openMonitorPage(
    monitorDeps(core, async (method, params) => {
      hostCalls.push({ method, params });
      return null as never;
    }),
    PORTS.page,
  );
});

after(async () => {
  running = false;
  await monitor?.close();
  await closeChromium();
  await core.dispose();
  for (const socket of [pub, rep, req]) socket.close();
});

test('the panel lists the session and its publisher, charts the tap round trips, and a gap finding filters the inspector', async () => {
  const { page } = monitor;
  const feedRow = page.locator('.sessions-table tr').filter({ has: page.locator('.session-name', { hasText: /^feed SUB/ }) });
  await feedRow
    .locator('.peer', { hasText: new RegExp(`tcp://127\\.0\\.0\\.1:${PORTS.pub} connected since \\d\\d:\\d\\d:\\d\\d`) })
    .waitFor();
  assert.match(await feedRow.locator('.session-name').innerText(), /^feed SUB connect$/);

  const finding = page.locator('.findings-list .finding', { hasText: /(?<![\w-])feed: .*20 missing/ });
  await finding.waitFor({ timeout: 15_000 });
  // Known from the subscriber alone, without sampling the publisher: shown as soon as the session is open.
  await page.locator('.findings-list .finding', { hasText: /c-feed: The subscription .*ends with a NUL byte/ }).waitFor();

  await page
    .locator('.latency-caption', { hasText: /quotes-tap: [\d,]+ round trips in view · last second p50 [\d.]+ ms, p99 [\d.]+ ms/ })
    .waitFor({
      timeout: 15_000,
    });
  await page.waitForSelector('.chart-latency canvas');
  await delay(3000);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, 'monitor-health.png'), fullPage: true });

  await finding.click();
  await waitUntil(() => hostCalls.some((c) => c.method === 'monitor.filterInspector'), 'the click reaches the host');
  const call = hostCalls.find((c) => c.method === 'monitor.filterInspector')!;
  const params = call.params as { filter: { sessionId: string }; selectSeq: number };
  assert.equal(params.filter.sessionId, core.sessions.list().find((s) => s.name === 'feed')!.id);
  const selected = core.store.get(params.selectSeq);
  assert.ok(selected, 'the selected message is in the capture');
  assert.equal(JSON.parse(Buffer.from(selected.frames[1]).toString()).seq, 61, 'the message after the gap');
  assert.deepEqual(monitor.errors, []);
});
