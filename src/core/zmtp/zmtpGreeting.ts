// Pure, incremental parser of what a ZMTP peer says first: its greeting and, for NULL, its READY command.
// Every byte comes from a stranger, so every length is checked before use and nothing larger than
// MAX_HANDSHAKE_COMMAND is ever buffered: any input ends in an event or a `conclude()` verdict.

/** Largest READY (or ERROR) the parser accepts; libzmq's are ~50 bytes plus user metadata. */
export const MAX_HANDSHAKE_COMMAND = 64 * 1024;

export interface ZmtpGreeting {
  major: number;
  minor: number;
  /** e.g. "3.1" */
  version: string;
  /** e.g. NULL, PLAIN, CURVE, GSSAPI */
  mechanism: string;
  /** libzmq leaves it 0 even on CURVE/PLAIN servers, so the role cannot be inferred from it. */
  asServer: boolean;
}

export interface ZmtpProperty {
  name: string;
  value: Uint8Array;
}

export type ZmtpParseEvent =
  | { type: 'greeting'; greeting: ZmtpGreeting }
  /** The peer's READY; its properties in wire order (Socket-Type, Identity, X-...). */
  | { type: 'ready'; properties: ZmtpProperty[] }
  /** The peer sent an ERROR command instead of READY (e.g. a ZAP handler denied us). */
  | { type: 'error-command'; reason: string }
  /** ZMTP 1.0 (no signature) or 2.0 (revision 1); 2.0 names the socket type in its greeting. */
  | { type: 'legacy'; version: '1.0' | '2.0'; socketType?: string }
  | { type: 'not-zmtp'; reason: string }
  | { type: 'protocol-error'; reason: string };

/** What the bytes so far amount to when the stream ends or times out before an answer. */
export type ZmtpTruncation =
  { type: 'nothing' } | { type: 'truncated-greeting'; received: number } | { type: 'no-ready'; greeting: ZmtpGreeting; received: number };

/** ZMTP 2.0 greeting byte 11 (RFC 15). */
const LEGACY_SOCKET_TYPES = ['PAIR', 'PUB', 'SUB', 'REQ', 'REP', 'DEALER', 'ROUTER', 'PULL', 'PUSH', 'XPUB', 'XSUB', 'STREAM'];

type Stage = 'greeting' | 'command' | 'done';

export class ZmtpGreetingParser {
  // Chunks are kept as received and joined only once enough bytes are there, so a peer dripping one
  // byte at a time costs linear work, not a copy of the whole buffer per byte.
  private chunks: Uint8Array[] = [];
  private length = 0;
  private stage: Stage = 'greeting';
  private greeting: ZmtpGreeting | undefined;

  /** Feeds received bytes; returns the events they complete (none while more bytes are needed). */
  push(chunk: Uint8Array): ZmtpParseEvent[] {
    if (this.stage === 'done' || chunk.length === 0) return [];
    this.chunks.push(chunk);
    this.length += chunk.length;
    const events: ZmtpParseEvent[] = [];
    for (;;) {
      const event = this.stage === 'greeting' ? this.parseGreeting() : this.stage === 'command' ? this.parseCommand() : undefined;
      if (!event) break;
      events.push(event);
      if (event.type !== 'greeting') {
        this.stage = 'done';
        this.chunks = [];
        this.length = 0;
      }
    }
    return events;
  }

  /** True once a final event (anything but `greeting`) was returned. */
  get finished(): boolean {
    return this.stage === 'done';
  }

  /** The verdict on a stream that stopped (closed or timed out) before a final event. */
  conclude(): ZmtpTruncation {
    if (this.stage === 'command' && this.greeting) return { type: 'no-ready', greeting: this.greeting, received: this.length };
    return this.length === 0 ? { type: 'nothing' } : { type: 'truncated-greeting', received: this.length };
  }

  /** The first `n` buffered bytes as one array, or undefined while fewer are buffered. */
  private peek(n: number): Uint8Array | undefined {
    if (this.length < n) return undefined;
    if (this.chunks[0].length < n) {
      const joined = new Uint8Array(this.length);
      let at = 0;
      for (const c of this.chunks) {
        joined.set(c, at);
        at += c.length;
      }
      this.chunks = [joined];
    }
    return this.chunks[0];
  }

  private consume(n: number): void {
    const first = this.peek(n)!;
    this.chunks[0] = first.subarray(n);
    if (this.chunks[0].length === 0) this.chunks.shift();
    this.length -= n;
  }

  private parseGreeting(): ZmtpParseEvent | undefined {
    const first = this.peek(1);
    if (!first) return undefined;
    if (first[0] !== 0xff) return this.parseUnversioned();
    const b = this.peek(10);
    if (!b) return undefined;
    // libzmq tells versioned from 1.0 by bit 0 of byte 9: a 1.0 long frame has its flags (0) there.
    if (b[9] === 0x00) return { type: 'legacy', version: '1.0' };
    if (b[9] !== 0x7f) return { type: 'not-zmtp', reason: `byte 9 of the signature is 0x${hex(b[9])}, not 0x7F` };
    const r = this.peek(11);
    if (!r) return undefined;
    const major = r[10];
    if (major === 0) return { type: 'legacy', version: '1.0' };
    if (major === 1) {
      const withType = this.peek(12);
      if (!withType) return undefined;
      return { type: 'legacy', version: '2.0', socketType: LEGACY_SOCKET_TYPES[withType[11]] ?? `type ${withType[11]}` };
    }
    if (major === 2) return { type: 'protocol-error', reason: 'revision 2 is no published ZMTP version' };
    const g = this.peek(64);
    if (!g) return undefined;
    const mechanismBytes = g.subarray(12, 32);
    const end = mechanismBytes.indexOf(0);
    const name = mechanismBytes.subarray(0, end < 0 ? 20 : end);
    if (name.length === 0) return { type: 'protocol-error', reason: 'the greeting names no security mechanism' };
    if (!name.every((c) => c > 0x20 && c < 0x7f))
      return { type: 'protocol-error', reason: 'the mechanism name in the greeting is not printable ASCII' };
    if (end >= 0 && !mechanismBytes.subarray(end).every((c) => c === 0))
      return { type: 'protocol-error', reason: 'the mechanism name is not padded with zeros' };
    this.greeting = { major, minor: g[11], version: `${major}.${g[11]}`, mechanism: latin1(name), asServer: g[32] === 1 };
    this.consume(64);
    this.stage = 'command';
    return { type: 'greeting', greeting: this.greeting };
  }

  /** ZMTP 1.0 opens with its identity frame: a 1-byte length (flags + body), flags 0, the identity. */
  private parseUnversioned(): ZmtpParseEvent | undefined {
    const b = this.peek(2);
    if (!b) return undefined;
    if (b[0] === 0 || b[1] !== 0x00) return { type: 'not-zmtp', reason: `the first byte is 0x${hex(b[0])}, not the ZMTP signature 0xFF` };
    const frame = this.peek(b[0] + 1);
    if (!frame) return undefined;
    return { type: 'legacy', version: '1.0' };
  }

  /** One command frame: READY or ERROR. Commands never have MORE set. */
  private parseCommand(): ZmtpParseEvent | undefined {
    const head = this.peek(1);
    if (!head) return undefined;
    const flags = head[0];
    if ((flags & 0xf8) !== 0) return { type: 'protocol-error', reason: `the frame flags 0x${hex(flags)} set reserved bits` };
    if ((flags & 0x04) === 0) return { type: 'protocol-error', reason: 'the peer sent a message frame before READY' };
    if ((flags & 0x01) !== 0) return { type: 'protocol-error', reason: 'a command frame has the MORE flag set' };
    let size: number;
    let headerLength: number;
    if (flags & 0x02) {
      const h = this.peek(9);
      if (!h) return undefined;
      const big = new DataView(h.buffer, h.byteOffset, 9).getBigUint64(1);
      // Attacker-controlled (CVE-2019-6250): compared as a bigint, never converted or allocated first.
      if (big > BigInt(MAX_HANDSHAKE_COMMAND))
        return {
          type: 'protocol-error',
          reason: `the peer announced a ${big}-byte command, larger than any handshake command (limit ${MAX_HANDSHAKE_COMMAND})`,
        };
      size = Number(big);
      headerLength = 9;
    } else {
      const h = this.peek(2);
      if (!h) return undefined;
      size = h[1];
      headerLength = 2;
    }
    const frame = this.peek(headerLength + size);
    if (!frame) return undefined;
    const body = frame.subarray(headerLength, headerLength + size);
    this.consume(headerLength + size);
    return parseCommandBody(body);
  }
}

function parseCommandBody(body: Uint8Array): ZmtpParseEvent {
  if (body.length === 0) return { type: 'protocol-error', reason: 'the peer sent an empty command' };
  const nameLength = body[0];
  if (nameLength === 0 || 1 + nameLength > body.length)
    return { type: 'protocol-error', reason: 'the command name runs past the end of the command' };
  const name = latin1(body.subarray(1, 1 + nameLength));
  const data = body.subarray(1 + nameLength);
  if (name === 'ERROR') {
    const reasonLength = data[0] ?? 0;
    return { type: 'error-command', reason: printableText(data.subarray(1, 1 + reasonLength)) };
  }
  if (name !== 'READY')
    return {
      type: 'protocol-error',
      reason: `the peer sent the command "${printableText(body.subarray(1, 1 + nameLength))}" where READY was expected`,
    };
  const properties: ZmtpProperty[] = [];
  let at = 0;
  while (at < data.length) {
    const keyLength = data[at];
    if (keyLength === 0) return { type: 'protocol-error', reason: 'a READY property has an empty name' };
    const valueAt = at + 1 + keyLength + 4;
    if (valueAt > data.length) return { type: 'protocol-error', reason: 'a READY property name runs past the end of the command' };
    const key = latin1(data.subarray(at + 1, at + 1 + keyLength));
    const valueLength = new DataView(data.buffer, data.byteOffset + at + 1 + keyLength, 4).getUint32(0);
    if (valueLength > data.length - valueAt)
      return {
        type: 'protocol-error',
        reason: `the READY property ${printableText(data.subarray(at + 1, at + 1 + keyLength))} claims ${valueLength} bytes, more than the command holds`,
      };
    // A copy as a plain Uint8Array: a Buffer chunk's slice() would be a view pinning the whole chunk.
    properties.push({ name: key, value: new Uint8Array(data.subarray(valueAt, valueAt + valueLength)) });
    at = valueAt + valueLength;
  }
  return { type: 'ready', properties };
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/** Bytes as text a user can read: printable ASCII kept, anything else shown as '.'. */
export function printableText(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : b === 0x0a ? '\n' : b === 0x0d ? '\r' : '.';
  return s;
}
