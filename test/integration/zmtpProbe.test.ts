// The passive probe against real peers: zeromq.js sockets of every type, pyzmq peers (Debian's libzmq),
// CURVE, PLAIN and ZAP-guarded servers, HTTP, garbage, silence, hang-ups and a closed port; and proof
// that probing a PUSH takes no message from its worker.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket as NetSocket } from 'node:net';
import { after, test } from 'node:test';
import * as zmq from 'zeromq';
import { probeEndpoint, type ProbeResult } from '../../src/core/zmtp/zmtpProbe';
import { startPythonPeer, waitUntil, type PythonPeer } from '../support/peers';

const sockets: zmq.Socket[] = [];
const servers: Server[] = [];
const peers: PythonPeer[] = [];
after(async () => {
  for (const s of sockets) s.close();
  for (const s of servers) s.close();
  for (const p of peers) await p.kill();
});

function keep<T extends zmq.Socket>(socket: T): T {
  sockets.push(socket);
  return socket;
}

function serve(port: number, onConnection: (s: NetSocket) => void): Promise<void> {
  return new Promise((resolve) => {
    const server = createServer((s) => {
      s.on('error', () => undefined);
      onConnection(s);
    });
    servers.push(server);
    server.listen(port, '127.0.0.1', resolve);
  });
}

function row(name: string, r: ProbeResult): string {
  return (
    `| ${name} | ${r.kind} | ${r.version ?? ''} | ${r.mechanism ?? ''} | ${r.socketType ?? ''} | ${r.identityText ?? ''} | ` +
    `${r.suggestedObserver ? `${r.suggestedObserver.socketType} ${r.suggestedObserver.passive ? 'passive' : 'intrusive'}` : ''} ` +
    `| ${r.connectMs ?? ''} | ${r.handshakeMs ?? ''} |`
  );
}
const table: string[] = [];
after(() =>
  console.log(
    [
      '| peer | kind | ZMTP | mechanism | reported type | identity | observer | connect ms | handshake ms |',
      '|---|---|---|---|---|---|---|---|---|',
      ...table,
    ].join('\n'),
  ),
);

const TYPES = [
  ['PAIR', zmq.Pair],
  ['PUB', zmq.Publisher],
  ['SUB', zmq.Subscriber],
  ['REQ', zmq.Request],
  ['REP', zmq.Reply],
  ['DEALER', zmq.Dealer],
  ['ROUTER', zmq.Router],
  ['PULL', zmq.Pull],
  ['PUSH', zmq.Push],
  ['XPUB', zmq.XPublisher],
  ['XSUB', zmq.XSubscriber],
] as const;

test('a bound zeromq.js socket of every type is reported with its READY Socket-Type, over ZMTP 3.1 NULL', async () => {
  let port = 16100;
  for (const [name, SocketClass] of TYPES) {
    const socket = keep(new (SocketClass as unknown as new (o: object) => zmq.Socket)({ linger: 0 }));
    const address = `tcp://127.0.0.1:${port++}`;
    await socket.bind(address);
    const result = await probeEndpoint(address, { timeoutMs: 2000 });
    table.push(row(`zeromq.js ${name}`, result));
    assert.equal(result.kind, 'zmtp3', `${name}: ${result.explanation}`);
    assert.equal(result.reachable, true);
    assert.equal(result.socketType, name);
    assert.equal(result.mechanism, 'NULL');
    assert.equal(result.version, '3.1', 'libzmq 4.3.5 greets with 3.1');
    assert.equal(result.asServer, false);
    assert.equal(result.properties?.['Socket-Type'], name);
    assert.equal(result.identityHex, undefined, 'no routing id was set');
    assert.ok(result.explanation.startsWith(`A ${name} socket speaking ZMTP 3.1`), result.explanation);
    assert.equal(result.suggestedObserver?.passive, name === 'PUB' || name === 'XPUB');
  }
});

test('a zeromq.js STREAM socket is raw TCP: it greets nobody, so the probe times out (and the app got the 11 bytes)', async () => {
  const stream = keep(new zmq.Stream({ linger: 0 }));
  await stream.bind('tcp://127.0.0.1:16120');
  const got: Buffer[] = [];
  void (async () => {
    for await (const [, data] of stream) got.push(data);
  })();
  const result = await probeEndpoint('tcp://127.0.0.1:16120', { timeoutMs: 400 });
  table.push(row('zeromq.js STREAM', result));
  assert.equal(result.kind, 'timeout');
  assert.equal(result.reachable, true);
  assert.match(result.explanation, /sent nothing within 400 ms.*STREAM/);
  await waitUntil(() => got.some((d) => d.length === 11), 'the probe bytes at the STREAM socket');
  assert.deepEqual([...got.find((d) => d.length === 11)!], [0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 3]);
});

test('pyzmq peers (Debian libzmq 4.3.4): PUB, REP, PULL, and a ROUTER with a binary identity and metadata', async () => {
  const peer = await startPythonPeer(`
ctx = zmq.Context()
pub = ctx.socket(zmq.PUB); pub.bind("tcp://127.0.0.1:16200")
rep = ctx.socket(zmq.REP); rep.bind("tcp://127.0.0.1:16201")
pull = ctx.socket(zmq.PULL); pull.bind("tcp://127.0.0.1:16202")
router = ctx.socket(zmq.ROUTER)
router.setsockopt(zmq.ROUTING_ID, b"\\x00svc-1\\xff")
router.setsockopt(zmq.METADATA, b"X-Service:billing")
router.bind("tcp://127.0.0.1:16203")
print("READY", zmq.zmq_version(), flush=True)
time.sleep(60)
`);
  peers.push(peer);
  for (const [port, name] of [
    [16200, 'PUB'],
    [16201, 'REP'],
    [16202, 'PULL'],
  ] as const) {
    const result = await probeEndpoint({ host: '127.0.0.1', port });
    table.push(row(`pyzmq ${name}`, result));
    assert.equal(result.kind, 'zmtp3');
    assert.equal(result.socketType, name);
    assert.equal(result.version, '3.1');
  }
  const router = await probeEndpoint('tcp://127.0.0.1:16203');
  table.push(row('pyzmq ROUTER', router));
  assert.equal(router.socketType, 'ROUTER');
  assert.equal(router.identityHex, '007376632d31ff');
  assert.equal(router.identityText, '.svc-1.');
  assert.equal(router.properties?.['X-Service'], 'billing');
  assert.deepEqual(router.suggestedObserver, { socketType: 'DEALER', passive: false });
});

test('a zeromq.js DEALER with a routing id, bound on [::1], is probed by its IPv6 address', async () => {
  const dealer = keep(new zmq.Dealer({ linger: 0, ipv6: true, routingId: 'worker-7' }));
  await dealer.bind('tcp://[::1]:16130');
  const result = await probeEndpoint('tcp://[::1]:16130');
  assert.equal(result.address, 'tcp://[::1]:16130');
  assert.equal(result.socketType, 'DEALER');
  assert.equal(result.identityText, 'worker-7');
  assert.deepEqual(await probeEndpoint({ host: '::1', port: 16130 }).then((r) => r.identityText), 'worker-7');
});

test('CURVE and PLAIN servers report their mechanism and what to configure, and nothing past the greeting', async () => {
  const keys = zmq.curveKeyPair();
  await keep(new zmq.Reply({ linger: 0, curveServer: true, curveSecretKey: keys.secretKey })).bind('tcp://127.0.0.1:16140');
  const curve = await probeEndpoint('tcp://127.0.0.1:16140');
  table.push(row('zeromq.js REP, CURVE server', curve));
  assert.equal(curve.kind, 'zmtp3');
  assert.equal(curve.mechanism, 'CURVE');
  assert.equal(curve.version, '3.1');
  assert.equal(curve.asServer, false, 'libzmq leaves as-server 0 even on a CURVE server');
  assert.equal(curve.socketType, undefined);
  assert.equal(curve.suggestedObserver, undefined);
  assert.match(curve.explanation, /^CURVE server .*the socket type is encrypted; configure a CURVE client/);

  await keep(new zmq.Publisher({ linger: 0, plainServer: true })).bind('tcp://127.0.0.1:16141');
  const plain = await probeEndpoint('tcp://127.0.0.1:16141');
  table.push(row('zeromq.js PUB, PLAIN server', plain));
  assert.equal(plain.mechanism, 'PLAIN');
  assert.equal(plain.socketType, undefined);
  assert.match(plain.explanation, /PLAIN user name and password/);
});

test('a NULL server whose ZAP handler denies us answers ERROR; one whose handler never answers sends no READY', async () => {
  const context = new zmq.Context();
  const zap = keep(new zmq.Reply({ linger: 0, context }));
  await zap.bind('inproc://zeromq.zap.01');
  let requests = 0;
  void (async () => {
    for await (const [version, id, domain] of zap) {
      requests++;
      // domain "hold" is never answered, so the handshake waits on ZAP (and this REP takes no more requests)
      if (domain.toString() !== 'deny') break;
      await zap.send([version, id, '400', 'No access', '', '']);
    }
  })();
  await keep(new zmq.Router({ linger: 0, context, zapDomain: 'deny' })).bind('tcp://127.0.0.1:16150');
  const denied = await probeEndpoint('tcp://127.0.0.1:16150');
  assert.equal(denied.kind, 'zmtp3');
  assert.equal(denied.mechanism, 'NULL');
  assert.equal(denied.error, '400');
  assert.match(denied.explanation, /refused the handshake with ERROR "400"/);
  await keep(new zmq.Router({ linger: 0, context, zapDomain: 'hold' })).bind('tcp://127.0.0.1:16151');
  const held = await probeEndpoint('tcp://127.0.0.1:16151', { timeoutMs: 500 });
  assert.equal(held.kind, 'timeout');
  assert.equal(held.version, '3.1');
  assert.match(held.explanation, /greeted but sent no READY within 500 ms/);
  assert.equal(requests, 2);
});

test('HTTP, garbage, silence, hang-ups and a closed port are each a clear result', async () => {
  await serve(16160, (s) => s.once('data', () => s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')));
  await serve(16161, (s) => s.write(Buffer.from([0xff, 1, 2, 3, 4, 5, 6, 7, 8, 0x42, 0x01, 0x99])));
  await serve(16162, () => undefined);
  await serve(16163, (s) => s.end());
  await serve(16164, (s) => s.end(Buffer.from([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 1, 0x4e, 0x55])));
  await serve(16165, (s) => s.write('SSH-2.0-OpenSSH_9.2\r\n'));
  await serve(16166, (s) => s.resetAndDestroy());

  const http = await probeEndpoint('tcp://127.0.0.1:16160');
  table.push(row('net HTTP server', http));
  assert.equal(http.kind, 'not-zmtp');
  assert.equal(http.explanation, 'HTTP server, not ZeroMQ (it answered "HTTP/1.1 400 Bad Request").');
  assert.match(http.firstBytes ?? '', /^HTTP\/1.1 400 Bad Request\r\n/);

  const garbage = await probeEndpoint('tcp://127.0.0.1:16161');
  table.push(row('net garbage server', garbage));
  assert.equal(garbage.kind, 'not-zmtp');
  assert.match(garbage.explanation, /^Not a ZeroMQ peer: byte 9 of the signature is 0x42, not 0x7F/);

  const ssh = await probeEndpoint('tcp://127.0.0.1:16165');
  assert.equal(ssh.kind, 'not-zmtp');
  assert.match(ssh.explanation, /^SSH server, not ZeroMQ/);

  const silent = await probeEndpoint('tcp://127.0.0.1:16162', { timeoutMs: 300 });
  table.push(row('net silent server', silent));
  assert.equal(silent.kind, 'timeout');
  assert.equal(silent.reachable, true);

  const hangUp = await probeEndpoint('tcp://127.0.0.1:16163');
  assert.equal(hangUp.kind, 'closed');
  assert.match(hangUp.explanation, /closed the connection without sending anything/);

  const half = await probeEndpoint('tcp://127.0.0.1:16164');
  assert.equal(half.kind, 'closed');
  assert.match(half.explanation, /after 14 bytes of an incomplete greeting/);

  const reset = await probeEndpoint('tcp://127.0.0.1:16166');
  assert.equal(reset.kind, 'closed');
  assert.equal(reset.reachable, true);
  assert.equal(reset.errorCode, 'ECONNRESET');
  assert.match(reset.explanation, /reset the connection \(ECONNRESET\) without sending anything/);

  const refused = await probeEndpoint('tcp://127.0.0.1:16169');
  table.push(row('closed port', refused));
  assert.equal(refused.kind, 'unreachable');
  assert.equal(refused.reachable, false);
  assert.equal(refused.errorCode, 'ECONNREFUSED');
  assert.equal(refused.error, 'connection refused');
  assert.match(refused.explanation, /^Connection refused: nothing listens on 127.0.0.1:16169/);
});

test('bad addresses and cancellation are results, not rejections', async () => {
  const ipc = await probeEndpoint('ipc:///tmp/x.sock');
  assert.equal(ipc.kind, 'error');
  assert.match(ipc.explanation, /Only tcp:\/\/ endpoints can be probed: ipc:\/\//);
  assert.match((await probeEndpoint('tcp://127.0.0.1')).explanation, /need a port/);
  assert.equal((await probeEndpoint('tcp://*:5555')).kind, 'error');

  await serve(16170, () => undefined);
  const controller = new AbortController();
  const started = performance.now();
  const pending = probeEndpoint('tcp://127.0.0.1:16170', { timeoutMs: 5000, signal: controller.signal });
  setTimeout(() => controller.abort(), 50);
  const aborted = await pending;
  assert.equal(aborted.kind, 'error');
  assert.equal(aborted.error, 'cancelled');
  assert.equal(aborted.reachable, true);
  assert.ok(performance.now() - started < 4000, 'cancel did not wait for the timeout');
  assert.equal((await probeEndpoint('tcp://127.0.0.1:16170', { signal: AbortSignal.abort() })).error, 'cancelled');
});

test(
  'probing a PUSH with a PULL worker attached takes no message: the worker ' +
    'gets all 100, and the PUSH never completes a handshake with the probe',
  async () => {
    const push = keep(new zmq.Push({ linger: 0 }));
    const events: string[] = [];
    push.events.on('accept', () => events.push('accept'));
    push.events.on('handshake', () => events.push('handshake'));
    push.events.on('disconnect', () => events.push('disconnect'));
    await push.bind('tcp://127.0.0.1:16180');
    const worker = keep(new zmq.Pull({ linger: 0 }));
    worker.connect('tcp://127.0.0.1:16180');
    await waitUntil(() => events.includes('handshake'), 'the worker handshake');
    const received: string[] = [];
    void (async () => {
      for await (const [m] of worker) received.push(m.toString());
    })();
    for (let i = 0; i < 5; i++) assert.equal((await probeEndpoint('tcp://127.0.0.1:16180')).socketType, 'PUSH');
    for (let i = 0; i < 100; i++) await push.send(String(i));
    await waitUntil(() => received.length === 100, '100 messages at the worker');
    assert.deepEqual(
      received,
      Array.from({ length: 100 }, (_, i) => String(i)),
    );
    await waitUntil(() => events.filter((e) => e === 'disconnect').length === 5, 'five probe disconnects');
    assert.deepEqual(
      events.filter((e) => e === 'handshake'),
      ['handshake'],
      'only the worker completed a handshake',
    );
    assert.equal(events.filter((e) => e === 'accept').length, 6);
  },
);

test('a peer whose READY Socket-Type is a markdown command link of 60 KiB is reported as short, inert text', async () => {
  const greeting = Buffer.alloc(64);
  greeting[0] = 0xff;
  greeting[9] = 0x7f;
  greeting[10] = 3;
  greeting[11] = 1;
  greeting.write('NULL', 12);
  const value = Buffer.from(`[Sniff](command:workbench.action.closeWindow) ${'A'.repeat(60 * 1024)}`);
  const property = Buffer.concat([Buffer.from([11]), Buffer.from('Socket-Type'), Buffer.alloc(4), value]);
  property.writeUInt32BE(value.length, 12);
  const body = Buffer.concat([Buffer.from([5]), Buffer.from('READY'), property]);
  const size = Buffer.alloc(8);
  size.writeBigUInt64BE(BigInt(body.length));
  await serve(16171, (s) => s.write(Buffer.concat([greeting, Buffer.from([0x06]), size, body])));
  const result = await probeEndpoint('tcp://127.0.0.1:16171');
  assert.equal(result.kind, 'zmtp3');
  assert.ok(result.socketType!.length <= 40, result.socketType);
  assert.ok(!result.socketType!.includes(']('), result.socketType);
  assert.ok(result.explanation.length <= 600, `${result.explanation.length} characters`);
  assert.ok(!/\]\(command:/.test(result.explanation), result.explanation);
});
