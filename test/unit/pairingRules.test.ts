// Pairing verdicts on small programs for each rule: compatible partners, ambiguous endpoints, double binds
// only where programs run together, declared systems, host matching, inproc per process, unknown types,
// and every socket type pair against the catalogue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeVerdicts, parseEndpointAddress, scanSource, TopologySystems, type SystemsSetting } from '../../src/core/scan';
import { project } from '../support/verdictProjection';

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
        'import zmq\ns = zmq.Context().socket(zmq.REP)\ns.bind("tcp://127.0.0.1:*")\ns.bind("localhost:5555")\ns.bind("x" ' +
        '* 2 + "y")\nlong = "tcp://h:" + "%01500d" % 1\ns.connect(long)\n',
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
