import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { encode as cborEncode } from 'cbor-x';
import fc from 'fast-check';
import { pack } from 'msgpackr';
import * as protobuf from 'protobufjs';
import { DECODE_LIMITS, DecoderRegistry, createDefaultRegistry, hexRows, type DecodedNode } from '../../src/core/decoders';
import type { DecodeContext, DecodeResult } from '../../src/core/types';

const ctx = (extra: Partial<DecodeContext> = {}): DecodeContext => ({ frameIndex: 0, frameCount: 1, ...extra });
const registry = createDefaultRegistry();
const protoDir = join(process.cwd(), 'test/fixtures/proto');
type Ok = Extract<DecodeResult, { ok: true }>;
const ok = (r: DecodeResult): Ok => {
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r as Ok;
};
const errorOf = (r: DecodeResult): string => {
  assert.equal(r.ok, false, `expected an error, got ${r.ok ? r.summary : ''}`);
  return r.ok ? '' : r.error;
};
const decodeAs = (decoderId: string, bytes: Uint8Array, extra: Partial<DecodeContext> = {}, messageType?: string) =>
  registry.decodeFrame(bytes, ctx(extra), { decoderId, messageType });

function measure(node: DecodedNode, depth = 0): { depth: number; nodes: number } {
  let result = { depth, nodes: 1 };
  for (const child of node.children ?? []) {
    const sub = measure(child, depth + 1);
    result = { depth: Math.max(result.depth, sub.depth), nodes: result.nodes + sub.nodes };
  }
  return result;
}

const tickSchema = `syntax = "proto3"; package demo; message Money { string currency = 1; int64 units = 2; }
  message Tick { string sym = 1; double price = 2; uint64 seq = 3; int32 size = 4; bool halted = 5; repeated string tags = 6;
  Money notional = 7; enum Side { BUY = 0; SELL = 1; } Side side = 8; bytes raw = 9; float change = 10; }`;
const Tick = protobuf.parse(tickSchema).root.lookupType('demo.Tick');
const tickBytes = Tick.encode(
  Tick.create({
    sym: 'AAPL',
    price: 187.25,
    seq: 42,
    notional: { currency: 'USD', units: 1000 },
    side: 1,
    raw: Buffer.from([1, 2, 255]),
    tags: ['a', 'b'],
  }),
).finish();

test('auto-detection: JSON object > text, MessagePack and CBOR structures, protobuf, hex for other binary', () => {
  const pick = (bytes: Uint8Array, extra: Partial<DecodeContext> = {}) => registry.decodeFrame(bytes, ctx(extra)).decoderId;
  assert.equal(pick(Buffer.from('{"sym":"AAPL","price":1.5}')), 'json');
  assert.equal(pick(Buffer.from(' [1,2,3]\n')), 'json');
  assert.equal(pick(Buffer.from('ticks.AAPL')), 'text');
  assert.equal(pick(Buffer.from('42')), 'text', 'a bare JSON scalar reads as text');
  assert.equal(pick(Buffer.from('{not json}')), 'text');
  assert.equal(pick(pack({ sym: 'AAPL', price: 1.5 })), 'msgpack');
  assert.equal(pick(cborEncode([1, 'two', { three: 3 }])), 'cbor');
  assert.equal(pick(tickBytes), 'protobuf');
  assert.equal(pick(Buffer.from([0xff, 0xfe, 0x00, 0x07])), 'hex');
  assert.equal(pick(Buffer.from([0x91, 0x01])), 'hex', 'a one-element array is not convincing MessagePack');
  assert.equal(pick(Buffer.from([0x0a, 0x05, 0x41])), 'hex', 'protobuf only when the whole frame parses');
});

test('empty frames, routing ids and topics are detected by their place in the message', () => {
  const empty = ok(registry.decodeFrame(new Uint8Array(0), ctx({ frameIndex: 1, frameCount: 3 })));
  assert.equal(empty.decoderId, 'text');
  assert.match(empty.summary, /empty frame/);
  // A libzmq-made routing id, and one that happens to be valid MessagePack: both are names, not payloads.
  const router = (bytes: number[]) =>
    registry.decodeFrame(Buffer.from(bytes), ctx({ socketType: 'ROUTER', frameIndex: 0, frameCount: 3 })).decoderId;
  assert.equal(router([0x00, 0x80, 0x00, 0x00, 0x29]), 'hex');
  assert.equal(router([0x92, 0x01, 0x02]), 'hex');
  assert.equal(
    registry.decodeFrame(Buffer.from([0x92, 0x01, 0x02]), ctx({ socketType: 'ROUTER', frameIndex: 1, frameCount: 3 })).decoderId,
    'msgpack',
  );
  assert.equal(registry.decodeFrame(Buffer.from('{"a":1}'), ctx({ topic: '{"a":1}', frameCount: 2 })).decoderId, 'text');
});

test('JSON: tree, pretty text and one-line summary; malformed input is an error value', () => {
  const r = ok(decodeAs('json', Buffer.from('{"sym":"AAPL","price":1.5,"tags":["a","b"],"n":null}')));
  assert.equal(r.summary, '{"sym":"AAPL","price":1.5,"tags":["a","b"],"n":null}');
  assert.deepEqual(
    r.tree!.children!.map((c) => [c.key, c.type, c.value]),
    [
      ['sym', 'string', 'AAPL'],
      ['price', 'number', '1.5'],
      ['tags', 'array', '[2]'],
      ['n', 'null', 'null'],
    ],
  );
  assert.equal(r.text, JSON.stringify({ sym: 'AAPL', price: 1.5, tags: ['a', 'b'], n: null }, null, 2));
  const long = ok(decodeAs('json', Buffer.from(JSON.stringify({ text: 'x'.repeat(500), more: [1, 2, 3] }))));
  assert.ok(long.summary.length <= DECODE_LIMITS.summaryChars && long.summary.endsWith('…'), long.summary);
  assert.equal(ok(decodeAs('json', Buffer.from('\ufeff"just a string"'))).summary, '"just a string"');
  assert.match(errorOf(decodeAs('json', Buffer.from('{"a":'))), /Not valid JSON/);
  assert.match(errorOf(decodeAs('json', Buffer.from([0x7b, 0xff, 0x7d]))), /not UTF-8/);
  assert.match(errorOf(decodeAs('json', new Uint8Array(0))), /empty/);
  assert.match(errorOf(decodeAs('json', Buffer.from('{"a":1'), { trueSize: 5000 })), /capture kept only the first 6 of 5000 bytes/);
});

test('JSON nested 100k deep neither throws nor blows the stack; depth and node limits cut the tree', () => {
  const deep = Buffer.from('['.repeat(100_000) + ']'.repeat(100_000));
  const r = decodeAs('json', deep);
  if (r.ok) {
    assert.ok(measure(r.tree!).depth <= DECODE_LIMITS.maxDepth);
    assert.equal(r.text, deep.toString(), 'too deep to pretty-print: the text is the frame itself');
    assert.match(r.warning ?? '', /tree stops at 64 levels/);
  } else assert.match(r.error, /Not valid JSON/);
  const moderate = ok(decodeAs('json', Buffer.from('['.repeat(1000) + ']'.repeat(1000))));
  assert.equal(measure(moderate.tree!).depth, DECODE_LIMITS.maxDepth);
  assert.match(moderate.warning ?? '', /64 levels/);
  const wide = ok(decodeAs('json', Buffer.from(JSON.stringify(Array.from({ length: 30_000 }, (_, i) => i)))));
  const size = measure(wide.tree!);
  assert.ok(size.nodes <= DECODE_LIMITS.maxNodes + 1, `${size.nodes} nodes`);
  assert.match(wide.tree!.children!.at(-1)!.value!, /20001 more not shown/);
});

test('text: UTF-8 shown as is, invalid bytes with a warning, the size limit cut on a character boundary', () => {
  const t = ok(decodeAs('text', Buffer.from('héllo\n  wörld')));
  assert.equal(t.text, 'héllo\n  wörld');
  assert.equal(t.summary, 'héllo wörld');
  const bad = ok(decodeAs('text', Buffer.from([0x61, 0xff, 0x62])));
  assert.match(bad.warning!, /Not valid UTF-8/);
  // 'é' is 2 bytes: an odd limit falls inside one. The text stays valid and the warning tells the cut.
  const big = Buffer.from('a' + 'é'.repeat(DECODE_LIMITS.maxInputBytes / 2 + 10));
  const cut = ok(decodeAs('text', big));
  assert.ok(!cut.text!.includes('\ufffd'));
  assert.match(cut.warning!, /Only the first 1048576 of 1048597 bytes were decoded/);
  assert.ok(!/Not valid/.test(cut.warning!));
  assert.match(ok(decodeAs('text', Buffer.from('abc'), { trueSize: 9000 })).warning!, /first 3 of 9000 bytes/);
});

test('hex dump: classic rows of offset, 16 bytes, ASCII; a text dump with the same layout', () => {
  const rows = hexRows(Buffer.from('Hello, ZeroMQ!\x00\x01\xffXYZ', 'latin1'));
  assert.deepEqual(rows, [
    { offset: 0, hex: '48 65 6c 6c 6f 2c 20 5a  65 72 6f 4d 51 21 00 01', ascii: 'Hello, ZeroMQ!..' },
    { offset: 16, hex: 'ff 58 59 5a', ascii: '.XYZ' },
  ]);
  assert.equal(hexRows(new Uint8Array(100), 2).length, 2);
  const r = ok(decodeAs('hex', Buffer.from('Hello, ZeroMQ!\x00\x01\xffXYZ', 'latin1')));
  assert.equal(r.text!.split('\n')[1], `00000010  ff 58 59 5a${' '.repeat(37)}  .XYZ`);
  assert.match(r.summary, /^48 65 6c .* \(20 bytes\)$/);
  const huge = ok(decodeAs('hex', new Uint8Array(2 * 1024 * 1024)));
  assert.match(huge.warning!, /Hex dump of the first \d+ of 2097152 bytes/);
  assert.ok(huge.text!.length <= DECODE_LIMITS.maxTextChars);
});

test('base64: base64 text is decoded; any other frame is shown encoded', () => {
  const decoded = ok(decodeAs('base64', Buffer.from(Buffer.from('Hello, ZeroMQ!').toString('base64'))));
  assert.equal(decoded.text, 'Hello, ZeroMQ!');
  assert.equal(decoded.summary, 'base64 of 14 bytes: "Hello, ZeroMQ!"');
  const binary = ok(decodeAs('base64', Buffer.from(Buffer.from([0, 1, 2, 0xff]).toString('base64url'))));
  assert.match(binary.text!, /^00000000 {2}00 01 02 ff/);
  const encoded = ok(decodeAs('base64', Buffer.from([1, 2, 3])));
  assert.equal(encoded.text, 'AQID');
  assert.equal(ok(decodeAs('base64', Buffer.from('not base64!'))).text, Buffer.from('not base64!').toString('base64'));
});

test('MessagePack and CBOR: good input, truncated input, trailing bytes, exact 64-bit integers', () => {
  const m = ok(decodeAs('msgpack', pack({ a: 1, b: [true, null], ts: 1_764_000_000_000, big: 2n ** 63n })));
  assert.equal(m.summary, '{"a":1,"b":[true,null],"ts":1764000000000,"big":9223372036854775808}');
  assert.deepEqual(
    m.tree!.children!.slice(2).map((c) => [c.type, c.value]),
    [
      ['number', '1764000000000'],
      ['bigint', '9223372036854775808'],
    ],
  );
  assert.equal(JSON.parse(m.text!).big, '9223372036854775808', 'the text is JSON: a bigint is written as a string');
  assert.equal(ok(decodeAs('cbor', cborEncode([2n ** 64n - 1n, -(2n ** 63n)]))).summary, '[18446744073709551615,-9223372036854775808]');
  const c = ok(decodeAs('cbor', cborEncode({ x: 'y', when: new Date(0), bytes: Buffer.from([1, 2]) })));
  assert.equal(c.summary, '{"x":"y","when":1970-01-01T00:00:00.000Z,"bytes":<2 bytes>}');
  assert.deepEqual(
    c.tree!.children!.map((n) => n.type),
    ['string', 'date', 'bytes'],
  );
  assert.match(errorOf(decodeAs('msgpack', pack({ a: 'long string here' }).subarray(0, 5))), /Not valid MessagePack/);
  assert.match(errorOf(decodeAs('cbor', cborEncode({ a: 'long string here' }).subarray(0, 5))), /CBOR/);
  assert.match(errorOf(decodeAs('msgpack', Buffer.concat([pack([1, 2]), Buffer.from([0xc1, 0xc1])]))), /2 more bytes follow/);
  assert.match(errorOf(decodeAs('cbor', Buffer.concat([cborEncode([1, 2]), cborEncode(3)]))), /Not one CBOR value/);
});

test('any JSON value decodes the same from JSON, MessagePack and CBOR: the summary is its JSON, cut at the limit (fast-check)', () => {
  const max = DECODE_LIMITS.summaryChars;
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
      const json = JSON.stringify(value);
      const expected = json.length > max ? `${json.slice(0, max - 1)}…` : json;
      const fromJson = ok(decodeAs('json', Buffer.from(json)));
      assert.equal(fromJson.summary, expected);
      if (json.length < 10_000) assert.equal(fromJson.text, JSON.stringify(value, null, 2));
      assert.equal(ok(decodeAs('msgpack', pack(value))).summary, expected);
      assert.equal(ok(decodeAs('cbor', cborEncode(value))).summary, expected);
    }),
    { seed: 20240611, numRuns: 400 },
  );
});

test('MessagePack and CBOR under hostile input: huge length headers, deep nesting, cycles', () => {
  const hostile: Array<[string, number[]]> = [
    ['msgpack', [0xdd, 0xff, 0xff, 0xff, 0xff, 0x01]], // array32 of 4 billion
    ['msgpack', [0xdf, 0xff, 0xff, 0xff, 0xff, 0xa1, 0x61]], // map32 of 4 billion
    ['msgpack', [0xdb, 0xff, 0xff, 0xff, 0xff, 0x61]], // str32 of 4 GiB
    ['cbor', [0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]], // array of 2^64-1
    ['cbor', [0x5b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]], // byte string of 2^63-1
  ];
  for (const [id, bytes] of hostile)
    assert.equal(decodeAs(id, Buffer.from(bytes)).ok, false, `${id} ${Buffer.from(bytes).toString('hex')}`);
  for (const [id, byte] of [
    ['msgpack', 0x91],
    ['cbor', 0x81],
    ['cbor', 0x9f],
  ] as const) {
    const r = decodeAs(id, Buffer.alloc(200_000, byte));
    assert.equal(typeof r.ok, 'boolean');
  }
  // CBOR shared references (tags 28/29): an array that holds itself.
  const cyclic = decodeAs('cbor', Buffer.from([0xd8, 0x1c, 0x82, 0x01, 0xd8, 0x1d, 0x00]));
  if (cyclic.ok) {
    assert.ok(measure(cyclic.tree!).depth <= DECODE_LIMITS.maxDepth);
    assert.ok(cyclic.summary.length <= DECODE_LIMITS.summaryChars);
  }
});

test('protobuf with schemas: an import through the include root, bundled google types, tree and summary', async () => {
  const local = createDefaultRegistry();
  const load = await local.protobuf.loadSchemas([join(protoDir, 'tick.proto'), join(protoDir, 'order.proto')], [join(protoDir, 'include')]);
  assert.ok(load.ok, load.ok ? '' : load.error);
  assert.ok(
    load.ok &&
      ['demo.Tick', 'demo.Money', 'demo.Order', 'shared.Venue', 'google.protobuf.Timestamp'].every((t) => load.messageTypes.includes(t)),
    String(load.ok && load.messageTypes),
  );
  const r = ok(local.decodeFrame(tickBytes, ctx(), { decoderId: 'protobuf', messageType: 'demo.Tick' }));
  assert.equal(r.summary, 'Tick { sym: "AAPL", price: 187.25, seq: 42, tags: ["a", "b"], notional: { curre…');
  const byKey = new Map(r.tree!.children!.map((c) => [c.key, c]));
  assert.deepEqual([r.tree!.type, r.tree!.value], ['message', 'Tick']);
  assert.deepEqual([byKey.get('seq')!.type, byKey.get('seq')!.value], ['number', '42']);
  assert.deepEqual([byKey.get('side')!.type, byKey.get('side')!.value], ['enum', 'SELL']);
  assert.deepEqual([byKey.get('raw')!.type, byKey.get('raw')!.value], ['bytes', '01 02 ff']);
  assert.deepEqual(
    byKey.get('notional')!.children!.map((c) => [c.key, c.value]),
    [
      ['currency', 'USD'],
      ['units', '1000'],
    ],
  );
  assert.deepEqual(JSON.parse(r.text!).raw, 'AQL/');

  const Order = local.protobuf.lookupType('demo.Order')!;
  const order = Order.encode(
    Order.create({
      id: 'o1',
      venue: { mic: 'XNAS', lot_size: 100 },
      quantities: { AAPL: '4611686018427387904' },
      placed: { seconds: 5 },
      children: [{ id: 'o2' }],
    }),
  ).finish();
  const o = ok(local.decodeFrame(order, ctx(), { decoderId: 'protobuf', messageType: 'demo.Order' }));
  assert.equal(o.summary, 'Order { id: "o1", venue: { mic: "XNAS", lot_size: 100 }, quantities: {AAPL: 461…');
  const quantities = o.tree!.children!.find((c) => c.key === 'quantities')!;
  assert.deepEqual([quantities.type, quantities.children![0].key, quantities.children![0].value], ['map', 'AAPL', String(2n ** 62n)]);

  assert.match(
    errorOf(local.decodeFrame(tickBytes, ctx(), { decoderId: 'protobuf', messageType: 'demo.Nope' })),
    /No message type demo.Nope .*demo\.Money/,
  );
  const wrongType = ok(local.decodeFrame(tickBytes, ctx(), { decoderId: 'protobuf', messageType: 'shared.Venue' }));
  assert.match(wrongType.warning!, /Field number\(s\) 3, 6, 7, 8, 9 are not in Venue/);
});

test('protobuf with a schema: bogus lengths and a 2^63 length are clear errors, a cut frame says so', () => {
  const local = createDefaultRegistry();
  assert.ok(local.protobuf.loadText(tickSchema, 'tick.proto').ok);
  const as = (bytes: number[] | Uint8Array, extra: Partial<DecodeContext> = {}) =>
    local.decodeFrame(Buffer.from(bytes), ctx(extra), { decoderId: 'protobuf', messageType: 'demo.Tick' });
  assert.match(errorOf(as([0x0a, 0x20, 0x41])), /Not a valid demo.Tick: field 1 claims 32 bytes but only 1 are left/);
  // protobufjs reads lengths as 32 bits: 2^63 would wrap to 0 without the check.
  assert.match(errorOf(as([0x0a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])), /claims 9223372036854775808 bytes/);
  assert.match(errorOf(as([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])), /does not fit in 64 bits/);
  // The same inside a nested message (notional, field 7): the check follows the schema down.
  assert.match(
    errorOf(as([0x0a, 0x01, 0x41, 0x3a, 0x0b, 0x0a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])),
    /in notional \(byte 3\): field 1 claims 9223372036854775808 bytes but only 0 are left/,
  );
  assert.match(errorOf(as(tickBytes.subarray(0, 10), { trueSize: tickBytes.length })), /capture kept only the first 10/);
  assert.match(
    errorOf(createDefaultRegistry().decodeFrame(tickBytes, ctx(), { decoderId: 'protobuf', messageType: 'demo.Tick' })),
    /No \.proto schema is loaded/,
  );
  // A recursive type nested past protobufjs's recursion limit is an error, not a stack overflow.
  assert.ok(local.protobuf.loadText('syntax = "proto3"; message Node { Node child = 1; int32 v = 2; }').ok);
  let nested: Uint8Array = Buffer.from([0x10, 0x01]);
  for (let i = 0; i < 300; i++) {
    const length: number[] = [];
    for (let n = nested.length; ; n >>>= 7) {
      if (n < 0x80) {
        length.push(n);
        break;
      }
      length.push((n & 0x7f) | 0x80);
    }
    nested = Buffer.concat([Buffer.from([0x0a, ...length]), nested]);
  }
  assert.equal(typeof local.decodeFrame(nested, ctx(), { decoderId: 'protobuf', messageType: 'Node' }).ok, 'boolean');
});

test('.proto load errors are values naming the file and line; a failed load keeps the schemas in force', async () => {
  const local = createDefaultRegistry();
  assert.ok((await local.protobuf.loadSchemas([join(protoDir, 'tick.proto')])).ok);
  const broken = await local.protobuf.loadSchemas([join(protoDir, 'broken.proto')]);
  assert.ok(!broken.ok);
  assert.match(broken.error, /broken\.proto:5: illegal token 'double', ';' expected/);
  assert.deepEqual([broken.file, broken.line], [join(protoDir, 'broken.proto'), 5]);
  const missing = await local.protobuf.loadSchemas([join(protoDir, 'missing_import.proto')], [join(protoDir, 'include')]);
  assert.ok(!missing.ok);
  assert.match(missing.error, /missing_import\.proto:3: import "nowhere\/missing\.proto" was not found \(looked in .*include/);
  const dangling = await local.protobuf.loadSchemas([join(protoDir, 'bad_reference.proto')]);
  assert.ok(!dangling.ok);
  assert.match(dangling.error, /bad_reference\.proto: no such Type or Enum 'NoSuchType'/);
  const withoutRoot = await local.protobuf.loadSchemas([join(protoDir, 'order.proto')]);
  assert.match(!withoutRoot.ok ? withoutRoot.error : '', /import "shared\/venue\.proto" was not found/);
  const unreadable = await local.protobuf.loadSchemas([join(protoDir, 'no-such-file.proto')]);
  assert.match(!unreadable.ok ? unreadable.error : '', /Cannot read .*no-such-file\.proto/);
  assert.ok(local.protobuf.messageTypes.includes('demo.Tick'), 'the schemas loaded before stay in force');
  // Two loads at once (settings changed twice quickly): the one started last is kept.
  const [older, newer] = await Promise.all([
    local.protobuf.loadSchemas([join(protoDir, 'order.proto')], [join(protoDir, 'include')]),
    local.protobuf.loadSchemas([join(protoDir, 'common.proto')]),
  ]);
  assert.ok(older.ok && older.messageTypes.includes('demo.Order'));
  assert.deepEqual(newer.ok && newer.messageTypes, ['demo.Money']);
  assert.deepEqual(local.protobuf.messageTypes, ['demo.Money']);
  const text = local.protobuf.loadText('syntax = "proto3";\nmessage A {\n  int32 x = 1\n}', 'pasted.proto');
  assert.deepEqual(text.ok ? undefined : [text.error, text.line], ["pasted.proto:4: illegal token '}', ';' expected", 4]);
});

test('schemaless protobuf shows the field numbers and wire types of a message encoded by protobufjs', () => {
  const root = protobuf.parse(
    'syntax = "proto3"; message Inner { int32 n = 1; } message Outer { string name = 1; fixed32 f = 5; Inner inner = 3; sint32 s = 4; double d = 7; int64 neg = 9; bytes blob = 12; }',
  ).root;
  const Outer = root.lookupType('Outer');
  const bytes = Outer.encode(
    Outer.create({ name: 'zmq', inner: { n: 150 }, s: -3, f: 7, d: 2.5, neg: -1, blob: Buffer.from([0xff, 0x00]) }),
  ).finish();
  const r = ok(decodeAs('protobuf', bytes));
  const fields = r.tree!.children!;
  assert.deepEqual(
    fields.map((f) => [f.key, f.type]),
    [
      ['#1', 'string'],
      ['#3', 'message'],
      ['#4', 'varint'],
      ['#5', 'fixed32'],
      ['#7', 'fixed64'],
      ['#9', 'varint'],
      ['#12', 'bytes'],
    ],
  );
  assert.equal(fields[0].value, 'zmq');
  assert.deepEqual(
    fields[1].children!.map((c) => [c.key, c.value]),
    [['#1', '150']],
  );
  assert.match(fields[2].value!, /sint: -3/);
  assert.match(fields[3].value!, /^7 \(float: /);
  assert.match(fields[4].value!, /double: 2.5/);
  assert.equal(fields[5].value, '18446744073709551615 (int64: -1)');
  assert.equal(fields[6].value, 'ff 00');
  assert.equal(r.summary, '{ #1: "zmq", #3: {…}, #4: 5, #5: 7, #7: 4612811918334230528, #9: 184467440737… }');
  assert.match(r.warning!, /No schema/);
  assert.equal(ok(decodeAs('protobuf', new Uint8Array(0))).tree!.children!.length, 0);
});

test('schemaless protobuf under hostile input: bogus lengths, 2^63 and overlong varints, bad wire types, cut frames', () => {
  assert.match(
    errorOf(decodeAs('protobuf', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]))),
    /field 1 claims 4294967295 bytes but only 1 are left/,
  );
  assert.match(
    errorOf(decodeAs('protobuf', Buffer.from([0x12, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00]))),
    /field 2 claims 9223372036854775808 bytes/,
  );
  assert.match(
    errorOf(decodeAs('protobuf', Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]))),
    /varint longer than 10 bytes|does not fit in 64 bits/,
  );
  assert.match(errorOf(decodeAs('protobuf', Buffer.from([0x0f, 0x01]))), /wire type 7, which does not exist/);
  assert.match(errorOf(decodeAs('protobuf', Buffer.from([0x0b, 0x0c]))), /groups/);
  assert.match(errorOf(decodeAs('protobuf', Buffer.from([0x00, 0x01]))), /invalid field number 0/);
  const twoPowerSixtyThree = ok(decodeAs('protobuf', Buffer.from([0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])));
  assert.equal(twoPowerSixtyThree.tree!.children![0].value, '9223372036854775808 (int64: -9223372036854775808)');
  // A frame the capture cut: the fields before the cut are shown, and the warning says where it stopped.
  const cut = ok(decodeAs('protobuf', tickBytes.subarray(0, 16), { trueSize: tickBytes.length }));
  assert.deepEqual(
    cut.tree!.children!.map((c) => c.key),
    ['#1', '#2'],
  );
  assert.match(cut.warning!, /capture kept only the first 16 .* fields from byte 15 on are not shown: varint of field 3 cut short/);
  const many = Buffer.alloc(40_000);
  for (let i = 0; i < many.length; i += 2) many.set([0x08, 0x01], i);
  const manyFields = ok(decodeAs('protobuf', many));
  assert.equal(manyFields.tree!.children!.length, DECODE_LIMITS.maxNodes + 1);
  assert.match(manyFields.warning!, /Only 10000 fields are shown/);
});

test('rules pin a decoder by session, topic and frame; the most specific wins; a pinned id beats rules', () => {
  const frame = Buffer.from('{"a":1}');
  const rules: unknown[] = [
    { decoder: 'text', topicPrefix: 'ticks.' },
    { decoder: 'base64', topicPrefix: 'ticks.AA' },
    { decoder: 'hex', topicPrefix: 'ticks.', frameIndex: 1 },
    { decoder: 'cbor', sessionId: 's9' },
    { decoder: 'msgpack', frameIndex: 2 },
    null,
    'json',
    { decoder: 42 },
    { decoder: 'hex', frameIndex: 'one' },
    { decoder: 'hex', topicPrefix: 7 },
  ];
  const decoderFor = (c: Partial<DecodeContext>, decoderId?: string) =>
    registry.decodeFrame(frame, ctx({ frameCount: 3, ...c }), { rules, decoderId }).decoderId;
  assert.equal(decoderFor({ topic: 'ticks.MSFT', frameIndex: 0 }), 'text');
  assert.equal(decoderFor({ topic: 'ticks.AAPL', frameIndex: 0 }), 'base64', 'the longer topic prefix wins');
  assert.equal(decoderFor({ topic: 'ticks.AAPL', frameIndex: 1 }), 'hex', 'topic and frame beat a longer topic alone');
  assert.equal(decoderFor({ topic: 'ticks.AAPL', frameIndex: 1, sessionId: 's9' }), 'cbor', 'the session beats everything');
  assert.equal(decoderFor({ topic: 'other', frameIndex: 2 }), 'msgpack');
  assert.equal(decoderFor({ topic: 'other', frameIndex: 1 }), 'json', 'no rule: detection');
  assert.equal(decoderFor({ frameIndex: 1 }), 'json', 'a topic rule needs a topic');
  assert.equal(decoderFor({ topic: 'ticks.AAPL' }, 'json'), 'json', 'a pinned decoder beats the rules');
  assert.match(errorOf(registry.decodeFrame(frame, ctx(), { decoderId: 'nope' })), /No decoder "nope" \(known: text, json, hex/);
  // A rule naming a decoder nobody registered: the frame is still decoded, and the warning says why.
  const orphan = ok(registry.decodeFrame(frame, ctx(), { rules: [{ decoder: 'avro' }] }));
  assert.equal(orphan.decoderId, 'json');
  assert.match(orphan.warning!, /rule names "avro", which is not registered/);
});

test('a rule gives protobuf its message type', () => {
  const local = createDefaultRegistry();
  assert.ok(local.protobuf.loadText(tickSchema).ok);
  const rules = [{ decoder: 'protobuf', topicPrefix: 'ticks.', messageType: 'demo.Tick' }];
  const r = ok(local.decodeFrame(tickBytes, ctx({ topic: 'ticks.AAPL', frameIndex: 1, frameCount: 2 }), { rules }));
  assert.match(r.summary, /^Tick \{ sym: "AAPL"/);
  const raw = ok(local.decodeFrame(tickBytes, ctx({ frameIndex: 1, frameCount: 2 }), { rules }));
  assert.match(raw.summary, /^\{ #1: "AAPL"/);
  assert.match(raw.warning!, /Pick a message type/);
});

test('other code registers decoders: they join detection, hide a same-id decoder until disposed, and cannot break decodeFrame', () => {
  const local = createDefaultRegistry();
  const upper = local.register({
    id: 'upper',
    label: 'Upper',
    canDecode: (f) => (f[0] === 0x21 ? 1 : 0),
    decode: (f) => ({ ok: true, decoderId: 'wrong', summary: Buffer.from(f).toString().toUpperCase() }),
  });
  const shout = ok(local.decodeFrame(Buffer.from('!hi'), ctx()));
  assert.deepEqual([shout.decoderId, shout.summary], ['upper', '!HI'], 'the result carries the id of the decoder used');
  upper.dispose();
  upper.dispose();
  assert.equal(local.get('upper'), undefined);

  const builtIn = local.get('json');
  const first = local.register({
    id: 'json',
    label: 'JSON 2',
    canDecode: () => 0,
    decode: () => ({ ok: true, decoderId: 'json', summary: 'mine' }),
  });
  const second = local.register({
    id: 'json',
    label: 'JSON 3',
    canDecode: () => 0,
    decode: () => ({ ok: true, decoderId: 'json', summary: 'theirs' }),
  });
  assert.equal(local.get('json')!.label, 'JSON 3');
  first.dispose();
  assert.equal(local.get('json')!.label, 'JSON 3', 'disposing a hidden decoder changes nothing');
  second.dispose();
  assert.equal(local.get('json'), builtIn);
  assert.equal(local.list().filter((d) => d.id === 'json').length, 1);

  // A decoder that claims everything and fails: detection falls back to the next candidate.
  local.register({ id: 'greedy', label: 'Greedy', canDecode: () => 1, decode: () => ({ ok: false, decoderId: 'greedy', error: 'no' }) });
  local.register({
    id: 'thrower',
    label: 'Thrower',
    canDecode: () => {
      throw new Error('boom');
    },
    decode: () => {
      throw new Error('boom');
    },
  });
  local.register({ id: 'garbage', label: 'Garbage', canDecode: () => Number.NaN, decode: () => null as unknown as DecodeResult });
  assert.equal(local.decodeFrame(Buffer.from('{"a":1}'), ctx()).decoderId, 'json');
  assert.match(errorOf(local.decodeFrame(Buffer.from('x'), ctx(), { decoderId: 'thrower' })), /The Thrower decoder failed: boom/);
  assert.match(errorOf(local.decodeFrame(Buffer.from('x'), ctx(), { decoderId: 'garbage' })), /returned no result/);
  assert.throws(() => local.register({ id: '', label: 'x' } as never), /non-empty string id/);
  assert.equal(new DecoderRegistry().decodeFrame(Buffer.from('x'), ctx()).ok, false, 'an empty registry answers with an error value');
});

test('random and mutated bytes never make any decoder throw, and results stay within the limits (seeded)', () => {
  const local = createDefaultRegistry();
  assert.ok(local.protobuf.loadText(tickSchema).ok);
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const seeds = [
    Buffer.from('{"a":[1,2,{"b":null}],"c":"d"}'),
    pack({ a: [1, 2], s: 'x' }),
    cborEncode({ a: [1, 2], t: new Date(1) }),
    Buffer.from(tickBytes),
    Buffer.from('aGVsbG8gd29ybGQ='),
  ];
  let decoded = 0;
  for (let i = 0; i < 3000; i++) {
    let frame: Buffer;
    if (i % 2) {
      frame = Buffer.from(seeds[i % seeds.length]);
      for (let k = 0; k < 1 + (i % 4); k++) frame[Math.floor(random() * frame.length)] = Math.floor(random() * 256);
      if (i % 5 === 0) frame = frame.subarray(0, Math.floor(random() * frame.length));
    } else {
      frame = Buffer.alloc(Math.floor(random() * 96));
      for (let k = 0; k < frame.length; k++) frame[k] = Math.floor(random() * 256);
    }
    const context = ctx({
      frameIndex: i % 3,
      frameCount: 3,
      socketType: i % 7 ? 'SUB' : 'ROUTER',
      trueSize: i % 11 ? undefined : frame.length + 10,
    });
    for (const decoder of local.list()) {
      for (const messageType of decoder.id === 'protobuf' ? [undefined, 'demo.Tick'] : [undefined]) {
        const direct = decoder.decode(frame, messageType ? ({ ...context, messageType } as DecodeContext) : context);
        const viaRegistry = local.decodeFrame(frame, context, { decoderId: decoder.id, messageType });
        assert.equal(direct.ok, viaRegistry.ok);
        if (viaRegistry.ok) {
          assert.ok(viaRegistry.summary.length <= DECODE_LIMITS.summaryChars, `${decoder.id}: ${viaRegistry.summary}`);
          if (viaRegistry.tree) assert.ok(measure(viaRegistry.tree).depth <= DECODE_LIMITS.maxDepth);
        } else assert.ok(viaRegistry.error.length > 0);
        decoded++;
      }
      const confidence = decoder.canDecode(frame, context);
      assert.ok(confidence >= 0 && confidence <= 1);
    }
    assert.equal(typeof local.decodeFrame(frame, context).ok, 'boolean');
  }
  assert.equal(decoded, 3000 * 8);
});
