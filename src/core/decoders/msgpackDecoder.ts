// The MessagePack decoder (msgpackr): maps as objects, 64-bit integers exact (numbers while safe, else
// bigints), no records.
import { Unpackr, type Options } from 'msgpackr';
import type { Decoder } from '../types';
import { type OneValue, containerConfidence, decodeOneValue, errorText } from './structuredBinary';

// 'auto' is in msgpackr's code but not yet in its typings.
const unpackr = new Unpackr({ mapsAsObjects: true, useRecords: false, int64AsType: 'auto' as Options['int64AsType'] });

/** fixmap, fixarray, array16/32, map16/32. */
function opensMsgpackContainer(first: number): boolean {
  return (first >= 0x80 && first <= 0x9f) || (first >= 0xdc && first <= 0xdf);
}

export function readOneMsgpack(frame: Buffer): OneValue {
  let value: unknown;
  let end = -1;
  try {
    unpackr.unpackMultiple(frame, (v: unknown, _start?: number, stop?: number) => {
      value = v;
      end = stop ?? frame.length;
      return false;
    });
  } catch (error) {
    return { ok: false, error: errorText('MessagePack', error) };
  }
  if (end < 0) return { ok: false, error: 'Not valid MessagePack: no value in the frame.' };
  if (end !== frame.length)
    return { ok: false, error: `Not one MessagePack value: a value ends at byte ${end} and ${frame.length - end} more bytes follow.` };
  return { ok: true, value };
}

export const msgpackDecoder: Decoder = {
  id: 'msgpack',
  label: 'MessagePack',
  canDecode(frame) {
    return containerConfidence(frame, frame.length > 0 && opensMsgpackContainer(frame[0]), readOneMsgpack, 0.6);
  },
  decode(frame, context) {
    return decodeOneValue('msgpack', 'MessagePack', frame, context, readOneMsgpack);
  },
};
