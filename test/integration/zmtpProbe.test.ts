// The passive probe against real peers of every socket type (zeromq.js and pyzmq), a CURVE server, an
// HTTP server, servers that send garbage or nothing, and a closed port; and proof it takes no message.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, test } from 'node:test';
import * as zmq from 'zeromq';
import { ZmtpGreetingParser, probeEndpoint } from '../../src/core/zmtpProbe';
import { startPythonPeer, waitUntil, type PythonPeer } from '../support/peers';

const sockets: zmq.Socket[] = [];
const servers: Server[] = [];
const peers: PythonPeer[] = [];
after(async () => {
  for (const s of sockets) s.close();
  for (const s of servers) s.close();
  for (const p of peers) await p.kill();
});

const TYPES = [
  ['PAIR', zmq.Pair], ['PUB', zmq.Publisher], ['SUB', zmq.Subscriber], ['REQ', zmq.Request], ['REP', zmq.Reply],
  ['DEALER', zmq.Dealer], ['ROUTER', zmq.Router], ['PULL', zmq.Pull], ['PUSH', zmq.Push], ['XPUB', zmq.XPublisher], ['XSUB', zmq.XSubscriber],
] as const;

test('the probe reports the socket type of a zeromq.js socket of every type', async () => {
  const table: string[] = [];
  let port = 16100;
  for (const [name, SocketClass] of TYPES) {
    const socket = new (SocketClass as unknown as new (o: object) => zmq.Socket)({ linger: 0 });
    sockets.push(socket);
    const address = `tcp://127.0.0.1:${port++}`;
    await socket.bind(address);
    const result = await probeEndpoint(address, { timeoutMs: 2000 });
    assert.equal(result.kind, 'zmtp3', `${name}: ${result.explanation}`);
    assert.equal(result.socketType, name);
    assert.equal(result.mechanism, 'NULL');
    assert.equal(result.version, '3.1', 'libzmq 4.3.5 greets with 3.1');
    table.push(`| ${name} | ${result.version} | ${result.mechanism} | ${result.socketType} | ${result.handshakeMs} |`);
  }
  console.log(['| type | ZMTP | mechanism | reported | handshake ms |', '|---|---|---|---|---|', ...table].join('\n'));
});

test('a pyzmq ROUTER and REP are identified; a STREAM socket is raw TCP, not ZMTP', async () => {
  const peer = await startPythonPeer(`
ctx = zmq.Context()
router = ctx.socket(zmq.ROUTER); router.bind("tcp://127.0.0.1:16200")
rep = ctx.socket(zmq.REP); rep.bind("tcp://127.0.0.1:16201")
print("READY", flush=True)
time.sleep(60)
`);
  peers.push(peer);
  assert.equal((await probeEndpoint('tcp://127.0.0.1:16200')).socketType, 'ROUTER');
  assert.equal((await probeEndpoint('tcp://127.0.0.1:16201')).socketType, 'REP');
  const stream = new zmq.Stream({ linger: 0 });
  sockets.push(stream);
  await stream.bind('tcp://127.0.0.1:16202');
  const result = await probeEndpoint('tcp://127.0.0.1:16202', { timeoutMs: 500 });
  assert.equal(result.kind, 'timeout');
  assert.match(result.explanation, /sent nothing/);
});

test('a CURVE server reports its mechanism and what to configure', async () => {
  const keys = zmq.curveKeyPair();
  const server = new zmq.Reply({ linger: 0, curveServer: true, curveSecretKey: keys.secretKey });
  sockets.push(server);
  await server.bind('tcp://127.0.0.1:16210');
  const result = await probeEndpoint('tcp://127.0.0.1:16210');
  assert.equal(result.kind, 'zmtp3');
  assert.equal(result.mechanism, 'CURVE');
  assert.equal(result.socketType, undefined);
  assert.match(result.explanation, /CURVE client with the server's public key/);
});

test('HTTP, garbage, silence and a closed port are each a clear result', async () => {
  const serve = (port: number, onConnect: (s: import('node:net').Socket) => void) =>
    new Promise<void>((resolve) => {
      const server = createServer(onConnect);
      servers.push(server);
      server.listen(port, '127.0.0.1', resolve);
    });
  await serve(16220, (s) => s.once('data', () => s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')));
  await serve(16221, (s) => s.write(Buffer.from([0xff, 1, 2, 3, 4, 5, 6, 7, 8, 0x00, 0x01])));
  await serve(16222, () => undefined);
  const http = await probeEndpoint('tcp://127.0.0.1:16220');
  assert.equal(http.kind, 'not-zmtp');
  assert.match(http.explanation, /HTTP server, not ZeroMQ/);
  const garbage = await probeEndpoint('tcp://127.0.0.1:16221');
  assert.equal(garbage.kind, 'not-zmtp');
  assert.match(garbage.explanation, /0x7F/);
  const silent = await probeEndpoint('tcp://127.0.0.1:16222', { timeoutMs: 300 });
  assert.equal(silent.kind, 'timeout');
  assert.equal(silent.reachable, true);
  const closed = await probeEndpoint('tcp://127.0.0.1:16229');
  assert.equal(closed.kind, 'unreachable');
  assert.match(closed.explanation, /Connection refused/);
  assert.equal((await probeEndpoint('ipc:///tmp/x')).kind, 'error');
});

test('the parser survives truncated greetings, a 2^63 frame length and a lying READY property', () => {
  const greeting = Buffer.alloc(64);
  greeting[0] = 0xff;
  greeting[9] = 0x7f;
  greeting[10] = 3;
  greeting[11] = 1;
  greeting.write('NULL', 12);
  for (let cut = 0; cut < 64; cut++) {
    const parser = new ZmtpGreetingParser();
    assert.equal(parser.push(greeting.subarray(0, cut)).state, cut === 0 ? 'need-more' : 'need-more');
  }
  const huge = new ZmtpGreetingParser();
  assert.equal(huge.push(greeting).state, 'greeting');
  const long = Buffer.from([0x06, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  const step = huge.push(long);
  assert.equal(step.state, 'protocol-error');
  assert.match(step.state === 'protocol-error' ? step.reason : '', /larger than any handshake command/);
  const lying = new ZmtpGreetingParser();
  lying.push(greeting);
  const body = Buffer.concat([Buffer.from([5]), Buffer.from('READY'), Buffer.from([11]), Buffer.from('Socket-Type'), Buffer.from([0xff, 0xff, 0xff, 0xff]), Buffer.from('PUB')]);
  const lie = lying.push(Buffer.concat([Buffer.from([0x04, body.length]), body]));
  assert.equal(lie.state, 'protocol-error');
  assert.equal(new ZmtpGreetingParser().push(Buffer.from([0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0x01])).state, 'legacy');
});

test('probing a PUSH with a PULL worker attached takes no message from the worker', async () => {
  const push = new zmq.Push({ linger: 0 });
  sockets.push(push);
  await push.bind('tcp://127.0.0.1:16230');
  const worker = new zmq.Pull({ linger: 0 });
  sockets.push(worker);
  worker.connect('tcp://127.0.0.1:16230');
  const received: string[] = [];
  void (async () => {
    for await (const [m] of worker) received.push(m.toString());
  })();
  for (let i = 0; i < 5; i++) assert.equal((await probeEndpoint('tcp://127.0.0.1:16230')).socketType, 'PUSH');
  for (let i = 0; i < 100; i++) await push.send(String(i));
  await waitUntil(() => received.length === 100, '100 messages at the worker');
  assert.deepEqual(received, Array.from({ length: 100 }, (_, i) => String(i)));
});
