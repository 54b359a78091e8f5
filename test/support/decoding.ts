// What the decoder tests share: a decode context, result unwrapping that fails with the decoder's own
// words, tree measurement, and a protobuf schema with a message encoded by protobufjs.
import assert from 'node:assert/strict';
import * as protobuf from 'protobufjs';
import { createDefaultRegistry, type DecodedNode } from '../../src/core/decoders';
import type { DecodeContext, DecodeResult } from '../../src/core/types';

export const ctx = (extra: Partial<DecodeContext> = {}): DecodeContext => ({ frameIndex: 0, frameCount: 1, ...extra });
export const registry = createDefaultRegistry();
type Ok = Extract<DecodeResult, { ok: true }>;
export const ok = (r: DecodeResult): Ok => {
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r as Ok;
};
export const errorOf = (r: DecodeResult): string => {
  assert.equal(r.ok, false, `expected an error, got ${r.ok ? r.summary : ''}`);
  return r.ok ? '' : r.error;
};
/** Decodes with the shared default registry, the decoder pinned. */
export const decodeAs = (decoderId: string, bytes: Uint8Array, extra: Partial<DecodeContext> = {}, messageType?: string) =>
  registry.decodeFrame(bytes, ctx(extra), { decoderId, messageType });

export function measure(node: DecodedNode, depth = 0): { depth: number; nodes: number } {
  let result = { depth, nodes: 1 };
  for (const child of node.children ?? []) {
    const sub = measure(child, depth + 1);
    result = { depth: Math.max(result.depth, sub.depth), nodes: result.nodes + sub.nodes };
  }
  return result;
}

export const tickSchema = `syntax = "proto3"; package demo; message Money { string currency = 1; int64 units = 2; }
  message Tick { string sym = 1; double price = 2; uint64 seq = 3; int32 size = 4; bool halted = 5; repeated string tags = 6;
  Money notional = 7; enum Side { BUY = 0; SELL = 1; } Side side = 8; bytes raw = 9; float change = 10; }`;
export const Tick = protobuf.parse(tickSchema).root.lookupType('demo.Tick');
export const tickBytes = Tick.encode(
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
