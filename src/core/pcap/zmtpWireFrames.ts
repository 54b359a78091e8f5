// ZMTP framing facts the capture parser needs: command bodies and their properties, ZMTP 2.0 socket
// type numbers, and the test that finds frame boundaries in a stream joined in the middle.

export const FLAG_MORE = 0x01;
export const FLAG_LONG = 0x02;
export const FLAG_COMMAND = 0x04;

/** ZMTP 2.0 greeting byte 11 (RFC 15). */
export const LEGACY_SOCKET_TYPES = ['PAIR', 'PUB', 'SUB', 'REQ', 'REP', 'DEALER', 'ROUTER', 'PULL', 'PUSH', 'XPUB', 'XSUB', 'STREAM'];

/** Sizes past this are taken for garbage (or an attack, CVE-2019-6250), never for a frame. */
export const MAX_WIRE_FRAME = 2 ** 40;

export interface CommandBody {
  name: string;
  data: Uint8Array;
}

/** Name and data of a command frame's body, or undefined when the name does not fit. */
export function commandBody(body: Uint8Array): CommandBody | undefined {
  const nameLength = body[0];
  if (!nameLength || 1 + nameLength > body.length) return undefined;
  return { name: latin1(body.subarray(1, 1 + nameLength)), data: body.subarray(1 + nameLength) };
}

/** READY / INITIATE metadata: name (1-byte length) and value (4-byte length) pairs; at most 64 kept. */
export function commandProperties(data: Uint8Array): Map<string, Uint8Array> | undefined {
  const properties = new Map<string, Uint8Array>();
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let at = 0; at < data.length;) {
    const keyLength = data[at];
    const valueAt = at + 1 + keyLength + 4;
    if (keyLength === 0 || valueAt > data.length) return undefined;
    const valueLength = view.getUint32(at + 1 + keyLength);
    if (valueLength > data.length - valueAt) return undefined;
    if (properties.size < 64)
      properties.set(latin1(data.subarray(at + 1, at + 1 + keyLength)).toLowerCase(), data.slice(valueAt, valueAt + valueLength));
    at = valueAt + valueLength;
  }
  return properties;
}

/** A frame header read from `bytes` at `at`: undefined when more bytes are needed, null when invalid. */
export function frameHeader(bytes: Uint8Array, at: number): { flags: number; size: number; headerLength: number } | undefined | null {
  if (at >= bytes.length) return undefined;
  const flags = bytes[at];
  if (flags & 0xf8) return null;
  if (flags & FLAG_LONG) {
    if (at + 9 > bytes.length) return undefined;
    const view = new DataView(bytes.buffer, bytes.byteOffset + at + 1, 8);
    const high = view.getUint32(0);
    const size = high * 2 ** 32 + view.getUint32(4);
    if (size > MAX_WIRE_FRAME) return null;
    return { flags, size, headerLength: 9 };
  }
  if (at + 2 > bytes.length) return undefined;
  return { flags, size: bytes[at + 1], headerLength: 2 };
}

const MIN_RESYNC_FRAMES = 4;
const MAX_CHAIN_FRAMES = 16;

/**
 * Whether a run of well-formed ZMTP 3 frames starts at `at`: at least MIN_RESYNC_FRAMES whole frames
 * (fewer when `atEnd` and the run ends exactly with the bytes), not all empty, long sizes only past 255
 * (libzmq never writes a short size long), command frames with an upper-case name. Capped work per offset.
 */
export function framesStartAt(bytes: Uint8Array, at: number, atEnd: boolean): boolean {
  let frames = 0;
  let nonEmpty = 0;
  while (frames < MAX_CHAIN_FRAMES) {
    const header = frameHeader(bytes, at);
    if (header === null) return false;
    if (header === undefined) break;
    if (header.headerLength === 9 && header.size < 256) return false;
    const bodyAt = at + header.headerLength;
    if (header.flags & FLAG_COMMAND) {
      if (header.flags & FLAG_MORE || header.size < 2) return false;
      if (bodyAt < bytes.length && !commandNameStartsAt(bytes, bodyAt, header.size)) return false;
    }
    const end = bodyAt + header.size;
    if (end > bytes.length) break;
    frames++;
    if (header.size) nonEmpty++;
    at = end;
  }
  if (nonEmpty === 0) return false;
  return frames >= MIN_RESYNC_FRAMES || (atEnd && at === bytes.length && frames >= 2);
}

function commandNameStartsAt(bytes: Uint8Array, at: number, size: number): boolean {
  const nameLength = bytes[at];
  if (nameLength < 2 || nameLength > 16 || nameLength + 1 > size) return false;
  for (let i = 1; i <= nameLength && at + i < bytes.length; i++) {
    const c = bytes[at + i];
    if (c < 0x41 || c > 0x5a) return false;
  }
  return true;
}

export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length && i < 256; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** Bytes as printable text for reports: non-printable bytes as '.', capped. */
export function printable(bytes: Uint8Array, max = 64): string {
  let s = '';
  for (let i = 0; i < bytes.length && i < max; i++) s += bytes[i] >= 0x20 && bytes[i] < 0x7f ? String.fromCharCode(bytes[i]) : '.';
  return bytes.length > max ? `${s}…` : s;
}
