// Capture throughput and responsiveness: a C publisher on Debian's libzmq at full speed, into
// (a) a bare zeromq.js `for await` loop (the baseline, measured in the same run) and
// (b) the product's capture path (session, counters, capture store; no UI),
// plus the event-loop delay during the flood with the inspector's 30 Hz update batching running.
import { CaptureStore } from '../src/core/capture/captureStore';
import { startEventLoopDelay } from '../src/core/eventLoopDelay';
import {
  STOP_MARKERS,
  addressesFrom,
  bareLoop,
  buildPublisher,
  floodAndCount,
  openCaptureSession,
  result,
  startPublisher,
} from './captureTrial';

const TRIALS = 3;
const nextAddress = addressesFrom(21000);

async function productPath(
  count: number,
  size: number,
  withBatching: boolean,
): Promise<{ rate: number; received: number; lost: number; delay?: { p50: number; p99: number; max: number } }> {
  const publisher = await startPublisher(nextAddress(), count, size);
  const store = new CaptureStore({ maxMessages: 1_000_000, maxBytes: 256 * 1024 * 1024 });
  const { manager, session } = await openCaptureSession(store, publisher);
  await new Promise((r) => setTimeout(r, 300));
  // What the inspector does at 30 Hz while visible: read stats and the 50 rows in view.
  const batching = withBatching
    ? setInterval(() => {
        const stats = store.stats();
        store.range(Math.max(stats.firstSeq, stats.lastSeq - 50), 50);
      }, 33)
    : undefined;
  const loopDelay = startEventLoopDelay(5);
  const counters = session.monitor.counters;
  const expected = count + STOP_MARKERS;
  const { startMs: start, endMs: end } = await floodAndCount(counters, expected, publisher);
  const seconds = (end - start) / 1000;
  const lateness = loopDelay.stop();
  if (batching) clearInterval(batching);
  const received = Math.max(0, Math.min(count, counters.messagesIn - STOP_MARKERS));
  const lost = Math.max(0, expected - counters.messagesIn);
  manager.dispose();
  await publisher.finish();
  return {
    rate: received / seconds,
    received,
    lost,
    delay: lateness,
  };
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
      bareRuns.push(await bareLoop(await startPublisher(nextAddress(), count, size)));
      productRuns.push(await productPath(count, size, false));
    }
    const bare = bareRuns.sort((x, y) => y.rate - x.rate)[0];
    const product = productRuns.sort((x, y) => y.rate - x.rate)[0];
    // A message lost in any trial counts, not only in the fastest.
    const lost = productRuns.reduce((sum, run) => sum + run.lost, 0);
    console.log(
      `${size} B trials (msg/s): bare ${bareRuns.map((r) => Math.round(r.rate)).join(', ')}; capture path ` +
        `${productRuns.map((r) => Math.round(r.rate)).join(', ')}`,
    );
    const ratio = product.rate / bare.rate;
    console.log(
      `${size} B: bare for-await ${Math.round(bare.rate).toLocaleString()} msg/s ` +
        `(${bare.received}/${count}), capture path ${Math.round(product.rate).toLocaleString()} msg/s ` +
        `(${product.received}/${count}), ratio ${ratio.toFixed(3)}`,
    );
    result(`capture rate ${size} B (bare zeromq.js)`, Math.round(bare.rate), 'msg/s');
    result(`capture rate ${size} B (capture path)`, Math.round(product.rate), 'msg/s', undefined, Math.round(bare.rate));
    // The goal is set for 64 B; 4 KiB is reported beside it (its rates swing widely between trials here).
    result(`capture ratio ${size} B (capture path / bare)`, +ratio.toFixed(3), 'ratio', size === 64 ? '>= 0.9' : undefined);
    result(`messages lost ${size} B (capture path, all ${TRIALS} trials)`, lost, 'messages', '0');
  }
  const flood = await productPath(1_000_000, 64, true);
  console.log(
    `event-loop delay during a 64 B flood with 30 Hz inspector batching: p50 ` +
      `${flood.delay!.p50.toFixed(1)} ms, p99 ${flood.delay!.p99.toFixed(1)} ms, max ` +
      `${flood.delay!.max.toFixed(1)} ms`,
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
