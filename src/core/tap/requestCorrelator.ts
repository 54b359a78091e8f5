// Pairs each reply a tap sees with its request (by routing envelope, then order), times the round trip,
// and flags requests that stay unanswered: the REQ lock-step hang. Pure bookkeeping, no sockets, so the
// tap and the unit tests drive it with their own clocks. Every structure in it is bounded.
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
  let key = '';
  for (let i = 0; i < end && i < frames.length; i++) {
    const frame = frames[i];
    key += `${frame.length}:${Buffer.from(frame.buffer, frame.byteOffset, frame.length).toString('latin1')}`;
  }
  return key;
}

export class RequestCorrelator {
  private readonly latencyStats: LatencyStats;
  private readonly pending = new Map<string, ClientQueue>();
  private pendingCount = 0;
  private readonly correlations = new Map<number, Correlation>();
  /** Flagged requests by seq, oldest first (Map keeps insertion order). */
  private readonly flagged = new Map<number, { clientIdHex: string; atMs: number }>();
  private readonly maxPending: number;
  private readonly maxCorrelations: number;
  private readonly maxUnanswered: number;

  constructor(limits: RequestCorrelatorLimits = {}) {
    this.maxPending = limits.maxPending ?? 100_000;
    this.maxCorrelations = limits.maxCorrelations ?? 100_000;
    this.maxUnanswered = limits.maxUnanswered ?? 1000;
    this.latencyStats = new LatencyStats(limits.latencyWindow ?? 10_000);
  }

  /** Requests still waiting for a reply. */
  get pendingRequests(): number {
    return this.pendingCount;
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
      queue = { clientIdHex: Buffer.from(frames[0]).toString('hex'), requests: [], head: 0 };
      this.pending.set(key, queue);
    }
    const request: PendingRequest = { seq, atMs, flagged: false };
    queue.requests.push(request);
    this.pendingCount++;
    if (this.pendingCount > this.maxPending) this.forgetOldestPending();
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

  private takeOldest(key: string, queue: ClientQueue): PendingRequest {
    const request = queue.requests[queue.head++];
    this.pendingCount--;
    if (queue.head === queue.requests.length) this.pending.delete(key);
    else if (queue.head > 64 && queue.head * 2 > queue.requests.length) {
      queue.requests = queue.requests.slice(queue.head);
      queue.head = 0;
    }
    return request;
  }

  /** Over the bound: the client queue created longest ago loses its oldest request (still listed if flagged). */
  private forgetOldestPending(): void {
    const [key, queue] = this.pending.entries().next().value!;
    this.takeOldest(key, queue);
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
