// The tap: a capturing proxy in the middle, the honest way to watch patterns where one more peer would
// steal messages (PUSH/PULL, REQ/REP, DEALER/ROUTER). Clients connect to the tap's listen address; the tap
// connects to the real service; every message is forwarded unchanged, then recorded. Forwarding never waits
// on capture or decoding: a message is sent on before it is appended (append is synchronous and cheap).
//
// Directions in the capture: 'out' = towards the service (requests, subscriptions, pipeline work sent
// by a producer the tap stands in front of), 'in' = from the service towards the clients.
import type * as Zmq from 'zeromq';
import { parseEndpoint } from './endpoint';
import { LatencyStats, type LatencySummary } from './latencyStats';
import type { CaptureSink } from './session';
import type { Direction, SocketTypeName } from './types';
import { ZmqUserError, explainZmqError, loadZeromq } from './zmqErrors';

/**
 * - request-reply: the service is a REP or ROUTER (clients REQ or DEALER): ROUTER front, DEALER back.
 * - pub-sub: the service is a PUB/XPUB: XPUB front (subscribers connect), XSUB back.
 * - pipeline: the service is a bound PUSH (a ventilator): PUSH front (workers connect), PULL back.
 * - pipeline-sink: the service is a bound PULL (a sink): PULL front (producers connect), PUSH back.
 * - pair: PAIR front and back.
 */
export type TapPattern = 'request-reply' | 'pub-sub' | 'pipeline' | 'pipeline-sink' | 'pair';

export const TAP_SOCKETS: Record<TapPattern, { front: SocketTypeName; back: SocketTypeName; describe: string }> = {
  'request-reply': { front: 'ROUTER', back: 'DEALER', describe: 'REQ/DEALER clients ↔ REP/ROUTER service' },
  'pub-sub': { front: 'XPUB', back: 'XSUB', describe: 'SUB subscribers ↔ PUB publisher (subscriptions forwarded)' },
  pipeline: { front: 'PUSH', back: 'PULL', describe: 'PULL workers ← PUSH ventilator' },
  'pipeline-sink': { front: 'PULL', back: 'PUSH', describe: 'PUSH producers → PULL sink' },
  pair: { front: 'PAIR', back: 'PAIR', describe: 'PAIR ↔ PAIR' },
};

/** Which tap fits a service whose socket (found by the ZMTP probe) is `serviceType`. */
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
  id: string;
  name: string;
  pattern: TapPattern;
  /** Where the tap binds for the clients. */
  listen: string;
  /** The real service's address, which the tap connects to. */
  upstream: string;
  sink: CaptureSink;
  /** A request with no reply after this long is flagged (default 5000 ms). */
  replyTimeoutMs?: number;
  onUnanswered?(request: UnansweredRequest): void;
}

export interface UnansweredRequest {
  seq: number;
  clientIdHex: string;
  ageMs: number;
}

export interface Correlation {
  /** The request's seq for a reply, the reply's seq for a request. */
  pairSeq: number;
  rttMs: number;
}

interface PendingRequest {
  seq: number;
  sentAt: number;
  flagged: boolean;
}

const CORRELATIONS_KEPT = 100_000;
const PENDING_PER_CLIENT = 1000;

export class Tap {
  readonly id: string;
  readonly name: string;
  readonly pattern: TapPattern;
  readonly listen: string;
  readonly upstream: string;
  readonly counters = { toService: 0, toClients: 0, bytesToService: 0, bytesToClients: 0 };
  private readonly latencyStats = new LatencyStats();
  private readonly pending = new Map<string, PendingRequest[]>();
  private readonly correlations = new Map<number, Correlation>();
  private readonly unansweredList: UnansweredRequest[] = [];
  private closed = false;
  private loops: Promise<void>[] = [];
  private timer?: NodeJS.Timeout;
  lastError?: string;

  private constructor(
    private readonly options: TapOptions,
    private readonly front: Zmq.Socket,
    private readonly back: Zmq.Socket,
  ) {
    this.id = options.id;
    this.name = options.name;
    this.pattern = options.pattern;
    this.listen = options.listen;
    this.upstream = options.upstream;
  }

  /** Binds the listen side, connects to the service and starts forwarding. Leaves nothing open on error. */
  static async start(options: TapOptions): Promise<Tap> {
    const listen = parseEndpoint(options.listen, { mode: 'bind' });
    if (!listen.ok) throw new ZmqUserError(`Listen address: ${listen.error}`);
    const upstream = parseEndpoint(options.upstream, { mode: 'connect' });
    if (!upstream.ok) throw new ZmqUserError(`Service address: ${upstream.error}`);
    if (listen.endpoint.address === upstream.endpoint.address) throw new ZmqUserError('The tap cannot listen on the service\'s own address: clients must connect to the tap instead.');
    const zmq = loadZeromq();
    const { front: frontType, back: backType } = TAP_SOCKETS[options.pattern];
    const make = (type: SocketTypeName): Zmq.Socket => {
      const classes: Partial<Record<SocketTypeName, new (o: object) => Zmq.Socket>> = {
        ROUTER: zmq.Router, DEALER: zmq.Dealer, XPUB: zmq.XPublisher, XSUB: zmq.XSubscriber, PUSH: zmq.Push, PULL: zmq.Pull, PAIR: zmq.Pair,
      };
      // No drop at libzmq's default HWM of 1000: a proxy that drops silently would lie about the traffic.
      // (zeromq.js send-only and receive-only classes have no option for the other direction.)
      const socketOptions: Record<string, number> = { linger: 0, reconnectMaxInterval: 2000 };
      if (type !== 'PUSH') socketOptions.receiveHighWaterMark = 0;
      if (type !== 'PULL') socketOptions.sendHighWaterMark = 0;
      return new classes[type]!(socketOptions);
    };
    const front = make(frontType);
    const back = make(backType);
    const tap = new Tap({ ...options, listen: listen.endpoint.address, upstream: upstream.endpoint.address }, front, back);
    try {
      await front.bind(listen.endpoint.address).catch((error) => {
        throw explainZmqError(error, 'bind', listen.endpoint.address, frontType);
      });
      back.connect(upstream.endpoint.address);
    } catch (error) {
      front.close();
      back.close();
      throw error;
    }
    tap.run();
    return tap;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  latency(): LatencySummary {
    return this.latencyStats.summary();
  }

  /** Requests that got no reply within the timeout (the REQ lock-step hang), oldest first. */
  unanswered(): UnansweredRequest[] {
    return [...this.unansweredList];
  }

  correlation(seq: number): Correlation | undefined {
    return this.correlations.get(seq);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.front.unbind(this.listen).catch(() => undefined);
    this.front.close();
    this.back.close();
    await Promise.allSettled(this.loops);
  }

  private run(): void {
    const toService = this.pattern !== 'pipeline';
    const toClients = this.pattern !== 'pipeline-sink';
    if (toService) this.loops.push(this.forward(this.front, this.back, 'out'));
    if (toClients) this.loops.push(this.forward(this.back, this.front, 'in'));
    if (this.pattern === 'request-reply') {
      const timeout = this.options.replyTimeoutMs ?? 5000;
      this.timer = setInterval(() => this.flagUnanswered(timeout), Math.min(250, timeout));
      this.timer.unref();
    }
  }

  private async forward(from: Zmq.Socket, to: Zmq.Socket, direction: Direction): Promise<void> {
    const receiver = from as Zmq.Socket & { receive(): Promise<Buffer[]> };
    const sender = to as Zmq.Socket & { send(m: Buffer[]): Promise<void> };
    const towardsService = direction === 'out';
    const tag = towardsService ? 'client→service' : 'service→client';
    const hasRoutingId = this.pattern === 'request-reply';
    const hasTopic = this.pattern === 'pub-sub';
    while (!this.closed) {
      let frames: Buffer[];
      try {
        frames = await receiver.receive();
      } catch (error) {
        if (this.closed) return;
        this.lastError = explainZmqError(error, 'receive').message;
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      try {
        await sender.send(frames);
      } catch (error) {
        if (this.closed) return;
        // A reply for a client that went away (ROUTER, mandatory off) is dropped by libzmq; anything
        // else is worth knowing.
        this.lastError = explainZmqError(error, 'send').message;
      }
      const now = performance.now();
      let bytes = 0;
      for (const frame of frames) bytes += frame.length;
      if (towardsService) {
        this.counters.toService++;
        this.counters.bytesToService += bytes;
      } else {
        this.counters.toClients++;
        this.counters.bytesToClients += bytes;
      }
      const seq = this.options.sink.append(this.id, direction, frames, { hasRoutingId, hasTopic, tag });
      if (hasRoutingId && frames.length) this.correlate(frames[0], seq, towardsService, now);
    }
  }

  /** Requests and replies of one client pair up in order (REQ is lock-step; DEALER replies come in order from REP). */
  private correlate(clientId: Buffer, seq: number, isRequest: boolean, now: number): void {
    const key = clientId.toString('hex');
    let queue = this.pending.get(key);
    if (isRequest) {
      if (!queue) this.pending.set(key, (queue = []));
      if (queue.length >= PENDING_PER_CLIENT) queue.shift();
      queue.push({ seq, sentAt: now, flagged: false });
      return;
    }
    const request = queue?.shift();
    if (!request) return;
    if (queue && !queue.length) this.pending.delete(key);
    const rttMs = now - request.sentAt;
    this.latencyStats.add(rttMs);
    this.remember(seq, { pairSeq: request.seq, rttMs });
    this.remember(request.seq, { pairSeq: seq, rttMs });
    if (request.flagged) {
      const at = this.unansweredList.findIndex((u) => u.seq === request.seq);
      if (at >= 0) this.unansweredList.splice(at, 1);
    }
  }

  private remember(seq: number, correlation: Correlation): void {
    this.correlations.set(seq, correlation);
    if (this.correlations.size > CORRELATIONS_KEPT) this.correlations.delete(this.correlations.keys().next().value!);
  }

  private flagUnanswered(timeoutMs: number): void {
    const now = performance.now();
    for (const [clientIdHex, queue] of this.pending) {
      for (const request of queue) {
        if (request.flagged || now - request.sentAt < timeoutMs) continue;
        request.flagged = true;
        const entry = { seq: request.seq, clientIdHex, ageMs: now - request.sentAt };
        this.unansweredList.push(entry);
        if (this.unansweredList.length > 1000) this.unansweredList.shift();
        this.options.onUnanswered?.(entry);
      }
    }
  }
}
