// The inspector list's pure parts: where gap marker rows sit between messages (display positions and
// absolute message positions agree both ways), and the column layout the user resizes, hides and keeps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CaptureStore } from '../../src/core/capture/captureStore';
import { GapMarkerFeed } from '../../src/inspector/gapMarkerFeed';
import { CaptureView } from '../../src/inspector/inspectorCaptureView';
import { ColumnLayout, MAX_COLUMN_PX, MIN_COLUMN_PX } from '../../src/webview/columnLayout';
import { ListIndex } from '../../src/webview/listIndex';

/** The display rows written out the slow way: each marker, then its message. */
function expand(total: number, markers: Map<number, string>): Array<{ abs: number; marker?: string }> {
  const rows: Array<{ abs: number; marker?: string }> = [];
  for (let abs = 0; abs < total; abs++) {
    const marker = markers.get(abs);
    if (marker !== undefined) rows.push({ abs, marker });
    rows.push({ abs });
  }
  return rows;
}

test('marker rows: every display position maps to the row the slow expansion has, and back', () => {
  let seed = 7;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let round = 0; round < 50; round++) {
    const total = 1 + Math.floor(random() * 300);
    const markers = new Map<number, string>();
    for (let i = 0; i < total / 5; i++) {
      const at = Math.floor(random() * total);
      if (!markers.has(at)) markers.set(at, `⚠ gap before ${at}`);
    }
    const index = new ListIndex();
    // Given shuffled, with a duplicate position and hostile entries: sorted, deduplicated, ignored.
    const entries = [...markers].reverse();
    index.setMarkers([...entries.map(([p]) => p), -1, Number.NaN], [...entries.map(([, t]) => t), 'negative', 'nan']);
    const rows = expand(total, markers);
    assert.equal(index.markerCount, markers.size);
    rows.forEach((row, position) => assert.deepEqual(index.at(position), row, `round ${round} position ${position}`));
    for (let abs = 0; abs < total; abs++) {
      const position = index.displayOf(abs);
      assert.deepEqual(rows[position], { abs });
      assert.equal(index.markerAbove(abs), markers.get(abs));
      assert.equal(index.displayStart(abs), markers.has(abs) ? position - 1 : position);
    }
    assert.equal(index.displayStart(total), rows.length);
  }
});

test('marker rows: a million messages with ten thousand markers map in microseconds, not a scan', () => {
  const index = new ListIndex();
  const positions = Array.from({ length: 10_000 }, (_, i) => i * 100 + 50);
  index.setMarkers(
    positions,
    positions.map((p) => `⚠ 1 missing (seq ${p})`),
  );
  assert.deepEqual(index.at(index.displayOf(999_999)), { abs: 999_999 });
  assert.deepEqual(index.at(index.displayOf(500_050) - 1), { abs: 500_050, marker: '⚠ 1 missing (seq 500050)' });
  assert.equal(index.displayStart(1_000_000), 1_010_000);
});

test('gap markers are placed at the filtered list positions of the messages after each gap', () => {
  const store = new CaptureStore({ maxMessages: 100, maxBytes: 1 << 20 });
  const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
  for (let i = 1; i <= 60; i++) store.append(i % 2 ? 'odd' : 'even', 'in', [utf8(`t${i % 2}`), utf8(String(i))], { hasTopic: true });
  let version = 'v1';
  let markers = [
    { captureSeq: 11, text: 'gap before #11' },
    { captureSeq: 30, text: 'gap before #30' },
    { captureSeq: 70, text: 'gap before #70 (not captured yet)' },
  ];
  const feed = new GapMarkerFeed({ gapMarkers: () => ({ version, markers }) });
  const odd = CaptureView.build(store, { sessionIds: ['odd'] }, 1);
  assert.deepEqual(feed.update(odd), { filterGeneration: 1, positions: [5], texts: ['gap before #11'] });
  assert.equal(feed.update(odd), undefined, 'nothing changed: nothing sent');
  // #70 arrives: the marker that waited for it is placed without a new version.
  for (let i = 61; i <= 71; i++) store.append(i % 2 ? 'odd' : 'even', 'in', [utf8(`t${i % 2}`), utf8(String(i))], { hasTopic: true });
  assert.equal(odd.update(), true);
  assert.deepEqual(feed.update(odd)?.positions, [5]);
  const all = CaptureView.build(store, undefined, 2);
  assert.deepEqual(feed.update(all), { filterGeneration: 2, positions: [10, 29, 69], texts: markers.map((m) => m.text) });
  version = 'v2';
  markers = [{ captureSeq: 30, text: 'gap before #30, 1 came late' }];
  assert.deepEqual(feed.update(all)?.texts, ['gap before #30, 1 came late']);
});

test('column layout: resize is clamped, hidden columns leave the template, the summary column stays', () => {
  const layout = new ColumnLayout();
  assert.equal(layout.isShown('tracked'), false, 'no sequence column without tracking');
  assert.equal(layout.canToggle('tracked'), false);
  const plain = layout.template();
  assert.equal(plain.split(' ').filter((t) => !t.startsWith('minmax') && !t.endsWith(')')).length > 0, true);
  assert.equal(layout.setTracking(true), true);
  assert.equal(layout.setTracking(true), false);
  assert.ok(layout.template().startsWith('8ch 10ch 15ch'));
  layout.resize('time', 3);
  layout.resize('session', 99_999);
  layout.resize('summary', 300);
  assert.equal(layout.width('time'), MIN_COLUMN_PX);
  assert.equal(layout.width('session'), MAX_COLUMN_PX);
  assert.equal(layout.width('summary'), undefined, 'the summary column takes the room left');
  layout.setHidden('size', true);
  layout.setHidden('summary', true);
  assert.equal(layout.isShown('summary'), true);
  assert.equal(layout.template(), `8ch 10ch ${MIN_COLUMN_PX}px ${MAX_COLUMN_PX}px 2ch minmax(10ch, 1fr) 6ch`);
  // Saved and restored (the webview state), malformed entries dropped.
  const saved = JSON.parse(JSON.stringify(layout.state())) as Record<string, unknown>;
  const restored = new ColumnLayout({
    ...saved,
    widths: { ...(saved.widths as object), bogus: 5, frames: 'wide' },
    hidden: ['size', 'nope', 42],
  });
  restored.setTracking(true);
  assert.equal(restored.template(), layout.template());
  assert.deepEqual(restored.state(), layout.state());
  assert.equal(new ColumnLayout('garbage').template(), plain);
  restored.reset();
  assert.equal(restored.isHidden('size'), false);
});
