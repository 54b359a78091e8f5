// Decoding throughput: messages a second through the registry (tree + summary + pretty text, as the
// inspector shows them) for JSON, MessagePack and protobuf with a 10-field schema, against raw JSON.parse
// of the same message's JSON bytes measured in the same run, and against each format's own raw parser.
// Decoding is lazy in the product (only the rows in view and the selected message), so this is a ceiling.
// Then hostile frames (shared references, self-referencing sets, deep and huge values, a message of a 1 MiB
// topic and 10,000 frames): milliseconds for one row summary and one detail, beside an ordinary frame's.
import { pack, unpack } from 'msgpackr';
import * as protobuf from 'protobufjs';
import { CaptureStore } from '../src/core/capture/captureStore';
import { createDefaultRegistry } from '../src/core/decoders';
import type { CaptureRecord, DecodeContext, DecodeResult } from '../src/core/types';
import { MessagePresenter } from '../src/inspector/messagePresenter';
import {
  cborNestedSelfSets,
  cborSharedDoubling,
  cborSharedLongString,
  msgpackSelfContaining,
  msgpackSharedDoubling,
} from '../test/support/hostileFrames';

const registry = createDefaultRegistry();
const schema = `syntax = "proto3"; package bench;
message Tick { string sym = 1; double price = 2; uint64 seq = 3; int32 size = 4; bool halted = 5;
  repeated string tags = 6; string venue = 7; double bid = 8; double ask = 9; int64 ts = 10; }`;
const load = registry.protobuf.loadText(schema, 'bench.proto');
if (!load.ok) throw new Error(load.error);
const Tick = protobuf.parse(schema).root.lookupType('bench.Tick');
const value = {
  sym: 'AAPL',
  price: 187.25,
  seq: 123456,
  size: 300,
  halted: false,
  tags: ['nasdaq', 'tech'],
  venue: 'XNAS',
  bid: 187.2,
  ask: 187.3,
  ts: 1_764_000_000_000,
};
const frames = {
  json: Buffer.from(JSON.stringify(value)),
  msgpack: pack(value),
  protobuf: Buffer.from(Tick.encode(Tick.create(value)).finish()),
};
const context: DecodeContext = { frameIndex: 1, frameCount: 2, topic: 'ticks.AAPL', socketType: 'SUB' };

let sink = 0;
function rate(fn: () => unknown, seconds = 1): number {
  for (let i = 0; i < 3000; i++) fn();
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 500; i++) if (fn()) sink++;
    n += 500;
  }
  return n / ((performance.now() - start) / 1000);
}

function result(name: string, v: number, unit: string, goal: string, baseline?: number): void {
  const rounded = unit === 'ratio' ? Math.round(v * 1000) / 1000 : Math.round(v);
  console.log(
    `RESULT ${JSON.stringify({ name, value: rounded, unit, goal, ...(baseline !== undefined ? { baseline: Math.round(baseline) } : {}) })}`,
  );
}

function decodes(r: DecodeResult, decoderId: string): boolean {
  if (!r.ok || r.decoderId !== decoderId) throw new Error(`bench frame did not decode as ${decoderId}: ${r.ok ? r.decoderId : r.error}`);
  return true;
}

const jsonText = () => JSON.parse(frames.json.toString('utf8'));
const baseline = rate(jsonText);
console.log(`baseline: raw JSON.parse of the ${frames.json.length}-byte JSON frame: ${Math.round(baseline).toLocaleString()} msg/s`);
console.log(`frames: JSON ${frames.json.length} B, MessagePack ${frames.msgpack.length} B, protobuf ${frames.protobuf.length} B`);

const cases: Array<{ name: string; product: () => unknown; raw: () => unknown; rawName: string }> = [
  {
    name: 'JSON',
    product: () => decodes(registry.decodeFrame(frames.json, context, { decoderId: 'json' }), 'json'),
    raw: jsonText,
    rawName: 'JSON.parse',
  },
  {
    name: 'MessagePack',
    product: () => decodes(registry.decodeFrame(frames.msgpack, context, { decoderId: 'msgpack' }), 'msgpack'),
    raw: () => unpack(frames.msgpack),
    rawName: 'msgpackr unpack',
  },
  {
    name: 'protobuf (10 fields, schema)',
    product: () =>
      decodes(registry.decodeFrame(frames.protobuf, context, { decoderId: 'protobuf', messageType: 'bench.Tick' }), 'protobuf'),
    raw: () => Tick.toObject(Tick.decode(frames.protobuf)),
    rawName: 'protobufjs decode+toObject',
  },
  {
    name: 'protobuf (schemaless)',
    product: () => decodes(registry.decodeFrame(frames.protobuf, context, { decoderId: 'protobuf' }), 'protobuf'),
    raw: () => Tick.decode(frames.protobuf),
    rawName: 'protobufjs decode',
  },
  {
    name: 'JSON (auto-detected)',
    product: () => decodes(registry.decodeFrame(frames.json, context), 'json'),
    raw: jsonText,
    rawName: 'JSON.parse',
  },
  {
    name: 'MessagePack (auto-detected)',
    product: () => decodes(registry.decodeFrame(frames.msgpack, context), 'msgpack'),
    raw: () => unpack(frames.msgpack),
    rawName: 'msgpackr unpack',
  },
];

for (const c of cases) {
  const ours = rate(c.product);
  const raw = rate(c.raw);
  console.log(
    `${c.name}: ${Math.round(ours).toLocaleString()} msg/s decoded for display; ` +
      `${(ours / baseline).toFixed(3)}x raw JSON.parse; ${c.rawName} alone ` +
      `${Math.round(raw).toLocaleString()} msg/s (${(ours / raw).toFixed(3)}x)`,
  );
  result(`decode rate ${c.name}`, ours, 'msg/s', '>= 20000 (lazy: only rows in view are decoded)', baseline);
  result(`decode rate ${c.name} / raw JSON.parse`, ours / baseline, 'ratio', 'informational: the cost of tree, summary and text');
}

/** Median milliseconds of `fn` over at least 5 runs or 1 s. */
function medianMs(fn: () => unknown): number {
  fn();
  const times: number[] = [];
  const end = performance.now() + 1000;
  while (times.length < 5 || (performance.now() < end && times.length < 200)) {
    const start = performance.now();
    if (fn()) sink++;
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

function msResult(name: string, ms: number, goal: string, baseline: number): void {
  const round = (v: number) => Math.round(v * 1000) / 1000;
  console.log(`RESULT ${JSON.stringify({ name, value: round(ms), unit: 'ms', goal, baseline: round(baseline) })}`);
}

const store = new CaptureStore({ maxMessages: 1000, maxBytes: 256 * 1024 * 1024 });
const presenter = new MessagePresenter(registry, { get: () => ({ name: 'feed', type: 'SUB' }) }, () => []);
const recordOf = (frames: Uint8Array[]): CaptureRecord => store.get(store.append('s', 'in', frames, { hasTopic: true }))!;
const topic = Buffer.from('feed');
const ordinary = recordOf([topic, frames.json]);
const hostile: Array<[string, CaptureRecord]> = [
  ['CBOR shared references, 2^24 leaves', recordOf([topic, cborSharedDoubling(24)])],
  ['MessagePack structured clone, 2^24 leaves', recordOf([topic, msgpackSharedDoubling(24)])],
  ['MessagePack array holding itself', recordOf([topic, msgpackSelfContaining()])],
  ['CBOR 300 sets holding themselves over 64 KiB', recordOf([topic, cborNestedSelfSets(300, 64 * 1024)])],
  ['CBOR 20 KB string shared 3000 times', recordOf([topic, cborSharedLongString(20_000, 3000)])],
  ['JSON 100k levels deep', recordOf([topic, Buffer.from('['.repeat(100_000) + ']'.repeat(100_000))])],
  [
    'JSON array of 1 MiB',
    recordOf([topic, Buffer.from(JSON.stringify(Array.from({ length: 150_000 }, (_, i) => i)).slice(0, 1024 * 1024 - 1) + ']')]),
  ],
  [
    '1 MiB topic and 10,000 frames',
    recordOf([new Uint8Array(1024 * 1024).fill(0x74), ...Array.from({ length: 10_000 }, (_, i) => Buffer.from(`{"i":${i}}`))]),
  ],
];
// The summary cache would answer every run after the first: forget it each time.
const rowMs = (record: CaptureRecord) =>
  medianMs(() => {
    presenter.forgetSummaries();
    return presenter.rowSummary(record);
  });
const detailMs = (record: CaptureRecord) => medianMs(() => presenter.detail(record).frames.length);
const ordinaryRow = rowMs(ordinary);
const ordinaryDetail = detailMs(ordinary);
console.log(
  `ordinary ${frames.json.length}-byte JSON message: row summary ${ordinaryRow.toFixed(3)} ms, detail ${ordinaryDetail.toFixed(3)} ms`,
);
for (const [name, record] of hostile) {
  const row = rowMs(record);
  const detail = detailMs(record);
  const bytes = record.frames.reduce((n, f) => n + f.length, 0);
  console.log(`${name} (${bytes} bytes): row summary ${row.toFixed(3)} ms, detail ${detail.toFixed(1)} ms`);
  msResult(`row summary ms: ${name}`, row, '< 5 ms whatever the frame', ordinaryRow);
  msResult(`detail ms: ${name}`, detail, '< 200 ms whatever the message', ordinaryDetail);
}
if (sink < 0) console.log(sink);
