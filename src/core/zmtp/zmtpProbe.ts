// The passive ZMTP probe: connects over plain TCP, reads the peer's greeting (version, mechanism) and,
// for NULL, its READY (socket type, identity), then closes without sending READY: the peer never
// attaches us as a pipe, so no message is routed to the probe and nobody loses one.
import { Socket } from 'node:net';
import { peerTextForUi } from '../peerText';
import { parseEndpoint } from '../session/endpoint';
import { connectErrorWords, connectExplanation, notZmtpExplanation, nullExplanation, securedExplanation } from './probeExplanations';
import { observerForPeer, safeForUi, type ProbeResult } from './probeResult';
import { ZmtpGreetingParser, printableText, type ZmtpGreeting, type ZmtpParseEvent, type ZmtpProperty } from './zmtpGreeting';

// The result's types and summary live in probeResult.ts; callers of the probe find them here too.
export type { ObserverSuggestion, ProbeKind, ProbeResult } from './probeResult';
export { observerForPeer, probeSummary } from './probeResult';

export interface ProbeOptions {
  /** Whole probe (connect and handshake); default 3000 ms. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Signature and major version 3: libzmq answers these 11 bytes with its whole 64-byte greeting. */
export const PROBE_GREETING_START = Uint8Array.from([0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0x03]);

/** The other 53 bytes of a 3.0 NULL greeting (minor 0, "NULL", as-server 0, zeros): sent only to NULL peers. */
export function nullGreetingRest(): Uint8Array {
  const rest = new Uint8Array(53);
  rest.set([0x4e, 0x55, 0x4c, 0x4c], 1); // "NULL" at greeting byte 12
  return rest;
}

/** Probes a tcp:// endpoint. Never rejects: every failure is a result with an explanation. */
export function probeEndpoint(address: string | { host: string; port: number }, options: ProbeOptions = {}): Promise<ProbeResult> {
  const text =
    typeof address === 'string' ? address : `tcp://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
  const parsed = parseEndpoint(text, { mode: 'connect' });
  if (!parsed.ok)
    return Promise.resolve({ address: text, kind: 'error', reachable: false, error: parsed.error, explanation: parsed.error });
  const { endpoint } = parsed;
  if (endpoint.transport !== 'tcp' || endpoint.host === undefined || endpoint.port === undefined) {
    const explanation = `Only tcp:// endpoints can be probed: ${endpoint.transport}:// is not reachable over the network.`;
    return Promise.resolve({ address: endpoint.address, kind: 'error', reachable: false, error: explanation, explanation });
  }
  if (options.signal?.aborted) return Promise.resolve(cancelled(endpoint.address, false));
  return new Promise((resolve) => {
    try {
      new ProbeConnection(endpoint.address, endpoint.host!, endpoint.port!, options, resolve).start();
    } catch (error) {
      resolve({
        address: endpoint.address,
        kind: 'error',
        reachable: false,
        error: String(error),
        explanation: `The probe could not start: ${String(error)}.`,
      });
    }
  });
}

type Outcome = Omit<ProbeResult, 'address' | 'connectMs'>;

/** One probe's connection and timeline; settles exactly once. */
class ProbeConnection {
  private readonly socket = new Socket();
  private readonly parser = new ZmtpGreetingParser();
  private readonly timeoutMs: number;
  private readonly startedAt = performance.now();
  private connectedAt: number | undefined;
  private greeting: ZmtpGreeting | undefined;
  private firstBytes = new Uint8Array(0);
  private timer: NodeJS.Timeout | undefined;
  private settled = false;
  private readonly onAbort = () => this.finish(cancelled('', this.connectedAt !== undefined));

  constructor(
    private readonly address: string,
    private readonly host: string,
    private readonly port: number,
    private readonly options: ProbeOptions,
    private readonly resolve: (result: ProbeResult) => void,
  ) {
    this.timeoutMs = options.timeoutMs ?? 3000;
  }

  start(): void {
    this.timer = setTimeout(() => this.onTimeout(), this.timeoutMs);
    this.options.signal?.addEventListener('abort', this.onAbort);
    this.socket.setNoDelay(true);
    this.socket.once('connect', () => {
      this.connectedAt = performance.now();
      this.socket.write(PROBE_GREETING_START);
    });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (error: NodeJS.ErrnoException) => this.onError(error));
    this.socket.on('close', () => this.onClose());
    this.socket.connect({ host: this.host, port: this.port });
  }

  private finish(outcome: Outcome): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.socket.destroy();
    const connectMs = this.connectedAt === undefined ? undefined : round(this.connectedAt - this.startedAt);
    this.resolve(safeForUi({ ...outcome, address: this.address, ...(connectMs === undefined ? {} : { connectMs }) }));
  }

  private elapsed(): number {
    return round(performance.now() - (this.connectedAt ?? this.startedAt));
  }

  private onData(chunk: Buffer): void {
    if (this.firstBytes.length < 128) this.firstBytes = Buffer.concat([this.firstBytes, chunk]).subarray(0, 128);
    for (const event of this.parser.push(chunk)) {
      if (this.settled) return;
      this.onEvent(event);
    }
  }

  private onEvent(event: ZmtpParseEvent): void {
    switch (event.type) {
      case 'greeting': {
        this.greeting = event.greeting;
        const { version, mechanism, asServer } = event.greeting;
        if (mechanism === 'NULL') {
          this.socket.write(nullGreetingRest());
          return;
        }
        // Past the greeting, PLAIN needs credentials and CURVE hides everything in encrypted boxes.
        this.finish({
          kind: 'zmtp3',
          reachable: true,
          version,
          mechanism,
          asServer,
          handshakeMs: this.elapsed(),
          explanation: securedExplanation(mechanism, version),
        });
        return;
      }
      case 'ready':
        this.finish(this.readyOutcome(event.properties));
        return;
      case 'error-command':
        this.finish({
          ...this.greetingFields(),
          kind: 'zmtp3',
          reachable: true,
          handshakeMs: this.elapsed(),
          error: event.reason,
          explanation: `The ZeroMQ peer refused the handshake with ERROR "${event.reason}" (a ZAP handler may deny this address).`,
        });
        return;
      case 'legacy': {
        const observer = event.socketType ? observerForPeer(event.socketType) : undefined;
        const who = event.socketType ? `a ${event.socketType} socket` : 'a ZeroMQ peer';
        this.finish({
          kind: 'zmtp-legacy',
          reachable: true,
          version: event.version,
          socketType: event.socketType,
          handshakeMs: this.elapsed(),
          explanation:
            `ZMTP ${event.version}: ${who} from libzmq ${event.version === '1.0' ? '2.x' : '3.x'}, ` +
            'older than ZMTP 3 (no security mechanisms; libzmq 4 still talks to it).',
          ...(observer ? { suggestedObserver: observer } : {}),
        });
        return;
      }
      case 'not-zmtp': {
        const first = printableText(this.firstBytes);
        this.finish({
          kind: 'not-zmtp',
          reachable: true,
          firstBytes: first,
          error: event.reason,
          explanation: notZmtpExplanation(this.firstBytes, event.reason),
        });
        return;
      }
      case 'protocol-error':
        this.finish({
          ...this.greetingFields(),
          kind: 'error',
          reachable: true,
          firstBytes: this.greeting ? undefined : printableText(this.firstBytes),
          error: event.reason,
          explanation: `The peer broke the ZMTP handshake: ${event.reason}.`,
        });
        return;
    }
  }

  private readyOutcome(properties: ZmtpProperty[]): Outcome {
    const byName = new Map(properties.map((p) => [p.name.toLowerCase(), p.value]));
    const socketTypeBytes = byName.get('socket-type');
    // Cut before it is put into the explanation: a peer may send 64 KiB here.
    const socketType = socketTypeBytes ? peerTextForUi(printableText(socketTypeBytes.subarray(0, 400)), 40) : undefined;
    const identity = byName.get('identity');
    const observer = socketType ? observerForPeer(socketType) : undefined;
    const version = this.greeting?.version ?? '3';
    return {
      ...this.greetingFields(),
      kind: 'zmtp3',
      reachable: true,
      socketType,
      ...(identity?.length ? { identityHex: Buffer.from(identity).toString('hex'), identityText: printableText(identity) } : {}),
      properties: Object.fromEntries(properties.map((p) => [p.name, printableText(p.value)])),
      handshakeMs: this.elapsed(),
      explanation: socketType ? nullExplanation(socketType, version, observer) : `A ZMTP ${version} peer whose READY names no socket type.`,
      ...(observer ? { suggestedObserver: observer } : {}),
    };
  }

  private greetingFields(): Pick<ProbeResult, 'version' | 'mechanism' | 'asServer'> {
    if (!this.greeting) return {};
    return { version: this.greeting.version, mechanism: this.greeting.mechanism, asServer: this.greeting.asServer };
  }

  private onTimeout(): void {
    if (this.connectedAt === undefined) {
      this.finish({
        kind: 'timeout',
        reachable: false,
        errorCode: 'ETIMEDOUT',
        error: 'connect timed out',
        explanation: `Nothing accepted the TCP connection to ${this.host}:${this.port} within ${this.timeoutMs} ms (a firewall, or a host that drops packets).`,
      });
      return;
    }
    const state = this.parser.conclude();
    if (state.type === 'no-ready') {
      this.finish({
        ...this.greetingFields(),
        kind: 'timeout',
        reachable: true,
        error: 'no READY',
        explanation:
          `A ZMTP ${state.greeting.version} ${state.greeting.mechanism} peer greeted but sent ` +
          `no READY within ${this.timeoutMs} ms (a ZAP handler may be holding the handshake).`,
      });
    } else if (state.type === 'truncated-greeting') {
      const first = printableText(this.firstBytes);
      this.finish({
        kind: 'timeout',
        reachable: true,
        firstBytes: first,
        error: 'incomplete greeting',
        explanation: `The server sent ${state.received} bytes that are not a complete ZMTP greeting, then nothing for ${this.timeoutMs} ms.`,
      });
    } else {
      this.finish({
        kind: 'timeout',
        reachable: true,
        error: 'no answer',
        explanation:
          `The TCP port is open but sent nothing within ${this.timeoutMs} ms: not a ZeroMQ ` +
          'peer (ZeroMQ greets at once), or a ZeroMQ STREAM socket or other raw TCP server.',
      });
    }
  }

  private onError(error: NodeJS.ErrnoException): void {
    const code = error.code ?? 'ERROR';
    // A reset (unlike a refusal) means the server accepted, then dropped us: often before Node saw 'connect'.
    if (this.connectedAt === undefined && code === 'ECONNRESET') this.connectedAt = performance.now();
    if (this.connectedAt === undefined) {
      this.finish({
        kind: 'unreachable',
        reachable: false,
        errorCode: code,
        error: connectErrorWords(code, error.message),
        explanation: connectExplanation(code, this.host, this.port, error.message),
      });
    } else {
      this.onClose(code);
    }
  }

  private onClose(code?: string): void {
    if (this.settled) return;
    if (this.connectedAt === undefined) {
      this.finish({
        kind: 'unreachable',
        reachable: false,
        errorCode: code,
        error: 'connection closed',
        explanation: `The connection to ${this.host}:${this.port} closed before it was established.`,
      });
      return;
    }
    const state = this.parser.conclude();
    const how = code ? `reset the connection (${code})` : 'closed the connection';
    if (state.type === 'no-ready') {
      this.finish({
        ...this.greetingFields(),
        kind: 'closed',
        reachable: true,
        errorCode: code,
        error: 'closed before READY',
        explanation: `A ZMTP ${state.greeting.version} ${state.greeting.mechanism} peer greeted, then ${how} before READY.`,
      });
    } else if (state.type === 'truncated-greeting') {
      const first = printableText(this.firstBytes);
      this.finish({
        kind: 'closed',
        reachable: true,
        errorCode: code,
        firstBytes: first,
        error: 'closed mid-greeting',
        explanation: `The server ${how} after ${state.received} bytes of an incomplete greeting ("${first.slice(0, 40)}").`,
      });
    } else {
      this.finish({
        kind: 'closed',
        reachable: true,
        errorCode: code,
        error: 'closed without a word',
        explanation: `The server accepted the connection and ${how} without sending anything: not a ZeroMQ peer, or one that refuses new connections.`,
      });
    }
  }
}

function cancelled(address: string, reachable: boolean): ProbeResult {
  return { address, kind: 'error', reachable, error: 'cancelled', explanation: 'The probe was cancelled.' };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
