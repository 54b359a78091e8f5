// The built-in decoders frame by frame: detection, JSON, text, hex, base64, MessagePack and CBOR, each
// under hostile input and within the decode limits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encode as cborEncode } from 'cbor-x';
import fc from 'fast-check';
import { pack } from 'msgpackr';
import { DECODE_LIMITS, createDefaultRegistry, hexRows } from '../../src/core/decoders';
import type { DecodeContext } from '../../src/core/types';
import { ctx, decodeAs, errorOf, measure, ok, registry, tickBytes, tickSchema } from '../support/decoding';

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
