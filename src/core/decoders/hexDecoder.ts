// The hex dump decoder, and the rows of a classic dump (offset, 16 bytes in hex, the same bytes as ASCII)
// that the inspector's webview draws itself.
import type { Decoder } from '../types';
import { DECODE_LIMITS, warningOf } from './decodedTree';
import { emptyFrameSummary } from './textDecoder';

export interface HexRow {
  offset: number;
  /** 16 bytes as hex pairs, an extra space after the eighth; shorter on the last row. */
  hex: string;
  /** The same bytes as printable ASCII, "." for the rest. */
  ascii: string;
}

const HEX_PAIRS = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
const ASCII = Array.from({ length: 256 }, (_, b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.'));

/** Rows of a classic hex dump, at most `maxRows` of them (from the start of the frame). */
export function hexRows(frame: Uint8Array, maxRows = 4096): HexRow[] {
  const rows: HexRow[] = [];
  for (let offset = 0; offset < frame.length && rows.length < maxRows; offset += 16) {
    const end = Math.min(offset + 16, frame.length);
    let hex = '';
    let ascii = '';
    for (let i = offset; i < end; i++) {
      hex += i === offset ? HEX_PAIRS[frame[i]] : i - offset === 8 ? `  ${HEX_PAIRS[frame[i]]}` : ` ${HEX_PAIRS[frame[i]]}`;
      ascii += ASCII[frame[i]];
    }
    rows.push({ offset, hex, ascii });
  }
  return rows;
}

/** The rows as text lines: "00000010  48 65 ...  Hello...". */
export function formatHexDump(rows: readonly HexRow[]): string {
  return rows.map((r) => `${r.offset.toString(16).padStart(8, '0')}  ${r.hex.padEnd(48)}  ${r.ascii}`).join('\n');
}

/** Rows whose text fits the text limit (each line is 76 characters). */
const MAX_DUMP_ROWS = Math.min(65_536, Math.floor(DECODE_LIMITS.maxTextChars / 77));

export const hexDecoder: Decoder = {
  id: 'hex',
  label: 'Hex dump',
  canDecode(frame) {
    // The fallback for binary: anything beats it.
    return frame.length ? 0.1 : 0;
  },
  decode(frame, context) {
    if (!frame.length) return { ok: true, decoderId: 'hex', summary: emptyFrameSummary(context), text: '' };
    const rows = hexRows(frame, MAX_DUMP_ROWS);
    const shown = Math.min(frame.length, rows.length * 16);
    const trueSize = context?.trueSize;
    return {
      ok: true,
      decoderId: 'hex',
      summary:
        rows[0].hex.replace('  ', ' ').slice(0, DECODE_LIMITS.summaryChars) +
        (frame.length > 16 ? ` … (${trueSize ?? frame.length} bytes)` : ''),
      text: formatHexDump(rows),
      warning: warningOf([
        trueSize !== undefined && trueSize > frame.length
          ? `The capture kept only the first ${frame.length} of ${trueSize} bytes of this frame.`
          : undefined,
        shown < frame.length ? `Hex dump of the first ${shown} of ${frame.length} bytes.` : undefined,
      ]),
    };
  },
};
