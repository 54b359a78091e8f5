// Protobuf frames with schemas (imports, bundled google types, load errors as values) and without (field
// numbers and wire types), under bogus lengths and cut frames.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import * as protobuf from 'protobufjs';
import { DECODE_LIMITS, createDefaultRegistry } from '../../src/core/decoders';
import type { DecodeContext } from '../../src/core/types';
import { ctx, decodeAs, errorOf, ok, tickBytes, tickSchema } from '../support/decoding';

const protoDir = join(process.cwd(), 'test/fixtures/proto');

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
    'syntax = "proto3"; message Inner { int32 n = 1; } message Outer { string name = 1; fixed32 ' +
      'f = 5; Inner inner = 3; sint32 s = 4; double d = 7; int64 neg = 9; bytes blob = 12; }',
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
