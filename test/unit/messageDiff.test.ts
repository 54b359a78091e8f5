// Message diffs: decoded structures by path, text by line, binary by byte, with budgets on hostile input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffMessages, pathText } from '../../src/core/diff/messageDiff';

const utf8 = (s: string) => Buffer.from(s);
const json = (frame: Uint8Array) => {
  try {
    return JSON.parse(Buffer.from(frame).toString());
  } catch {
    return undefined;
  }
};

test('two ticks: the changed price, an added and a removed field, by path', () => {
  const a = [utf8('ticks.EUR'), utf8('{"price":1.08,"sym":"EUR","legs":[{"qty":1}],"old":true}')];
  const b = [utf8('ticks.EUR'), utf8('{"price":1.09,"sym":"EUR","legs":[{"qty":2}],"new key":5}')];
  const { frames } = diffMessages(a, b, json);
  assert.equal(frames[0].same, true);
  assert.equal(frames[1].kind, 'fields');
  assert.deepEqual(frames[1].fields, [
    { op: 'changed', path: '$.price', before: '1.08', after: '1.09' },
    { op: 'changed', path: '$.legs[0].qty', before: '1', after: '2' },
    { op: 'removed', path: '$.old', before: 'true' },
    { op: 'added', path: '$["new key"]', after: '5' },
  ]);
});

test('text by line, binary by byte, extra frames on one side', () => {
  const { frames } = diffMessages(
    [utf8('line 1\nline 2\n'), Uint8Array.from([0, 1, 2, 3]), utf8('x')],
    [utf8('line 1\nline 3\n'), Uint8Array.from([0, 1, 9, 3])],
    json,
  );
  assert.equal(frames[0].kind, 'text');
  assert.deepEqual(frames[0].runs, [
    { op: 'same', text: 'line 1\n' },
    { op: 'removed', text: 'line 2\n' },
    { op: 'added', text: 'line 3\n' },
  ]);
  assert.equal(frames[1].kind, 'bytes');
  assert.deepEqual(frames[1].runs, [
    { op: 'same', text: '00 01' },
    { op: 'removed', text: '02' },
    { op: 'added', text: '09' },
    { op: 'same', text: '03' },
  ]);
  assert.equal(frames[2].kind, 'only-left');
});

test('hostile sizes and depth are bounded', () => {
  const deep = utf8('['.repeat(20000) + ']'.repeat(20000));
  const deeper = utf8('['.repeat(20000) + '1' + ']'.repeat(20000));
  const result = diffMessages([deep], [deeper], json);
  assert.equal(result.frames.length, 1, 'nesting past the stack is compared some other way, not thrown');
  const big = new Uint8Array(1_000_000).fill(7);
  const other = new Uint8Array(1_000_000).fill(8);
  const started = performance.now();
  const { frames } = diffMessages([big], [other], () => undefined);
  assert.ok(performance.now() - started < 2000);
  assert.match(frames[0].note!, /first 4096 bytes|too different/);
  const many = diffMessages(
    [utf8(JSON.stringify(Array.from({ length: 2000 }, (_, i) => i)))],
    [utf8(JSON.stringify(Array.from({ length: 2000 }, (_, i) => -i)))],
    json,
  );
  assert.equal(many.frames[0].fields!.length, 500);
  assert.match(many.frames[0].note!, /1999 changes, the first 500 shown/);
  assert.equal(pathText(['a', 0, 'b c']), '$.a[0]["b c"]');
});
