// The CBOR decoder (cbor-x): maps as objects, no record extensions. Shared references (tags 28/29) are read
// in one pass: a reference to a value already read is that value (a DAG, which every walk expands under its
// budget), a reference to a value still being read (a cycle) is a SharedReference mark.
import { Decoder as CborReader, addExtension } from 'cbor-x';
import type { Decoder } from '../types';
import { type OneValue, containerConfidence, decodeOneValue, errorText } from './structuredBinary';
import { SharedReference } from './valueWalk';

const reader = new CborReader({ mapsAsObjects: true, useRecords: false });

/** Tag 28 values of the frame being read, by id; PENDING while a value is still being read. */
let shareables: unknown[] = [];
const PENDING = Symbol('pending');

// cbor-x's own tag 28 rereads a value that refers to itself, once per nesting level: a 1 MiB frame of such
// levels costs seconds. Its tag table is global (no per-decoder option), and this bundle's only CBOR reader
// is this one: the two tags are replaced here, for every reader in the process.
function readShareable(read: () => unknown): unknown {
  const id = shareables.length;
  shareables.push(PENDING);
  const value = read();
  shareables[id] = value;
  return value;
}
readShareable.handlesRead = true;

function readSharedReference(id: unknown): unknown {
  // Only a number is looked at: converting another value (a graph) to a number could walk all of it.
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= shareables.length)
    return new SharedReference(typeof id === 'number' ? id : -1, false);
  const value = shareables[id];
  return value === PENDING ? new SharedReference(id, true) : value;
}

type AnyExtension = Parameters<typeof addExtension>[0];
addExtension({ tag: 28, decode: readShareable } as unknown as AnyExtension);
addExtension({ tag: 29, decode: readSharedReference } as unknown as AnyExtension);

/** Major type 4 (array) or 5 (map). */
function opensCborContainer(first: number): boolean {
  const major = first >> 5;
  return major === 4 || major === 5;
}

export function readOneCbor(frame: Buffer): OneValue {
  const values: unknown[] = [];
  shareables = [];
  try {
    // Stop at the second value: one is enough to know the frame is not a single value.
    reader.decodeMultiple(frame, (value: unknown) => {
      values.push(value);
      return values.length < 2;
    });
  } catch (error) {
    if (values.length === 1) return { ok: false, error: 'Not one CBOR value: bytes that are not CBOR follow the first value.' };
    return { ok: false, error: errorText('CBOR', error) };
  } finally {
    shareables = [];
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
