// Memory per retained message: 1,000,000 captured 64-byte messages (heap + external + array buffers,
// after GC), against the payload bytes; and the append rate against pushing the same Buffers into an array.
import { CaptureStore } from '../src/core/captureStore';

const COUNT = 1_000_000;
const PAYLOAD = 64;

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with node --expose-gc');
  collect();
  collect();
}

function usedBytes(): number {
  const m = process.memoryUsage();
  // `external` already includes `arrayBuffers` (every ArrayBuffer and Buffer).
  return m.heapUsed + m.external;
}

function result(name: string, value: number, unit: string, goal?: string, baseline?: number): void {
  console.log(`RESULT ${JSON.stringify({ name, value, unit, goal, ...(baseline !== undefined ? { baseline } : {}) })}`);
}

// Frames as zeromq.js hands them over: small frames are fresh Buffers.
const frames = Array.from({ length: 1024 }, (_, i) => Buffer.alloc(PAYLOAD, i));

gc();
const before = usedBytes();
const store = new CaptureStore({ maxMessages: COUNT, maxBytes: 1024 * 1024 * 1024 });
let started = performance.now();
for (let i = 0; i < COUNT; i++) store.append('bench', 'in', [frames[i & 1023]]);
const storeMs = performance.now() - started;
gc();
const retained = usedBytes() - before;
const perMessage = retained / store.size;

// Baseline: what keeping the same messages as plain JS objects costs (one array of Buffers per message).
let keep: Buffer[][] | undefined = [];
gc();
const beforeArray = usedBytes();
started = performance.now();
for (let i = 0; i < COUNT; i++) keep.push([Buffer.from(frames[i & 1023])]);
const arrayMs = performance.now() - started;
gc();
const arrayPerMessage = (usedBytes() - beforeArray) / keep.length;
keep = undefined;

console.log(`capture store: ${perMessage.toFixed(1)} B per retained ${PAYLOAD}-byte message (overhead ${(perMessage - PAYLOAD).toFixed(1)} B), append ${Math.round(COUNT / (storeMs / 1000)).toLocaleString()} msg/s`);
console.log(`baseline (array of Buffer arrays): ${arrayPerMessage.toFixed(1)} B per message, ${Math.round(COUNT / (arrayMs / 1000)).toLocaleString()} msg/s`);
result('retained bytes per 64 B message', +perMessage.toFixed(1), 'bytes', '<= 128', +arrayPerMessage.toFixed(1));
result('overhead per retained message beyond payload', +(perMessage - PAYLOAD).toFixed(1), 'bytes', '<= 64');
result('capture store append rate', Math.round(COUNT / (storeMs / 1000)), 'msg/s');
result('append rate ratio (store / plain array)', +(arrayMs / storeMs).toFixed(2), 'ratio');
