// The passive ZMTP probe: connects over plain TCP, reads the peer's greeting (version, mechanism) and,
// for NULL, its READY command (socket type, identity), then closes before sending READY, so the peer
// never counts us as a peer and no message is taken from anybody. The parser is a pure state machine
// over received chunks: truncated, oversized or garbage input is a result, never a hang or a crash.
import { Socket } from 'node:net';
import { parseEndpoint } from './endpoint';

export type ProbeKind = 'zmtp3' | 'zmtp-legacy' | 'not-zmtp' | 'timeout' | 'unreachable' | 'closed' | 'error';

export interface ProbeResult {
  address: string;
  kind: ProbeKind;
  reachable: boolean;
  /** e.g. "3.1" */
  version?: string;
  mechanism?: string;
  asServer?: boolean;
  /** Socket-Type from READY (NULL mechanism only). */
  socketType?: string;
  identityHex?: string;
  properties?: Record<string, string>;
  handshakeMs?: number;
  /** The first bytes of a non-ZMTP answer, as text. */
  firstBytes?: string;
  error?: string;
  /** One sentence for the user. */
  explanation: string;
}

/** The 11 bytes that make libzmq send its whole greeting: signature and major version 3. */
export const PROBE_GREETING_START = Buffer.from([0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0x03]);

/** The rest of a ZMTP 3.0 NULL greeting (minor, mechanism, as-server, filler): 53 bytes. */
export function greetingRest(): Buffer {
  const rest = Buffer.alloc(53);
  rest[0] = 0; // minor 0: the peer then speaks 3.0, which any 3.x peer accepts
  rest.write('NULL', 1, 'ascii');
  return rest;
}

const MAX_COMMAND = 64 * 1024;

export type ParseStep =
  | { state: 'need-more' }
  | { state: 'greeting'; version: string; mechanism: string; asServer: boolean }
  | { state: 'ready'; properties: Record<string, Buffer> }
  | { state: 'legacy'; version: string }
  | { state: 'not-zmtp'; reason: string }
  | { state: 'protocol-error'; reason: string };

/** Incremental parser of what a ZMTP peer sends: greeting first, then (NULL) one command frame. */
export class ZmtpGreetingParser {
  private buffer = Buffer.alloc(0);
  private greetingDone = false;

  push(chunk: Uint8Array): ParseStep {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    // Nothing a greeting or READY needs is larger than this: stop collecting garbage early.
    if (this.buffer.length > MAX_COMMAND + 128) this.buffer = this.buffer.subarray(0, MAX_COMMAND + 128);
    return this.greetingDone ? this.parseCommand() : this.parseGreeting();
  }

  private parseGreeting(): ParseStep {
    const b = this.buffer;
    if (b.length >= 1 && b[0] !== 0xff) {
      // ZMTP 1.0 starts with a short frame length (its identity frame), then a flags byte.
      if (b.length >= 2 && b[0] > 0 && b[0] < 0xff && (b[1] === 0x00 || b[1] === 0x01) && b.length <= b[0] + 1) return { state: 'legacy', version: '1.0' };
      return { state: 'not-zmtp', reason: 'the first byte is not the ZMTP signature (0xFF)' };
    }
    if (b.length < 10) return { state: 'need-more' };
    if (b[9] !== 0x7f) return { state: 'not-zmtp', reason: 'byte 9 of the signature is not 0x7F' };
    if (b.length < 11) return { state: 'need-more' };
    const major = b[10];
    if (major === 1 || major === 2) return { state: 'legacy', version: `${major}.0` };
    if (major < 3) return { state: 'not-zmtp', reason: `revision ${major} is not a ZMTP version` };
    if (b.length < 64) return { state: 'need-more' };
    const minor = b[11];
    const mechanism = b.subarray(12, 32).toString('latin1').replace(/\0+$/, '');
    if (!/^[A-Z0-9_-]{1,20}$/.test(mechanism)) return { state: 'protocol-error', reason: 'the mechanism name is not printable' };
    this.greetingDone = true;
    const asServer = b[32] === 1;
    this.buffer = b.subarray(64);
    return { state: 'greeting', version: `${major}.${minor}`, mechanism, asServer };
  }

  /** After the greeting: one command frame (READY or ERROR). */
  parseCommand(): ParseStep {
    const b = this.buffer;
    if (b.length < 2) return { state: 'need-more' };
    const flags = b[0];
    if ((flags & 0xf8) !== 0) return { state: 'protocol-error', reason: `invalid frame flags 0x${flags.toString(16)}` };
    if ((flags & 0x04) === 0) return { state: 'protocol-error', reason: 'expected a command frame after the greeting' };
    let size: number;
    let header: number;
    if (flags & 0x02) {
      if (b.length < 9) return { state: 'need-more' };
      const big = b.readBigUInt64BE(1);
      // The size is attacker-controlled (CVE-2019-6250): never trust it before checking the maximum.
      if (big > BigInt(MAX_COMMAND)) return { state: 'protocol-error', reason: `a command of ${big} bytes is larger than any handshake command` };
      size = Number(big);
      header = 9;
    } else {
      size = b[1];
      header = 2;
    }
    if (b.length < header + size) return { state: 'need-more' };
    const body = b.subarray(header, header + size);
    const nameLength = body[0] ?? 0;
    const name = body.subarray(1, 1 + nameLength).toString('latin1');
    if (name === 'ERROR') {
      const reasonLength = body[1 + nameLength] ?? 0;
      return { state: 'protocol-error', reason: `the peer sent ERROR: ${body.subarray(2 + nameLength, 2 + nameLength + reasonLength).toString('latin1')}` };
    }
    if (name !== 'READY') return { state: 'protocol-error', reason: `expected READY, got the command "${name}"` };
    const properties: Record<string, Buffer> = {};
    let pos = 1 + nameLength;
    while (pos < body.length) {
      const keyLength = body[pos];
      if (pos + 1 + keyLength + 4 > body.length) return { state: 'protocol-error', reason: 'a READY property runs past the end of the command' };
      const key = body.subarray(pos + 1, pos + 1 + keyLength).toString('latin1');
      const valueLength = body.readUInt32BE(pos + 1 + keyLength);
      const start = pos + 1 + keyLength + 4;
      if (valueLength > body.length - start) return { state: 'protocol-error', reason: `the READY property ${key} claims ${valueLength} bytes, more than the command holds` };
      properties[key] = Buffer.from(body.subarray(start, start + valueLength));
      pos = start + valueLength;
    }
    return { state: 'ready', properties };
  }
}

export interface ProbeOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Probes a tcp endpoint. Never rejects. */
export function probeEndpoint(address: string | { host: string; port: number }, options: ProbeOptions = {}): Promise<ProbeResult> {
  const text = typeof address === 'string' ? address : `tcp://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
  const parsed = parseEndpoint(text, { mode: 'connect' });
  if (!parsed.ok) return Promise.resolve({ address: text, kind: 'error', reachable: false, error: parsed.error, explanation: parsed.error });
  if (parsed.endpoint.transport !== 'tcp' || parsed.endpoint.port === undefined) {
    const explanation = `Only tcp:// endpoints can be probed (${parsed.endpoint.transport}:// is not reachable over TCP).`;
    return Promise.resolve({ address: text, kind: 'error', reachable: false, error: explanation, explanation });
  }
  const { host, port } = parsed.endpoint;
  const timeoutMs = options.timeoutMs ?? 3000;
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = new Socket();
    const parser = new ZmtpGreetingParser();
    let settled = false;
    let connected = false;
    let greeting: Extract<ParseStep, { state: 'greeting' }> | undefined;
    let received = Buffer.alloc(0);
    const finish = (result: Omit<ProbeResult, 'address'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve({ address: parsed.endpoint.address, ...result });
    };
    const onAbort = () => finish({ kind: 'error', reachable: connected, error: 'cancelled', explanation: 'The probe was cancelled.' });
    const timer = setTimeout(() => {
      if (!connected) finish({ kind: 'timeout', reachable: false, error: 'connect timed out', explanation: `Nothing answered the TCP connection within ${timeoutMs} ms (a firewall, or a host that drops packets).` });
      else if (greeting) finish({ kind: 'zmtp3', reachable: true, version: greeting.version, mechanism: greeting.mechanism, asServer: greeting.asServer, explanation: `ZMTP ${greeting.version} peer with ${greeting.mechanism}, but it sent no READY within ${timeoutMs} ms (a ZAP handler may be holding the handshake).` });
      else finish({ kind: 'timeout', reachable: true, firstBytes: printable(received), explanation: received.length ? `The server sent ${received.length} bytes that are not a complete ZMTP greeting, then nothing for ${timeoutMs} ms.` : `The TCP port is open but the server sent nothing within ${timeoutMs} ms: not a ZeroMQ socket (ZeroMQ peers greet at once).` });
    }, timeoutMs);
    options.signal?.addEventListener('abort', onAbort);
    socket.once('connect', () => {
      connected = true;
      socket.write(PROBE_GREETING_START);
    });
    socket.on('data', (chunk: Buffer) => {
      if (received.length < 256) received = Buffer.concat([received, chunk]).subarray(0, 256);
      const step = parser.push(chunk);
      const elapsed = () => +(performance.now() - started).toFixed(2);
      switch (step.state) {
        case 'need-more':
          return;
        case 'greeting':
          greeting = step;
          if (step.mechanism !== 'NULL') {
            finish({ kind: 'zmtp3', reachable: true, version: step.version, mechanism: step.mechanism, asServer: step.asServer, handshakeMs: elapsed(), explanation: mechanismExplanation(step.mechanism) });
            return;
          }
          socket.write(greetingRest());
          // The READY may already be in the same chunk.
          if (chunk.length > 0) {
            const next = parser.parseCommand();
            if (next.state !== 'need-more') handleStep(next);
          }
          return;
        default:
          handleStep(step);
      }
    });
    function handleStep(step: ParseStep): void {
      const elapsed = +(performance.now() - started).toFixed(2);
      if (step.state === 'ready' && greeting) {
        const socketType = step.properties['Socket-Type']?.toString('latin1');
        const properties = Object.fromEntries(Object.entries(step.properties).map(([k, v]) => [k, printable(v)]));
        finish({
          kind: 'zmtp3', reachable: true, version: greeting.version, mechanism: greeting.mechanism, asServer: greeting.asServer, socketType,
          identityHex: step.properties.Identity?.length ? step.properties.Identity.toString('hex') : undefined, properties, handshakeMs: elapsed,
          explanation: `A ${socketType ?? 'ZeroMQ'} socket (ZMTP ${greeting.version}, no security). Nothing was sent past the greeting, so it lost no message.`,
        });
      } else if (step.state === 'legacy') {
        finish({ kind: 'zmtp-legacy', reachable: true, version: step.version, handshakeMs: elapsed, explanation: `A ZMTP ${step.version} peer (libzmq 2.x/3.x era): it cannot talk to libzmq 4's security or newer sockets; the inspector's sockets downgrade to talk to it.` });
      } else if (step.state === 'not-zmtp') {
        const first = printable(received);
        const http = /^HTTP\/\d/.test(first);
        finish({ kind: 'not-zmtp', reachable: true, firstBytes: first, explanation: http ? `An HTTP server, not ZeroMQ (it answered "${first.split('\n')[0].slice(0, 60)}").` : `Not a ZeroMQ peer: ${step.reason} (it sent "${first.slice(0, 40)}").` });
      } else if (step.state === 'protocol-error') {
        finish({ kind: greeting ? 'zmtp3' : 'not-zmtp', reachable: true, version: greeting?.version, mechanism: greeting?.mechanism, firstBytes: printable(received), error: step.reason, explanation: `The peer broke the ZMTP handshake: ${step.reason}.` });
      }
    }
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!connected) finish({ kind: 'unreachable', reachable: false, error: error.code ?? error.message, explanation: error.code === 'ECONNREFUSED' ? `Connection refused: nothing listens on ${host}:${port}.` : `Cannot reach ${host}:${port}: ${error.message}.` });
      else finish({ kind: 'closed', reachable: true, error: error.code ?? error.message, explanation: `The connection failed during the handshake: ${error.message}.` });
    });
    socket.on('close', () => {
      if (greeting && greeting.mechanism === 'NULL') finish({ kind: 'closed', reachable: true, version: greeting.version, mechanism: greeting.mechanism, explanation: 'The peer greeted (ZMTP, NULL) then closed before READY.' });
      else finish({ kind: 'closed', reachable: true, firstBytes: printable(received), explanation: received.length ? `The server closed the connection after ${received.length} bytes that are not a ZMTP greeting.` : 'The server accepted the connection and closed it without a word: not a ZeroMQ peer, or one that refused us.' });
    });
    socket.connect({ host, port });
  });
}

function mechanismExplanation(mechanism: string): string {
  if (mechanism === 'CURVE') return 'A CURVE server: its socket type is inside the encrypted handshake. To connect, configure the session as a CURVE client with the server\'s public key.';
  if (mechanism === 'PLAIN') return 'A PLAIN server: its socket type is inside the authenticated handshake. To connect, configure the session with a PLAIN user name and password.';
  return `A ZeroMQ peer using the ${mechanism} mechanism, which the inspector cannot complete.`;
}

function printable(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1').replace(/[^\x20-\x7e\n]/g, '.');
}
