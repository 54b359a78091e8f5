// Choosing a decoder: rules by session, topic and frame, a rule's protobuf message type, and decoders
// other code registers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DecoderRegistry, createDefaultRegistry } from '../../src/core/decoders';
import type { DecodeContext, DecodeResult } from '../../src/core/types';
import { ctx, errorOf, ok, registry, tickBytes, tickSchema } from '../support/decoding';

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
