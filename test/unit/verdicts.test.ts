// Pairing verdicts: over the fixture workspace (exact), on hand-made scan results for each rule,
// the address matching rules, and the incremental index.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  computeVerdicts,
  parseEndpointAddress,
  scanSource,
  WorkspaceScanIndex,
  type EndpointVerdict,
  type SourceRange,
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

function fixtureIndex(): WorkspaceScanIndex {
  const index = new WorkspaceScanIndex();
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
        'warning inproc-across-processes python/pipeline_a.py:6 -> python/pipeline_b.py:6',
        'warning inproc-across-processes python/pipeline_b.py:6 -> python/pipeline_a.py:6',
        'info valid-pairing python/pipeline_b.py:6 -> python/pipeline_a.py:6',
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
      findings: [
        'error incompatible-types c/ticker.c:12 -> python/ticker_client.py:9',
        'error incompatible-types python/ticker_client.py:9 -> c/ticker.c:12',
      ],
    },
    {
      endpoint: 'tcp://*:5570',
      binders: ['PUB js/stats.mjs:8', 'PUB python/stats_exporter.py:7'],
      connectors: [],
      findings: [
        'error double-bind js/stats.mjs:8 -> python/stats_exporter.py:7',
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
});

test('findings say why in words, naming the other side by file and line', () => {
  const verdicts = fixtureIndex().verdicts();
  const messages = (endpoint: string) => verdicts.find((v) => v.endpoint === endpoint)!.findings.map((f) => f.message);
  assert.deepEqual(messages('tcp://*:5560'), [
    'PUB bound here, REQ connects from ticker_client.py:9: REQ only talks to REP or ROUTER; the ZMTP handshake fails and no message flows.',
    'REQ connects here to a PUB bound at ticker.c:12: REQ only talks to REP or ROUTER; the ZMTP handshake fails and no message flows.',
  ]);
  assert.equal(
    messages('tcp://*:5570')[0],
    'tcp://*:5570 is also bound at stats_exporter.py:7: the second bind to port 5570 fails with "Address already in use" (EADDRINUSE).',
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
    { range: { file: 'python/ticker_client.py', line: 8, character: 20, endLine: 8, endCharacter: 66 }, message: 'REQ connects here' },
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
function verdictsOf(files: Record<string, string>) {
  return project(computeVerdicts(Object.entries(files).map(([path, text]) => scanSource(path, text))));
}

test('host matching: a loopback bind does not meet a named host; a wildcard bind meets any host on its port', () => {
  assert.deepEqual(
    verdictsOf({
      'a.py': 'import zmq\ns = zmq.Context().socket(zmq.REP)\ns.bind("tcp://127.0.0.1:7100")\n',
      'b.py': 'import zmq\nc = zmq.Context().socket(zmq.REQ)\nc.connect("tcp://[::1]:7100")\nc.connect("tcp://broker:7100")\n',
    }),
    [
      {
        endpoint: 'tcp://*:7100',
        binders: ['REP a.py:3'],
        connectors: ['REQ b.py:3', 'REQ b.py:4'],
        findings: [
          'warning ipv6-to-ipv4 b.py:3 -> a.py:3',
          'info req-rep-lockstep b.py:3 -> a.py:3',
          'info valid-pairing b.py:3 -> a.py:3',
          'info no-binder b.py:4',
        ],
      },
    ],
  );
  assert.deepEqual(
    verdictsOf({
      'a.py': 'import zmq\ns = zmq.Context().socket(zmq.ROUTER)\ns.bind("tcp://*:7101")\n',
      'b.py': 'import zmq\nc = zmq.Context().socket(zmq.DEALER)\nc.connect("tcp://broker:7101")\nc.connect("tcp://LOCALHOST:7101")\n',
    })[0].findings,
    ['info valid-pairing b.py:3 -> a.py:3', 'info valid-pairing b.py:4 -> a.py:3'],
  );
  // Binds on two different named hosts do not collide; a loopback and a wildcard bind do.
  assert.deepEqual(
    verdictsOf({
      'a.py': 'import zmq\ns = zmq.Context().socket(zmq.PUB)\ns.bind("tcp://10.0.0.1:7102")\ns.bind("tcp://10.0.0.2:7102")\n',
    })[0].findings,
    ['info no-connector a.py:3', 'info no-connector a.py:4'],
  );
  assert.deepEqual(
    verdictsOf({
      'a.py': 'import zmq\ns = zmq.Context().socket(zmq.PUB)\ns.bind("tcp://localhost:7103")\ns.bind("tcp://*:7103")\n',
    })[0].findings,
    ['error double-bind a.py:3 -> a.py:4', 'info no-connector a.py:3', 'error double-bind a.py:4 -> a.py:3', 'info no-connector a.py:4'],
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

test('ipc double binds, inproc within one program, ephemeral ports, non-endpoints, and sockets of unknown type', () => {
  assert.deepEqual(
    verdictsOf({
      'a.py': 'import zmq\ns = zmq.Context().socket(zmq.PULL)\ns.bind("ipc:///tmp/q")\n',
      'b.py': 'import zmq\nt = zmq.Context().socket(zmq.PULL)\nt.bind("ipc:///tmp/q")\n',
    })[0].findings,
    ['error double-bind a.py:3 -> b.py:3', 'info no-connector a.py:3', 'error double-bind b.py:3 -> a.py:3', 'info no-connector b.py:3'],
  );
  assert.match(
    computeVerdicts([
      scanSource('a.py', 'import zmq\ns = zmq.Context().socket(zmq.PULL)\ns.bind("ipc:///tmp/q")\ns.bind("ipc:///tmp/q")\n'),
    ])[0].findings[0].message,
    /the later bind replaces the socket file/,
  );

  // inproc between a library file and a program: no process warning (the library may run in that program).
  assert.deepEqual(
    verdictsOf({
      'lib/bus.py': 'import zmq\ndef make(ctx):\n    s = ctx.socket(zmq.PAIR)\n    s.bind("inproc://bus")\n    return s\n',
      'app.py': 'import zmq\nc = zmq.Context().socket(zmq.PAIR)\nc.connect("inproc://bus")\nif __name__ == "__main__":\n    pass\n',
    })[0].findings,
    ['info valid-pairing app.py:3 -> lib/bus.py:4'],
  );

  assert.deepEqual(
    verdictsOf({ 'a.py': 'import zmq\ns = zmq.Context().socket(zmq.REP)\ns.bind("tcp://127.0.0.1:*")\ns.bind("localhost:5555")\n' }),
    [
      { endpoint: 'localhost:5555', binders: ['REP a.py:4'], connectors: [], findings: ['warning not-an-endpoint a.py:4'] },
      { endpoint: 'tcp://127.0.0.1:* (a.py:3)', binders: ['REP a.py:3'], connectors: [], findings: ['info ephemeral-port a.py:3'] },
    ],
  );

  // A socket handed in as a parameter: its type is unknown, so only address rules apply.
  assert.deepEqual(
    verdictsOf({
      'a.py': 'import zmq\ndef serve(sock):\n    sock.bind("tcp://*:7200")\n',
      'b.py': 'import zmq\ns = zmq.Context().socket(zmq.SUB)\ns.bind("tcp://*:7200")\n',
    }),
    [
      {
        endpoint: 'tcp://*:7200',
        binders: ['? a.py:3', 'SUB b.py:3'],
        connectors: [],
        findings: [
          'error double-bind a.py:3 -> b.py:3',
          'info no-connector a.py:3',
          'error double-bind b.py:3 -> a.py:3',
          'info no-connector b.py:3',
        ],
      },
    ],
  );

  // Every valid pair from the table is accepted, every other pair rejected.
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
      const codes = computeVerdicts([
        scanSource('b.py', `import zmq\ns = zmq.Context().socket(zmq.${binder})\ns.bind("tcp://*:7300")\n`),
        scanSource('c.py', `import zmq\ns = zmq.Context().socket(zmq.${connector})\ns.connect("tcp://localhost:7300")\n`),
      ])[0].findings.map((f) => f.code);
      assert.equal(codes.includes('valid-pairing'), valid[connector].includes(binder), `${connector} -> ${binder}`);
      assert.equal(codes.includes('incompatible-types'), !valid[connector].includes(binder), `${connector} -> ${binder}`);
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
