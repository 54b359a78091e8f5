// Pairing verdicts over the fixture workspace (exact, with every finding and the other side it points to,
// in words) and the incremental index that keeps them as files change. The rules, one by one on small
// programs: pairingRules.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { TopologySystems, WorkspaceScanIndex, type SystemsSetting } from '../../src/core/scan';
import { project } from '../support/verdictProjection';

// Bundled to out/test/unit/, so the fixtures are three folders up.
const FIXTURE = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'workspace');

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
}

/** The fixture's declared systems, from its .vscode/settings.json (JSONC: whole-line comments). */
function fixtureSystems(): TopologySystems {
  const settings = JSON.parse(readFileSync(join(FIXTURE, '.vscode', 'settings.json'), 'utf8').replace(/^\s*\/\/.*$/gm, ''));
  return new TopologySystems(settings['zeromq.topology.systems'] as SystemsSetting);
}

function fixtureIndex(): WorkspaceScanIndex {
  const index = new WorkspaceScanIndex({ systems: fixtureSystems() });
  for (const path of walk(FIXTURE)) index.update(relative(FIXTURE, path).split('\\').join('/'), readFileSync(path, 'utf8'));
  return index;
}

test('fixture workspace: one verdict per endpoint, with every finding and the other side it points to', () => {
  assert.deepEqual(project(fixtureIndex().verdicts()), [
    {
      endpoint: '? address (env_client.py:16)',
      binders: [],
      connectors: ['SUB python/env_client.py:16'],
      findings: ['info unresolved-endpoint python/env_client.py:16'],
    },
    {
      endpoint: '? argv[1] (ticker.c:15)',
      binders: [],
      connectors: ['SUB c/ticker.c:15'],
      findings: ['info unresolved-endpoint c/ticker.c:15'],
    },
    {
      endpoint: '? os.environ["FEED_ADDR"] (env_client.py:9)',
      binders: [],
      connectors: ['SUB python/env_client.py:9'],
      findings: ['info unresolved-endpoint python/env_client.py:9'],
    },
    {
      endpoint: '? sys.argv[1] if len(sys.argv) > 1 else "tcp://localhost:7000" (env_client.py:10)',
      binders: [],
      connectors: ['SUB python/env_client.py:10'],
      findings: ['info unresolved-endpoint python/env_client.py:10'],
    },
    {
      endpoint: 'inproc://jobs',
      binders: ['PAIR python/pipeline_a.py:6'],
      connectors: ['PAIR python/pipeline_b.py:6'],
      findings: [
        'info no-connector python/pipeline_a.py:6',
        'warning inproc-across-processes python/pipeline_b.py:6 -> python/pipeline_a.py:6',
      ],
    },
    {
      endpoint: 'tcp://*:5555',
      binders: ['REP c/hello_server.c:11'],
      connectors: ['REQ js/hello_client.js:9', 'REQ rust/src/main.rs:7'],
      findings: [
        'info req-rep-lockstep js/hello_client.js:9 -> c/hello_server.c:11',
        'info valid-pairing js/hello_client.js:9 -> c/hello_server.c:11',
        'info req-rep-lockstep rust/src/main.rs:7 -> c/hello_server.c:11',
        'info valid-pairing rust/src/main.rs:7 -> c/hello_server.c:11',
      ],
    },
    {
      endpoint: 'tcp://*:5556',
      binders: ['PUB python/weather_server.py:14'],
      connectors: ['SUB python/weather_client.py:13'],
      findings: ['info valid-pairing python/weather_client.py:13 -> python/weather_server.py:14'],
    },
    {
      endpoint: 'tcp://*:5557',
      binders: ['PUSH go/ventilator/main.go:15'],
      connectors: ['PULL go/worker/main.go:15', 'PULL python/worker.py:10'],
      findings: [
        'info push-fan-out go/ventilator/main.go:15 -> go/worker/main.go:15, python/worker.py:10',
        'info valid-pairing go/worker/main.go:15 -> go/ventilator/main.go:15',
        'info valid-pairing python/worker.py:10 -> go/ventilator/main.go:15',
      ],
    },
    {
      endpoint: 'tcp://*:5560',
      binders: ['PUB c/ticker.c:12'],
      connectors: ['REQ python/ticker_client.py:9'],
      findings: ['error incompatible-types python/ticker_client.py:9 -> c/ticker.c:12'],
    },
    {
      endpoint: 'tcp://*:5570 [stats]',
      binders: ['PUB js/stats.mjs:8', 'PUB python/stats_exporter.py:7'],
      connectors: [],
      findings: [
        'info no-connector js/stats.mjs:8',
        'error double-bind python/stats_exporter.py:7 -> js/stats.mjs:8',
        'info no-connector python/stats_exporter.py:7',
      ],
    },
    {
      endpoint: 'tcp://*:5580',
      binders: ['REP csharp/Service.cs:11'],
      connectors: ['DEALER java/Client.java:12'],
      findings: ['info valid-pairing java/Client.java:12 -> csharp/Service.cs:11'],
    },
    {
      endpoint: 'tcp://*:6000',
      binders: [],
      connectors: ['SUB python/env_client.py:11'],
      findings: ['info no-binder python/env_client.py:11'],
    },
  ]);
  const status = Object.fromEntries(
    fixtureIndex()
      .verdicts()
      .map((v) => [v.label, v.status]),
  );
  assert.deepEqual(
    [
      status['inproc://jobs'],
      status['tcp://*:5555'],
      status['tcp://*:5560'],
      status['tcp://*:5570'],
      status['tcp://*:6000'],
      status['address'],
    ],
    ['warning', 'valid', 'error', 'error', 'info', 'unknown'],
  );
});

test('findings say why in words, naming the other side by file and line, with a few related locations', () => {
  const verdicts = fixtureIndex().verdicts();
  const messages = (endpoint: string) => verdicts.find((v) => v.endpoint === endpoint)!.findings.map((f) => f.message);
  assert.deepEqual(messages('tcp://*:5560'), [
    'REQ connects to tcp://localhost:5560, bound by PUB (ticker.c:12): REQ only talks to REP or ROUTER; with ' +
      'PUB the ZMTP handshake is rejected and no message ever flows (libzmq drops the connection silently).',
  ]);
  assert.equal(
    messages('tcp://*:5570 [stats]')[1],
    'tcp://0.0.0.0:5570 is already bound at stats.mjs:8: the second bind to port 5570 fails with "Address already in use" (EADDRINUSE).',
  );
  assert.equal(
    messages('tcp://*:5557')[0],
    'PUSH round-robins: each of the 2 PULL sockets (worker/main.go:15, worker.py:10) gets a share of the messages, not all of them.',
  );
  assert.equal(
    messages('tcp://*:6000')[0],
    'Connects to tcp://feeds.example.com:6000, but nothing in the workspace binds it (it may be bound by a program outside the workspace).',
  );
  const incompatible = verdicts.find((v) => v.endpoint === 'tcp://*:5560')!.findings[0];
  assert.deepEqual(incompatible.related, [
    { range: { file: 'c/ticker.c', line: 11, character: 21, endLine: 11, endCharacter: 29 }, message: 'PUB: bound here' },
  ]);
  const participant = verdicts.find((v) => v.endpoint === 'tcp://*:5556')!.binders[0];
  assert.deepEqual(participant, {
    action: 'bind',
    socketType: 'PUB',
    variable: 'publisher',
    endpoint: { resolved: true, address: 'tcp://*:5556' },
    range: { file: 'python/weather_server.py', line: 13, character: 19, endLine: 13, endCharacter: 36 },
    socketRange: { file: 'python/weather_server.py', line: 12, character: 16, endLine: 12, endCharacter: 39 },
  });
});

/** Scans small in-memory files and returns the projected verdicts. */

test('WorkspaceScanIndex: an edit rescans one file and changes only what it should; removal and non-ZeroMQ files', () => {
  const index = fixtureIndex();
  assert.equal(index.fileCount, 17);
  const before = index.verdicts();
  assert.equal(index.verdicts(), before, 'verdicts are cached until something changes');

  const path = 'python/ticker_client.py';
  const original = readFileSync(join(FIXTURE, path), 'utf8');
  assert.equal(index.update(path, original), false, 'same text, same result: nothing to refresh');
  assert.equal(index.verdicts(), before);

  // Fix the incompatible client: REQ -> SUB.
  assert.equal(index.update(path, original.replace('zmq.REQ', 'zmq.SUB')), true);
  const fixed = project(index.verdicts()).find((v) => v.endpoint === 'tcp://*:5560')!;
  assert.deepEqual(fixed.findings, ['info valid-pairing python/ticker_client.py:9 -> c/ticker.c:12']);

  // A file that stops using ZeroMQ leaves the index; so does a removed one.
  assert.equal(index.update(path, 'print("no sockets here")\n'), true);
  assert.equal(index.resultFor(path), undefined);
  assert.equal(project(index.verdicts()).find((v) => v.endpoint === 'tcp://*:5560')!.findings[0], 'info no-connector c/ticker.c:12');
  assert.equal(index.remove('c/ticker.c'), true);
  assert.equal(index.remove('c/ticker.c'), false);
  assert.equal(
    index.verdicts().some((v) => v.endpoint === 'tcp://*:5560'),
    false,
  );
  assert.equal(index.update('README.md', 'zmq_bind(s, "tcp://*:1")'), false, 'not a scannable file');
  assert.equal(index.fileCount, 15);
});
