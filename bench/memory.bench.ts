// Memory per retained message: 1,000,000 captured 64-byte messages (heap + external, which includes
// array buffers, after GC) against their payload; and the append rate against keeping the same Buffers in
// a plain array. Run with node --expose-gc.
import { CaptureStore } from '../src/core/capture/captureStore';

const COUNT = 1_000_000;
const PAYLOAD = 64;
const ROUNDS = 3;

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with node --expose-gc');
  collect();
  collect();
}

interface Usage {
  heap: number;
  external: number;
  arrayBuffers: number;
}

function usage(): Usage {
  const m = process.memoryUsage();
  return { heap: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

/** `external` already counts `arrayBuffers` (every ArrayBuffer and Buffer): not added twice. */
const total = (u: Usage) => u.heap + u.external;

function result(name: string, value: number, unit: string, goal?: string, baseline?: number): void {
  console.log(`RESULT ${JSON.stringify({ name, value, unit, goal, ...(baseline !== undefined ? { baseline } : {}) })}`);
}

const rate = (ms: number) => Math.round(COUNT / (ms / 1000));

// Frames as zeromq.js hands them over: one array of Buffers per message.
const frames = Array.from({ length: 1024 }, (_, i) => Buffer.alloc(PAYLOAD, i));

function fillStore(store: CaptureStore): number {
  const started = performance.now();
  for (let i = 0; i < COUNT; i++) store.append('bench', 'in', [frames[i & 1023]]);
  return performance.now() - started;
}

/** Baseline: keep the same Buffers in a plain array, one array of frames per message (no copy, no bound). */
function fillArray(keep: Buffer[][]): number {
  const started = performance.now();
  for (let i = 0; i < COUNT; i++) keep.push([frames[i & 1023]]);
  return performance.now() - started;
}

// Rates: best of a few alternating rounds (the machine is shared); each round starts empty.
let storeMs = Infinity;
let arrayMs = Infinity;
let fullMs = Infinity;
for (let round = 0; round < ROUNDS; round++) {
  gc();
  const store = new CaptureStore({ maxMessages: COUNT, maxBytes: 1024 * 1024 * 1024 });
  storeMs = Math.min(storeMs, fillStore(store));
  // Full: every append evicts the oldest, the steady state of a long capture.
  fullMs = Math.min(fullMs, fillStore(store));
  gc();
  arrayMs = Math.min(arrayMs, fillArray([]));
}

/** Bytes per message that `fill` keeps reachable, measured alone (gc before and after, result held). */
function measure<T extends { size: number }>(fill: () => T): { perMessage: number; parts: Record<keyof Usage, number>; kept: T } {
  gc();
  const before = usage();
  const kept = fill();
  gc();
  const after = usage();
  const per = (key: keyof Usage) => (after[key] - before[key]) / kept.size;
  return {
    perMessage: (total(after) - total(before)) / kept.size,
    parts: { heap: per('heap'), external: per('external'), arrayBuffers: per('arrayBuffers') },
    kept,
  };
}

const measured = measure(() => {
  const store = new CaptureStore({ maxMessages: COUNT, maxBytes: 1024 * 1024 * 1024 });
  fillStore(store);
  return store;
});
const perMessage = measured.perMessage;
const part = (key: keyof Usage) => measured.parts[key].toFixed(1);

// Filtering the million in place, as the inspector does when its filter changes.
function scanMs(filter: Parameters<CaptureStore['matchingSeqs']>[0]): { ms: number; matches: number } {
  const started = performance.now();
  const matches = measured.kept.matchingSeqs(filter).length;
  return { ms: performance.now() - started, matches };
}
const scans = {
  session: scanMs({ sessionIds: ['bench'] }),
  bytes: scanMs({ contains: Buffer.from([5, 5, 5]) }),
  text: scanMs({ contains: Buffer.from('AAA'), ignoreCase: true }),
};

// What the naive design costs: a copy of each frame kept as its own Buffer, in an array per message.
const naivePerMessage = measure(() => {
  const naive: Buffer[][] = [];
  for (let i = 0; i < COUNT; i++) naive.push([Buffer.from(frames[i & 1023])]);
  return { size: naive.length, naive };
}).perMessage;

console.log(
  `capture store: ${perMessage.toFixed(1)} B per retained ${PAYLOAD}-byte message (overhead ` +
    `${(perMessage - PAYLOAD).toFixed(1)} B; heap ${part('heap')}, external ${part('external')} of which ` +
    `array buffers ${part('arrayBuffers')})`,
);
console.log(`naive (array of Buffer copies): ${naivePerMessage.toFixed(1)} B per message`);
console.log(
  `append: ${rate(storeMs).toLocaleString('en-US')} msg/s filling, ` +
    `${rate(fullMs).toLocaleString('en-US')} msg/s full (evicting); plain array push: ` +
    `${rate(arrayMs).toLocaleString('en-US')} msg/s`,
);
console.log(
  `filter over ${COUNT.toLocaleString('en-US')}: session ${scans.session.ms.toFixed(0)} ms, bytes ` +
    `${scans.bytes.ms.toFixed(0)} ms (${scans.bytes.matches} matches), case-insensitive text ` +
    `${scans.text.ms.toFixed(0)} ms (${scans.text.matches} matches)`,
);
result('retained bytes per 64 B message', +perMessage.toFixed(1), 'bytes', '<= 128', +naivePerMessage.toFixed(1));
result('overhead per retained message beyond payload', +(perMessage - PAYLOAD).toFixed(1), 'bytes', '<= 64');
result('capture store append rate', rate(storeMs), 'msg/s', '>= 500000');
result('capture store append rate when full (evicting)', rate(fullMs), 'msg/s', '>= 500000');
result('filter 1M messages by contained bytes', +scans.bytes.ms.toFixed(1), 'ms');
result('filter 1M messages by case-insensitive text', +scans.text.ms.toFixed(1), 'ms');
result('append rate ratio (store / plain array push)', +(arrayMs / storeMs).toFixed(2), 'ratio');
