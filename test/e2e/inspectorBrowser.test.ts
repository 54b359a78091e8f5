// The Message Inspector webview in headless Chromium over a real CaptureStore holding a million
// messages, real decoders, and real sockets (a zeromq.js PUB and DEALER) feeding live traffic.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as zmq from 'zeromq';
import { CaptureStore } from '../../src/core/capture/captureStore';
import { createDefaultRegistry, type DecoderRule } from '../../src/core/decoders';
import { SessionManager } from '../../src/core/session/sessionManager';
import type { Session } from '../../src/core/session/session';
import type { InspectorDeps } from '../../src/inspector/inspectorBackend';
import { delay, waitUntil } from '../support/peers';
import { assertInOrder, visibleSeqs, waitForLastVisibleSeq, waitForStatus, wheelAndSettle } from './inspectorListProbes';
import { closeChromium, measureScrollbarJumps, measureWheel, openInspectorPage, repoRoot, type InspectorPage } from './inspectorHarness';

// Each is the first of a few tried: another run of the suite may hold one.
const HTTP_PORT = 18450;
const HTTP_PORT_RELOADED = 18470;
const PUB_PORTS = [18410, 18429] as const;
const ROUTER_PORTS = [18430, 18449] as const;
const MESSAGES = 1_000_000;
const XSS_TOPIC = '<img src=x onerror=alert(1)>';
const XSS_FRAME = '<script>alert(2)</script>';
const XSS_ROUTING_ID = '<img src=x onerror=alert(3)>';
const SCREENSHOTS = join(repoRoot, 'test-results', 'screenshots');

const store = new CaptureStore({ maxMessages: MESSAGES + 10_000, maxBytes: 1024 * 1024 * 1024 });
const sessions = new SessionManager(store);
const decoders = createDefaultRegistry();
const rules: DecoderRule[] = [];
const proposals: unknown[] = [];
const deps: InspectorDeps = {
  store,
  sessions,
  decoders,
  getRules: () => rules,
  // As the settings do: saved by session name, in force by session id.
  addRule: async (rule) => {
    proposals.push(rule);
    rules.push({
      decoder: rule.decoder,
      sessionId: rule.session ? sessions.findByName(rule.session)?.id : undefined,
      topicPrefix: rule.topicPrefix,
      frameIndex: rule.frameIndex,
    });
  },
  log: () => undefined,
};
const sockets: zmq.Socket[] = [];
let sub: Session;
let router: Session;
let routerAddress: string;
let inspector: InspectorPage;
const figures: Record<string, unknown> = {};

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Binds at the first port of the range that is free; returns the address. */
async function firstFree(range: readonly [number, number], bind: (address: string) => Promise<void>): Promise<string> {
  for (let port = range[0]; ; port++) {
    const address = `tcp://127.0.0.1:${port}`;
    try {
      await bind(address);
      return address;
    } catch (error) {
      if (port >= range[1]) throw error;
    }
  }
}

async function screenshot(name: string): Promise<void> {
  await inspector.page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** A million messages as the sessions would have captured them: JSON ticks, ROUTER requests, replies. */
function fillStore(subId: string, routerId: string): void {
  const start = BigInt(Date.now() - 3_600_000) * 1_000_000n;
  const identity = new Uint8Array([0, 0x6b, 0x8b, 0x45, 0x67]);
  const empty = new Uint8Array(0);
  const reply = utf8('OK');
  const topic = utf8('prices.EURUSD');
  for (let i = 0; i < MESSAGES; i++) {
    const timeNs = start + BigInt(i) * 3_000_000n;
    switch (i % 3) {
      case 0:
        store.append(
          subId,
          'in',
          [topic, utf8(`{"seq":${i},"price":${(1.08 + i / 1e7).toFixed(5)},"side":"buy","venue":{"name":"LMAX","id":7}}`)],
          { timeNs, hasTopic: true },
        );
        break;
      case 1:
        store.append(routerId, 'in', [identity, empty, new Uint8Array([0x01, 0x02, 0x03, 0xfa, 0xfb, i & 0xff, 0x00, 0x7f, 0x80, 0x41])], {
          timeNs,
          hasRoutingId: true,
        });
        break;
      default:
        store.append(routerId, 'out', [identity, empty, reply], { timeNs, hasRoutingId: true });
    }
  }
}

before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const pub = new zmq.Publisher({ linger: 0 });
  sockets.push(pub);
  const pubAddress = await firstFree(PUB_PORTS, async (address) => {
    await pub.bind(address);
  });
  sub = await sessions.open({ name: 'prices', type: 'SUB', mode: 'connect', addresses: [pubAddress], subscriptions: [''] });
  routerAddress = await firstFree(ROUTER_PORTS, async (address) => {
    router = await sessions.open({ name: 'orders <b>router</b>', type: 'ROUTER', mode: 'bind', addresses: [address] });
  });
  const started = Date.now();
  fillStore(sub.id, router.id);
  figures.fillMs = Date.now() - started;
  assert.equal(store.stats().retained, MESSAGES);

  const openStarted = Date.now();
  inspector = await openInspectorPage(deps, { port: HTTP_PORT });
  await inspector.page.waitForSelector('.list-rows .row:not(.loading) .c-seq');
  figures.sinceNavigationMs = await inspector.timing();
  figures.firstRowsWallMs = Date.now() - openStarted;
});

after(async () => {
  console.log(`inspector figures: ${JSON.stringify(figures)}`);
  await inspector?.close();
  await closeChromium();
  sessions.dispose();
  for (const socket of sockets) socket.close();
});

test('a million messages load: the status counts them and only the visible rows are in the DOM', async () => {
  const { page } = inspector;
  await waitForStatus(page, /1,000,000 messages/);
  const rowElements = await page.locator('.list-rows .row').count();
  assert.ok(rowElements > 10 && rowElements < 80, `a virtual list keeps a screenful of rows in the DOM, not ${rowElements}`);
  // Opened at the live end of the capture.
  await waitForLastVisibleSeq(store.stats().lastSeq, inspector.page);
  await screenshot('inspector-1m-tail');
});

test('scrolling: Home shows the first message, the scrollbar and the wheel move through a million rows, End shows the last seq', async () => {
  const { page } = inspector;
  await page.locator('.list').focus();
  await page.keyboard.press('Home');
  await page.waitForFunction((first) => {
    const cell = (
      globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }
    ).document.querySelector('.list-rows .row:not([hidden]):not(.loading) .c-seq');
    return Number(cell?.textContent) === first;
  }, store.stats().firstSeq);
  figures.wheelDown = await measureWheel(page, 40, 240);
  figures.scrollbarJumps = await measureScrollbarJumps(page, 60);
  // The last jump lands on the bottom: the last message is painted.
  await waitForLastVisibleSeq(store.stats().lastSeq, inspector.page);
  await page.keyboard.press('Home');
  await page.keyboard.press('End');
  await waitForLastVisibleSeq(store.stats().lastSeq, inspector.page);
  await page.waitForSelector(`.list-rows .row.selected[data-seq="${store.stats().lastSeq}"]`);
});

test('after wheel steps either way the rows on screen are consecutive, in document order, one under another (scaled list and native-scroll list)', async () => {
  const { page } = inspector;
  await page.locator('.list').focus();
  await page.keyboard.press('Home');
  await page.waitForSelector(`.list-rows .row[data-seq="${store.stats().firstSeq}"]:not(.loading)`);
  const box = await page.locator('.list-viewport').boundingBox();
  assert.ok(box);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  // A million rows: the spacer is scaled and the list moves itself on wheel events.
  const down = await wheelAndSettle(page, 12, 150);
  assertInOrder(down, 1, 'scaled, down');
  assert.ok(down[0].seq > store.stats().firstSeq + 40, `scaled: the wheel moved the list (top row ${down[0].seq})`);
  const up = await wheelAndSettle(page, 5, -100);
  assertInOrder(up, 1, 'scaled, up');
  assert.ok(up[0].seq < down[0].seq, 'scaled: the wheel moved the list back up');

  // A third of the rows (one topic) fits an unscaled spacer: the browser scrolls natively.
  await page.fill('.filter-text', 'topic:prices.EUR');
  await waitForStatus(page, /333,334/);
  await page.locator('.list').focus();
  await page.keyboard.press('Home');
  await page.waitForSelector(`.list-rows .row[data-seq="${store.stats().firstSeq}"]:not(.loading)`);
  const nativeDown = await wheelAndSettle(page, 12, 150);
  assertInOrder(nativeDown, 3, 'native, down');
  assert.ok(nativeDown[0].seq > store.stats().firstSeq + 3 * 40, `native: the wheel moved the list (top row ${nativeDown[0].seq})`);
  const nativeUp = await wheelAndSettle(page, 5, -100);
  assertInOrder(nativeUp, 3, 'native, up');
  assert.ok(nativeUp[0].seq < nativeDown[0].seq, 'native: the wheel moved the list back up');
  // The cleared filter applies after a debounce and a pass over a million messages: the next test's
  // keys must not land on the filtered list meanwhile.
  await page.fill('.filter-text', '');
  await waitForStatus(page, /^1,000,000 messages/);
});

test('selecting a JSON message shows its fields in the decoded tree', async () => {
  const { page } = inspector;
  await page.locator('.list').focus();
  await page.keyboard.press('Home');
  const first = store.get(store.stats().firstSeq)!;
  await page.waitForSelector(`.detail-seq:text-is("#${first.seq}")`);
  const price = page.locator('.frame[data-frame-index="1"] .tree-leaf', { has: page.locator('.tree-key', { hasText: /^price$/ }) });
  await price.waitFor();
  assert.equal(await price.locator('.tree-value').textContent(), JSON.parse(Buffer.from(first.frames[1]).toString()).price.toString());
  assert.equal(await page.locator('.frame[data-frame-index="0"] .frame-label').textContent(), 'topic');
  await page.keyboard.press('Enter');
  const focusInDetail = () =>
    page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { activeElement: { closest(s: string): unknown } | null } }).document;
      return Boolean(doc.activeElement?.closest('.detail'));
    });
  assert.ok(await focusInDetail(), 'Enter moves the focus into the detail pane');
  // Home re-selected the message already shown: no late reload of the pane may take the focus away.
  await delay(200);
  assert.ok(await focusInDetail(), 'the focus stays in the detail pane');
  await screenshot('inspector-json');
});

test('a binary ROUTER message shows routing id, empty delimiter and a hex dump', async () => {
  const { page } = inspector;
  await page.locator('.list').focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowDown');
  const second = store.get(store.stats().firstSeq + 1)!;
  await page.waitForSelector(`.detail-seq:text-is("#${second.seq}")`);
  assert.equal(await page.locator('.frame[data-frame-index="0"] .frame-label').textContent(), 'routing id');
  assert.equal(await page.locator('.frame[data-frame-index="1"] .frame-label').textContent(), 'empty delimiter');
  const hex = page.locator('.frame[data-frame-index="2"] .hexdump .hex-bytes').first();
  await hex.waitFor();
  assert.match((await hex.textContent()) ?? '', /^01 02 03 fa fb [0-9a-f]{2} 00 7f {2}80 41$/);
  assert.equal(await page.locator('.frame[data-frame-index="2"] .hex-ascii').first().textContent(), '.........A');
  await screenshot('inspector-hex');
});

test('payloads that look like HTML (topic, frame, routing id, session name) show as literal text', async () => {
  const { page } = inspector;
  const pub = sockets[0] as zmq.Publisher;
  const before = store.stats().lastSeq;
  // The SUB's subscription reaches the PUB after the handshake: publish until one arrives.
  for (let attempt = 0; store.stats().lastSeq === before; attempt++) {
    assert.ok(attempt < 100, 'the SUB session captures the PUB within 5 s');
    await pub.send([XSS_TOPIC, XSS_FRAME]);
    await delay(50);
  }
  const dealer = new zmq.Dealer({ routingId: XSS_ROUTING_ID, linger: 0 });
  sockets.push(dealer);
  dealer.connect(routerAddress);
  await dealer.send(['', '{"note":"<img src=x onerror=alert(4)>"}']);
  await waitUntil(
    () => store.filter({ sessionIds: [router.id], contains: utf8('alert(4)') }).length > 0,
    'the ROUTER session captures the DEALER',
  );

  const filterStarted = Date.now();
  await page.fill('.filter-text', 'onerror');
  await waitForStatus(page, /^\d+ of /);
  figures.textFilterOver1MWallMs = Date.now() - filterStarted; // includes the filter box's 150 ms debounce
  const summaries = await page.$$eval('.list-rows .row:not([hidden]):not(.loading) .c-summary', (cells) =>
    cells.map((c) => c.textContent ?? ''),
  );
  assert.ok(
    summaries.some((s) => s.includes(XSS_TOPIC)),
    `the topic is listed as text: ${JSON.stringify(summaries)}`,
  );
  assert.ok(
    summaries.some((s) => s.includes(XSS_ROUTING_ID)),
    'the routing id is listed as text',
  );

  // The DEALER's message: routing id frame and JSON with markup inside a string.
  await page.locator('.list-rows .row:not([hidden])', { hasText: XSS_ROUTING_ID }).first().click();
  await page.locator('.frame-astext', { hasText: XSS_ROUTING_ID }).waitFor();
  assert.equal(await page.locator('.detail-session').textContent(), 'orders <b>router</b> (ROUTER)');
  await page.locator('.tree-value', { hasText: '"<img src=x onerror=alert(4)>"' }).waitFor();
  // The PUB's message: markup topic and a <script> frame.
  await page.locator('.list-rows .row:not([hidden])', { hasText: XSS_TOPIC }).first().click();
  await page.locator('.decoded-text', { hasText: XSS_FRAME }).waitFor();
  await page.locator('.decoded-text', { hasText: XSS_TOPIC }).waitFor();
  await page.locator('.frame[data-frame-index="0"] .hex-details summary').click();
  await screenshot('inspector-xss');

  const elements = await page.evaluate(() => {
    const doc = (
      globalThis as unknown as {
        document: { querySelectorAll(s: string): { length: number }; querySelector(s: string): { textContent: string | null } };
      }
    ).document;
    return {
      img: doc.querySelectorAll('img').length,
      script: doc.querySelectorAll('script').length,
      bold: doc.querySelectorAll('b').length,
    };
  });
  assert.deepEqual(
    elements,
    { img: 0, script: 1, bold: 0 },
    'no element was created from a payload (the one script is the webview bundle)',
  );
  assert.deepEqual(inspector.dialogs, [], 'no payload script ran');
});

test('the live tail shows a new message from the real PUB, and pauses with a count when scrolled up', async () => {
  const { page } = inspector;
  const pub = sockets[0] as zmq.Publisher;
  await page.fill('.filter-text', '');
  // " messages" and no " of ": the unfiltered count.
  await waitForStatus(page, /^(?!.* of ).* messages/);
  await page.locator('.list').focus();
  await page.keyboard.press('End');
  await waitForLastVisibleSeq(store.stats().lastSeq, inspector.page);

  const before = store.stats().lastSeq;
  await pub.send(['live.tick', '{"live":1}']);
  await waitUntil(() => store.stats().lastSeq > before, 'the tick is captured');
  await waitForLastVisibleSeq(store.stats().lastSeq, inspector.page);
  const lastRow = page.locator(`.list-rows .row[data-seq="${store.stats().lastSeq}"] .c-summary`);
  assert.match((await lastRow.textContent()) ?? '', /^live\.tick/);

  await page.keyboard.press('PageUp');
  await page.keyboard.press('PageUp');
  const paused = store.stats().lastSeq;
  for (let i = 0; i < 3; i++) await pub.send(['live.tick', `{"live":${i + 2}}`]);
  await waitUntil(() => store.stats().lastSeq === paused + 3, 'three more ticks are captured');
  await page.locator('.tail-chip', { hasText: 'paused — 3 new, jump to latest' }).waitFor();
  assert.ok(!(await visibleSeqs(inspector.page)).includes(store.stats().lastSeq), 'a paused view stays where the user scrolled');
  await screenshot('inspector-paused');
  await page.locator('.tail-chip').click();
  await waitForLastVisibleSeq(store.stats().lastSeq, inspector.page);
  // The chip hides on the render after the jump, which may come a frame after the last row shows.
  await page.locator('.tail-chip').waitFor({ state: 'hidden', timeout: 5_000 });
});

test('switching a frame decoder re-decodes it, "use from now on" adds a rule other messages follow, copy puts the frame on the clipboard', async () => {
  const { page } = inspector;
  await page.locator('.list').focus();
  await page.keyboard.press('Home');
  const first = store.get(store.stats().firstSeq)!;
  await page.waitForSelector(`.detail-seq:text-is("#${first.seq}")`);
  await page.locator('.frame[data-frame-index="1"] .decoder-select').selectOption('hex');
  await page.locator('.frame[data-frame-index="1"] .hexdump').waitFor();
  await page.locator('.frame[data-frame-index="1"] button', { hasText: 'Use from now on' }).click();
  await page.locator('.detail-notice.visible').waitFor();
  assert.deepEqual(proposals.at(-1), { decoder: 'hex', session: 'prices', topicPrefix: 'prices.EURUSD', frameIndex: 1 });
  // The next tick of that topic is decoded by the rule, without picking anything.
  await page.locator('.list').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.waitForSelector(`.detail-seq:text-is("#${first.seq + 3}")`);
  await page.locator('.frame[data-frame-index="1"] .hexdump').waitFor();
  await page.locator('.frame[data-frame-index="1"] .copy-group button', { hasText: 'Base64' }).click();
  await waitUntil(() => inspector.clipboard.length > 0, 'the copy reaches the clipboard');
  assert.equal(inspector.clipboard.at(-1), Buffer.from(store.get(first.seq + 3)!.frames[1]).toString('base64'));
  rules.length = 0;
});

test('the view state survives a reload: the revived webview restores filter and selection (light theme)', async () => {
  const { page } = inspector;
  await page.fill('.filter-text', 'topic:prices.EUR');
  await waitForStatus(page, / of /);
  await page.locator('.list').focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowDown');
  const selected = store.filter({ topicPrefix: utf8('prices.EUR') })[1];
  await page.waitForSelector(`.detail-seq:text-is("#${selected}")`);
  await delay(300); // state is saved at most every 200 ms
  const state = await inspector.savedState();

  const revived = await openInspectorPage(deps, { port: HTTP_PORT_RELOADED, theme: 'light', state });
  try {
    await revived.page.waitForSelector(`.detail-seq:text-is("#${selected}")`);
    assert.equal(await revived.page.inputValue('.filter-text'), 'topic:prices.EUR');
    await revived.page.waitForSelector(`.list-rows .row.selected[data-seq="${selected}"]`);
    assert.equal(
      await revived.page.locator('.tail-chip').textContent(),
      'paused — 0 new, jump to latest',
      'restored where the user was, not at the live end',
    );
    await revived.page.screenshot({ path: join(SCREENSHOTS, 'inspector-light-restored.png') });
    assert.deepEqual(revived.errors, []);
  } finally {
    await revived.close();
  }
  assert.deepEqual(inspector.errors, [], 'no console errors (CSP violations included)');
});
