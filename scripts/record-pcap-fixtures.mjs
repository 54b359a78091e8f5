// Records the packet captures in test/fixtures/pcap/ from real traffic on this machine's loopback:
// Debian's pyzmq (/usr/bin/python3, libzmq 4.3.4) on one side, zeromq.js on the other (or pyzmq on
// both for CURVE), captured by tcpdump or dumpcap (apt-get install tcpdump wireshark-common), as root.
// Each capture gets a <name>.expected.json: the messages each peer sent, in order, frames in base64.
// Run: node scripts/record-pcap-fixtures.mjs [name...]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as zmq from 'zeromq';

const DIR = 'test/fixtures/pcap';
const PYTHON = '/usr/bin/python3';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const b64 = (frame) => Buffer.from(frame).toString('base64');

/** Starts a capture and resolves once it listens. `tool` is tcpdump or dumpcap. */
async function startCapture(tool, file, filter, extra = []) {
  const args =
    tool === 'tcpdump'
      ? ['-U', '--immediate-mode', '-B', '8192', '-n', '-w', file, ...extra, filter]
      : ['-q', '-w', file, ...extra, '-f', filter];
  const child = spawn(tool, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  await new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (/listening on|Capturing on/i.test(stderr)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${tool} exited ${code}: ${stderr}`)));
  });
  // The filter is attached a moment after the banner: traffic right away would be missed.
  await sleep(1000);
  return async () => {
    await sleep(300);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGINT');
    await exited;
    if (process.env.DEBUG) console.error(stderr);
  };
}

/** A pyzmq script; it reads commands from stdin and prints lines (READY first). */
function python(script) {
  const child = spawn(PYTHON, ['-u', '-c', `import zmq, sys, json, time\n${script}`], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = [];
  const waiters = [];
  let buffered = '';
  child.stdout.on('data', (chunk) => {
    buffered += chunk;
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      lines.push(line);
      for (const w of waiters.splice(0)) w();
    }
  });
  return {
    lines,
    async waitFor(prefix) {
      for (;;) {
        const line = lines.find((l) => l.startsWith(prefix));
        if (line) return line;
        await new Promise((resolve) => waiters.push(resolve));
      }
    },
    send: (line) => child.stdin.write(line + '\n'),
    done: () => (child.exitCode !== null ? Promise.resolve() : once(child, 'exit')),
  };
}

const scenarios = {
  /** pyzmq PUB (bind) -> zeromq.js SUB with two prefixes; plus a plain HTTP-like TCP exchange. Ethernet pcap (us). */
  async pubsub() {
    const port = 25601;
    const other = 25602;
    const stop = await startCapture('tcpdump', join(DIR, 'pubsub.pcap'), `tcp port ${port} or tcp port ${other}`, ['-i', 'lo']);
    const sent = [];
    for (let i = 0; i < 12; i++) {
      const topic = i % 4 === 3 ? 'news/fx' : i % 2 ? 'ticks.GBPUSD' : 'ticks.EURUSD';
      const body = topic.startsWith('news')
        ? `headline ${i}`
        : JSON.stringify({ seq: i, price: +(1.08 + i / 1000).toFixed(4), size: 1000 * i });
      sent.push(i === 5 ? [topic, body, 'trailer'] : [topic, body]);
    }
    sent.push(['heartbeat', '{}']); // not subscribed: filtered by the publisher, never on the wire
    const pub = python(`
s = zmq.Context().socket(zmq.PUB)
s.bind('tcp://127.0.0.1:${port}')
print('READY')
sys.stdin.readline()
for m in json.loads(sys.stdin.readline()):
    s.send_multipart([f.encode() for f in m])
time.sleep(0.3)
print('DONE')
s.close(linger=1000)
`);
    await pub.waitFor('READY');
    const sub = new zmq.Subscriber({ linger: 0 });
    sub.connect(`tcp://127.0.0.1:${port}`);
    sub.subscribe('ticks.');
    sub.subscribe('news/');
    await sleep(400);
    // A stream that is not ZMTP on the same capture.
    const net = await import('node:net');
    const server = net.createServer((c) => c.on('data', () => c.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok')));
    await new Promise((r) => server.listen(other, '127.0.0.1', r));
    const client = net.connect(other, '127.0.0.1', () => client.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n'));
    client.on('data', () => undefined);
    await once(client, 'close');
    server.close();
    pub.send('go');
    pub.send(JSON.stringify(sent));
    const received = [];
    for (let i = 0; i < 12; i++) received.push((await sub.receive()).map((f) => f.toString()));
    await pub.waitFor('DONE');
    sub.close();
    await pub.done();
    await stop();
    return { server: sent.filter((m) => m[0] !== 'heartbeat').map((m) => m.map((f) => b64(Buffer.from(f)))), client: [], received };
  },

  /** zeromq.js REP (bind) <- pyzmq REQ, one request of 100 kB (a long frame over many segments). Linux SLL2, ns. */
  async reqrep() {
    const port = 25611;
    const stop = await startCapture('tcpdump', join(DIR, 'reqrep.pcap'), `tcp port ${port}`, [
      '-i',
      'any',
      '-y',
      'LINUX_SLL2',
      '--time-stamp-precision=nano',
    ]);
    const rep = new zmq.Reply({ linger: 0 });
    await rep.bind(`tcp://127.0.0.1:${port}`);
    const requests = ['hello 0', 'hello 1', 'x'.repeat(100_000), 'hello 3'];
    const req = python(`
s = zmq.Context().socket(zmq.REQ)
s.connect('tcp://127.0.0.1:${port}')
print('READY')
for m in json.loads(sys.stdin.readline()):
    s.send(m.encode())
    print('REPLY', s.recv().decode()[:20])
s.close()
`);
    await req.waitFor('READY');
    req.send(JSON.stringify(requests));
    const replies = [];
    for (const request of requests) {
      const [frame] = await rep.receive();
      if (frame.toString() !== request) throw new Error('REP got something else');
      const reply = `world ${frame.length}`;
      replies.push([b64(Buffer.from(reply))]);
      await rep.send(reply);
    }
    await req.done();
    rep.close();
    await stop();
    return { client: requests.map((r) => [b64(Buffer.from(r))]), server: replies };
  },

  /** pyzmq ROUTER (bind) <- two zeromq.js DEALERs with routing ids. pcapng by dumpcap. */
  async routerdealer() {
    const port = 25621;
    const stop = await startCapture('dumpcap', join(DIR, 'routerdealer.pcapng'), `tcp port ${port}`, ['-i', 'lo']);
    const router = python(`
s = zmq.Context().socket(zmq.ROUTER)
s.bind('tcp://127.0.0.1:${port}')
print('READY')
for _ in range(6):
    ident, *frames = s.recv_multipart()
    s.send_multipart([ident, b'done', frames[-1]])
    print('GOT', ident.decode())
s.close(linger=1000)
`);
    await router.waitFor('READY');
    const expected = {};
    for (const id of ['worker-1', 'worker-2']) {
      const dealer = new zmq.Dealer({ routingId: id, linger: 0 });
      dealer.connect(`tcp://127.0.0.1:${port}`);
      expected[id] = { client: [], server: [] };
      for (let n = 0; n < 3; n++) {
        const frames = [Buffer.from('task'), Buffer.from(JSON.stringify({ worker: id, n }))];
        await dealer.send(frames);
        const reply = await dealer.receive();
        expected[id].client.push(frames.map(b64));
        expected[id].server.push(reply.map(b64));
      }
      dealer.close();
    }
    await router.done();
    await stop();
    return { streams: expected };
  },

  /** pyzmq CURVE REP server and REQ client. Ethernet pcap. */
  async curve() {
    const port = 25631;
    const stop = await startCapture('tcpdump', join(DIR, 'curve.pcap'), `tcp port ${port}`, ['-i', 'lo']);
    const peer = python(`
ctx = zmq.Context()
server_public, server_secret = zmq.curve_keypair()
client_public, client_secret = zmq.curve_keypair()
server = ctx.socket(zmq.REP)
server.curve_secretkey = server_secret
server.curve_publickey = server_public
server.curve_server = True
server.bind('tcp://127.0.0.1:${port}')
client = ctx.socket(zmq.REQ)
client.curve_serverkey = server_public
client.curve_publickey = client_public
client.curve_secretkey = client_secret
client.connect('tcp://127.0.0.1:${port}')
for i in range(3):
    client.send(b'secret %d' % i)
    server.send(server.recv() + b' ok')
    client.recv()
print('DONE', server_public.decode())
client.close()
server.close()
`);
    const line = await peer.waitFor('DONE');
    await peer.done();
    await stop();
    return { messages: 3, serverPublicKey: line.split(' ')[1] };
  },

  /** zeromq.js PUSH (bind, IPv6) -> pyzmq PULL. Linux SLL (v1). */
  async ipv6() {
    const port = 25641;
    const stop = await startCapture('tcpdump', join(DIR, 'ipv6.pcap'), `tcp port ${port}`, ['-i', 'any', '-y', 'LINUX_SLL']);
    const push = new zmq.Push({ ipv6: true, linger: 1000 });
    await push.bind(`tcp://[::1]:${port}`);
    const pull = python(`
s = zmq.Context().socket(zmq.PULL)
s.setsockopt(zmq.IPV6, 1)
s.connect('tcp://[::1]:${port}')
print('READY')
for _ in range(5):
    print('GOT', s.recv_multipart())
s.close()
`);
    await pull.waitFor('READY');
    const sent = [];
    for (let i = 0; i < 5; i++) {
      const frames = [Buffer.from(`job-${i}`), Buffer.from([0, 1, 2, 255 - i])];
      sent.push(frames.map(b64));
      await push.send(frames);
    }
    await pull.done();
    push.close();
    await stop();
    return { server: sent, client: [] };
  },

  /**
   * pyzmq PUB -> zeromq.js SUB streaming 3000-byte messages, captured from the middle on: libzmq writes
   * 8 KiB batches, so the first captured segment starts inside a message. Ethernet pcap (ns).
   */
  async midstream() {
    const port = 25651;
    const pub = python(`
s = zmq.Context().socket(zmq.PUB)
s.bind('tcp://127.0.0.1:${port}')
print('READY')
sys.stdin.readline()
i = 0
t = time.time()
while time.time() - t < 3:
    s.send_multipart([b'feed.seq', json.dumps({'seq': i, 'pad': 'p' * 2960}).encode()])
    i += 1
    if i % 8 == 0:
        time.sleep(0.002)
print('DONE', i)
s.close(linger=1000)
`);
    await pub.waitFor('READY');
    const sub = new zmq.Subscriber({ linger: 0, receiveHighWaterMark: 0 });
    sub.connect(`tcp://127.0.0.1:${port}`);
    sub.subscribe('feed.');
    await sleep(300);
    pub.send('go');
    let received = 0;
    const receiving = (async () => {
      for await (const [topic] of sub) {
        if (topic.toString() === 'feed.seq') received++;
      }
    })();
    await sleep(500);
    const stop = await startCapture('tcpdump', join(DIR, 'midstream.pcap'), `tcp port ${port}`, [
      '-i',
      'lo',
      '--time-stamp-precision=nano',
      '-c',
      '30',
    ]);
    await stop();
    const done = await pub.waitFor('DONE');
    await sleep(200);
    sub.close();
    await receiving.catch(() => undefined);
    await pub.done();
    return { sent: Number(done.split(' ')[1]), received };
  },
};

const wanted = process.argv.slice(2);
for (const [name, record] of Object.entries(scenarios)) {
  if (wanted.length && !wanted.includes(name)) continue;
  const expected = await record();
  writeFileSync(join(DIR, `${name}.expected.json`), JSON.stringify(expected, null, 1) + '\n');
  console.log(`recorded ${name}`);
}
