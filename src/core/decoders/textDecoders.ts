// Decoders for frames read as text: UTF-8 text, JSON, hex dump and base64.
import type { DecodeContext, DecodeResult, Decoder } from '../types';
import { DECODE_LIMITS, clip, limitInput, summarizeValue, valueToTree } from './decodedTree';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The frame as UTF-8 text, or undefined when it is not valid UTF-8 or holds control bytes. */
export function asText(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return undefined;
  }
  // Tabs and newlines are text; other C0 controls (and NUL) mean binary.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13) || c === 0x7f) return undefined;
  }
  return text;
}

function oneLine(text: string, max = DECODE_LIMITS.summaryChars): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export const textDecoder: Decoder = {
  id: 'text',
  label: 'Text (UTF-8)',
  canDecode(frame) {
    if (!frame.length) return 0.2;
    return asText(frame.subarray(0, 4096)) !== undefined ? 0.5 : 0;
  },
  decode(frame) {
    const { bytes, warning } = limitInput(frame);
    const text = asText(bytes);
    if (text === undefined) {
      // Show it anyway, with replacement characters, and say why.
      const lossy = new TextDecoder('utf-8').decode(bytes);
      return { ok: true, decoderId: 'text', summary: oneLine(lossy), text: clip(lossy, DECODE_LIMITS.maxTextChars), warning: 'Not valid UTF-8 text (or holds control bytes): shown with replacement characters.' };
    }
    return { ok: true, decoderId: 'text', summary: frame.length ? oneLine(text) : '(empty)', text: clip(text, DECODE_LIMITS.maxTextChars), warning };
  },
};

function parseJson(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false; error: string } {
  const text = asText(bytes);
  if (text === undefined) return { ok: false, error: 'Not JSON: the frame is not UTF-8 text.' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    // JSON.parse recurses: absurdly deep nesting is a RangeError, reported like any other error.
    const message = error instanceof RangeError ? 'nested too deeply to parse' : (error as Error).message;
    return { ok: false, error: `Not valid JSON: ${message}` };
  }
}

export const jsonDecoder: Decoder = {
  id: 'json',
  label: 'JSON',
  canDecode(frame) {
    if (frame.length < 2 || frame.length > DECODE_LIMITS.maxInputBytes) return 0;
    let i = 0;
    while (i < frame.length && (frame[i] === 0x20 || frame[i] === 0x0a || frame[i] === 0x0d || frame[i] === 0x09)) i++;
    const first = frame[i];
    // Only objects and arrays are detected: "12" or "true" is more likely text.
    if (first !== 0x7b && first !== 0x5b) return 0;
    return parseJson(frame).ok ? 0.9 : 0;
  },
  decode(frame) {
    if (frame.length > DECODE_LIMITS.maxInputBytes) return { ok: false, decoderId: 'json', error: `The frame is ${frame.length} bytes; JSON is decoded up to ${DECODE_LIMITS.maxInputBytes} bytes.` };
    const parsed = parseJson(frame);
    if (!parsed.ok) return { ok: false, decoderId: 'json', error: parsed.error };
    const { tree, truncated } = valueToTree(parsed.value);
    let text: string;
    try {
      text = clip(JSON.stringify(parsed.value, null, 2), DECODE_LIMITS.maxTextChars);
    } catch {
      text = summarizeValue(parsed.value, DECODE_LIMITS.maxValueChars);
    }
    return { ok: true, decoderId: 'json', summary: summarizeValue(parsed.value), text, tree, warning: truncated ? 'Large or deep value: part of the tree is not shown.' : undefined };
  },
};

export interface HexRow {
  offset: number;
  hex: string;
  ascii: string;
}

/** Rows of a classic hex dump: offset, 16 bytes in hex, the same bytes as ASCII. */
export function hexRows(frame: Uint8Array, maxRows = 4096): HexRow[] {
  const rows: HexRow[] = [];
  for (let offset = 0; offset < frame.length && rows.length < maxRows; offset += 16) {
    const chunk = frame.subarray(offset, offset + 16);
    let hex = '';
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      if (i < chunk.length) {
        hex += chunk[i].toString(16).padStart(2, '0') + (i === 7 ? '  ' : ' ');
        ascii += chunk[i] >= 0x20 && chunk[i] < 0x7f ? String.fromCharCode(chunk[i]) : '.';
      } else hex += i === 7 ? '    ' : '   ';
    }
    rows.push({ offset, hex: hex.trimEnd(), ascii });
  }
  return rows;
}

export const hexDecoder: Decoder = {
  id: 'hex',
  label: 'Hex dump',
  canDecode(frame) {
    return frame.length ? 0.1 : 0;
  },
  decode(frame) {
    const rows = hexRows(frame);
    const text = rows.map((r) => `${r.offset.toString(16).padStart(8, '0')}  ${r.hex.padEnd(49)}  ${r.ascii}`).join('\n');
    const shown = rows.length * 16;
    return {
      ok: true,
      decoderId: 'hex',
      summary: oneLine(Buffer.from(frame.subarray(0, 32)).toString('hex').replace(/(..)/g, '$1 ')) + (frame.length > 32 ? ' …' : ''),
      text,
      warning: shown < frame.length ? `Hex dump of the first ${shown} of ${frame.length} bytes.` : undefined,
    };
  },
};

export const base64Decoder: Decoder = {
  id: 'base64',
  label: 'Base64',
  canDecode() {
    return 0;
  },
  decode(frame) {
    const { bytes, warning } = limitInput(frame);
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
    return { ok: true, decoderId: 'base64', summary: oneLine(text), text, warning };
  },
};

export type { DecodeContext, DecodeResult };
