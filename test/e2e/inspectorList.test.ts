// The inspector list's structure in headless Chromium over a real CaptureStore fed through a real
// DiagnosisSink with sequence tracking: gap marker rows between the messages around each gap, the
// "Sequence" column, and columns the user resizes and hides (kept across a reload).
import assert from 'node:assert/strict';
import { fixedSubSessions } from '../support/fixedSessions';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { after, before, test } from 'node:test';
import { exportJsonLinesToStream, importJsonLinesFromStream } from '../../src/core/capture/captureJsonl';
import { CaptureStore } from '../../src/core/capture/captureStore';
import { createDefaultRegistry } from '../../src/core/decoders';
import { DiagnosisSink } from '../../src/core/diagnosis/diagnosisSink';
import { parseSequenceField } from '../../src/core/diagnosis/sequenceField';
import type { InspectorDeps } from '../../src/inspector/inspectorBackend';
import { closeChromium, openInspectorPage, repoRoot, type InspectorPage } from './inspectorHarness';

const HTTP_PORT = 18700;
const HTTP_PORT_RELOADED = 18720;
/** Tracked messages; every GAP_EVERY-th one follows GAP_SIZE numbers that never came. */
const TRACKED = 200_000;
const GAP_EVERY = 1000;
const GAP_SIZE = 37;
const SCREENSHOTS = join(repoRoot, 'test-results', 'screenshots');

// Code inside page.evaluate runs in the browser; the root tsconfig has no DOM lib, so name what it uses.
interface Node {
  textContent: string | null;
  className: string;
  hidden: boolean;
  getBoundingClientRect(): { width: number; top: number };
}
declare const document: { querySelectorAll(selector: string): ArrayLike<Node>; querySelector(selector: string): Node | null };

const store = new CaptureStore({ maxMessages: 2 * TRACKED, maxBytes: 512 * 1024 * 1024 });
const sink = new DiagnosisSink(store);
const sessionNames: Record<string, string> = { feed: 'feed', other: 'other' };
const deps: InspectorDeps = {
  store,
  sessions: fixedSubSessions(sessionNames),
  decoders: createDefaultRegistry(),
  getRules: () => [],
  addRule: async () => undefined,
  log: () => undefined,
  sequence: {
    gapMarkers: () => sink.gapMarkers(),
    tracking: () => sink.tracking(),
    valueOf: (record) => sink.sequenceValueOf(record.sessionId, record.direction, record.frames),
    markerBefore: (seq) => sink.gapMarkerBefore(seq),
  },
  // What the host does after its save dialog: the engine's own JSON Lines export of exactly these messages.
  exportMessages: async (seqs) => {
    const out = createWriteStream(exportPath);
    const result = await exportJsonLinesToStream(store, out, { seqs });
    out.end();
    await finished(out);
    return `${result.written} messages written`;
  },
  // The host's session picker and sends are VS Code's; here the seqs it would send are kept.
  replayMessages: async (seqs) => {
    replayed.push(seqs);
    return `${seqs.length} sent`;
  },
};
const tempDir = mkdtempSync(join(tmpdir(), 'inspector-list-'));
const exportPath = join(tempDir, 'selection.jsonl');
const replayed: number[][] = [];
let inspector: InspectorPage;
/** Sequence numbers sent on the feed, and the first gap's numbers. */
let firstGap: { from: number; to: number } | undefined;

function u32be(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
}

function fill(): void {
  sink.track('feed', parseSequenceField('f1:u32be@0'));
  const topic = new TextEncoder().encode('ticks.feed');
  const otherTopic = new TextEncoder().encode('other.noise');
  let value = 1;
  for (let i = 0; i < TRACKED; i++) {
    if (i > 0 && i % GAP_EVERY === 0) {
      firstGap ??= { from: value, to: value + GAP_SIZE - 1 };
      value += GAP_SIZE;
    }
    sink.append('feed', 'in', [topic, u32be(value++)], { hasTopic: true });
    if (i % 4 === 0) sink.append('other', 'in', [otherTopic, u32be(i)], { hasTopic: true });
  }
}

/** Visible list rows top to bottom: a marker's text, or a message's Sequence cell. */
function visibleRows(): Promise<Array<{ marker?: string; tracked?: string; seq?: string }>> {
  return inspector.page.evaluate(() =>
    Array.from(document.querySelectorAll('.list-rows .row:not([hidden]):not(.loading)')).map((row) => {
      const cell = (name: string): string => (row as unknown as { querySelector(s: string): Node }).querySelector(name).textContent ?? '';
      return row.className.includes('gap-marker') ? { marker: cell('.c-marker') } : { tracked: cell('.c-tracked'), seq: cell('.c-seq') };
    }),
  );
}

before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  fill();
  inspector = await openInspectorPage(deps, { port: HTTP_PORT, width: 1100, height: 600 });
  await inspector.page.waitForSelector('.list-rows .row:not(.loading):not([hidden]) .c-seq');
});

after(async () => {
  await inspector?.close();
  await closeChromium();
  rmSync(tempDir, { recursive: true, force: true });
});

test('a gap is a marker row of its own between the messages before and after it, with the Sequence column', async () => {
  const { page } = inspector;
  // The session filter leaves only the tracked feed: each gap's marker sits between two consecutive rows.
  await page.selectOption('.filter-session', 'feed');
  await page.locator('.list').focus();
  await page.keyboard.press('Home');
  await page.waitForFunction(() => document.querySelector('.list-rows .row:not([hidden]):not(.loading) .c-tracked')?.textContent === '1');
  await page.mouse.move(500, 300);
  await page.mouse.wheel(0, (GAP_EVERY - 10) * 22);
  const marker = page.locator('.list-rows .row.gap-marker:not([hidden])').first();
  await marker.waitFor();
  const rows = await visibleRows();
  const at = rows.findIndex((r) => r.marker !== undefined);
  assert.ok(at > 0 && at < rows.length - 1, JSON.stringify(rows));
  const gap = firstGap!;
  assert.equal(rows[at].marker, `⚠ ${GAP_SIZE} missing (seq ${gap.from.toLocaleString('en-US')}–${gap.to.toLocaleString('en-US')})`);
  assert.equal(Number(rows[at - 1].tracked), gap.from - 1);
  assert.equal(Number(rows[at + 1].tracked), gap.to + 1);
  assert.equal(Number(rows[at + 1].seq), Number(rows[at - 1].seq) + 1, 'consecutive captured messages');
  // The summary no longer carries the marker; the marker row shows it once.
  assert.equal(await page.locator('.list-rows .row:not(.gap-marker) .c-summary', { hasText: '⚠' }).count(), 0);
  assert.ok(await page.locator('.list-header .c-tracked').isVisible(), 'the Sequence column shows while tracking is on');
  await page.screenshot({ path: join(SCREENSHOTS, 'inspector-gap-marker-row.png') });

  // The keyboard steps over the marker: from the message before the gap to the one after it.
  await page
    .locator('.list-rows .row:not([hidden]):not(.gap-marker)', { hasText: String(gap.from - 1) })
    .first()
    .click();
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(
    (want) => document.querySelector('.list-rows .row.selected .c-tracked')?.textContent === String(want),
    gap.to + 1,
  );
});

test('the end of the list, with 200 markers above it, shows the last message (index math holds)', async () => {
  const { page } = inspector;
  await page.locator('.list').focus();
  await page.keyboard.press('End');
  const last = store.stats().lastSeq;
  // The last feed message is the last or second-to-last captured (the other session interleaves).
  await page.waitForFunction(() => {
    const rows = Array.from(document.querySelectorAll('.list-rows .row:not([hidden]):not(.loading)'));
    const bottom = rows[rows.length - 1];
    return bottom?.className.includes('selected');
  });
  const rows = await visibleRows();
  const bottom = rows[rows.length - 1];
  assert.ok(Number(bottom.seq) >= last - 1, JSON.stringify(bottom));
  assert.equal(Number(bottom.tracked), TRACKED + (Math.ceil(TRACKED / GAP_EVERY) - 1) * GAP_SIZE);
  const markers = await page.evaluate(() => document.querySelectorAll('.list-rows .row.gap-marker:not([hidden])').length);
  assert.ok(markers <= 1, `a screen holds at most one of markers ${GAP_EVERY} rows apart, saw ${markers}`);
});

test('columns: hide one from the header menu, resize another by its edge; both survive a reload', async () => {
  const { page } = inspector;
  await page.locator('.list-header').click({ button: 'right' });
  await page.locator('.column-menu .menu-item[data-column="time"]').click();
  await page.waitForFunction(() => document.querySelector('.list-header .c-time') !== null);
  assert.equal(await page.locator('.list-rows .row:not([hidden]) .c-time').first().isVisible(), false);
  const session = page.locator('.list-header .c-session');
  const before = (await session.boundingBox())!;
  const grip = (await page.locator('.list-header .c-session .col-grip').boundingBox())!;
  await page.mouse.move(grip.x + grip.width / 2, grip.y + grip.height / 2);
  await page.mouse.down();
  await page.mouse.move(grip.x + 120, grip.y + grip.height / 2, { steps: 5 });
  await page.mouse.up();
  const widened = (await session.boundingBox())!;
  assert.ok(Math.abs(widened.width - (before.width + 120 - grip.width / 2)) < 12, `${before.width} -> ${widened.width}`);
  // A data cell follows its header.
  const cell = (await page.locator('.list-rows .row:not([hidden]):not(.gap-marker) .c-session').first().boundingBox())!;
  assert.ok(Math.abs(cell.width - widened.width) < 2);
  await page.screenshot({ path: join(SCREENSHOTS, 'inspector-columns.png') });

  await page.waitForFunction(() => true);
  await new Promise((done) => setTimeout(done, 400));
  const state = (await inspector.savedState()) as { columns?: { hidden: string[]; widths: Record<string, number> } };
  assert.deepEqual(state.columns?.hidden, ['time']);
  assert.ok(Math.abs(state.columns!.widths.session - widened.width) < 2);
  const revived = await openInspectorPage(deps, { port: HTTP_PORT_RELOADED, width: 1100, height: 600, state });
  try {
    await revived.page.waitForSelector('.list-rows .row:not(.loading):not([hidden]) .c-seq');
    assert.equal(await revived.page.locator('.list-header .c-time').isVisible(), false);
    const revivedWidth = (await revived.page.locator('.list-header .c-session').boundingBox())!.width;
    assert.ok(Math.abs(revivedWidth - widened.width) < 2, `${revivedWidth} vs ${widened.width}`);
    // Showing it again from the gear's menu.
    await revived.page.locator('.columns-button').click();
    await revived.page.locator('.column-menu .menu-item[data-column="time"]').click();
    assert.equal(await revived.page.locator('.list-header .c-time').isVisible(), true);
    assert.deepEqual(revived.errors, []);
  } finally {
    await revived.close();
  }
  assert.deepEqual(inspector.errors, []);
  assert.deepEqual(inspector.dialogs, []);
});

/** Seqs of the rows drawn as selected, top to bottom. */
function selectedSeqsShown(): Promise<number[]> {
  return inspector.page.evaluate(() =>
    Array.from(document.querySelectorAll('.list-rows .row.selected:not([hidden]) .c-seq')).map((c) => Number(c.textContent)),
  );
}

test('multi-select: shift-click, ctrl-click, shift+arrow; copy as text and JSON Lines, export and replay the selection', async () => {
  const { page } = inspector;
  await page.selectOption('.filter-session', 'other');
  await page.locator('.list').focus();
  await page.keyboard.press('Home');
  await page.waitForSelector('.list-rows .row.selected:not([hidden])');
  const rows = page.locator('.list-rows .row:not([hidden]):not(.gap-marker)');
  const seqAt = async (i: number): Promise<number> => Number(await rows.nth(i).locator('.c-seq').innerText());
  await rows.nth(1).click();
  await rows.nth(4).click({ modifiers: ['Shift'] });
  await rows.nth(3).click({ modifiers: ['Control'] });
  const expected = [await seqAt(1), await seqAt(2), await seqAt(4)];
  assert.deepEqual(await selectedSeqsShown(), expected);
  await page.locator('.selection-count', { hasText: '3 selected' }).waitFor();
  // Shift+ArrowDown extends from the anchor (the ctrl-clicked row) down one.
  await page.keyboard.press('Shift+ArrowDown');
  const extended = [await seqAt(1), await seqAt(2), await seqAt(3), await seqAt(4)];
  await page.waitForFunction((want) => document.querySelectorAll('.list-rows .row.selected:not([hidden])').length === want, 4);
  assert.deepEqual(await selectedSeqsShown(), extended);
  await page.screenshot({ path: join(SCREENSHOTS, 'inspector-multi-select.png') });

  await page.keyboard.press('Control+c');
  await page.locator('.selection-note', { hasText: 'Copied 4 messages' }).waitFor();
  const lines = inspector.clipboard.at(-1)!.trim().split('\n');
  assert.deepEqual(
    lines.map((l) => Number(/^#(\d+) in other\.noise \| /.exec(l)?.[1])),
    extended,
  );
  await page.locator('.selection-bar button', { hasText: 'JSON Lines' }).click();
  await page.waitForFunction(() => document.querySelector('.selection-note')?.textContent?.includes('Copied 4 messages') ?? false);
  const copiedStore = new CaptureStore({ maxMessages: 10, maxBytes: 1 << 20 });
  assert.equal((await importJsonLinesFromStream(Readable.from([inspector.clipboard.at(-1)!]), copiedStore)).imported, 4);

  await page.locator('.selection-bar button', { hasText: 'Export…' }).click();
  await page.locator('.selection-note', { hasText: 'Export: 4 messages written.' }).waitFor();
  const exported = new CaptureStore({ maxMessages: 10, maxBytes: 1 << 20 });
  assert.equal((await importJsonLinesFromStream(Readable.from([readFileSync(exportPath, 'utf8')]), exported)).imported, 4);
  for (const [i, seq] of extended.entries()) assert.deepEqual(exported.get(exported.stats().firstSeq + i)!.frames, store.get(seq)!.frames);

  await page.locator('.selection-bar button', { hasText: 'Replay…' }).click();
  await page.locator('.selection-note', { hasText: 'Replay: 4 sent.' }).waitFor();
  assert.deepEqual(replayed.at(-1), extended);

  // Ctrl+A over 50,000 rows is one range; copying that many is refused with the way out.
  await page.locator('.list').focus();
  await page.keyboard.press('Control+a');
  await page.locator('.selection-count', { hasText: '50,000 selected' }).waitFor();
  await page.keyboard.press('Control+c');
  await page.locator('.selection-note.error', { hasText: '50,000 messages are selected; copying takes at most 10,000' }).waitFor();
  await page.keyboard.press('Escape');
  await page.locator('.selection-bar').waitFor({ state: 'hidden' });
  assert.deepEqual(inspector.errors, []);
});
