// What the tap costs: REQ-REP round-trip latency (p50, p99) and PUSH-PULL throughput of 64-byte messages,
// with the tap in the middle and without it, in the same run (tcp loopback; pipeline: a C producer and a
// pyzmq worker in their own processes, so only the tap runs in this one, as in the extension host).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as zmq from 'zeromq';
import { CaptureStore } from '../src/core/capture/captureStore';
import { Tap, type TapPattern } from '../src/core/tap/tap';

// This benchmark's ports: 19700-19799.
let port = 19700;
const PUBLISHER = 'bench/tmp/c_publisher';

function buildPublisher(): void {
  mkdirSync('bench/tmp', { recursive: true });
  const gcc = spawnSync('gcc', ['-O2', '-o', PUBLISHER, 'bench/peers/c_publisher.c', '-lzmq'], { stdio: 'inherit' });
  if (gcc.status !== 0) throw new Error('could not build the C producer (is libzmq3-dev installed?)');
}
const at = (p: number) => `tcp://127.0.0.1:${p}`;

function result(name: string, value: number, unit: string, goal?: string, baseline?: number): void {
  console.log(
    `RESULT ${JSON.stringify({ name, value: +value.toFixed(3), unit, goal, ...(baseline !== undefined ? { baseline: +baseline.toFixed(3) } : {}) })}`,
  );
}

/** 'tap' is the tap as shipped (tcp clients through its watching relay); 'tap-unwatched' binds its socket directly. */
type Middle = 'direct' | 'bare-forwarder' | 'tap' | 'tap-unwatched';

/** The least any JavaScript proxy on zeromq.js does: a PULL → PUSH loop, no capture. */
async function bareForwarder<T>(listen: string, service: string, body: () => Promise<T>): Promise<T> {
  const pull = new zmq.Pull({ linger: 0, receiveHighWaterMark: 0 });
  const push = new zmq.Push({ linger: 0, sendHighWaterMark: 0 });
  pull.connect(service);
  await push.bind(listen);
  const loop = (async () => {
    for (;;) await push.send(await pull.receive());
  })().catch(() => undefined);
  try {
    return await body();
  } finally {
    pull.close();
    push.close();
    await loop;
  }
}

async function withTap<T>(
  pattern: TapPattern,
  body: (clientAddress: string, serviceAddress: string) => Promise<T>,
  middle: Middle,
): Promise<T> {
  const service = at(port++);
  const listen = at(port++);
  if (middle === 'bare-forwarder') return bareForwarder(listen, service, () => body(listen, service));
  if (middle === 'direct') return body(service, service);
  const store = new CaptureStore({ maxMessages: 1_000_000, maxBytes: 256 * 1024 * 1024 });
  const tap = await Tap.start({
    id: 'bench',
    name: 'bench',
    pattern,
    listen,
    upstream: service,
    sink: store,
    watchConnections: middle === 'tap',
  });
  try {
    return await body(listen, service);
  } finally {
    await tap.close();
  }
}

/**
 * One REP service, one REQ connected to it directly and one through the tap; blocks of round trips alternate
 * between the two, so machine noise (this box is shared) hits both alike.
 */
async function roundTrips(count: number, block = 500): Promise<{ direct: number[]; tapped: number[]; unwatched: number[] }> {
  return withTap(
    'request-reply',
    async (tapAddress, serviceAddress) => {
      const rep = new zmq.Reply({ linger: 0 });
      await rep.bind(serviceAddress);
      void (async () => {
        for await (const [m] of rep) await rep.send(m);
      })().catch(() => undefined);
      // A second tap on the same service without the connection-watching relay: what the relay's two
      // loopback hops add, measured in the same blocks.
      const store = new CaptureStore({ maxMessages: 1_000_000, maxBytes: 64 * 1024 * 1024 });
      const plainAddress = at(port++);
      const plainTap = await Tap.start({
        id: 'bench-plain',
        name: 'bench-plain',
        pattern: 'request-reply',
        listen: plainAddress,
        upstream: serviceAddress,
        sink: store,
        watchConnections: false,
      });
      const direct = new zmq.Request({ linger: 0 });
      direct.connect(serviceAddress);
      const tapped = new zmq.Request({ linger: 0 });
      tapped.connect(tapAddress);
      const plain = new zmq.Request({ linger: 0 });
      plain.connect(plainAddress);
      const payload = Buffer.alloc(64, 1);
      const run = async (req: zmq.Request, n: number, times?: number[]) => {
        for (let i = 0; i < n; i++) {
          const started = performance.now();
          await req.send(payload);
          await req.receive();
          times?.push(performance.now() - started);
        }
      };
      await run(direct, 200);
      await run(tapped, 200);
      await run(plain, 200);
      const times = { direct: [] as number[], tapped: [] as number[], unwatched: [] as number[] };
      for (let done = 0; done < count; done += block) {
        await run(direct, block, times.direct);
        await run(tapped, block, times.tapped);
        await run(plain, block, times.unwatched);
      }
      direct.close();
      tapped.close();
      plain.close();
      await plainTap.close();
      rep.close();
      for (const list of Object.values(times)) list.sort((a, b) => a - b);
      return times;
    },
    'tap',
  );
}

/** A C PUSH (Debian libzmq) → [tap in this process] → a pyzmq PULL worker: only the tap runs here. */
async function pipeline(tapped: Middle, count: number): Promise<number> {
  return withTap(
    'pipeline',
    async (workerAddress, serviceAddress) => {
      const producer = spawn(PUBLISHER, [serviceAddress, String(count), '64', 'push'], { stdio: ['pipe', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => producer.stdout!.once('data', () => resolve()));
      const worker = spawn(
        '/usr/bin/python3',
        [
          '-u',
          '-c',
          `
import zmq, time, sys
ctx = zmq.Context()
pull = ctx.socket(zmq.PULL)
pull.setsockopt(zmq.RCVHWM, 0)
pull.connect(sys.argv[1])
print("READY", flush=True)
n = 0
t0 = None
while True:
    m = pull.recv()
    if t0 is None:
        t0 = time.perf_counter()
    if m[:8] == b"\\xff" * 8:
        break
    n += 1
print("RATE", n / (time.perf_counter() - t0), n, flush=True)
`,
          workerAddress,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let output = '';
      worker.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      while (!output.includes('READY')) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 300));
      producer.stdin!.write('go\n');
      await new Promise((r) => worker.once('exit', r));
      producer.stdin!.end('done\n');
      await new Promise((r) => producer.once('exit', r));
      const match = /RATE ([\d.]+) (\d+)/.exec(output);
      if (!match) throw new Error(`worker said: ${output}`);
      if (Number(match[2]) !== count) console.log(`  (worker received ${match[2]} of ${count})`);
      return Number(match[1]);
    },
    tapped,
  );
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main(): Promise<void> {
  buildPublisher();
  const { direct, tapped, unwatched } = await roundTrips(5000);
  console.log(
    `REQ-REP round trip: direct p50 ${pct(direct, 50).toFixed(3)} ms p99 ${pct(direct, 99).toFixed(3)} ms; through the tap p50 ${pct(tapped, 50).toFixed(3)} ms p99 ${pct(tapped, 99).toFixed(3)} ms`,
  );
  result('tap added latency p50', pct(tapped, 50) - pct(direct, 50), 'ms', '< 0.5', pct(direct, 50));
  result('tap added latency p99', pct(tapped, 99) - pct(direct, 99), 'ms', '< 2', pct(direct, 99));
  console.log(
    `  through a tap without the connection-watching relay: p50 ${pct(unwatched, 50).toFixed(3)} ms p99 ${pct(unwatched, 99).toFixed(3)} ms`,
  );
  result('tap added latency p50 (without the watching relay)', pct(unwatched, 50) - pct(direct, 50), 'ms', 'informative', pct(direct, 50));
  result('tap added latency p99 (without the watching relay)', pct(unwatched, 99) - pct(direct, 99), 'ms', 'informative', pct(direct, 99));
  // Alternate direct and tapped runs so machine noise hits both alike; keep the best of each.
  const rates: Record<Middle, number[]> = { direct: [], 'bare-forwarder': [], tap: [], 'tap-unwatched': [] };
  const middles = ['direct', 'bare-forwarder', 'tap', 'tap-unwatched'] as const;
  for (let i = 0; i < 2; i++) for (const middle of middles) rates[middle].push(await pipeline(middle, 300_000));
  const [directRate, bareRate, tappedRate, unwatchedRate] = middles.map((m) => Math.max(...rates[m]));
  console.log(
    `PUSH-PULL 64 B: direct (C → pyzmq) ${Math.round(directRate).toLocaleString()} msg/s, through a bare zeromq.js forwarder ${Math.round(bareRate).toLocaleString()} msg/s, through the tap ${Math.round(tappedRate).toLocaleString()} msg/s`,
  );
  console.log(
    `  tap / direct ${(tappedRate / directRate).toFixed(3)} (the price of any JavaScript proxy: zeromq.js receive and send per message); tap / bare forwarder ${(tappedRate / bareRate).toFixed(3)} (the price of capturing)`,
  );
  result('tap throughput 64 B', Math.round(tappedRate), 'msg/s', undefined, Math.round(directRate));
  result(
    'tap throughput ratio (with tap / without)',
    tappedRate / directRate,
    'ratio',
    'informative: bounded by zeromq.js per-message cost',
  );
  result('tap throughput ratio (tap / bare zeromq.js forwarder)', tappedRate / bareRate, 'ratio', '>= 0.8');
  console.log(
    `  without the connection-watching relay ${Math.round(unwatchedRate).toLocaleString()} msg/s: watched / unwatched ${(tappedRate / unwatchedRate).toFixed(3)} (the price of reading heartbeats and subscriptions per connection)`,
  );
  result('tap throughput ratio (watched connections / unwatched)', tappedRate / unwatchedRate, 'ratio', 'informative');
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
