// The JSON decoder: validated with JSON.parse, shown as a tree, pretty text and a one-line summary.
import type { Decoder } from '../types';
import { DECODE_LIMITS, inputWindow, valueResult } from './decodedTree';
import { asText } from './textDecoder';

type Parsed = { ok: true; value: unknown; text: string } | { ok: false; error: string };

function isJsonSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

export function parseJson(bytes: Uint8Array): Parsed {
  let text = asText(bytes);
  if (text === undefined) return { ok: false, error: 'Not JSON: the frame is not UTF-8 text.' };
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return { ok: true, value: JSON.parse(text), text };
  } catch (error) {
    // JSON.parse recurses: absurd nesting overflows the stack, which is a RangeError like any other error here.
    const message = error instanceof RangeError ? 'nested too deeply to parse' : error instanceof Error ? error.message : String(error);
    return { ok: false, error: `Not valid JSON: ${message}` };
  }
}

/** True when the frame starts with { or [ and ends with } or ] (whitespace aside): worth a full parse. */
function looksLikeJsonContainer(frame: Uint8Array): boolean {
  let start = 0;
  let end = frame.length - 1;
  while (start <= end && isJsonSpace(frame[start])) start++;
  while (end >= start && isJsonSpace(frame[end])) end--;
  if (end - start < 1) return false;
  return (frame[start] === 0x7b && frame[end] === 0x7d) || (frame[start] === 0x5b && frame[end] === 0x5d);
}

export const jsonDecoder: Decoder = {
  id: 'json',
  label: 'JSON',
  canDecode(frame) {
    // Only objects and arrays are detected: a bare "12" or "true" is more likely text.
    if (frame.length > DECODE_LIMITS.maxInputBytes || !looksLikeJsonContainer(frame)) return 0;
    return parseJson(frame).ok ? 0.9 : 0;
  },
  decode(frame, context) {
    if (!frame.length) return { ok: false, decoderId: 'json', error: 'Not JSON: the frame is empty.' };
    const window = inputWindow(frame, context);
    if (frame.length > DECODE_LIMITS.maxInputBytes) {
      return {
        ok: false,
        decoderId: 'json',
        error: `The frame is ${frame.length} bytes; JSON is decoded up to ${DECODE_LIMITS.maxInputBytes} bytes. The text and hex views show its start.`,
      };
    }
    const parsed = parseJson(window.bytes);
    if (!parsed.ok) return { ok: false, decoderId: 'json', error: window.cut ? `${parsed.error} ${window.notes.join(' ')}` : parsed.error };
    return valueResult('json', parsed.value, window.notes, parsed.text, context);
  },
};
