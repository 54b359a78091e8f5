import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DECODE_LIMITS, createDefaultRegistry, type DecodedNode } from '../../src/core/decoders';
import type { DecodeContext, DecodeResult } from '../../src/core/types';
import {
  cborNestedSelfSets,
  cborSharedDoubling,
  cborSharedLongString,
  msgpackSelfContaining,
  msgpackSharedDoubling,
} from '../support/hostileFrames';

const registry = createDefaultRegistry();
type Ok = Extract<DecodeResult, { ok: true }>;
const ok = (r: DecodeResult): Ok => {
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r as Ok;
};
const decode = (bytes: Uint8Array, extra: Partial<DecodeContext> = {}, decoderId?: string) =>
  registry.decodeFrame(bytes, { frameIndex: 0, frameCount: 1, ...extra }, { decoderId });

function measure(node: DecodedNode, depth = 0): { depth: number; nodes: number; chars: number } {
  let result = { depth, nodes: 1, chars: (node.value?.length ?? 0) + (node.key?.length ?? 0) };
  for (const child of node.children ?? []) {
    const sub = measure(child, depth + 1);
    result = { depth: Math.max(result.depth, sub.depth), nodes: result.nodes + sub.nodes, chars: result.chars + sub.chars };
  }
  return result;
}

function findNode(node: DecodedNode, match: (n: DecodedNode) => boolean): DecodedNode | undefined {
  if (match(node)) return node;
  for (const child of node.children ?? []) {
    const found = findNode(child, match);
    if (found) return found;
  }
  return undefined;
}

// A guard against a hang, not a speed goal: before the budgets these frames took 30 s and 1.1 GB each.
const HANG_GUARD = { timeout: 60_000 };

test(
  'shared references (CBOR tags 28/29, msgpackr 0x69/0x70), 2^24 leaves in ~250 bytes: the detail shows what fits, then "truncated (budget)"',
  HANG_GUARD,
  () => {
    for (const [format, frame] of [
      ['cbor', cborSharedDoubling(24)],
      ['msgpack', msgpackSharedDoubling(24)],
    ] as const) {
      assert.ok(frame.length < 400, `${format}: ${frame.length} bytes`);
      const r = ok(decode(frame));
      assert.equal(r.decoderId, format);
      assert.ok(r.text!.length <= DECODE_LIMITS.maxTextChars + 200, `${format}: text of ${r.text!.length}`);
      assert.match(r.text!, /truncated \(budget\): the first \d+ characters are shown\.$/);
      const size = measure(r.tree!);
      assert.ok(size.nodes <= DECODE_LIMITS.maxNodes + DECODE_LIMITS.maxDepth + 1, `${format}: ${size.nodes} nodes`);
      assert.ok(
        findNode(r.tree!, (n) => n.type === 'note' && /truncated \(budget\)/.test(n.value ?? '')),
        `${format}: no budget note`,
      );
      assert.match(r.warning ?? '', /truncated \(budget\)/);
      assert.ok(r.summary.length <= DECODE_LIMITS.summaryChars);
    }
  },
);

test('a value that contains itself shows a cycle mark where it recurs, in the tree and the text', HANG_GUARD, () => {
  // CBOR 28([1, 29(0)]): the array's second element is the array.
  const cbor = ok(decode(Buffer.from([0xd8, 0x1c, 0x82, 0x01, 0xd8, 0x1d, 0x00]), {}, 'cbor'));
  assert.deepEqual(
    cbor.tree!.children!.map((c) => [c.type, c.value]),
    [
      ['number', '1'],
      ['ref', '↻ shared value #0 (a cycle: it contains itself)'],
    ],
  );
  assert.equal(cbor.text, '[\n  1,\n  "↻ shared value #0 (a cycle: it contains itself)"\n]');
  const msgpack = ok(decode(msgpackSelfContaining(), {}, 'msgpack'));
  assert.equal(measure(msgpack.tree!).depth, 1);
  assert.deepEqual(msgpack.tree!.children![1], { key: '1', type: 'ref', value: '↻ (cycle: refers to a value it is inside of)' });
  assert.equal(msgpack.text, '[\n  1,\n  "↻ (cycle: refers to a value it is inside of)"\n]');
  assert.equal(msgpack.summary, '[1,↻]');
});

test('CBOR sets that hold themselves, 300 levels over a 64 KiB string, are read in one pass and decode', HANG_GUARD, () => {
  // cbor-x's own tag 28 rereads every such level (and fails past 12 levels); read once, each level is a cycle mark.
  const r = ok(decode(cborNestedSelfSets(300, 64 * 1024), {}, 'cbor'));
  const first = r.tree!;
  assert.equal(first.type, 'array');
  assert.equal(first.children![0].type, 'ref');
  assert.match(first.children![0].value!, /shared value #0 \(a cycle/);
  assert.equal(first.children![1].children![0].value, '↻ shared value #1 (a cycle: it contains itself)');
});

test('a 20 KB string shared 3,000 times: the tree keeps to its character budget and says so', HANG_GUARD, () => {
  const r = ok(decode(cborSharedLongString(20_000, 3000), {}, 'cbor'));
  const size = measure(r.tree!);
  assert.ok(size.chars <= DECODE_LIMITS.maxTreeChars + 200, `${size.chars} characters in the tree`);
  assert.ok(size.nodes < 3000, `${size.nodes} nodes`);
  assert.match(r.tree!.children!.at(-1)!.value!, /more not shown: truncated \(budget\)/);
  assert.ok(r.text!.length <= DECODE_LIMITS.maxTextChars + 200);
});

test('a row summary (purpose "summary") builds neither tree nor text, and says what the detail says', () => {
  for (const frame of [cborSharedDoubling(24), msgpackSharedDoubling(24), Buffer.from('{"sym":"AAPL","px":[1,2,3]}')]) {
    const row = ok(decode(frame, { purpose: 'summary' }));
    assert.equal(row.tree, undefined);
    assert.equal(row.text, undefined);
    assert.equal(row.summary, ok(decode(frame)).summary);
  }
});

test('JSON 3,000 levels deep (6 KB) is shown as its source, not as 18 million characters of indentation', HANG_GUARD, () => {
  const source = '['.repeat(3000) + ']'.repeat(3000);
  const r = ok(decode(Buffer.from(source), {}, 'json'));
  assert.equal(r.text, source);
  assert.equal(measure(r.tree!).depth, DECODE_LIMITS.maxDepth);
});
