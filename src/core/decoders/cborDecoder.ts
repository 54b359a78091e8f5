// The CBOR decoder (cbor-x): maps as objects, no record extensions; shared references may make cycles,
// which the tree limits cut.
import { Decoder as CborReader } from 'cbor-x';
import type { Decoder } from '../types';
import { type OneValue, containerConfidence, decodeOneValue, errorText } from './structuredBinary';

const reader = new CborReader({ mapsAsObjects: true, useRecords: false });

/** Major type 4 (array) or 5 (map). */
function opensCborContainer(first: number): boolean {
  const major = first >> 5;
  return major === 4 || major === 5;
}

export function readOneCbor(frame: Buffer): OneValue {
  const values: unknown[] = [];
  try {
    // Stop at the second value: one is enough to know the frame is not a single value.
    reader.decodeMultiple(frame, (value: unknown) => {
      values.push(value);
      return values.length < 2;
    });
  } catch (error) {
    if (values.length === 1) return { ok: false, error: 'Not one CBOR value: bytes that are not CBOR follow the first value.' };
    return { ok: false, error: errorText('CBOR', error) };
  }
  if (values.length !== 1)
    return {
      ok: false,
      error: values.length ? 'Not one CBOR value: more values follow the first.' : 'Not valid CBOR: no value in the frame.',
    };
  return { ok: true, value: values[0] };
}

export const cborDecoder: Decoder = {
  id: 'cbor',
  label: 'CBOR',
  canDecode(frame) {
    return containerConfidence(frame, frame.length > 0 && opensCborContainer(frame[0]), readOneCbor, 0.55);
  },
  decode(frame, context) {
    return decodeOneValue('cbor', 'CBOR', frame, context, readOneCbor);
  },
};
