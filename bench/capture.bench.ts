// Capture throughput and responsiveness: a C publisher on Debian's libzmq at full speed, into
// (a) a bare zeromq.js `for await` loop (the baseline, measured in the same run) and
// (b) the product's capture path (session, counters, capture store; no UI),
// plus the event-loop delay during the flood with the inspector's 30 Hz update batching running.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as zmq from 'zeromq';
import { CaptureStore } from '../src/core/capture/captureStore';
import { SessionManager } from '../src/core/session/sessionManager';

const PUBLISHER = 'bench/tmp/c_publisher';
const STOP_MARKERS = 10;
const TRIALS = 3;
let port = 21000;

function buildPublisher(): void {
  mkdirSync('bench/tmp', { recursive: true });
  const gcc = spawnSync('gcc', ['-O2', '-o', PUBLISHER, 'bench/peers/c_publisher.c', '-lzmq'], { stdio: 'inherit' });
  if (gcc.status !== 0) throw new Error('could not build the C publisher (is libzmq3-dev installed?)');
}

interface Publisher {
  address: string;
  go(): void;
  finish(): Promise<void>;
}

async function startPublisher(count: number, size: number): Promise<Publisher> {
  const address = `tcp://127.0.0.1:${port++}`;
  const child = spawn(PUBLISHER, [address, String(count), String(size), 'pub'], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`publisher exited ${code}`)));
  });
  return {
    address,
    go: () => child.stdin!.write('go\n'),
    finish: async () => {
      child.stdin!.end('done\n');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

function sequenceOf(frame: Uint8Array): number {
  return Number(Buffer.from(frame.buffer, frame.byteOffset, 8).readBigInt64LE(0));
}

async function bareLoop(count: number, size: number): Promise<{ rate: number; received: number }> {
  const publisher = await startPublisher(count, size);
  const sub = new zmq.Subscriber({ receiveHighWaterMark: 0, linger: 0 });
  sub.connect(publisher.address);
  sub.subscribe();
  await new Promise((r) => setTimeout(r, 300));
  publisher.go();
  let received = 0;
  let start = 0;
  for await (const [frame] of sub) {
    if (received === 0) start = performance.now();
    if (sequenceOf(frame) < 0) break;
    received++;
  }
  const seconds = (performance.now() - start) / 1000;
  sub.close();
  await publisher.finish();
  return { rate: received / seconds, received };
}

async function productPath(
  count: number,
  size: number,
  withBatching: boolean,
): Promise<{ rate: number; received: number; lost: number; delay?: { p50: number; p99: number; max: number } }> {
  const publisher = await startPublisher(count, size);
  const store = new CaptureStore({ maxMessages: 1_000_000, maxBytes: 256 * 1024 * 1024 });
  const manager = new SessionManager(store);
  const session = await manager.open({
    name: 'bench',
    type: 'SUB',
    mode: 'connect',
    addresses: [publisher.address],
    receiveHighWaterMark: 0,
  });
  await new Promise((r) => setTimeout(r, 300));
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  // What the inspector does at 30 Hz while visible: read stats and the 50 rows in view.
  const batching = withBatching
    ? setInterval(() => {
        const stats = store.stats();
        store.range(Math.max(stats.firstSeq, stats.lastSeq - 50), 50);
      }, 33)
    : undefined;
  histogram.enable();
  const counters = session.monitor.counters;
  publisher.go();
  let start = 0;
  // The publisher sends `count` messages then 10 stop markers; poll with a short timer so polling
  // itself costs little, and give up when nothing arrived for 2 s (then the rest was lost).
  const expected = count + STOP_MARKERS;
  let end = 0;
  await new Promise<void>((resolve) => {
    let lastCount = 0;
    let lastChange = performance.now();
    const poll = setInterval(() => {
      const now = performance.now();
      if (!start && counters.messagesIn > 0) start = now;
      if (counters.messagesIn !== lastCount) {
        lastCount = counters.messagesIn;
        lastChange = now;
      }
      if (counters.messagesIn >= expected || now - lastChange > 2000) {
        end = lastChange;
        clearInterval(poll);
        resolve();
      }
    }, 1);
  });
  const seconds = (end - start) / 1000;
  histogram.disable();
  if (batching) clearInterval(batching);
  const received = Math.max(0, Math.min(count, counters.messagesIn - STOP_MARKERS));
  const lost = Math.max(0, expected - counters.messagesIn);
  manager.dispose();
  await publisher.finish();
  const ms = (ns: number) => ns / 1e6;
  return {
    rate: received / seconds,
    received,
    lost,
    delay: { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) },
  };
}

function result(name: string, value: number, unit: string, goal?: string, baseline?: number): void {
  console.log(`RESULT ${JSON.stringify({ name, value, unit, goal, ...(baseline !== undefined ? { baseline } : {}) })}`);
}

async function main(): Promise<void> {
  buildPublisher();
  // CAPTURE_BENCH_SIZES=4096 runs one size (for profiling one case).
  const sizes = process.env.CAPTURE_BENCH_SIZES?.split(',').map(Number);
  for (const [size, count] of (
    [
      [64, 1_000_000],
      [4096, 200_000],
    ] as const
  ).filter(([s]) => !sizes || sizes.includes(s))) {
    // Alternate the two sides so drift on a noisy machine hits both alike; keep each side's best.
    const bareRuns: Array<{ rate: number; received: number }> = [];
    const productRuns: Array<{ rate: number; received: number; lost: number }> = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      bareRuns.push(await bareLoop(count, size));
      productRuns.push(await productPath(count, size, false));
    }
    const bare = bareRuns.sort((x, y) => y.rate - x.rate)[0];
    const product = productRuns.sort((x, y) => y.rate - x.rate)[0];
    // A message lost in any trial counts, not only in the fastest.
    const lost = productRuns.reduce((sum, run) => sum + run.lost, 0);
    console.log(
      `${size} B trials (msg/s): bare ${bareRuns.map((r) => Math.round(r.rate)).join(', ')}; capture path ${productRuns.map((r) => Math.round(r.rate)).join(', ')}`,
    );
    const ratio = product.rate / bare.rate;
    console.log(
      `${size} B: bare for-await ${Math.round(bare.rate).toLocaleString()} msg/s (${bare.received}/${count}), capture path ${Math.round(product.rate).toLocaleString()} msg/s (${product.received}/${count}), ratio ${ratio.toFixed(3)}`,
    );
    result(`capture rate ${size} B (bare zeromq.js)`, Math.round(bare.rate), 'msg/s');
    result(`capture rate ${size} B (capture path)`, Math.round(product.rate), 'msg/s', undefined, Math.round(bare.rate));
    // The goal is set for 64 B; 4 KiB is reported beside it (its rates swing widely between trials here).
    result(`capture ratio ${size} B (capture path / bare)`, +ratio.toFixed(3), 'ratio', size === 64 ? '>= 0.9' : undefined);
    result(`messages lost ${size} B (capture path, all ${TRIALS} trials)`, lost, 'messages', '0');
  }
  const flood = await productPath(1_000_000, 64, true);
  console.log(
    `event-loop delay during a 64 B flood with 30 Hz inspector batching: p50 ${flood.delay!.p50.toFixed(1)} ms, p99 ${flood.delay!.p99.toFixed(1)} ms, max ${flood.delay!.max.toFixed(1)} ms`,
  );
  result('event-loop delay p50 during flood', +flood.delay!.p50.toFixed(2), 'ms');
  result('event-loop delay p99 during flood', +flood.delay!.p99.toFixed(2), 'ms', '< 50');
  result('event-loop delay max during flood', +flood.delay!.max.toFixed(2), 'ms');
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
