// The base64 decoder. A frame that is base64 text is decoded and its bytes shown (as text when they are
// text, else as a hex dump); any other frame is shown encoded as base64, ready to copy. Auto-detection
// never picks it: base64 text cannot be told apart from ordinary words and tokens.
import type { Decoder } from '../types';
import { DECODE_LIMITS, clip, inputWindow, oneLine, warningOf } from './decodedTree';
import { formatHexDump, hexRows } from './hexDecoder';
import { asText, emptyFrameSummary } from './textDecoder';

const STANDARD = /^[A-Za-z0-9+/]*={0,2}$/;
const URL_SAFE = /^[A-Za-z0-9_-]*={0,2}$/;

/** The bytes that base64 text encodes, or undefined when the frame is not strict base64 (line breaks allowed). */
export function decodeBase64Text(frame: Uint8Array): Buffer | undefined {
  if (frame.length < 4) return undefined;
  const text = asText(frame);
  if (text === undefined) return undefined;
  const compact = text.replace(/[\r\n]/g, '').trim();
  if (compact.length < 4) return undefined;
  if (STANDARD.test(compact)) return compact.length % 4 === 0 ? Buffer.from(compact, 'base64') : undefined;
  // base64url usually drops the padding; a length of 4n+1 is impossible either way.
  if (URL_SAFE.test(compact)) return compact.length % 4 !== 1 ? Buffer.from(compact, 'base64url') : undefined;
  return undefined;
}

export const base64Decoder: Decoder = {
  id: 'base64',
  label: 'Base64',
  canDecode() {
    return 0;
  },
  decode(frame, context) {
    if (!frame.length) return { ok: true, decoderId: 'base64', summary: emptyFrameSummary(context), text: '' };
    const window = inputWindow(frame, context);
    const decoded = window.cut ? undefined : decodeBase64Text(frame);
    if (decoded) {
      const text = asText(decoded);
      const shown = text ?? formatHexDump(hexRows(decoded, Math.floor(DECODE_LIMITS.maxTextChars / 77)));
      const preview =
        text !== undefined
          ? JSON.stringify(text.slice(0, DECODE_LIMITS.summaryChars))
          : decoded
              .subarray(0, 24)
              .toString('hex')
              .replace(/(..)(?!$)/g, '$1 ');
      return {
        ok: true,
        decoderId: 'base64',
        summary: oneLine(`base64 of ${decoded.length} bytes: ${preview}`),
        text: clip(shown, DECODE_LIMITS.maxTextChars),
      };
    }
    const bytes = window.bytes.subarray(0, Math.floor((DECODE_LIMITS.maxTextChars / 4) * 3));
    const encoded = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
    return {
      ok: true,
      decoderId: 'base64',
      summary: oneLine(encoded),
      text: encoded,
      warning: warningOf([
        ...window.notes,
        bytes.length < window.bytes.length ? `Only the first ${bytes.length} bytes are shown as base64.` : undefined,
      ]),
    };
  },
};
