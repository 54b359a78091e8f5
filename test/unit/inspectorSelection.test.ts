// Multi-select in the inspector list: the selection model (click, ctrl-click, shift-extend, select all,
// eviction), what keys do, and the host resolving a selection to messages within each action's budget.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CaptureStore } from '../../src/core/capture/captureStore';
import { Readable } from 'node:stream';
import { importJsonLinesFromStream } from '../../src/core/capture/captureJsonl';
import { CaptureView } from '../../src/inspector/inspectorCaptureView';
import { MAX_COPY_MESSAGES, selectedSeqs, selectionText } from '../../src/inspector/selectionActions';
import { listKeyAction } from '../../src/webview/listInput';
import { ListSelection } from '../../src/webview/listSelection';

test('selection: click, ctrl-click, shift-extend from the anchor, select all, eviction', () => {
  const selection = new ListSelection();
  selection.select(10);
  assert.deepEqual(selection.toRanges(), [[10, 10]]);
  selection.extendTo(14);
  assert.deepEqual(selection.toRanges(), [[10, 14]]);
  // A second shift-click from the same anchor replaces the span, it does not add to it.
  selection.extendTo(8);
  assert.deepEqual(selection.toRanges(), [[8, 10]]);
  selection.toggle(9);
  selection.toggle(20);
  assert.deepEqual(selection.toRanges(), [
    [8, 8],
    [10, 10],
    [20, 20],
  ]);
  // Shift after a ctrl-click extends from the toggled row and keeps the rest.
  selection.extendTo(23);
  assert.deepEqual(selection.toRanges(), [
    [8, 8],
    [10, 10],
    [20, 23],
  ]);
  assert.equal(selection.count, 6);
  assert.equal(selection.contains(21), true);
  assert.equal(selection.contains(9), false);
  selection.toggle(21);
  assert.deepEqual(selection.toRanges(), [
    [8, 8],
    [10, 10],
    [20, 20],
    [22, 23],
  ]);
  selection.toggle(21);
  assert.deepEqual(
    selection.toRanges(),
    [
      [8, 8],
      [10, 10],
      [20, 23],
    ],
    'adjacent ranges merge',
  );
  selection.dropBefore(10);
  assert.deepEqual(selection.toRanges(), [
    [10, 10],
    [20, 23],
  ]);
  selection.selectAll(5, 1_000_005);
  assert.deepEqual(selection.toRanges(), [[5, 1_000_004]], 'a million rows are one range');
  assert.equal(selection.count, 1_000_000);
  selection.clear();
  assert.equal(selection.isEmpty, true);
  selection.extendTo(3);
  assert.deepEqual(selection.toRanges(), [[3, 3]], 'shift without an anchor selects the row');
});

test('keys: arrows and pages move (clamped), shift extends, ctrl/cmd+A and +C, Enter, Escape', () => {
  const state = { current: 5, page: 10, first: 2, last: 100 };
  const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }> = {}) =>
    listKeyAction({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, ...mods }, state);
  assert.deepEqual(key('ArrowDown'), { kind: 'move', target: 6, extend: false });
  assert.deepEqual(key('ArrowUp', { shiftKey: true }), { kind: 'move', target: 4, extend: true });
  assert.deepEqual(key('PageUp'), { kind: 'move', target: 2, extend: false });
  assert.deepEqual(key('End', { shiftKey: true }), { kind: 'move', target: 100, extend: true });
  assert.deepEqual(key('a', { ctrlKey: true }), { kind: 'selectAll' });
  assert.deepEqual(key('A', { metaKey: true }), { kind: 'selectAll' });
  assert.deepEqual(key('c', { metaKey: true }), { kind: 'copy' });
  assert.deepEqual(key('Enter'), { kind: 'activate' });
  assert.deepEqual(key('Escape'), { kind: 'clearSelection' });
  assert.equal(key('a'), undefined, 'a plain letter is not a list key');
  assert.equal(listKeyAction({ key: 'Home', ctrlKey: false, metaKey: false, shiftKey: false }, { ...state, last: 1 }), undefined);
});

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

function storeWith(count: number): CaptureStore {
  const store = new CaptureStore({ maxMessages: 50, maxBytes: 1 << 20 });
  for (let i = 1; i <= count; i++)
    store.append(i % 2 ? 'a' : 'b', i % 3 ? 'in' : 'out', [utf8(`t.${i}`), utf8(`{"n":${i}}\n`), new Uint8Array([0, 255])], {
      hasTopic: true,
    });
  return store;
}

test('the host resolves a selection to the view messages, refuses a stale or oversized one', () => {
  const store = storeWith(40);
  const view = CaptureView.build(store, { sessionIds: ['a'] }, 3);
  // Positions 0..19 hold seqs 1, 3, ..., 39; overlapping and unordered ranges count once.
  assert.deepEqual(
    selectedSeqs(
      view,
      {
        filterGeneration: 3,
        ranges: [
          [4, 5],
          [0, 1],
          [1, 2],
        ],
      },
      100,
      'copying',
    ),
    [1, 3, 5, 9, 11],
  );
  assert.deepEqual(selectedSeqs(view, { filterGeneration: 3, ranges: [[18, 500]] }, 100, 'copying'), [37, 39], 'clipped to the list');
  assert.throws(() => selectedSeqs(view, { filterGeneration: 2, ranges: [[0, 0]] }, 100, 'copying'), /list changed/);
  assert.throws(
    () => selectedSeqs(view, { filterGeneration: 3, ranges: [[0, 19]] }, 10, 'replay'),
    /20 messages are selected; replay takes at most 10/,
  );
  for (const ranges of [[[3, 1]], [[0, Number.NaN]], [['0', 1]], 'x', [[0.5, 2]]])
    assert.throws(() => selectedSeqs(view, { filterGeneration: 3, ranges: ranges as never }, 100, 'copying'), /malformed|ranges/);
  // Evicted from the front: positions before `evicted` are gone, the rest keep naming the same messages.
  for (let i = 41; i <= 70; i++) store.append('a', 'in', [utf8(`t.${i}`), utf8('x')], { hasTopic: true });
  assert.equal(view.update(), true);
  assert.ok(view.evicted > 0);
  assert.deepEqual(selectedSeqs(view, { filterGeneration: 3, ranges: [[view.evicted, view.evicted]] }, 100, 'copying'), [view.seqAt(0)]);
  assert.throws(
    () => selectedSeqs(view, { filterGeneration: 3, ranges: [[0, view.evicted - 1]] }, 100, 'copying'),
    /no longer in the capture/,
  );
  assert.ok(MAX_COPY_MESSAGES >= 1000);
});

test('copied selection: a line per message as text or hex, or capture JSON Lines that import back', async () => {
  const store = storeWith(4);
  const describe = (id: string) => ({ name: `session ${id}`, type: 'SUB' });
  const text = selectionText(store, [1, 3, 99], 'text', describe);
  assert.equal(text.messages, 2, 'a seq no longer captured is skipped');
  assert.equal(text.text, '#1 in t.1 | {"n":1}\\n | \\u0000\uFFFD\n#3 out t.3 | {"n":3}\\n | \\u0000\uFFFD\n');
  assert.equal(selectionText(store, [2], 'hex', describe).text, '#2 in 742e32 | 7b226e223a327d0a | 00ff\n');
  const jsonl = selectionText(store, [1, 2], 'jsonl', describe).text;
  assert.equal(jsonl.trim().split('\n').length, 2);
  assert.match(jsonl, /session a/);
  const imported = new CaptureStore({ maxMessages: 10, maxBytes: 1 << 20 });
  assert.equal((await importJsonLinesFromStream(Readable.from([jsonl]), imported)).imported, 2);
  for (const [i, seq] of [1, 2].entries())
    assert.deepEqual(imported.get(imported.stats().firstSeq + i)!.frames, store.get(seq)!.frames, 'the frames come back as captured');
});
