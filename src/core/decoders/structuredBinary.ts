// What the MessagePack and CBOR decoders share: almost any byte string is *some* valid MessagePack or CBOR,
// so detection insists on a convincing structure (the whole frame is exactly one non-trivial map or array),
// and a decode failure, however deep, is an error value.
import type { DecodeContext, DecodeResult } from '../types';
import { DECODE_LIMITS, inputWindow, valueResult } from './decodedTree';

export type OneValue = { ok: true; value: unknown } | { ok: false; error: string };

/** A decoder of exactly one value filling the whole buffer. */
export type OneValueReader = (frame: Buffer) => OneValue;

export function errorText(format: string, error: unknown): string {
  if (error instanceof RangeError) return `Not valid ${format}: nested too deeply, or a length that does not fit (${error.message}).`;
  return `Not valid ${format}: ${error instanceof Error ? error.message : String(error)}`;
}

export function asBuffer(frame: Uint8Array): Buffer {
  return Buffer.isBuffer(frame) ? frame : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
}

/** True for a map with an entry or an array of two or more: a structure random bytes rarely make. */
function isConvincing(value: unknown): boolean {
  if (value instanceof Map) return value.size > 0;
  if (Array.isArray(value)) return value.length >= 2;
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value) && !(value instanceof Date))
    return Object.keys(value).length > 0;
  return false;
}

/** The confidence for a frame whose first byte opens a container: `confidence` when it is one convincing value. */
export function containerConfidence(frame: Uint8Array, opensContainer: boolean, read: OneValueReader, confidence: number): number {
  if (frame.length < 3 || frame.length > DECODE_LIMITS.maxInputBytes || !opensContainer) return 0;
  const parsed = read(asBuffer(frame));
  return parsed.ok && isConvincing(parsed.value) ? confidence : 0;
}

export function decodeOneValue(
  decoderId: string,
  format: string,
  frame: Uint8Array,
  context: DecodeContext | undefined,
  read: OneValueReader,
): DecodeResult {
  if (!frame.length) return { ok: false, decoderId, error: `Not ${format}: the frame is empty.` };
  if (frame.length > DECODE_LIMITS.maxInputBytes) {
    return {
      ok: false,
      decoderId,
      error: `The frame is ${frame.length} bytes; ${format} is decoded up to ${DECODE_LIMITS.maxInputBytes} bytes. The hex view shows its start.`,
    };
  }
  const window = inputWindow(frame, context);
  const parsed = read(asBuffer(window.bytes));
  if (!parsed.ok) return { ok: false, decoderId, error: window.cut ? `${parsed.error} ${window.notes.join(' ')}` : parsed.error };
  return valueResult(decoderId, parsed.value, window.notes, undefined, context);
}
