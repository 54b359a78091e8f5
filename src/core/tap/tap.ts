// The tap: a capturing proxy in the middle, the honest way to watch patterns where one more peer would
// steal messages (PUSH/PULL, REQ/REP, DEALER/ROUTER). Clients connect to the tap's listen address; the tap
// connects to the real service; every message is forwarded unchanged (all frames, routing envelope), then
// recorded. Forwarding never waits on capture or decoding: a message is sent on before it is appended
// (append is synchronous and cheap). One receive loop per direction (zeromq.js allows one pending receive
// per socket); when a send blocks, that loop waits, which pushes back on the sender as a direct link would.
//
// Directions in the capture, seen from the clients the tap stands in for: 'out' (tag "client→service") is
// towards the service: requests, subscriptions, work a producer pushes into a sink; 'in' (tag
// "service→client") is from the service: replies, publications, work a ventilator hands out.
import type * as Zmq from 'zeromq';
import { forwardingHighWaterMarkFor } from '../capture/queueBudget';
import { type ParsedEndpoint, parseEndpoint } from '../session/endpoint';
import { reachesOwnListener } from './selfLoop';
import type { LatencySummary } from './latencyStats';
import { RequestCorrelator, type Correlation, type CorrelatorShedding, type UnansweredRequest } from './requestCorrelator';
import type { CaptureSink } from '../session/session';
import type { AppendOptions, Direction, SocketTypeName } from '../types';
import { ZmqUserError, errorCode, explainZmqError } from '../session/zmqErrors';
import { createSocket, disconnectBeforeClose } from '../session/socketFactory';
import { openFrontDoor, type FrontDoor } from './frontDoor';
import type { WireConnection } from './wireRelay';

export type { Correlation, CorrelatorShedding, UnansweredRequest } from './requestCorrelator';

/**
 * Which socket pair the tap uses depends on what the real service binds:
 * - request-reply: the service binds a REP or ROUTER (clients REQ or DEALER): ROUTER front, DEALER back.
 *   A ROUTER service then sees one extra routing frame (the client's id at the tap), as behind any broker.
 * - pub-sub: the service binds a PUB/XPUB: XPUB front (subscribers connect), XSUB back; subscriptions
 *   travel upstream through the tap (and are captured), so the publisher filters as it would directly.
 * - pipeline: the service binds a PUSH (a ventilator): PUSH front (workers connect), PULL back.
 * - pipeline-sink: the service binds a PULL (a sink): PULL front (producers connect), PUSH back.
 * - pair: PAIR front and back.
 */
export type TapPattern = 'request-reply' | 'pub-sub' | 'pipeline' | 'pipeline-sink' | 'pair';

/** Other names accepted by `Tap.start`: REQ-REP and DEALER-ROUTER services use the same tap. */
export type TapPatternName = TapPattern | 'req-rep' | 'dealer-router';

export const TAP_SOCKETS: Record<TapPattern, { front: SocketTypeName; back: SocketTypeName; describe: string }> = {
  'request-reply': { front: 'ROUTER', back: 'DEALER', describe: 'REQ/DEALER clients ↔ REP/ROUTER service' },
  'pub-sub': { front: 'XPUB', back: 'XSUB', describe: 'SUB subscribers ↔ PUB publisher (subscriptions forwarded)' },
  pipeline: { front: 'PUSH', back: 'PULL', describe: 'PULL workers ← PUSH ventilator' },
  'pipeline-sink': { front: 'PULL', back: 'PUSH', describe: 'PUSH producers → PULL sink' },
  pair: { front: 'PAIR', back: 'PAIR', describe: 'PAIR ↔ PAIR' },
};

export function normalizeTapPattern(name: TapPatternName): TapPattern {
  return name === 'req-rep' || name === 'dealer-router' ? 'request-reply' : name;
}

/** Which tap fits a service whose bound socket (found by the ZMTP probe) is `serviceType`. */
export function tapPatternFor(serviceType: SocketTypeName): TapPattern | undefined {
  switch (serviceType) {
    case 'REP':
    case 'ROUTER':
    case 'DEALER':
      return 'request-reply';
    case 'PUB':
    case 'XPUB':
      return 'pub-sub';
    case 'PUSH':
      return 'pipeline';
    case 'PULL':
      return 'pipeline-sink';
    case 'PAIR':
      return 'pair';
    default:
      return undefined;
  }
}

export interface TapOptions {
  /** Used as the sessionId of every captured message. */
  id: string;
  name: string;
  pattern: TapPatternName;
  /** Where the tap binds for the clients (`tcp://127.0.0.1:*` picks a free port; see `Tap.listen`). */
  listen: string;
  /** The real service's address, which the tap connects to. */
  upstream: string;
  sink: CaptureSink;
  /** request-reply: a request with no reply after this long is flagged (default 5000 ms). */
  replyTimeoutMs?: number;
  /** Called once per request when it is flagged as unanswered. */
  onUnanswered?(request: UnansweredRequest): void;
  /**
   * Messages queued per peer and direction before a send blocks (PUSH, DEALER, PAIR) or drops (XPUB to
   * a slow subscriber, as the real PUB would). Default: sized from the sink's byte budget (queueBudget.ts),
   * at least libzmq's 1000; libzmq counts messages, so a bound in bytes keeps the engine's memory finite.
   */
  highWaterMark?: number;
  /**
   * tcp listen addresses: accept clients in a relay that reads their ZMTP commands (heartbeats, READY,
   * subscriptions per subscriber) on the way to the tap's socket. Default true; false binds the ZeroMQ
   * socket on the listen address itself (one hop less, no per-connection view).
   */
  watchConnections?: boolean;
}

export interface TapCounters {
  toService: number;
  toClients: number;
  bytesToService: number;
  bytesToClients: number;
  /** Replies for a client that had disconnected: libzmq cannot deliver them (they are still captured). */
  undeliverable: number;
}

const TAG_TO_SERVICE = 'client→service';
const TAG_TO_CLIENT = 'service→client';
const TAG_UNDELIVERABLE = 'service→client (undeliverable: the client is gone)';

type Receiver = Zmq.Socket & { receive(): Promise<Buffer[]> };
type Sender = Zmq.Socket & { send(message: Buffer[]): Promise<void> };

export class Tap {
  readonly id: string;
  readonly name: string;
  readonly pattern: TapPattern;
  /** The address the tap is bound to, as libzmq reports it (a wildcard port resolved). */
  readonly listen: string;
  readonly upstream: string;
  readonly counters: TapCounters = { toService: 0, toClients: 0, bytesToService: 0, bytesToClients: 0, undeliverable: 0 };
  /** The last forwarding error, for display; forwarding goes on after it. */
  lastError?: string;
  private readonly correlator?: RequestCorrelator;
  private closed = false;
  private closing?: Promise<void>;
  private readonly loops: Promise<void>[] = [];
  private timer?: NodeJS.Timeout;

  private constructor(
    private readonly options: TapOptions,
    pattern: TapPattern,
    listen: string,
    upstream: string,
    private readonly front: Zmq.Socket,
    private readonly back: Zmq.Socket,
    private readonly door: FrontDoor,
  ) {
    this.id = options.id;
    this.name = options.name;
    this.pattern = pattern;
    this.listen = listen;
    this.upstream = upstream;
    if (pattern === 'request-reply') this.correlator = new RequestCorrelator();
  }

  /**
   * Binds the listen side, connects to the service and starts forwarding. Rejects with a ZmqUserError
   * (leaving nothing open) when an address is invalid or the listen address cannot be bound. The service
   * need not be up yet: the tap connects in the background and reconnects whenever it restarts.
   */
  static async start(options: TapOptions): Promise<Tap> {
    const pattern = normalizeTapPattern(options.pattern);
    if (!TAP_SOCKETS[pattern])
      throw new ZmqUserError(`Unknown tap pattern "${options.pattern}": use ${Object.keys(TAP_SOCKETS).join(', ')}.`);
    const listen = parseEndpoint(options.listen, { mode: 'bind' });
    if (!listen.ok) throw new ZmqUserError(`Listen address: ${listen.error}`);
    const upstream = parseEndpoint(options.upstream, { mode: 'connect' });
    if (!upstream.ok) throw new ZmqUserError(`Service address: ${upstream.error}`);
    if (listen.endpoint.address === upstream.endpoint.address) {
      throw new ZmqUserError("The tap cannot listen on the service's own address: give it another address and point the clients at it.");
    }
    const { front: frontType, back: backType } = TAP_SOCKETS[pattern];
    const hwm = options.highWaterMark ?? forwardingHighWaterMarkFor(options.sink.maxBytes);
    const front = openSocket(frontType, hwm);
    const back = openSocket(backType, hwm);
    let door: FrontDoor | undefined;
    try {
      door = await openFrontDoor(front, listen.endpoint, options.watchConnections !== false, frontType);
      await refuseSelfLoop(listen.endpoint, door.bound, upstream.endpoint);
      try {
        back.connect(upstream.endpoint.address);
      } catch (error) {
        throw explainZmqError(error, 'connect', upstream.endpoint.address, backType);
      }
    } catch (error) {
      // Unbound before the error is reported: the user may retry with the same listen address at once.
      await door?.close();
      front.close();
      back.close();
      throw error;
    }
    const tap = new Tap(options, pattern, door.bound, upstream.endpoint.address, front, back, door);
    tap.run();
    return tap;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Round-trip times of the recent request/reply pairs (request-reply taps; empty otherwise). */
  latency(): LatencySummary {
    return this.correlator?.latency() ?? { count: 0, p50: 0, p90: 0, p99: 0, max: 0, histogram: [] };
  }

  /** Round-trip times measured after the `total`-th one (request-reply taps), and the new total. */
  latencySince(total: number): { total: number; samples: Float64Array } {
    return this.correlator?.latencySince(total) ?? { total: 0, samples: new Float64Array(0) };
  }

  /** Requests without a reply after `replyTimeoutMs` (the REQ lock-step hang), oldest first. */
  unanswered(): UnansweredRequest[] {
    return this.correlator?.unanswered(performance.now()) ?? [];
  }

  /**
   * Each client connection as the relay saw it (open ones and the last closed ones): peer address, socket
   * type, ZMTP heartbeats, idle time, subscriptions held. Empty when the listen address is not tcp.
   */
  connections(): WireConnection[] {
    return this.door.relay?.connections() ?? [];
  }

  /** Whether connections are watched (a tcp listen address with `watchConnections` on). */
  get watchesConnections(): boolean {
    return !!this.door.relay;
  }

  /** What the request-reply bookkeeping gave up to stay bounded (requests no longer timed), and why. */
  shedding(): CorrelatorShedding | undefined {
    return this.correlator ? { ...this.correlator.shedding } : undefined;
  }

  /** For a captured seq of this tap: its request's or reply's seq and the round trip ("reply to #12 after 3.4 ms"). */
  correlation(seq: number): Correlation | undefined {
    return this.correlator?.correlation(seq);
  }

  /**
   * Stops forwarding and closes both sockets. Resolves once the listen address is unbound (it can be bound
   * again at once) and both loops have ended. Messages queued inside the tap are dropped (linger 0).
   */
  close(): Promise<void> {
    if (!this.closing) {
      this.closed = true;
      clearInterval(this.timer);
      this.closing = (async () => {
        await disconnectBeforeClose(this.back, [this.upstream]);
        this.front.close();
        this.back.close();
        await this.door.close();
        await Promise.allSettled(this.loops);
      })();
    }
    return this.closing;
  }

  private run(): void {
    if (this.pattern !== 'pipeline') this.loops.push(this.forward(this.front as Receiver, this.back as Sender, 'out'));
    if (this.pattern !== 'pipeline-sink') this.loops.push(this.forward(this.back as Receiver, this.front as Sender, 'in'));
    if (this.correlator) {
      const timeoutMs = this.options.replyTimeoutMs ?? 5000;
      this.timer = setInterval(() => this.flagUnanswered(timeoutMs), Math.max(10, Math.min(250, timeoutMs / 4)));
      this.timer.unref();
    }
  }

  private async forward(from: Receiver, to: Sender, direction: Direction): Promise<void> {
    const towardsService = direction === 'out';
    const options: AppendOptions = {
      tag: towardsService ? TAG_TO_SERVICE : TAG_TO_CLIENT,
      hasRoutingId: this.pattern === 'request-reply',
      // Subscription messages (towards the service) start with 0x01/0x00, not a topic.
      hasTopic: this.pattern === 'pub-sub' && !towardsService,
    };
    const correlator = this.correlator;
    const sink = this.options.sink;
    const counters = this.counters;
    while (!this.closed) {
      let frames: Buffer[];
      try {
        frames = await from.receive();
      } catch (error) {
        if (this.closed) return;
        this.lastError = explainZmqError(error, 'receive').message;
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      // Both ends of a round trip are stamped on arrival at the tap. A request is registered before it is
      // forwarded: zeromq.js may resolve a send after the reply has already come back.
      const receivedAt = correlator ? performance.now() : 0;
      const request = correlator && towardsService ? correlator.request(frames, receivedAt) : undefined;
      let delivered = true;
      try {
        await sendWaiting(to, frames, () => this.closed);
      } catch (error) {
        if (this.closed) return;
        delivered = false;
        this.noteSendError(error, frames);
      }
      let bytes = 0;
      for (let i = 0; i < frames.length; i++) bytes += frames[i].length;
      if (towardsService) {
        counters.toService++;
        counters.bytesToService += bytes;
      } else {
        counters.toClients++;
        counters.bytesToClients += bytes;
      }
      const seq = sink.append(this.id, direction, frames, delivered ? options : { ...options, tag: TAG_UNDELIVERABLE });
      if (request) correlator!.captured(request, seq);
      else if (correlator && !towardsService) correlator.reply(frames, seq, receivedAt);
    }
  }

  private noteSendError(error: unknown, frames: Buffer[]): void {
    if (errorCode(error) === 'EHOSTUNREACH' && this.pattern === 'request-reply') {
      this.counters.undeliverable++;
      this.lastError = `A reply for client 0x${frames[0]?.toString('hex') ?? ''} was dropped: that client disconnected before the service answered.`;
      return;
    }
    this.lastError = explainZmqError(error, 'send').message;
  }

  private flagUnanswered(timeoutMs: number): void {
    for (const request of this.correlator!.flagUnanswered(performance.now(), timeoutMs)) {
      try {
        this.options.onUnanswered?.(request);
      } catch {
        // A failing listener must not stop the timer (or crash the host with an uncaught exception).
      }
    }
  }
}

/** Rejects with a ZmqUserError when the service address leads back to the tap's own listen socket. */
async function refuseSelfLoop(listen: ParsedEndpoint, bound: string, upstream: ParsedEndpoint): Promise<void> {
  if (listen.transport !== 'tcp' || upstream.transport !== 'tcp' || !listen.host || !upstream.host || upstream.port === undefined) return;
  const boundPort = Number(/:(\d+)$/.exec(bound)?.[1] ?? listen.port);
  if (!(await reachesOwnListener(listen.host, boundPort, upstream.host, upstream.port))) return;
  throw new ZmqUserError(
    `The tap would connect to itself: it listens on ${bound} and the service address ` +
      `${upstream.address} is this machine on the same port, so every message would go round in the tap. ` +
      `Give the tap another listen port (and point the clients at it), or give the real service's address.`,
  );
}

/** Sends; a socket with sendTimeout 0 reports a full queue as EAGAIN, and then the send is retried. */
async function sendWaiting(to: Sender, frames: Buffer[], isClosed: () => boolean): Promise<void> {
  for (let waitMs = 1; ; waitMs = Math.min(waitMs * 2, 50)) {
    try {
      return await to.send(frames);
    } catch (error) {
      if (errorCode(error) !== 'EAGAIN' || isClosed()) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}

function openSocket(type: SocketTypeName, hwm: number): Zmq.Socket {
  const options: Record<string, unknown> = { linger: 0, reconnectMaxInterval: 2000, receiveHighWaterMark: hwm, sendHighWaterMark: hwm };
  // A reply for a client that left fails loudly (EHOSTUNREACH) instead of vanishing. A mandatory ROUTER
  // is not writable while no client is connected, so a waiting send would hang the reply loop: it sends
  // without waiting, and `sendWaiting` retries only when the client's queue is full (EAGAIN).
  if (type === 'ROUTER') Object.assign(options, { mandatory: true, sendTimeout: 0 });
  // Every subscriber's subscribe and unsubscribe is forwarded (and captured), not only the first and last.
  if (type === 'XPUB') options.verbosity = 'allSubsUnsubs';
  return createSocket(type, options);
}
