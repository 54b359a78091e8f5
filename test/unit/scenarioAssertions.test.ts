// Assertions on received messages, variables and environments, the file checks and the JUnit writer:
// the parts of a run that need no socket.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkAssertion, readCapture } from '../../src/core/scenario/scenarioAssertions';
import { checkScenarioFile } from '../../src/core/scenario/scenarioCheck';
import { readEnvironments, variableLayers } from '../../src/core/scenario/scenarioEnvironments';
import { junitXml } from '../../src/core/scenario/junitReport';
import { parseScenarioFile } from '../../src/core/scenario/scenarioParser';
import type { Assertion, ReceiveStep } from '../../src/core/scenario/scenarioAst';
import type { ScenarioResult } from '../../src/core/scenario/scenarioRunner';
import { LayeredScope, TemplateError, expandTemplate } from '../../src/core/scenario/scenarioVariables';

function assertionsOf(lines: string[]): Assertion[] {
  const file = parseScenarioFile(
    ['endpoint a DEALER connect tcp://127.0.0.1:1', 'scenario s', '  expect a', ...lines.map((l) => `    ${l}`)].join('\n'),
  );
  assert.deepEqual(file.problems, []);
  return (file.scenarios[0].steps[0] as ReceiveStep).assertions;
}

const message = {
  frames: [Buffer.from('ticks.MSFT'), Buffer.from('{"sym":"MSFT","price":420.5,"tags":["a","b"],"n":null}'), Buffer.from([0, 255])],
  latencyMs: 12.5,
};
const scope = new LayeredScope([
  {
    source: 'test',
    values: new Map([
      ['sym', 'MSFT'],
      ['limit', '500'],
    ]),
  },
]);

test('assertions that hold on a message', () => {
  const holding = [
    'frames == 3',
    'frames >= 2',
    'topic == ticks.MSFT',
    'topic startsWith ticks.',
    'topic matches /^ticks\\.[A-Z]+$/',
    'frame[1] $.sym == "MSFT"',
    'frame[1] $.sym == MSFT',
    'frame[1] $.sym == {{sym}}',
    'frame[1] $.price > 420',
    'frame[1] $.price < {{limit}}',
    'frame[1] $.tags == ["a","b"]',
    'frame[1] $.tags[-1] == "b"',
    'frame[1] $.tags contains "b"',
    'frame[1] $.n == null',
    'frame[1] $.n exists',
    'frame[1] == {"sym":"MSFT","price":420.5,"tags":["a","b"],"n":null}',
    'frame[2] == hex:00ff',
    'frame[-1] startsWith hex:00',
    'size[2] == 2',
    'frame[2] exists',
    'latency < 20ms',
    'latency >= 12ms',
  ];
  for (const a of assertionsOf(holding)) {
    const outcome = checkAssertion(a, message, scope);
    assert.ok(outcome.ok, `${a.text}: expected ${outcome.expected}, got ${outcome.actual}`);
  }
});

test('assertions that fail say what was expected and what came', () => {
  const cases: [string, string, string][] = [
    ['frames == 2', '2', '3'],
    ['topic == ticks.AAPL', 'ticks.AAPL', 'ticks.MSFT'],
    ['frame[1] $.price > 500', '> 500', '420.5'],
    ['frame[1] $.missing == 1', '1', '$.missing is not in {"sym":"MSFT","price":420.5,"tags":["a","b"],"n":null}'],
    ['frame[0] $.x exists', 'present', 'frame[0] is not JSON: ticks.MSFT'],
    ['frame[5] == x', 'x', 'the message has 3 frame(s), no frame[5]'],
    ['frame[2] == hex:0001', 'hex:0001', 'hex:00ff'],
    ['frame[1] $.sym == "msft"', '"msft"', 'MSFT'],
    ['latency < 10ms', '< 10ms', '12.5ms'],
    ['frame[1] $.sym < 3', '< 3', 'MSFT (not a number)'],
  ];
  for (const [line, expected, actual] of cases) {
    const [a] = assertionsOf([line]);
    const outcome = checkAssertion(a, message, scope);
    assert.equal(outcome.ok, false, line);
    assert.deepEqual([outcome.expected, outcome.actual], [expected, actual], line);
    assert.equal(outcome.line, 4);
  }
});

test('captures read text; a JSON string loses its quotes', () => {
  assert.deepEqual(readCapture({ kind: 'frame', index: 1, path: '$.sym' }, message), { value: 'MSFT' });
  assert.deepEqual(readCapture({ kind: 'frame', index: 1, path: '$.tags' }, message), { value: '["a","b"]' });
  assert.deepEqual(readCapture({ kind: 'topic' }, message), { value: 'ticks.MSFT' });
  assert.ok('error' in readCapture({ kind: 'frame', index: 9 }, message));
});

test('variables: layers win in order, dynamic values, a captured value is never expanded again', () => {
  const environments = readEnvironments(
    { $shared: { host: 'shared', user: 'u' }, ci: { host: 'ci-host', port: 5557 } },
    'env',
  ).environments;
  const { layers, error } = variableLayers(
    new Map([
      ['host', 'file'],
      ['url', 'tcp://{{host}}:{{port}}'],
    ]),
    environments,
    'ci',
    new Map([['port', '9']]),
  );
  assert.equal(error, undefined);
  const s = new LayeredScope(layers);
  assert.equal(expandTemplate('{{url}} {{user}}', s), 'tcp://ci-host:9 u');
  s.capture('token', '{{host}}');
  assert.equal(expandTemplate('{{token}}', s), '{{host}}');
  s.nextSeq();
  s.nextSeq();
  assert.equal(expandTemplate('{{$seq}}', s), '2');
  assert.match(expandTemplate('{{$uuid}}', s), /^[0-9a-f-]{36}$/);
  for (let i = 0; i < 50; i++) {
    const n = Number(expandTemplate('{{$random.int(1,3)}}', s));
    assert.ok(n >= 1 && n <= 3);
  }
  assert.throws(
    () => expandTemplate('{{nope}}', s),
    (e: Error) => e instanceof TemplateError && /\{\{nope\}\} is not defined/.test(e.message),
  );
  const cycle = new LayeredScope([
    {
      source: 'f',
      values: new Map([
        ['a', '{{b}}'],
        ['b', '{{a}}'],
      ]),
    },
  ]);
  assert.throws(() => expandTemplate('{{a}}', cycle), /more than 10 levels deep/);
  assert.match(variableLayers(new Map(), environments, 'prod').error ?? '', /no environment named "prod" \(known: ci\)/);
});

test('environments from a hostile file: bad entries reported, good ones kept', () => {
  const { environments, problems } = readEnvironments({ ok: { a: '1', 'bad name': 'x', obj: { x: 1 } }, list: [1] }, 'e.json');
  assert.deepEqual([...environments.get('ok')!.entries()], [['a', '1']]);
  assert.equal(problems.length, 3);
  assert.equal(readEnvironments('text', 'e.json').problems.length, 1);
});

test('file checks: impossible steps, refused pairings, double binds, undefined variables', () => {
  const file = parseScenarioFile(
    [
      'endpoint feed PUB bind tcp://127.0.0.1:7001',
      'endpoint client REQ connect tcp://127.0.0.1:7001',
      'endpoint again PUB bind tcp://*:7001',
      'endpoint sub SUB connect tcp://{{nowhere}}:1',
      'scenario s',
      '  send sub text x',
      '  expect feed',
      '  subscribe client x',
      '  request client',
      '    text {{later}}',
      '    capture later = frame[0]',
      '  send feed text {{later}}',
    ].join('\n'),
  );
  assert.deepEqual(file.problems, []);
  const problems = checkScenarioFile(file, { knownNames: new Set() })
    .sort((a, b) => a.line - b.line)
    .map((p) => `${p.line}:${p.column} ${p.severity} ${p.message}`);
  const expected = [
    /^2:1 error connects to feed \(line 1\): REQ only talks to REP or ROUTER/,
    /^3:1 error feed \(line 1\) binds this address too/,
    /^4:1 warning \{\{nowhere\}\} is defined nowhere/,
    /^6:3 error sub is a SUB, which cannot send/,
    /^7:3 error feed is a PUB, which never receives/,
    /^8:3 error client is a REQ: only SUB and XSUB subscribe/,
    /^9:3 warning \{\{later\}\} is defined nowhere/,
  ];
  assert.equal(problems.length, expected.length, problems.join('\n'));
  expected.forEach((pattern, i) => assert.match(problems[i], pattern));
});

test('JUnit XML escapes what peers send and marks skipped steps', () => {
  const file = parseScenarioFile('endpoint a PULL connect tcp://127.0.0.1:1\nscenario <s>\n  expect a\n    topic == x\n  wait 1ms\n');
  const [expectStep, waitStep] = file.scenarios[0].steps;
  const result: ScenarioResult = {
    scenario: file.scenarios[0],
    status: 'failed',
    durationMs: 5,
    steps: [
      {
        step: expectStep,
        status: 'failed',
        durationMs: 4,
        message: 'topic == x: expected x, got \u0000<&"]]>',
        received: '[1 frame] \ud800',
      },
      { step: waitStep, status: 'skipped', durationMs: 0, message: 'not run: an earlier step failed' },
    ],
  };
  const xml = junitXml([{ path: 'a.zmq', results: [result] }], new Date(0));
  assert.match(xml, /<testsuite name="a.zmq › &lt;s&gt;" tests="2" failures="1" errors="0" skipped="1"/);
  assert.match(xml, /<failure message="topic == x: expected x, got \ufffd&lt;&amp;&quot;\]\]&gt;">/);
  assert.match(xml, /<testcase name="line 5: wait 1ms"[^>]*>\s*<skipped/);
  assert.ok(!xml.includes('\u0000') && !xml.includes('\ud800'));
});
