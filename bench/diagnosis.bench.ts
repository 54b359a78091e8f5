// Sequence tracking on the capture path: a C publisher on Debian's libzmq sends 64 B messages numbered
// by an 8-byte little-endian counter at full speed into (a) a bare zeromq.js loop (the baseline, same
// run), (b) the capture path (session, counters, capture store) and (c) the capture path with the
// diagnosis sink tracking that counter. Trials alternate so drift on a shared machine hits all alike.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as zmq from 'zeromq';
import { CaptureStore } from '../src/core/capture/captureStore';
import { DiagnosisSink } from '../src/core/diagnosis/diagnosisSink';
import { parseSequenceField } from '../src/core/diagnosis/sequenceField';
import { SessionManager } from '../src/core/session/sessionManager';

const PUBLISHER = 'bench/tmp/c_publisher';
const STOP_MARKERS = 10;
const TRIALS = Number(process.env.DIAGNOSIS_BENCH_TRIALS ?? 3);
const COUNT = Number(process.env.DIAGNOSIS_BENCH_COUNT ?? 1_000_000);
const SIZE = 64;
let port = 24690;

function buildPublisher(): void {
  mkdirSync('bench/tmp', { recursive: true });
  const gcc = spawnSync('gcc', ['-O2', '-o', PUBLISHER, 'bench/peers/c_publisher.c', '-lzmq'], { stdio: 'inherit' });
  if (gcc.status !== 0) throw new Error('could not build the C publisher (is libzmq3-dev installed?)');
}

async function startPublisher(): Promise<{ address: string; go(): void; finish(): Promise<void> }> {
  const address = `tcp://127.0.0.1:${port++}`;
  const child = spawn(PUBLISHER, [address, String(COUNT), String(SIZE), 'pub'], { stdio: ['pipe', 'pipe', 'inherit'] });
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

async function bare(): Promise<number> {
  const publisher = await startPublisher();
  const sub = new zmq.Subscriber({ receiveHighWaterMark: 0, linger: 0 });
  sub.connect(publisher.address);
  sub.subscribe();
  await new Promise((r) => setTimeout(r, 300));
  publisher.go();
  let received = 0;
  let start = 0;
  for await (const [frame] of sub) {
    if (received === 0) start = performance.now();
    if (Buffer.from(frame.buffer, frame.byteOffset, 8).readBigInt64LE(0) < 0n) break;
    received++;
  }
  const rate = received / ((performance.now() - start) / 1000);
  sub.close();
  await publisher.finish();
  return rate;
}

async function capturePath(tracking: boolean): Promise<{ rate: number; missing?: number; received?: number }> {
  const publisher = await startPublisher();
  const store = new CaptureStore({ maxMessages: 1_000_000, maxBytes: 256 * 1024 * 1024 });
  const sink = tracking ? new DiagnosisSink(store) : store;
  const manager = new SessionManager(sink);
  const session = await manager.open({
    name: 'bench',
    type: 'SUB',
    mode: 'connect',
    addresses: [publisher.address],
    receiveHighWaterMark: 0,
  });
  const tracker = tracking ? (sink as DiagnosisSink).track(session.id, parseSequenceField('u64le@0')) : undefined;
  await new Promise((r) => setTimeout(r, 300));
  const counters = session.monitor.counters;
  publisher.go();
  let start = 0;
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
      if (counters.messagesIn >= COUNT + STOP_MARKERS || now - lastChange > 2000) {
        end = lastChange;
        clearInterval(poll);
        resolve();
      }
    }, 1);
  });
  const received = Math.min(COUNT, counters.messagesIn - STOP_MARKERS);
  await manager.dispose();
  await publisher.finish();
  const report = tracker?.report();
  // The stop markers (-1 as a u64) are past 2^53: the tracker counts them unreadable, not as a jump.
  return { rate: received / ((end - start) / 1000), received: report?.totals.received, missing: report?.totals.missing };
}

function result(name: string, value: number, unit: string, goal?: string, baseline?: number): void {
  console.log(`RESULT ${JSON.stringify({ name, value, unit, goal, ...(baseline !== undefined ? { baseline } : {}) })}`);
}

async function main(): Promise<void> {
  buildPublisher();
  const rates = { bare: [] as number[], capture: [] as number[], tracked: [] as number[] };
  let missing = 0;
  for (let trial = 0; trial < TRIALS; trial++) {
    rates.bare.push(await bare());
    rates.capture.push((await capturePath(false)).rate);
    const tracked = await capturePath(true);
    rates.tracked.push(tracked.rate);
    missing += tracked.missing ?? 0;
    console.log(`trial ${trial + 1}: tracker saw ${tracked.received} numbered messages, ${tracked.missing} missing`);
  }
  const best = (xs: number[]) => Math.max(...xs);
  const show = (xs: number[]) => xs.map((x) => Math.round(x).toLocaleString('en-US')).join(', ');
  console.log(
    `${SIZE} B trials (msg/s): bare ${show(rates.bare)}; capture path ${show(rates.capture)}; with tracking ${show(rates.tracked)}`,
  );
  const ratio = best(rates.tracked) / best(rates.bare);
  const overCapture = best(rates.tracked) / best(rates.capture);
  console.log(`ratio with tracking / bare ${ratio.toFixed(3)}; with tracking / capture path ${overCapture.toFixed(3)}`);
  result(
    `capture rate ${SIZE} B with sequence tracking`,
    Math.round(best(rates.tracked)),
    'msg/s',
    undefined,
    Math.round(best(rates.bare)),
  );
  result(`capture ratio ${SIZE} B with sequence tracking / bare`, +ratio.toFixed(3), 'ratio', '>= 0.9');
  result(`sequence tracking cost ${SIZE} B (tracked / untracked capture path)`, +overCapture.toFixed(3), 'ratio');
  result(`messages the tracker counted missing (${TRIALS} trials, HWM 0)`, missing, 'messages', '0');
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
