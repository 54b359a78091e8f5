// The UTF-8 text decoder, and the text test the other decoders share (JSON, base64, protobuf strings).
import { isUtf8 } from 'node:buffer';
import type { DecodeContext, Decoder } from '../types';
import { DECODE_LIMITS, clip, inputWindow, oneLine, warningOf } from './decodedTree';

const utf8 = new TextDecoder('utf-8');

/** Bytes detection looks at to call a frame text. */
const SNIFF_BYTES = 4096;

/** True for the C0 controls (and DEL) that do not occur in text; tabs, line breaks and ESC do. */
function isBinaryControl(c: number): boolean {
  return (c < 0x20 && !(c >= 0x09 && c <= 0x0d) && c !== 0x1b) || c === 0x7f;
}

/** Valid UTF-8 without binary control bytes. Throws nothing, allocates nothing: detection runs it on every frame. */
export function isText(bytes: Uint8Array): boolean {
  // The controls are ASCII, so looking at bytes finds them; every other byte of a character is >= 0x80.
  for (let i = 0; i < bytes.length; i++) if (isBinaryControl(bytes[i])) return false;
  return isUtf8(bytes);
}

/** The frame as UTF-8 text, or undefined when it is not valid UTF-8 or holds binary control bytes. */
export function asText(bytes: Uint8Array): string | undefined {
  return isText(bytes) ? utf8.decode(bytes) : undefined;
}

/** At most `max` bytes of the frame, cut before a character that would not fit whole. */
export function utf8Prefix(bytes: Uint8Array, max: number): Uint8Array {
  if (bytes.length <= max) return bytes;
  let end = max;
  // bytes[end] is the first byte left out: while it continues a character, that character is left out too.
  for (let back = 0; back < 3 && end > 0 && (bytes[end] & 0xc0) === 0x80; back++) end--;
  return bytes.subarray(0, end);
}

export function emptyFrameSummary(context?: DecodeContext): string {
  const last = context ? context.frameIndex === context.frameCount - 1 : true;
  return last ? '(empty frame)' : '(empty frame: a delimiter?)';
}

export const textDecoder: Decoder = {
  id: 'text',
  label: 'Text (UTF-8)',
  canDecode(frame) {
    if (!frame.length) return 0.2;
    return isText(utf8Prefix(frame, SNIFF_BYTES)) ? 0.5 : 0;
  },
  decode(frame, context) {
    if (!frame.length) return { ok: true, decoderId: 'text', summary: emptyFrameSummary(context), text: '' };
    const window = inputWindow(frame, context);
    // A frame cut inside a character ends with a partial one: drop it rather than call the text invalid.
    const whole = window.cut ? trimPartialCharacter(window.bytes) : window.bytes;
    const text = asText(whole);
    if (text === undefined) {
      const lossy = utf8.decode(whole);
      return {
        ok: true,
        decoderId: 'text',
        summary: oneLine(lossy),
        text: clip(lossy, DECODE_LIMITS.maxTextChars),
        warning: warningOf(['Not valid UTF-8 text (or holds binary control bytes): shown with replacement characters.', ...window.notes]),
      };
    }
    return {
      ok: true,
      decoderId: 'text',
      summary: oneLine(text),
      text: clip(text, DECODE_LIMITS.maxTextChars),
      warning: warningOf(window.notes),
    };
  },
};

/** Drops an incomplete UTF-8 sequence at the end (at most 3 bytes). */
function trimPartialCharacter(bytes: Uint8Array): Uint8Array {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back];
    if ((b & 0xc0) === 0x80) continue;
    const needed = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return needed > back ? bytes.subarray(0, bytes.length - back) : bytes;
  }
  return bytes;
}
