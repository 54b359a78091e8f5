// Hostile source files (issue 12's list: a printf width of 300,000,000, a doubling chain of constants, a
// bracket bomb, a long line of `(/[` in JS, C++ `R"` without `(`, deep f-string nesting): each is either
// scanned with every value capped at 1 KiB or skipped with one "too complex" reason, never hangs or
// exhausts memory, and the rest of the workspace is scanned. Timings are in bench/scan.bench.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceScanIndex, scanSource } from '../../src/core/scan';
import { matchBrackets, tokenize } from '../../src/core/scan/sourceLexer';
import { formatPrintf, OVERSIZED } from '../../src/core/scan/valueFormatting';
import { hostileSources } from '../support/hostileSources';

const byFile = Object.fromEntries(hostileSources().map((h) => [h.file, h]));

test('values are capped at 1 KiB: a huge printf width and a doubling chain are "not an endpoint", computed without expanding', () => {
  const printf = scanSource('/w/printf_width.go', byFile['printf_width.go'].text);
  assert.equal(printf.skipped, undefined);
  assert.deepEqual(
    printf.uses.map((u) => !u.endpoint.resolved && u.endpoint.tooLong),
    [true, true],
  );
  const chain = scanSource('/w/doubling_chain.py', byFile['doubling_chain.py'].text);
  assert.equal(chain.skipped, undefined);
  assert.deepEqual(chain.uses[0].endpoint, { resolved: false, expression: 'a26', tooLong: true });
  assert.equal(formatPrintf('tcp://*:%1025d', [1]), OVERSIZED);
  assert.equal(String(formatPrintf('%1000d', [1])).length, 1000);
  assert.equal(formatPrintf('tcp://*:%1020d', [1]), OVERSIZED, 'the width fits, the result does not');
  assert.equal(formatPrintf('tcp://*:%05d', [42]), 'tcp://*:00042');
});

test('bracket matching pairs by kind in one pass: after 60,000 ( and 60,000 ], a ) closes the innermost (', () => {
  const tokens = tokenize('('.repeat(60_001) + ']'.repeat(60_000) + ')', 'python');
  const match = matchBrackets(tokens);
  assert.equal(match[tokens.length - 1], 60_000);
  assert.equal(match[0], -1);
  assert.equal(match[60_001], -1, 'a ] with no [ open matches nothing');
  const mixed = matchBrackets(tokenize('[ ( ] )', 'python'));
  assert.deepEqual([...mixed], [2, -1, 0, -1], 'a closer pops to the nearest opener of its kind');
});

test('a JS / that failed to start a regex is not retried on its line; a later line still has regex literals', () => {
  const line = '(/['.repeat(10_000);
  const tokens = tokenize(`x = ${line}\nconst re = /a[/]b/g`, 'javascript');
  assert.equal(
    tokens
      .filter((t) => t.kind === 'regex')
      .map((t) => t.text)
      .join(' '),
    '/a[/]b/g',
  );
});

test('C++ R" without ( is an identifier and a string, not a raw string reaching the end of the file', () => {
  const tokens = tokenize('auto s = R"abc;\nauto t = R"x(raw)x";', 'cpp');
  assert.deepEqual(
    tokens.filter((t) => t.kind === 'string').map((t) => t.value),
    ['abc;', 'raw'],
  );
});

test('every hostile file is scanned or skipped as too complex, and the other files of the workspace are still scanned', () => {
  const index = new WorkspaceScanIndex();
  for (const h of hostileSources()) {
    const result = scanSource(`/w/${h.file}`, h.text);
    if (result.skipped) assert.match(result.skipped, /^skipped: too complex \(/, h.name);
    index.update(`/w/${h.file}`, h.text);
  }
  index.update('/w/server.py', 'import zmq\ns = zmq.Context().socket(zmq.REP)\ns.bind("tcp://*:5555")\n');
  index.update('/w/client.py', 'import zmq\nc = zmq.Context().socket(zmq.REQ)\nc.connect("tcp://localhost:5555")\n');
  const verdict = index.verdicts().find((v) => v.endpoint === 'tcp://*:5555')!;
  assert.equal(verdict.status, 'valid');
  assert.ok(
    index.skipped().some((s) => s.file === '/w/nested_fstrings.py'),
    'deep nesting is refused, not recursed into',
  );
});

test('WorkspaceScanIndex: a file over its budget is skipped with why, and comes back when it is fixed', () => {
  const index = new WorkspaceScanIndex({ budget: { stepsPerChar: 1, baseSteps: 50, deadlineMs: 1000 } });
  const heavy =
    'import zmq\n' + 'x = (((((1)))))\n'.repeat(200) + 'import zmq\ns = zmq.Context().socket(zmq.PUB)\ns.bind("tcp://*:7500")\n';
  assert.equal(index.update('heavy.py', heavy), true);
  assert.deepEqual(index.skipped(), [{ file: 'heavy.py', reason: 'skipped: too complex (step budget exhausted)' }]);
  assert.equal(index.resultFor('heavy.py'), undefined);
  assert.equal(index.update('heavy.py', 'import zmq\ns = zmq.Context().socket(zmq.PUB)\ns.bind("tcp://*:7500")\n'), true);
  assert.deepEqual(index.skipped(), []);
  assert.equal(index.fileCount, 1);
});
