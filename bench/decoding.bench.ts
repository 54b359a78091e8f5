// Decoding throughput: messages a second through the registry (tree + summary + pretty text, as the
// inspector shows them) for JSON, MessagePack and protobuf with a 10-field schema, against raw JSON.parse
// of the same message's JSON bytes measured in the same run, and against each format's own raw parser.
// Decoding is lazy in the product (only the rows in view and the selected message), so this is a ceiling.
import { pack, unpack } from 'msgpackr';
import * as protobuf from 'protobufjs';
import { createDefaultRegistry } from '../src/core/decoders';
import type { DecodeContext, DecodeResult } from '../src/core/types';

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
    `${c.name}: ${Math.round(ours).toLocaleString()} msg/s decoded for display; ${(ours / baseline).toFixed(3)}x raw JSON.parse; ${c.rawName} alone ${Math.round(raw).toLocaleString()} msg/s (${(ours / raw).toFixed(3)}x)`,
  );
  result(`decode rate ${c.name}`, ours, 'msg/s', '>= 20000 (lazy: only rows in view are decoded)', baseline);
  result(`decode rate ${c.name} / raw JSON.parse`, ours / baseline, 'ratio', 'informational: the cost of tree, summary and text');
}
if (sink < 0) console.log(sink);
