// The Message Inspector webview in headless Chromium on a message of a 1 MiB topic and 10,000 frames: the
// detail opens with a first batch of frames, "Show more frames" adds the next batch, and hostile shared-
// reference frames show what fits and "truncated (budget)".
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { CaptureStore } from '../../src/core/capture/captureStore';
import { createDefaultRegistry } from '../../src/core/decoders';
import type { InspectorDeps } from '../../src/inspector/inspectorBackend';
import { cborSharedDoubling } from '../support/hostileFrames';
import { closeChromium, openInspectorPage, type InspectorPage } from './inspectorHarness';
import { fixedSubSessions } from '../support/fixedSessions';

const HTTP_PORT = 18620;
const store = new CaptureStore({ maxMessages: 1000, maxBytes: 256 * 1024 * 1024 });
const deps: InspectorDeps = {
  store,
  sessions: fixedSubSessions({ s1: 'feed' }),
  decoders: createDefaultRegistry(),
  getRules: () => [],
  addRule: async () => undefined,
  log: () => undefined,
};
let inspector: InspectorPage | undefined;
after(async () => {
  await inspector?.close();
  await closeChromium();
});

test('a message of a 1 MiB topic and 10,000 frames opens with a first batch; "Show more frames" adds the next', async () => {
  const frames = [new Uint8Array(1024 * 1024).fill(0x74), ...Array.from({ length: 10_000 }, (_, i) => Buffer.from(`{"i":${i}}`))];
  const big = store.append('s1', 'in', frames, { hasTopic: true });
  const hostile = store.append('s1', 'in', [Buffer.from('graph'), cborSharedDoubling(24)], { hasTopic: true });
  inspector = await openInspectorPage(deps, { port: HTTP_PORT });
  const { page } = inspector;
  await page.locator(`.list-rows .row[data-seq="${big}"]:not(.loading)`).click();
  await page.locator('.detail-meta', { hasText: '10001 frames' }).waitFor({ timeout: 10_000 });
  const shown = await page.locator('.detail-body section.frame[data-frame-index]').count();
  assert.ok(shown >= 1 && shown <= 32, `${shown} frames in the first batch`);
  const more = page.locator('button.more-frames');
  assert.match((await more.textContent()) ?? '', new RegExp(`Show more frames \\(${10_001 - shown} not shown\\)`));
  await more.click();
  await page.locator(`.detail-body section.frame[data-frame-index="${shown + 31}"]`).waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('.detail-body section.frame[data-frame-index]').count(), shown + 32);
  assert.match((await page.locator('button.more-frames').textContent()) ?? '', new RegExp(`\\(${10_001 - shown - 32} not shown\\)`));

  await page.locator(`.list-rows .row[data-seq="${hostile}"]:not(.loading)`).click();
  await page
    .locator('.detail-body section.frame[data-frame-index="1"] .decode-warning', { hasText: 'truncated (budget)' })
    .waitFor({ timeout: 10_000 });
  assert.deepEqual(inspector.errors, []);
  assert.deepEqual(inspector.dialogs, []);
});
