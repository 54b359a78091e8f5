// Pairing verdicts: over the fixture workspace (exact), on small programs for each rule (compatible
// partners, ambiguous endpoints, double binds only where programs run together, declared systems,
// inproc per process, unknown types), the address matching rules, and the incremental index.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  computeVerdicts,
  parseEndpointAddress,
  scanSource,
  TopologySystems,
  WorkspaceScanIndex,
  type EndpointVerdict,
  type SourceRange,
  type SystemsSetting,
} from '../../src/core/scan';

// Bundled to out/test/unit/, so the fixtures are three folders up.
const FIXTURE = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'workspace');

const at = (r: SourceRange) => `${r.file}:${r.line + 1}`;

/** `[endpoint] binders / connectors` and one `severity code file:line -> related` line per finding. */
function project(verdicts: EndpointVerdict[]) {
  return verdicts.map((v) => ({
    endpoint: v.endpoint,
    binders: v.binders.map((p) => `${p.socketType ?? '?'} ${at(p.range)}`),
    connectors: v.connectors.map((p) => `${p.socketType ?? '?'} ${at(p.range)}`),
    findings: v.findings.map(
      (f) => `${f.severity} ${f.code} ${at(f.range)}${f.related.length ? ` -> ${f.related.map((r) => at(r.range)).join(', ')}` : ''}`,
    ),
  }));
}

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
    'REQ connects to tcp://localhost:5560, bound by PUB (ticker.c:12): REQ only talks to REP or ROUTER; with PUB the ZMTP handshake is rejected and no message ever flows (libzmq drops the connection silently).',
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
function verdictsOf(files: Record<string, string>, systems?: SystemsSetting) {
  return project(
    computeVerdicts(
      Object.entries(files).map(([path, text]) => scanSource(path, text)),
      { systems: new TopologySystems(systems) },
    ),
  );
}

/** A script (a program of its own) creating one socket and binding or connecting it. */
const program = (type: string, action: 'bind' | 'connect', address: string) =>
  `import zmq\ns = zmq.Context().socket(zmq.${type})\ns.${action}("${address}")\n`;

test('unrelated programs on one port: no N×M errors, one ambiguity note; a connector is wrong only when no binder accepts it', () => {
  const verdicts = verdictsOf({
    'hwserver.py': program('REP', 'bind', 'tcp://*:5555'),
    'wuserver.py': program('PUB', 'bind', 'tcp://*:5555'),
    'broker.py': program('ROUTER', 'bind', 'tcp://*:5555'),
    'hwclient.py': program('REQ', 'connect', 'tcp://localhost:5555'),
    'wuclient.py': program('SUB', 'connect', 'tcp://localhost:5555'),
    'worker.py': program('DEALER', 'connect', 'tcp://localhost:5555'),
    'ventilator.py': program('PUSH', 'connect', 'tcp://localhost:5555'),
  });
  assert.deepEqual(verdicts[0].findings, [
    'info ambiguous-endpoint broker.py:3 -> hwserver.py:3, wuserver.py:3',
    'info req-rep-lockstep hwclient.py:3 -> hwserver.py:3',
    'info valid-pairing hwclient.py:3 -> broker.py:3, hwserver.py:3',
    'error incompatible-types ventilator.py:3 -> broker.py:3, hwserver.py:3, wuserver.py:3',
    'info valid-pairing worker.py:3 -> broker.py:3, hwserver.py:3',
    'info valid-pairing wuclient.py:3 -> wuserver.py:3',
  ]);
});

test('many connectors on one endpoint: the first notes of each kind, then one count of the rest; problems are all kept', () => {
  const files: Record<string, string> = { 'server.py': program('ROUTER', 'bind', 'tcp://*:7600') };
  for (let i = 0; i < 10; i++) files[`client${i}.py`] = program('DEALER', 'connect', 'tcp://localhost:7600');
  for (let i = 0; i < 5; i++) files[`wrong${i}.py`] = program('SUB', 'connect', 'tcp://localhost:7600');
  const verdict = computeVerdicts(Object.entries(files).map(([path, text]) => scanSource(path, text)))[0];
  assert.equal(verdict.connectors.length, 15);
  assert.equal(verdict.findings.filter((f) => f.code === 'incompatible-types').length, 5);
  assert.deepEqual(
    verdict.findings.filter((f) => f.code === 'valid-pairing').map((f) => f.message.replace(/ at .*/, '')),
    [
      'DEALER connects to the ROUTER bound',
      'DEALER connects to the ROUTER bound',
      'DEALER connects to the ROUTER bound',
      '7 more connectors reach a compatible binder.',
    ],
  );
});

test('double binds: within one program, or within a declared system; never between unrelated programs', () => {
  const files = {
    'a.py': program('PUB', 'bind', 'tcp://*:7400'),
    'b.py': program('PUB', 'bind', 'tcp://0.0.0.0:7400'),
    'c.py':
      'import zmq\ns = zmq.Context().socket(zmq.PULL)\ns.bind("ipc:///tmp/q")\nt = zmq.Context().socket(zmq.PULL)\nt.bind("ipc:///tmp/q")\n',
  };
  const codes = (v: ReturnType<typeof verdictsOf>) => v.flatMap((x) => x.findings.filter((f) => !f.includes('no-connector')));
  assert.deepEqual(codes(verdictsOf(files)), ['error double-bind c.py:5 -> c.py:3', 'info ambiguous-endpoint a.py:3 -> b.py:3']);
  const declared = verdictsOf(files, { backend: ['a.py', 'b.py'] });
  assert.deepEqual(codes(declared), ['error double-bind c.py:5 -> c.py:3', 'error double-bind b.py:3 -> a.py:3']);
  assert.deepEqual(
    declared.map((v) => v.endpoint),
    ['ipc:///tmp/q', 'tcp://*:7400 [backend]'],
  );
  assert.match(
    computeVerdicts([scanSource('c.py', files['c.py'])])[0].findings.find((f) => f.code === 'double-bind')!.message,
    /the later bind replaces the socket file/,
  );
});

test('host matching: a loopback bind does not meet a named host; a wildcard bind meets any host on its port', () => {
  assert.deepEqual(
    verdictsOf({
      'a.py': 'import zmq\ns = zmq.Context().socket(zmq.REP)\ns.bind("tcp://127.0.0.1:7100")\n',
      'b.py': 'import zmq\nc = zmq.Context().socket(zmq.REQ)\nc.connect("tcp://[::1]:7100")\nc.connect("tcp://broker:7100")\n',
    })[0].findings,
    [
      'warning ipv6-to-ipv4 b.py:3 -> a.py:3',
      'info req-rep-lockstep b.py:3 -> a.py:3',
      'info valid-pairing b.py:3 -> a.py:3',
      'info no-binder b.py:4',
    ],
  );
  assert.deepEqual(
    verdictsOf({
      'a.py': 'import zmq\ns = zmq.Context().socket(zmq.ROUTER)\ns.bind("tcp://*:7101")\n',
      'b.py': 'import zmq\nc = zmq.Context().socket(zmq.DEALER)\nc.connect("tcp://broker:7101")\nc.connect("tcp://LOCALHOST:7101")\n',
    })[0].findings,
    ['info valid-pairing b.py:3 -> a.py:3', 'info valid-pairing b.py:4 -> a.py:3'],
  );
  // Binds on two different named hosts do not collide; a loopback and a wildcard bind (same program) do.
  assert.deepEqual(
    verdictsOf({
      'a.py': 'import zmq\ns = zmq.Context().socket(zmq.PUB)\ns.bind("tcp://10.0.0.1:7102")\ns.bind("tcp://10.0.0.2:7102")\n',
    })[0].findings,
    ['info no-connector a.py:3', 'info no-connector a.py:4'],
  );
  assert.deepEqual(
    verdictsOf({ 'a.py': 'import zmq\ns = zmq.Context().socket(zmq.PUB)\ns.bind("tcp://localhost:7103")\ns.bind("tcp://*:7103")\n' })[0]
      .findings,
    ['info no-connector a.py:3', 'error double-bind a.py:4 -> a.py:3', 'info no-connector a.py:4'],
  );
});

test('parseEndpointAddress groups TCP by port and classifies hosts', () => {
  assert.deepEqual(parseEndpointAddress('tcp://*:5555'), {
    transport: 'tcp',
    key: 'tcp://*:5555',
    host: '*',
    hostKind: 'wildcard',
    ipv6: false,
    port: '5555',
    ephemeral: false,
  });
  assert.deepEqual(parseEndpointAddress('tcp://[::1]:5555'), {
    transport: 'tcp',
    key: 'tcp://*:5555',
    host: '::1',
    hostKind: 'loopback',
    ipv6: true,
    port: '5555',
    ephemeral: false,
  });
  assert.equal(parseEndpointAddress('tcp://0.0.0.0:1')?.hostKind, 'wildcard');
  assert.equal(parseEndpointAddress('tcp://[::]:1')?.hostKind, 'wildcard');
  assert.equal(parseEndpointAddress('tcp://127.0.0.2:1')?.hostKind, 'loopback');
  assert.equal(parseEndpointAddress('tcp://eth0:0;192.168.1.7:5555')?.host, '192.168.1.7');
  assert.equal(parseEndpointAddress('ws://host:8080/feed')?.key, 'ws://*:8080/feed');
  assert.equal(parseEndpointAddress('tcp://*:*')?.ephemeral, true);
  assert.deepEqual(parseEndpointAddress('ipc:///tmp/feed.sock'), { transport: 'ipc', key: 'ipc:///tmp/feed.sock' });
  assert.equal(parseEndpointAddress('localhost:5555'), undefined);
});

test('inproc pairs sockets of one program: programs reusing inproc://backend each pair with their own; a library meets any program', () => {
  const mt =
    'import zmq\nctx = zmq.Context()\nb = ctx.socket(zmq.DEALER)\nb.bind("inproc://backend")\nw = ctx.socket(zmq.REP)\nw.connect("inproc://backend")\n';
  assert.deepEqual(verdictsOf({ 'mtserver.py': mt, 'rtdealer.py': mt }), [
    {
      endpoint: 'inproc://backend',
      binders: ['DEALER mtserver.py:4', 'DEALER rtdealer.py:4'],
      connectors: ['REP mtserver.py:6', 'REP rtdealer.py:6'],
      findings: ['info valid-pairing mtserver.py:6 -> mtserver.py:4', 'info valid-pairing rtdealer.py:6 -> rtdealer.py:4'],
    },
  ]);
  assert.deepEqual(
    verdictsOf({
      'lib/bus.py': 'import zmq\ndef make(ctx):\n    s = ctx.socket(zmq.PAIR)\n    s.bind("inproc://bus")\n    return s\n',
      'app.py': 'import zmq\nc = zmq.Context().socket(zmq.PAIR)\nc.connect("inproc://bus")\nif __name__ == "__main__":\n    pass\n',
    })[0].findings,
    ['info valid-pairing app.py:3 -> lib/bus.py:4'],
  );
});

test('unknown socket types are "unknown", never valid; ephemeral ports, non-endpoints and over-long values get a verdict of their own', () => {
  const unknown = computeVerdicts([
    scanSource('a.py', 'import zmq\ndef serve(sock):\n    sock.bind("tcp://*:7200")\n'),
    scanSource('b.py', 'import zmq\ndef client(sock):\n    sock.connect("tcp://localhost:7200")\n'),
  ]);
  assert.deepEqual(
    unknown.map((v) => [v.status, v.findings.map((f) => f.code)]),
    [['unknown', ['unknown-types']]],
  );
  assert.deepEqual(
    verdictsOf({
      'a.py':
        'import zmq\ns = zmq.Context().socket(zmq.REP)\ns.bind("tcp://127.0.0.1:*")\ns.bind("localhost:5555")\ns.bind("x" * 2 + "y")\nlong = "tcp://h:" + "%01500d" % 1\ns.connect(long)\n',
    }),
    [
      { endpoint: '? "x" * 2 + "y" (a.py:5)', binders: ['REP a.py:5'], connectors: [], findings: ['info unresolved-endpoint a.py:5'] },
      { endpoint: 'localhost:5555 (a.py:4)', binders: ['REP a.py:4'], connectors: [], findings: ['warning not-an-endpoint a.py:4'] },
      { endpoint: 'long (a.py:7)', binders: [], connectors: ['REP a.py:7'], findings: ['info not-an-endpoint a.py:7'] },
      { endpoint: 'tcp://127.0.0.1:* (a.py:3)', binders: ['REP a.py:3'], connectors: [], findings: ['info ephemeral-port a.py:3'] },
    ],
  );
  // The same address twice on one line still gives verdicts with distinct ids (the tree registers them).
  const twice = computeVerdicts([
    scanSource('P.cs', 'using NetMQ.Sockets;\nvar s = new PublisherSocket("tcp://localhost,tcp://localhost");\n'),
  ]);
  assert.deepEqual(
    twice.map((v) => v.endpoint),
    ['tcp://localhost (P.cs:2)', 'tcp://localhost (P.cs:2) #2'],
  );
});

test('every socket type pair: valid pairs from the catalogue are accepted, every other pair is an error on the connector', () => {
  const valid: Record<string, string[]> = {
    REQ: ['REP', 'ROUTER'],
    REP: ['REQ', 'DEALER'],
    DEALER: ['REP', 'DEALER', 'ROUTER'],
    ROUTER: ['REQ', 'DEALER', 'ROUTER'],
    PUB: ['SUB', 'XSUB'],
    XPUB: ['SUB', 'XSUB'],
    SUB: ['PUB', 'XPUB'],
    XSUB: ['PUB', 'XPUB'],
    PUSH: ['PULL'],
    PULL: ['PUSH'],
    PAIR: ['PAIR'],
    STREAM: [],
  };
  for (const connector of Object.keys(valid)) {
    for (const binder of Object.keys(valid)) {
      const findings = computeVerdicts([
        scanSource('b.py', program(binder, 'bind', 'tcp://*:7300')),
        scanSource('c.py', program(connector, 'connect', 'tcp://localhost:7300')),
      ])[0].findings;
      const codes = findings.map((f) => `${f.code} ${f.range.file}`);
      assert.equal(codes.includes('valid-pairing c.py'), valid[connector].includes(binder), `${connector} -> ${binder}`);
      assert.equal(codes.includes('incompatible-types c.py'), !valid[connector].includes(binder), `${connector} -> ${binder}`);
      assert.equal(codes.filter((c) => c.startsWith('incompatible')).length <= 1, true, 'one diagnostic per problem');
    }
  }
});

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
