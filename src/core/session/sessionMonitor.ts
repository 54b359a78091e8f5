// A session's live health: counters, message rates, connection state and the monitor-event timeline.
// Counters are plain fields bumped on the receive path; rates are sampled once a second, not per message.
import { peerTextForUi } from '../peerText';
import type { HandshakeFailure } from '../security/authFailure';
import type { SocketTypeName } from '../types';

export type SessionState = 'starting' | 'listening' | 'connected' | 'retrying' | 'disconnected' | 'error' | 'closed';

export interface TimelineEvent {
  /** Milliseconds since the epoch. */
  time: number;
  /** The zeromq.js monitor event type (`connect`, `handshake:error:auth`, ...) or an inspector event. */
  type: string;
  address?: string;
  /** Human-readable detail: an explained error, a retry interval, an auth verdict. */
  detail?: string;
  severity: 'info' | 'warning' | 'error';
  /** For handshake:error:* events: the failure as data (code, ZAP status), for whoever explains it. */
  failure?: HandshakeFailure;
  /** How many times in a row this same event happened (a reconnect loop is one line, not thousands). */
  repeat?: number;
}

export interface SessionCounters {
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
}

export interface RoutingPeer {
  /** Routing id as hex. */
  idHex: string;
  /** Routing id as text when printable. */
  idText?: string;
  messages: number;
  lastSeen: number;
}

const TIMELINE_LIMIT = 500;
/** A timeline detail longer than this is cut (the handshake explanations are ~400 characters). */
const TIMELINE_DETAIL_CHARS = 1000;
const ROUTING_PEER_LIMIT = 1000;
const RATE_WINDOW_SECONDS = 10;

export class SessionMonitor {
  readonly counters: SessionCounters = { messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0 };
  state: SessionState = 'starting';
  lastError?: string;
  /** Connections made or accepted and not yet disconnected, per address. */
  readonly connections = new Map<string, number>();
  readonly routingPeers = new Map<string, RoutingPeer>();
  private readonly timelineRing: TimelineEvent[] = [];
  private timelineStart = 0;
  /** Message totals (in + out) sampled each second; the last RATE_WINDOW_SECONDS + 1 samples. */
  private readonly samples: number[] = [0];
  private sampler?: NodeJS.Timeout;

  constructor(
    readonly socketType: SocketTypeName,
    private readonly onEvent?: (event: TimelineEvent) => void,
  ) {
    this.sampler = setInterval(() => this.sample(), 1000);
    this.sampler.unref();
  }

  get totalMessages(): number {
    return this.counters.messagesIn + this.counters.messagesOut;
  }

  /** Messages per second over the last second. */
  get rate1s(): number {
    const n = this.samples.length;
    return n < 2 ? 0 : this.samples[n - 1] - this.samples[n - 2];
  }

  /** Messages per second averaged over the last 10 seconds (or since start). */
  get rate10s(): number {
    const n = this.samples.length;
    if (n < 2) return 0;
    return (this.samples[n - 1] - this.samples[0]) / (n - 1);
  }

  get connectionCount(): number {
    let count = 0;
    for (const n of this.connections.values()) count += n;
    return count;
  }

  /** Timeline, oldest first. */
  timeline(): TimelineEvent[] {
    return [...this.timelineRing.slice(this.timelineStart), ...this.timelineRing.slice(0, this.timelineStart)];
  }

  /** Adds an event; returns false when it only repeated the previous one (then it is counted, not added). */
  record(event: Omit<TimelineEvent, 'time'> & { time?: number }): boolean {
    const time = event.time ?? Date.now();
    // The timeline is shown in tree items: details carry peer text (a PLAIN user name, an ERROR reason).
    event = {
      ...event,
      detail: event.detail === undefined ? undefined : peerTextForUi(event.detail, TIMELINE_DETAIL_CHARS),
      address: event.address === undefined ? undefined : peerTextForUi(event.address, 200),
    };
    // A reconnect loop alternates (connect:retry, close, connect:retry, ...): an event equal to one of the
    // last two is counted on it instead of added.
    const n = this.timelineRing.length;
    for (let back = 1; back <= Math.min(2, n); back++) {
      const previous = this.timelineRing[(this.timelineStart + n - back) % n];
      if (previous.type === event.type && previous.address === event.address && previous.detail === event.detail) {
        previous.repeat = (previous.repeat ?? 1) + 1;
        previous.time = time;
        return false;
      }
    }
    const full: TimelineEvent = { time, type: event.type, address: event.address, detail: event.detail, severity: event.severity };
    if (event.failure) full.failure = event.failure;
    if (this.timelineRing.length < TIMELINE_LIMIT) this.timelineRing.push(full);
    else {
      this.timelineRing[this.timelineStart] = full;
      this.timelineStart = (this.timelineStart + 1) % TIMELINE_LIMIT;
    }
    this.onEvent?.(full);
    return true;
  }

  noteRoutingId(id: Uint8Array): void {
    const idHex = Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('hex');
    let peer = this.routingPeers.get(idHex);
    if (!peer) {
      if (this.routingPeers.size >= ROUTING_PEER_LIMIT) {
        const oldest = this.routingPeers.keys().next().value;
        if (oldest !== undefined) this.routingPeers.delete(oldest);
      }
      const printable = id.length > 0 && id.every((b) => b >= 0x20 && b < 0x7f);
      // A routing id is up to 255 bytes the peer chose: its text is a tree label and a quick pick item.
      peer = { idHex, idText: printable ? peerTextForUi(Buffer.from(id).toString('latin1'), 64) : undefined, messages: 0, lastSeen: 0 };
      this.routingPeers.set(idHex, peer);
    }
    peer.messages++;
    peer.lastSeen = Date.now();
  }

  connectionOpened(address: string): void {
    this.connections.set(address, (this.connections.get(address) ?? 0) + 1);
  }

  connectionClosed(address: string): void {
    const n = (this.connections.get(address) ?? 0) - 1;
    if (n > 0) this.connections.set(address, n);
    else this.connections.delete(address);
  }

  dispose(): void {
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = undefined;
  }

  private sample(): void {
    this.samples.push(this.totalMessages);
    if (this.samples.length > RATE_WINDOW_SECONDS + 1) this.samples.shift();
  }
}
