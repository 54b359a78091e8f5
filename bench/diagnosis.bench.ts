// Sequence tracking on the capture path: a C publisher on Debian's libzmq sends 64 B messages numbered
// by an 8-byte little-endian counter at full speed into (a) a bare zeromq.js loop (the baseline, same
// run), (b) the capture path (session, counters, capture store) and (c) the capture path with the
// diagnosis sink tracking that counter. Trials alternate so drift on a shared machine hits all alike.
import { CaptureStore } from '../src/core/capture/captureStore';
import { DiagnosisSink } from '../src/core/diagnosis/diagnosisSink';
import { parseSequenceField } from '../src/core/diagnosis/sequenceField';
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

const TRIALS = Number(process.env.DIAGNOSIS_BENCH_TRIALS ?? 3);
const COUNT = Number(process.env.DIAGNOSIS_BENCH_COUNT ?? 1_000_000);
const SIZE = 64;
const nextAddress = addressesFrom(24690);

async function capturePath(tracking: boolean): Promise<{ rate: number; missing?: number; received?: number }> {
  const publisher = await startPublisher(nextAddress(), COUNT, SIZE);
  const store = new CaptureStore({ maxMessages: 1_000_000, maxBytes: 256 * 1024 * 1024 });
  const sink = tracking ? new DiagnosisSink(store) : store;
  const { manager, session } = await openCaptureSession(sink, publisher);
  const tracker = tracking ? (sink as DiagnosisSink).track(session.id, parseSequenceField('u64le@0')) : undefined;
  await new Promise((r) => setTimeout(r, 300));
  const counters = session.monitor.counters;
  const { startMs: start, endMs: end } = await floodAndCount(counters, COUNT + STOP_MARKERS, publisher);
  const received = Math.min(COUNT, counters.messagesIn - STOP_MARKERS);
  await manager.dispose();
  await publisher.finish();
  const report = tracker?.report();
  // The stop markers (-1 as a u64) are past 2^53: the tracker counts them unreadable, not as a jump.
  return { rate: received / ((end - start) / 1000), received: report?.totals.received, missing: report?.totals.missing };
}

/**
 * The tracker's own cost, free of socket and scheduling noise: ns per message appended to a store directly,
 * and through the diagnosis sink with a tracker on the session (alternating rounds, best of each).
 */
function appendCost(): { bare: number; tracked: number } {
  const frames = Array.from({ length: 4096 }, (_, i) => {
    const frame = Buffer.alloc(SIZE, 0x78);
    frame.writeBigUInt64LE(BigInt(i), 0);
    return [frame];
  });
  const round = (tracking: boolean): number => {
    const store = new CaptureStore({ maxMessages: 1_000_000, maxBytes: 256 * 1024 * 1024 });
    const sink = new DiagnosisSink(store);
    if (tracking) sink.track('s1', parseSequenceField('u64le@0'));
    const target = tracking ? sink : store;
    const n = 1_000_000;
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const message = frames[i & 4095];
      // Keep the counter increasing past 4096 so the tracker sees no gap.
      message[0].writeUInt32LE(i, 0);
      target.append('s1', 'in', message);
    }
    return Number(process.hrtime.bigint() - start) / n;
  };
  const bare: number[] = [];
  const tracked: number[] = [];
  for (let r = 0; r < 5; r++) {
    bare.push(round(false));
    tracked.push(round(true));
  }
  return { bare: Math.min(...bare), tracked: Math.min(...tracked) };
}

async function main(): Promise<void> {
  const cost = appendCost();
  console.log(
    `append per 64 B message: store ${cost.bare.toFixed(0)} ns, through the diagnosis sink with a tracker ${cost.tracked.toFixed(0)} ns`,
  );
  result(
    'sequence tracking: ns added per captured message',
    +(cost.tracked - cost.bare).toFixed(1),
    'ns',
    undefined,
    +cost.bare.toFixed(1),
  );
  buildPublisher();
  const rates = { bare: [] as number[], capture: [] as number[], tracked: [] as number[] };
  let missing = 0;
  for (let trial = 0; trial < TRIALS; trial++) {
    rates.bare.push((await bareLoop(await startPublisher(nextAddress(), COUNT, SIZE))).rate);
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
