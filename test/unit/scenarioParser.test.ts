// The `.zmq` parser: the demo files parse clean, every error names its line and column, canonical text
// round-trips, and random text never makes it throw or hang.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseScenarioFile } from '../../src/core/scenario/scenarioParser';
import { formatScenarioFile } from '../support/scenarioFormatter';
import type { ScenarioFile } from '../../src/core/scenario/scenarioAst';

const demo = (name: string) => readFileSync(join(__dirname, '../../../demo/workspace/scenarios', name), 'utf8');

/** The file without positions and source text: what a round trip must keep. */
function shape(file: ScenarioFile): unknown {
  return JSON.parse(
    JSON.stringify({ v: file.variables, e: file.endpoints, s: file.scenarios }, (key, value) =>
      ['line', 'column', 'endLine', 'text'].includes(key) ? undefined : value,
    ),
  );
}

test('the demo scenario files parse without a problem', () => {
  for (const name of ['echo.zmq', 'ticks.zmq', 'work.zmq']) {
    const file = parseScenarioFile(demo(name));
    assert.deepEqual(file.problems, [], name);
    assert.ok(file.scenarios.length >= 1, name);
  }
});

test('a full file becomes endpoints, variables and steps with their positions', () => {
  const file = parseScenarioFile(demo('echo.zmq'));
  assert.deepEqual(
    file.variables.map((v) => [v.name, v.value, v.line]),
    [
      ['host', '127.0.0.1', 6],
      ['echoPort', '5557', 7],
      ['user', 'demo', 8],
    ],
  );
  const [echo] = file.endpoints;
  assert.equal(echo.name, 'echo');
  assert.equal(echo.type, 'REQ');
  assert.equal(echo.mode, 'connect');
  assert.equal(echo.address, 'tcp://{{host}}:{{echoPort}}');
  assert.equal(echo.receiveHighWaterMark, 1000);
  const [ping, repeat] = file.scenarios;
  assert.equal(ping.name, 'Echo answers a ping');
  assert.equal(ping.line, 13);
  const request = ping.steps[0];
  assert.equal(request.kind, 'request');
  if (request.kind !== 'request') return;
  assert.equal(request.line, 14);
  assert.equal(request.endLine, 22);
  assert.equal(request.timeoutMs, 2000);
  assert.deepEqual(
    request.frames.map((f) => [f.format, f.value]),
    [
      ['text', 'ping'],
      ['json', '{"user": "{{user}}", "n": {{$seq}}, "id": "{{$uuid}}"}'],
    ],
  );
  assert.deepEqual(
    request.assertions.map((a) => [a.subject, a.op, a.expected?.kind, a.expected?.raw]),
    [
      [{ kind: 'frames' }, '==', 'json', '1'],
      [{ kind: 'frame', index: -1, path: '$.echo[0]' }, '==', 'json', '"ping"'],
      [{ kind: 'frame', index: -1, path: '$.echo[1]' }, 'matches', 'regex', '/"user":"{{user}}"/'],
      [{ kind: 'frame', index: -1, path: '$.at' }, 'exists', undefined, undefined],
      [{ kind: 'latency' }, '<', 'duration', '500ms'],
    ],
  );
  assert.deepEqual(request.captures, [
    { line: 22, column: 5, endLine: 22, name: 'answeredAt', subject: { kind: 'frame', index: -1, path: '$.at' } },
  ]);
  assert.equal(repeat.steps[0].kind, 'repeat');
  if (repeat.steps[0].kind === 'repeat') {
    assert.equal(repeat.steps[0].count, 3);
    assert.equal(repeat.steps[0].steps[0].line, 29);
  }
});

const ERRORS: [string, string, number, number, RegExp][] = [
  ['top-level step', 'send echo text hi\n', 1, 1, /steps go indented under a scenario/],
  ['unknown socket type', 'endpoint a FOO connect tcp://x:1\n', 1, 12, /not a socket type/],
  ['mode missing', 'endpoint a REQ tcp://x:1\n', 1, 16, /bind or connect/],
  ['address missing', 'endpoint a REQ connect\n', 1, 23, /address is missing/],
  ['bad endpoint option', 'endpoint a SUB connect tcp://x:1\n  subscibe x\n', 2, 3, /not an endpoint option/],
  ['hwm not a number', 'endpoint a SUB connect tcp://x:1\n  rcvhwm lots\n', 2, 10, /whole number/],
  ['unknown step', 'endpoint a REQ connect tcp://x:1\nscenario s\n  sned a text x\n', 3, 3, /"sned" is not a step/],
  ['unknown endpoint', 'scenario s\n  send nope text x\n', 2, 8, /no endpoint named nope/],
  ['bad json frame', 'endpoint a PUSH connect tcp://x:1\nscenario s\n  send a\n    json {"a": }\n', 4, 10, /json frame: Not valid JSON/],
  ['odd hex frame', 'endpoint a PUSH connect tcp://x:1\nscenario s\n  send a hex abc\n', 3, 14, /even number of digits/],
  ['not a frame under send', 'endpoint a PUSH connect tcp://x:1\nscenario s\n  send a\n    txt hi\n', 4, 5, /each line is a frame/],
  ['single = in assertion', 'endpoint a SUB connect tcp://x:1\nscenario s\n  expect a\n    topic = x\n', 4, 11, /write == to compare/],
  [
    'bad regex',
    'endpoint a SUB connect tcp://x:1\nscenario s\n  expect a\n    topic matches /(/\n',
    4,
    19,
    /not a valid regular expression/,
  ],
  ['bad json path', 'endpoint a SUB connect tcp://x:1\nscenario s\n  expect a\n    frame[1] $.a[ == 1\n', 4, 17, /missing "]"/],
  ['latency without unit', 'endpoint a REQ connect tcp://x:1\nscenario s\n  request a\n    text x\n    latency < 5\n', 5, 15, /duration/],
  ['bad duration', 'scenario s\n  wait 5 minutes\n', 2, 8, /wait 500ms/],
  ['within typo', 'endpoint a SUB connect tcp://x:1\nscenario s\n  expect a in 2s\n', 3, 12, /within 2s/],
  ['unclosed quote', 'endpoint a SUB connect tcp://x:1\n  subscribe "abc\n', 2, 13, /no closing "/],
  ['bad indentation', 'scenario s\n    wait 1s\n  wait 1s\n', 3, 1, /does not match any enclosing block/],
  ['indented top level', '  scenario s\n', 1, 1, /top-level lines start in column 1/],
  ['request without frames', 'endpoint a REQ connect tcp://x:1\nscenario s\n  request a\n', 3, 3, /request needs the frames/],
  ['generate without end', 'endpoint a PUB bind tcp://*:1\nscenario s\n  generate a rate 10/s\n    text x\n', 3, 3, /needs an end/],
  ['replay bad speed', 'endpoint a PUB bind tcp://*:1\nscenario s\n  replay a x.jsonl speed fast\n', 3, 20, /speed takes a factor/],
  ['security missing key', 'endpoint a REQ connect tcp://x:1\n  security curve-client keypair=me\n', 2, 3, /needs server-key/],
  ['duplicate endpoint', 'endpoint a REQ connect tcp://x:1\nendpoint a REP bind tcp://*:1\n', 2, 1, /already named a/],
];

for (const [what, source, line, column, message] of ERRORS) {
  test(`error with line and column: ${what}`, () => {
    const { problems } = parseScenarioFile(source);
    const found = problems.find((p) => message.test(p.message));
    assert.ok(found, `expected ${message} in ${JSON.stringify(problems)}`);
    assert.deepEqual([found.line, found.column], [line, column], found.message);
    assert.ok(found.endColumn > found.column);
  });
}

test('every error of a file with many is reported, not only the first', () => {
  const source = ['endpoint a FOO connect tcp://x:1', 'scenario s', '  sned a', '  wait forever', '  send b text x'].join('\n');
  const lines = parseScenarioFile(source).problems.map((p) => p.line);
  assert.deepEqual(lines, [1, 3, 4, 5]);
});

test('canonical text prints back as itself', () => {
  const canonical = [
    '@host = 127.0.0.1',
    '',
    'endpoint echo DEALER connect tcp://{{host}}:5557',
    '  subscribe ""',
    '  routing-id client-1',
    '  sndhwm 10',
    '  rcvhwm 20',
    '  linger 0',
    '  reconnect 100ms',
    '  security curve-client server-key=rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7 keypair=me',
    '',
    'scenario A name with "quotes"',
    '  send echo',
    '    text',
    '    hex 0a0b',
    '    base64 AAEC',
    '    file payloads/x.bin',
    '  expect echo within 1500ms',
    '    frame[0] == hex:00',
    '    size[1] >= 2',
    '    $["a b"][0] != null',
    '    frame[2] $.x.y[-1] < 3',
    '    capture x = frame[1]',
    '  wait for echo within 2000ms',
    '  repeat 2 every 10ms',
    '    subscribe echo " padded"',
    '    wait 5ms',
    '  generate echo rate 100/s count 10 for 2000ms',
    '    json {"n":{{$seq}}}',
    '  replay echo capture.jsonl speed 0.5x session ticks direction in',
    '',
  ].join('\n');
  const file = parseScenarioFile(canonical);
  assert.deepEqual(file.problems, []);
  assert.equal(formatScenarioFile(file), canonical);
});

test('the demo files round-trip through the formatter', () => {
  for (const name of ['echo.zmq', 'ticks.zmq', 'work.zmq']) {
    const first = parseScenarioFile(demo(name));
    const again = parseScenarioFile(formatScenarioFile(first));
    assert.deepEqual(again.problems, [], name);
    assert.deepEqual(shape(again), shape(first), name);
  }
});

// ---- property tests ----

const word = fc.stringMatching(/^[A-Za-z_][\w.-]{0,10}$/);
const text = fc.string({ maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, ' ').trim());
const frame = fc.oneof(
  text.map((value) => ({ format: 'text' as const, value })),
  fc.json({ maxDepth: 2 }).map((value) => ({ format: 'json' as const, value })),
  fc.uint8Array({ maxLength: 8 }).map((b) => ({ format: 'hex' as const, value: Buffer.from(b).toString('hex') })),
  fc.uint8Array({ maxLength: 8 }).map((b) => ({ format: 'base64' as const, value: Buffer.from(b).toString('base64') })),
);
const subject = fc.oneof(
  fc.constant({ kind: 'topic' as const }),
  fc.integer({ min: -3, max: 5 }).map((index) => ({ kind: 'frame' as const, index })),
  fc
    .tuple(fc.integer({ min: -3, max: 5 }), fc.stringMatching(/^[A-Za-z_][\w-]{0,8}$/))
    .map(([index, key]) => ({ kind: 'frame' as const, index, path: `$.${key}[0]` })),
);
const assertion = fc.oneof(
  fc.tuple(subject, fc.constantFrom('==', '!=', 'contains', 'startsWith'), word).map(([s, op, raw]) => ({
    subject: s,
    op,
    expected: { kind: 'text', raw },
  })),
  fc.integer({ min: 0, max: 99 }).map((n) => ({ subject: { kind: 'frames' }, op: '>=', expected: { kind: 'json', raw: String(n) } })),
  fc.integer({ min: 1, max: 9999 }).map((n) => ({ subject: { kind: 'latency' }, op: '<', expected: { kind: 'duration', raw: `${n}ms` } })),
);
const step = fc.oneof(
  fc.array(frame, { minLength: 1, maxLength: 3 }).map((frames) => ({ kind: 'send', endpoint: 'a', frames })),
  fc
    .tuple(
      fc.array(frame, { minLength: 1, maxLength: 2 }),
      fc.array(assertion, { maxLength: 3 }),
      fc.option(fc.integer({ min: 1, max: 9999 }), { nil: undefined }),
    )
    .map(([frames, assertions, timeoutMs]) => ({
      kind: 'request',
      endpoint: 'a',
      frames,
      assertions,
      captures: [],
      ...(timeoutMs ? { timeoutMs } : {}),
    })),
  fc.integer({ min: 0, max: 99999 }).map((durationMs) => ({ kind: 'wait', durationMs })),
  text.map((prefix) => ({ kind: 'subscribe', endpoint: 'a', prefix })),
);
const fileArb = fc.record({
  variables: fc
    .uniqueArray(fc.tuple(word, text), { selector: ([n]) => n, maxLength: 3 })
    .map((vs) => vs.map(([name, value]) => ({ name, value }))),
  endpoints: fc.constant([{ name: 'a', type: 'DEALER', mode: 'connect', address: 'tcp://127.0.0.1:1', subscriptions: [] }]),
  scenarios: fc.array(fc.record({ name: word, steps: fc.array(step, { minLength: 1, maxLength: 4 }) }), { maxLength: 3 }),
});

test('property: any file the formatter prints parses back to the same file', () => {
  fc.assert(
    fc.property(fileArb, (generated) => {
      const printed = formatScenarioFile(generated as unknown as ScenarioFile);
      const parsed = parseScenarioFile(printed);
      assert.deepEqual(
        parsed.problems.filter((p) => p.severity === 'error'),
        [],
        printed,
      );
      assert.deepEqual(shape(parsed), shape(parseScenarioFile(formatScenarioFile(parsed))), printed);
      assert.equal(parsed.scenarios.length, generated.scenarios.length);
    }),
    { numRuns: 300, seed: 20261201 },
  );
});

const keywords = [
  'endpoint',
  'scenario',
  'send',
  'expect',
  'request',
  'repeat',
  'generate',
  'replay',
  'wait',
  'capture',
  'frame[1] $.a',
  '@x =',
  '{{',
  '"',
  '  ',
  '\t',
  '\n',
  'json {',
  'hex ',
  '/',
  '#',
];
const hostileText = fc.oneof(
  fc.string({ maxLength: 400 }),
  fc.array(fc.oneof(fc.constantFrom(...keywords), fc.string({ maxLength: 8 })), { maxLength: 120 }).map((parts) => parts.join(' ')),
  fc
    .array(fc.tuple(fc.nat(6), fc.constantFrom(...keywords), fc.string({ maxLength: 12 })), { maxLength: 40 })
    .map((lines) => lines.map(([indent, k, rest]) => ' '.repeat(indent) + k + ' ' + rest).join('\n')),
);

test('fuzz: random text never throws, and every problem points inside the text', () => {
  fc.assert(
    fc.property(hostileText, (source) => {
      const file = parseScenarioFile(source);
      const lines = source.split('\n').length;
      for (const p of file.problems) {
        assert.ok(!p.message.startsWith('internal parser error'), p.message);
        assert.ok(p.line >= 1 && p.line <= lines, `line ${p.line} of ${lines}`);
        assert.ok(p.column >= 1 && p.endColumn > p.column);
        assert.ok(p.message.length > 10 && p.message.length < 400);
      }
    }),
    { numRuns: 2000, seed: 20261202 },
  );
});

test('hostile sizes stay bounded: deep nesting, a huge file, a long line', () => {
  const started = performance.now();
  const deep = 'scenario s\n' + Array.from({ length: 200 }, (_, i) => ' '.repeat(i + 1) + 'repeat 2').join('\n');
  assert.ok(parseScenarioFile(deep).problems.some((p) => /nest/.test(p.message)));
  const huge = 'scenario s\n' + '  wait 1ms\n'.repeat(300_000);
  const big = parseScenarioFile(huge);
  assert.ok(big.problems.some((p) => /at most 20000 steps|longer than|more than/.test(p.message)));
  const longLine = 'scenario s\n  send a text ' + 'x'.repeat(100_000);
  assert.ok(parseScenarioFile(longLine).problems.some((p) => /longer than/.test(p.message)));
  assert.ok(parseScenarioFile('\u0000\uffff\ud800'.repeat(10_000)).problems.length > 0);
  assert.ok(performance.now() - started < 5000, 'parsing hostile files takes seconds at most');
});
