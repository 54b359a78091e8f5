// MessagePack (msgpackr) and CBOR (cbor-x) decoders. Detection insists on a whole frame that parses as
// exactly one map or array, since almost any byte string is *some* valid MessagePack or CBOR.
import { decodeMultiple as cborDecodeMultiple } from 'cbor-x';
import { Unpackr } from 'msgpackr';
import type { DecodeResult, Decoder } from '../types';
import { DECODE_LIMITS, summarizeValue, valueToTree } from './decodedTree';

const unpackr = new Unpackr({ mapsAsObjects: true, useRecords: false, int64AsType: 'string' } as ConstructorParameters<typeof Unpackr>[0]);

function isMsgpackContainer(first: number): boolean {
  return (first >= 0x80 && first <= 0x9f) || first === 0xdc || first === 0xdd || first === 0xde || first === 0xdf;
}

function isCborContainer(first: number): boolean {
  const major = first >> 5;
  return major === 4 || major === 5;
}

function decodeMsgpack(frame: Uint8Array): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    const values = unpackr.unpackMultiple(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength)) as unknown[];
    if (values.length !== 1) return { ok: false, error: `Not one MessagePack value: the frame holds ${values.length} values back to back.` };
    return { ok: true, value: values[0] };
  } catch (error) {
    return { ok: false, error: `Not valid MessagePack: ${error instanceof RangeError ? 'nested too deeply' : (error as Error).message}` };
  }
}

function decodeCbor(frame: Uint8Array): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    const values: unknown[] = [];
    cborDecodeMultiple(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength), (value: unknown) => {
      values.push(value);
      return values.length < 2;
    });
    if (values.length !== 1) return { ok: false, error: `Not one CBOR value: the frame holds ${values.length} values back to back.` };
    return { ok: true, value: values[0] };
  } catch (error) {
    return { ok: false, error: `Not valid CBOR: ${error instanceof RangeError ? 'nested too deeply' : (error as Error).message}` };
  }
}

function result(decoderId: string, parsed: { ok: true; value: unknown } | { ok: false; error: string }): DecodeResult {
  if (!parsed.ok) return { ok: false, decoderId, error: parsed.error };
  const { tree, truncated } = valueToTree(parsed.value);
  let text: string;
  try {
    text = JSON.stringify(parsed.value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? `<${v.length} bytes>` : v), 2) ?? String(parsed.value);
  } catch {
    text = summarizeValue(parsed.value, DECODE_LIMITS.maxValueChars);
  }
  return { ok: true, decoderId, summary: summarizeValue(parsed.value), text: text.slice(0, DECODE_LIMITS.maxTextChars), tree, warning: truncated ? 'Large or deep value: part of the tree is not shown.' : undefined };
}

function tooBig(decoderId: string, frame: Uint8Array): DecodeResult | undefined {
  if (frame.length <= DECODE_LIMITS.maxInputBytes) return undefined;
  return { ok: false, decoderId, error: `The frame is ${frame.length} bytes; it is decoded up to ${DECODE_LIMITS.maxInputBytes} bytes.` };
}

export const msgpackDecoder: Decoder = {
  id: 'msgpack',
  label: 'MessagePack',
  canDecode(frame) {
    if (frame.length < 2 || frame.length > DECODE_LIMITS.maxInputBytes || !isMsgpackContainer(frame[0])) return 0;
    return decodeMsgpack(frame).ok ? 0.6 : 0;
  },
  decode(frame) {
    return tooBig('msgpack', frame) ?? result('msgpack', decodeMsgpack(frame));
  },
};

export const cborDecoder: Decoder = {
  id: 'cbor',
  label: 'CBOR',
  canDecode(frame) {
    if (frame.length < 2 || frame.length > DECODE_LIMITS.maxInputBytes || !isCborContainer(frame[0])) return 0;
    return decodeCbor(frame).ok ? 0.55 : 0;
  },
  decode(frame) {
    return tooBig('cbor', frame) ?? result('cbor', decodeCbor(frame));
  },
};
