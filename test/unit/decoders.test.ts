import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { encode as cborEncode } from 'cbor-x';
import { pack } from 'msgpackr';
import * as protobuf from 'protobufjs';
import { createDefaultRegistry, decodeRawProtobuf, hexRows } from '../../src/core/decoders';
import type { DecodeContext, DecodeResult } from '../../src/core/types';

const ctx = (extra: Partial<DecodeContext> = {}): DecodeContext => ({ frameIndex: 0, frameCount: 1, ...extra });
const registry = createDefaultRegistry();
const ok = (r: DecodeResult) => {
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r as Extract<DecodeResult, { ok: true }>;
};

test('auto-detection: JSON object, text, MessagePack, CBOR, protobuf, binary', () => {
  const pick = (bytes: Uint8Array) => registry.detect(bytes, ctx()).id;
  assert.equal(pick(Buffer.from('{"sym":"AAPL","price":1.5}')), 'json');
  assert.equal(pick(Buffer.from('[1,2,3]')), 'json');
  assert.equal(pick(Buffer.from('ticks.AAPL')), 'text');
  assert.equal(pick(Buffer.from('{not json')), 'text');
  assert.equal(pick(pack({ sym: 'AAPL', price: 1.5 })), 'msgpack');
  assert.equal(pick(cborEncode([1, 'two', { three: 3 }])), 'cbor');
  assert.equal(pick(Buffer.from([0x08, 0x96, 0x01, 0x12, 0x02, 0xff, 0x00])), 'protobuf');
  assert.equal(pick(Buffer.from([0xff, 0xfe, 0x00, 0x07])), 'hex');
});

test('JSON decodes to a tree with a one-line summary; malformed JSON is an error value', () => {
  const r = ok(registry.decodeFrame(Buffer.from('{"sym":"AAPL","price":1.5,"tags":["a","b"]}'), ctx(), { decoderId: 'json' }));
  assert.equal(r.summary, '{"sym":"AAPL","price":1.5,"tags":["a","b"]}');
  assert.deepEqual(r.tree!.children!.map((c) => [c.key, c.type, c.value]), [['sym', 'string', 'AAPL'], ['price', 'number', '1.5'], ['tags', 'array', '[2]']]);
  const bad = registry.decodeFrame(Buffer.from('{"a":'), ctx(), { decoderId: 'json' });
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.error : '', /Not valid JSON/);
});

test('deeply nested JSON, MessagePack and CBOR neither throw nor blow the stack', () => {
  const deepJson = Buffer.from('['.repeat(200_000) + ']'.repeat(200_000));
  const r = registry.decodeFrame(deepJson, ctx(), { decoderId: 'json' });
  assert.ok(!r.ok || r.warning, 'either an error or a truncated tree');
  const moderately = Buffer.from('['.repeat(1000) + ']'.repeat(1000));
  const m = ok(registry.decodeFrame(moderately, ctx(), { decoderId: 'json' }));
  assert.match(m.warning ?? '', /not shown/);
  const deepMsgpack = Buffer.alloc(100_000, 0x91);
  assert.doesNotThrow(() => registry.decodeFrame(deepMsgpack, ctx(), { decoderId: 'msgpack' }));
  const deepCbor = Buffer.alloc(100_000, 0x81);
  assert.doesNotThrow(() => registry.decodeFrame(deepCbor, ctx(), { decoderId: 'cbor' }));
});

test('MessagePack and CBOR decode; truncated input is an error value', () => {
  const m = ok(registry.decodeFrame(pack({ a: 1, b: [true, null] }), ctx(), { decoderId: 'msgpack' }));
  assert.equal(m.summary, '{"a":1,"b":[true,null]}');
  const c = ok(registry.decodeFrame(cborEncode({ x: 'y' }), ctx(), { decoderId: 'cbor' }));
  assert.equal(c.summary, '{"x":"y"}');
  assert.equal(registry.decodeFrame(pack({ a: 'long string here' }).subarray(0, 5), ctx(), { decoderId: 'msgpack' }).ok, false);
  assert.equal(registry.decodeFrame(cborEncode({ a: 'long string here' }).subarray(0, 5), ctx(), { decoderId: 'cbor' }).ok, false);
});

test('hex dump rows put hex and ASCII side by side', () => {
  const rows = hexRows(Buffer.from('Hello, ZeroMQ!\x00\x01\xffXYZ', 'latin1'));
  assert.equal(rows.length, 2);
  assert.equal(rows[0].offset, 0);
  assert.equal(rows[0].hex, '48 65 6c 6c 6f 2c 20 5a  65 72 6f 4d 51 21 00 01');
  assert.equal(rows[0].ascii, 'Hello, ZeroMQ!..');
  assert.equal(rows[1].ascii, '.XYZ');
  const r = ok(registry.decodeFrame(Buffer.from([1, 2, 3]), ctx(), { decoderId: 'hex' }));
  assert.match(r.text!, /^00000000  01 02 03/);
  assert.equal(ok(registry.decodeFrame(Buffer.from([1, 2, 3]), ctx(), { decoderId: 'base64' })).text, 'AQID');
});

test('protobuf with a schema (with an import) decodes a Tick; a bad .proto is a clear error', async () => {
  const dir = join(process.cwd(), 'test/fixtures/proto');
  const load = await registry.protobuf.loadSchemas([join(dir, 'tick.proto')], [dir]);
  assert.ok(load.ok, load.ok ? '' : load.error);
  assert.ok(load.ok && load.messageTypes.includes('demo.Tick') && load.messageTypes.includes('demo.Money'));
  const root = protobuf.parse(`syntax = "proto3"; package demo; message Money { string currency = 1; int64 units = 2; } message Tick { string sym = 1; double price = 2; uint64 seq = 3; Money notional = 7; }`).root;
  const Tick = root.lookupType('demo.Tick');
  const bytes = Tick.encode(Tick.create({ sym: 'AAPL', price: 187.25, seq: 42, notional: { currency: 'USD', units: 1000 } })).finish();
  const r = ok(registry.decodeFrame(bytes, ctx(), { decoderId: 'protobuf', messageType: 'demo.Tick' }));
  assert.match(r.summary, /^Tick \{ sym: "AAPL", price: 187.25, seq: "42"/);
  assert.equal(r.tree!.children!.find((c) => c.key === 'notional')!.children![0].value, 'USD');
  const unknown = registry.decodeFrame(bytes, ctx(), { decoderId: 'protobuf', messageType: 'demo.Nope' });
  assert.match(!unknown.ok ? unknown.error : '', /No message type demo.Nope/);
  const broken = await registry.protobuf.loadSchemas([join(dir, 'broken.proto')], [dir]);
  assert.equal(broken.ok, false);
  assert.match(!broken.ok ? broken.error : '', /broken\.proto|illegal|line/);
  assert.ok(registry.protobuf.messageTypes.includes('demo.Tick'), 'a failed load keeps the previous schemas');
});

test('schemaless protobuf shows field numbers and wire types like protoc --decode_raw', () => {
  const root = protobuf.parse('syntax = "proto3"; message Inner { int32 n = 1; } message Outer { string name = 1; fixed32 f = 5; Inner inner = 3; sint32 s = 4; double d = 7; }').root;
  const Outer = root.lookupType('Outer');
  const bytes = Outer.encode(Outer.create({ name: 'zmq', inner: { n: 150 }, s: -3, f: 7, d: 2.5 })).finish();
  const raw = decodeRawProtobuf(bytes);
  assert.ok(raw.ok);
  const fields = raw.ok ? raw.tree.children! : [];
  assert.deepEqual(fields.map((f) => [f.key, f.type]), [['#1', 'string'], ['#3', 'message'], ['#4', 'varint'], ['#5', 'fixed32'], ['#7', 'fixed64']]);
  assert.equal(fields[0].value, 'zmq');
  assert.equal(fields[1].children![0].value, '150');
  assert.match(fields[2].value!, /sint: -3/);
  assert.match(fields[4].value!, /double: 2.5/);
  const bogus = decodeRawProtobuf(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]));
  assert.equal(bogus.ok, false);
  assert.match(!bogus.ok ? bogus.error : '', /runs past the end/);
  const huge = decodeRawProtobuf(Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]));
  assert.match(!huge.ok ? huge.error : '', /longer than 10 bytes/);
});

test('rules pin a decoder by session, topic and frame; the most specific wins; a pinned id beats rules', () => {
  const frame = Buffer.from('{"a":1}');
  const rules = [
    { decoder: 'text', topicPrefix: 'ticks.' },
    { decoder: 'hex', topicPrefix: 'ticks.', frameIndex: 1 },
    { decoder: 'base64', sessionId: 's9' },
  ];
  const decoderFor = (c: Partial<DecodeContext>, decoderId?: string) => registry.decodeFrame(frame, ctx(c), { rules, decoderId }).decoderId;
  assert.equal(decoderFor({ topic: 'ticks.AAPL', frameIndex: 0 }), 'text');
  assert.equal(decoderFor({ topic: 'ticks.AAPL', frameIndex: 1 }), 'hex');
  assert.equal(decoderFor({ topic: 'ticks.AAPL', frameIndex: 1, sessionId: 's9' }), 'base64');
  assert.equal(decoderFor({ topic: 'other', frameIndex: 1 }), 'json');
  assert.equal(decoderFor({ topic: 'ticks.AAPL' }, 'json'), 'json');
  assert.equal(registry.decodeFrame(frame, ctx(), { decoderId: 'nope' }).ok, false);
});

test('other code registers a decoder and disposes it', () => {
  const local = createDefaultRegistry();
  const reg = local.register({ id: 'upper', label: 'Upper', canDecode: (f) => (f[0] === 0x21 ? 1 : 0), decode: (f) => ({ ok: true, decoderId: 'upper', summary: Buffer.from(f).toString().toUpperCase() }) });
  assert.equal(local.decodeFrame(Buffer.from('!hi'), ctx()).decoderId, 'upper');
  reg.dispose();
  assert.equal(local.get('upper'), undefined);
});

test('random bytes never make any decoder throw (seeded)', () => {
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const seeds = [Buffer.from('{"a":[1,2,{"b":null}]}'), pack({ a: [1, 2] }), cborEncode({ a: [1, 2] }), Buffer.from([0x08, 0x96, 0x01, 0x12, 0x03, 0x61, 0x62, 0x63])];
  let inputs = 0;
  for (let i = 0; i < 3000; i++) {
    let frame: Buffer;
    if (i % 2) {
      frame = Buffer.from(seeds[i % seeds.length]);
      for (let k = 0; k < 3; k++) frame[Math.floor(random() * frame.length)] = Math.floor(random() * 256);
    } else {
      frame = Buffer.alloc(Math.floor(random() * 64));
      for (let k = 0; k < frame.length; k++) frame[k] = Math.floor(random() * 256);
    }
    for (const decoder of registry.list()) {
      const result = registry.decodeFrame(frame, ctx(), { decoderId: decoder.id, messageType: decoder.id === 'protobuf' && i % 3 === 0 ? 'demo.Tick' : undefined });
      assert.equal(typeof result.ok, 'boolean');
      inputs++;
    }
    registry.detect(frame, ctx());
  }
  assert.ok(inputs >= 21_000);
});
