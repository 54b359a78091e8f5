// Pairs each reply a tap sees with its request (by routing envelope, then order), times the round trip,
// and flags requests that stay unanswered: the REQ lock-step hang. Pure bookkeeping, no sockets, so the
// tap and the unit tests drive it with their own clocks. Every structure in it is bounded.
import { createHash } from 'node:crypto';
import { LatencyStats, type LatencySummary } from './latencyStats';

export interface Correlation {
  /** What the message with this correlation is (a reply may be captured before its request). */
  role: 'request' | 'reply';
  /** The request's seq for a reply, the reply's seq for a request. */
  pairSeq: number;
  rttMs: number;
}

export interface UnansweredRequest {
  seq: number;
  /** Frame 0 of the request: the routing id the tap's ROUTER gave the client (hex). */
  clientIdHex: string;
  /** How long the request has waited, as of the call that returned this entry. */
  ageMs: number;
}

export interface RequestCorrelatorLimits {
  /** Requests awaiting a reply, over all clients; the oldest are forgotten first. Default 100,000. */
  maxPending?: number;
  /** Bytes the pending requests may hold (their envelope keys and bookkeeping). Default 16 MiB. */
  maxPendingBytes?: number;
  /** Messages whose correlation is kept for the inspector (two per pair). Default 100,000. */
  maxCorrelations?: number;
  /** Unanswered requests listed. Default 1000. */
  maxUnanswered?: number;
  /** Round-trip times the latency summary covers. Default 10,000. */
  latencyWindow?: number;
}

/** A request the correlator is tracking; its seq is known once the tap has captured it. */
export interface PendingRequest {
  /** -1 until `captured()`: the tap forwards a request before it captures it. */
  seq: number;
  atMs: number;
  flagged: boolean;
  /** A reply that arrived before the request's seq was known (zeromq.js may resolve a send late). */
  early?: { seq: number; rttMs: number };
}

interface ClientQueue {
  clientIdHex: string;
  requests: PendingRequest[];
  /** Index of the first request not yet replied to (shifting arrays per reply is O(n)). */
  head: number;
}

/** The envelope ends at the first empty frame; a routing stack deeper than this is not an envelope. */
const MAX_ENVELOPE_FRAMES = 16;
/** An envelope longer than this is keyed by its digest: a client may put a 1 MiB frame before the delimiter. */
const MAX_RAW_KEY_BYTES = 64;
/** What a pending request costs besides its queue's key: the object, its array slot, the flag entry. */
const PENDING_REQUEST_BYTES = 96;
/** What a client queue costs besides its key (the Map entry, the object, the client id text). */
const CLIENT_QUEUE_BYTES = 256;
/** Routing id bytes kept (as hex) to name a client: a peer may use 255. */
const CLIENT_ID_BYTES = 32;

/**
 * The key a request and its reply share: the frames as the tap's ROUTER front sees them, from the client's
 * routing id through the empty delimiter (REQ: `[id, ""]`; a DEALER client may add its own request ids
 * before the delimiter, and a service echoes them back). Without a delimiter, the routing id alone.
 */
export function envelopeKey(frames: readonly Uint8Array[]): string {
  let end = 1;
  const limit = Math.min(frames.length - 1, MAX_ENVELOPE_FRAMES);
  for (let i = 1; i < limit; i++) {
    if (frames[i].length === 0) {
      end = i + 1;
      break;
    }
  }
  end = Math.min(end, frames.length);
  let bytes = 0;
  for (let i = 0; i < end; i++) bytes += frames[i].length;
  if (bytes > MAX_RAW_KEY_BYTES) {
    // A digest, never the frames: pending requests then cost a fixed size whatever their envelope.
    const hash = createHash('sha256');
    const length = Buffer.alloc(4);
    for (let i = 0; i < end; i++) {
      length.writeUInt32BE(frames[i].length);
      hash.update(length).update(frames[i]);
    }
    return `#${hash.digest('base64')}`;
  }
  let key = '';
  for (let i = 0; i < end; i++) {
    const frame = frames[i];
    key += `${frame.length}:${Buffer.from(frame.buffer, frame.byteOffset, frame.length).toString('latin1')}`;
  }
  return key;
}

/** What the correlator gave up to stay in its bounds, for the user: how many, and why. */
export interface CorrelatorShedding {
  /** Requests forgotten before their reply (the oldest first): their replies are not timed or paired. */
  forgottenRequests: number;
  /** Why, in words, the last time one was forgotten. */
  reason?: string;
}

export class RequestCorrelator {
  private readonly latencyStats: LatencyStats;
  private readonly pending = new Map<string, ClientQueue>();
  private pendingCount = 0;
  private pendingBytes = 0;
  private readonly maxPendingBytes: number;
  readonly shedding: CorrelatorShedding = { forgottenRequests: 0 };
  private readonly correlations = new Map<number, Correlation>();
  /** Flagged requests by seq, oldest first (Map keeps insertion order). */
  private readonly flagged = new Map<number, { clientIdHex: string; atMs: number }>();
  private readonly maxPending: number;
  private readonly maxCorrelations: number;
  private readonly maxUnanswered: number;

  constructor(limits: RequestCorrelatorLimits = {}) {
    this.maxPending = limits.maxPending ?? 100_000;
    this.maxPendingBytes = limits.maxPendingBytes ?? 16 * 1024 * 1024;
    this.maxCorrelations = limits.maxCorrelations ?? 100_000;
    this.maxUnanswered = limits.maxUnanswered ?? 1000;
    this.latencyStats = new LatencyStats(limits.latencyWindow ?? 10_000);
  }

  /** Requests still waiting for a reply. */
  get pendingRequests(): number {
    return this.pendingCount;
  }

  /** Bytes the pending requests hold, as the byte bound counts them. */
  get pendingRequestBytes(): number {
    return this.pendingBytes;
  }

  /**
   * A request (frames as received from the client, routing id first) reached the tap at `atMs`. Call it
   * before forwarding, so that a reply can never be seen first; pass the seq now or later to `captured()`.
   */
  request(frames: readonly Uint8Array[], atMs: number, seq = -1): PendingRequest | undefined {
    if (!frames.length) return undefined;
    const key = envelopeKey(frames);
    let queue = this.pending.get(key);
    if (!queue) {
      const id = frames[0];
      const idHex = Buffer.from(id.buffer, id.byteOffset, Math.min(id.length, CLIENT_ID_BYTES)).toString('hex');
      queue = { clientIdHex: id.length > CLIENT_ID_BYTES ? `${idHex}…` : idHex, requests: [], head: 0 };
      this.pending.set(key, queue);
      this.pendingBytes += key.length + CLIENT_QUEUE_BYTES;
    }
    const request: PendingRequest = { seq, atMs, flagged: false };
    queue.requests.push(request);
    this.pendingCount++;
    this.pendingBytes += PENDING_REQUEST_BYTES;
    while (this.pendingCount > this.maxPending) this.forgetOldestPending(`more than ${this.maxPending} requests await a reply`);
    while (this.pendingBytes > this.maxPendingBytes && this.pendingCount > 1)
      this.forgetOldestPending(`the pending requests hold more than ${this.maxPendingBytes} bytes`);
    return request;
  }

  /** The request was captured as `seq`. */
  captured(request: PendingRequest, seq: number): void {
    request.seq = seq;
    if (request.early) {
      this.pair(request.seq, request.early.seq, request.early.rttMs);
      request.early = undefined;
    }
  }

  /** A reply (routing id first) arrived at `atMs`: pairs it with the oldest open request of its envelope. */
  reply(frames: readonly Uint8Array[], seq: number, atMs: number): Correlation | undefined {
    if (!frames.length) return undefined;
    const key = envelopeKey(frames);
    const queue = this.pending.get(key);
    if (!queue) return undefined;
    const request = this.takeOldest(key, queue);
    const rttMs = Math.max(0, atMs - request.atMs);
    this.latencyStats.add(rttMs);
    if (request.flagged) this.flagged.delete(request.seq);
    if (request.seq < 0) {
      request.early = { seq, rttMs };
      return undefined;
    }
    this.pair(request.seq, seq, rttMs);
    return { role: 'reply', pairSeq: request.seq, rttMs };
  }

  /** Flags requests older than `timeoutMs` at `nowMs`; returns the ones flagged by this call. */
  flagUnanswered(nowMs: number, timeoutMs: number): UnansweredRequest[] {
    const newlyFlagged: UnansweredRequest[] = [];
    for (const queue of this.pending.values()) {
      // A queue is in arrival order: stop at the first request that is still young.
      for (let i = queue.head; i < queue.requests.length; i++) {
        const request = queue.requests[i];
        if (nowMs - request.atMs < timeoutMs) break;
        // Not captured yet (its send is still pending): flagged on a later sweep.
        if (request.flagged || request.seq < 0) continue;
        request.flagged = true;
        this.flagged.set(request.seq, { clientIdHex: queue.clientIdHex, atMs: request.atMs });
        if (this.flagged.size > this.maxUnanswered) this.flagged.delete(this.flagged.keys().next().value!);
        newlyFlagged.push({ seq: request.seq, clientIdHex: queue.clientIdHex, ageMs: nowMs - request.atMs });
      }
    }
    return newlyFlagged;
  }

  /** Flagged requests still without a reply, oldest first. */
  unanswered(nowMs: number): UnansweredRequest[] {
    return [...this.flagged].map(([seq, { clientIdHex, atMs }]) => ({ seq, clientIdHex, ageMs: nowMs - atMs }));
  }

  isUnanswered(seq: number): boolean {
    return this.flagged.has(seq);
  }

  correlation(seq: number): Correlation | undefined {
    return this.correlations.get(seq);
  }

  latency(): LatencySummary {
    return this.latencyStats.summary();
  }

  /** Round-trip times measured after the `total`-th one, and the new total. */
  latencySince(total: number): { total: number; samples: Float64Array } {
    return { total: this.latencyStats.total, samples: this.latencyStats.since(total) };
  }

  private takeOldest(key: string, queue: ClientQueue): PendingRequest {
    const request = queue.requests[queue.head++];
    this.pendingCount--;
    this.pendingBytes -= PENDING_REQUEST_BYTES;
    if (queue.head === queue.requests.length) {
      this.pending.delete(key);
      this.pendingBytes -= key.length + CLIENT_QUEUE_BYTES;
    } else if (queue.head > 64 && queue.head * 2 > queue.requests.length) {
      queue.requests = queue.requests.slice(queue.head);
      queue.head = 0;
    }
    return request;
  }

  /** Over a bound: the client queue created longest ago loses its oldest request (still listed if flagged). */
  private forgetOldestPending(reason: string): void {
    const [key, queue] = this.pending.entries().next().value!;
    this.takeOldest(key, queue);
    this.shedding.forgottenRequests++;
    this.shedding.reason = reason;
  }

  private pair(requestSeq: number, replySeq: number, rttMs: number): void {
    this.remember(replySeq, { role: 'reply', pairSeq: requestSeq, rttMs });
    this.remember(requestSeq, { role: 'request', pairSeq: replySeq, rttMs });
  }

  private remember(seq: number, correlation: Correlation): void {
    this.correlations.set(seq, correlation);
    if (this.correlations.size > this.maxCorrelations) this.correlations.delete(this.correlations.keys().next().value!);
  }
}
