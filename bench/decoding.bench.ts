// Decoding throughput: messages a second through the registry for JSON, MessagePack and protobuf (a
// 10-field schema), against the raw parsers on the same bytes (JSON.parse, msgpackr, protobufjs) in the
// same run. Decoding is lazy in the product (only shown or filtered frames), so this is a ceiling check.
import { pack, unpack } from 'msgpackr';
import * as protobuf from 'protobufjs';
import { createDefaultRegistry } from '../src/core/decoders';

const registry = createDefaultRegistry();
const schema = `syntax = "proto3"; package bench;
message Tick { string sym = 1; double price = 2; uint64 seq = 3; int32 size = 4; bool halted = 5;
  repeated string tags = 6; string venue = 7; double bid = 8; double ask = 9; int64 ts = 10; }`;
const load = registry.protobuf.loadText(schema, 'bench.proto');
if (!load.ok) throw new Error(load.error);
const Tick = protobuf.parse(schema).root.lookupType('bench.Tick');
const value = { sym: 'AAPL', price: 187.25, seq: 123456, size: 300, halted: false, tags: ['nasdaq', 'tech'], venue: 'XNAS', bid: 187.2, ask: 187.3, ts: 1_764_000_000_000 };
const frames = {
  json: Buffer.from(JSON.stringify(value)),
  msgpack: pack(value),
  protobuf: Buffer.from(Tick.encode(Tick.create(value)).finish()),
};
const context = { frameIndex: 1, frameCount: 2, topic: 'ticks.AAPL' };

function rate(fn: () => void, seconds = 1): number {
  for (let i = 0; i < 2000; i++) fn();
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 500; i++) fn();
    n += 500;
  }
  return n / ((performance.now() - start) / 1000);
}

function result(name: string, v: number, unit: string, goal?: string, baseline?: number): void {
  console.log(`RESULT ${JSON.stringify({ name, value: Math.round(v), unit, goal, ...(baseline !== undefined ? { baseline: Math.round(baseline) } : {}) })}`);
}

const cases: Array<[string, () => void, () => void]> = [
  ['JSON', () => registry.decodeFrame(frames.json, context, { decoderId: 'json' }), () => JSON.parse(frames.json.toString())],
  ['MessagePack', () => registry.decodeFrame(frames.msgpack, context, { decoderId: 'msgpack' }), () => unpack(frames.msgpack)],
  ['protobuf (10 fields)', () => registry.decodeFrame(frames.protobuf, context, { decoderId: 'protobuf', messageType: 'bench.Tick' }), () => Tick.toObject(Tick.decode(frames.protobuf))],
  ['auto-detect + decode (JSON)', () => registry.decodeFrame(frames.json, context), () => JSON.parse(frames.json.toString())],
];
for (const [name, product, raw] of cases) {
  const ours = rate(product);
  const base = rate(raw);
  console.log(`${name}: ${Math.round(ours).toLocaleString()} msg/s decoded for display (tree + summary + text), raw parse ${Math.round(base).toLocaleString()} msg/s, ratio ${(ours / base).toFixed(2)}`);
  result(`decode rate ${name}`, ours, 'msg/s', '>= 20000 (lazy: only shown rows)', base);
}
