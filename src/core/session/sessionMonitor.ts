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
  /** How many times in a row this same event (or cycle of events) happened: a reconnect loop is one line, not thousands. */
  repeat?: number;
  /** A repeating cycle collapsed into this line: its event types in order (`type` joins them with →). */
  cycle?: string[];
  /** When the first occurrence of a repeated event or cycle happened (`time` is the latest). */
  firstTime?: number;
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
/** Longest cycle of events collapsed into one line (connect, delay, handshake error, disconnect, retry...). */
const MAX_CYCLE = 6;
/** Handshake back-off: the first pause, and the longest. */
const BACKOFF_FIRST_MS = 1000;
const BACKOFF_MAX_MS = 30_000;

interface RawEvent {
  key: string;
  /** The line it landed on; undefined when it only counted on an earlier line. */
  line?: TimelineEvent;
}

interface OpenCycle {
  line: TimelineEvent;
  keys: string[];
  /** Next expected position in `keys`; events consumed since the last full turn wait in `partial`. */
  position: number;
  partial: TimelineEvent[];
}
const ROUTING_PEER_LIMIT = 1000;
const RATE_WINDOW_SECONDS = 10;

export class SessionMonitor {
  readonly counters: SessionCounters = { messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0 };
  state: SessionState = 'starting';
  lastError?: string;
  /** Connections made or accepted and not yet disconnected, per address. */
  readonly connections = new Map<string, number>();
  readonly routingPeers = new Map<string, RoutingPeer>();
  /** Timeline lines, oldest first, from `timelineStart` on (the front is cut in batches). */
  private readonly lines: TimelineEvent[] = [];
  private timelineStart = 0;
  private readonly recentRaw: RawEvent[] = [];
  private openCycle?: OpenCycle;
  /** Handshake failures in a row per address, reset by a successful handshake. */
  private readonly handshakeFailures = new Map<string, number>();
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
    return this.lines.slice(this.timelineStart);
  }

  /**
   * Adds an event; returns false when it only counted on an earlier line. An event equal to the previous
   * line counts on it; a cycle of up to six events that comes round twice in a row (a reconnect storm:
   * connect, handshake error, disconnect, retry...) becomes one line with its count and first/last time.
   */
  record(event: Omit<TimelineEvent, 'time'> & { time?: number }): boolean {
    const time = event.time ?? Date.now();
    // The timeline is shown in tree items: details carry peer text (a PLAIN user name, an ERROR reason).
    event = {
      ...event,
      detail: event.detail === undefined ? undefined : peerTextForUi(event.detail, TIMELINE_DETAIL_CHARS),
      address: event.address === undefined ? undefined : peerTextForUi(event.address, 200),
    };
    const key = cycleKey(event);
    if (this.continueCycle(key, event, time)) return false;
    const last = this.lastLine();
    if (last && !last.cycle && last.type === event.type && last.address === event.address && last.detail === event.detail) {
      last.firstTime ??= last.time;
      last.repeat = (last.repeat ?? 1) + 1;
      last.time = time;
      this.remember({ key });
      return false;
    }
    const line = lineOf(event, time);
    this.pushLine(line);
    this.remember({ key, line });
    const cycle = this.detectCycle();
    if (cycle) {
      this.onEvent?.(cycle);
      return true;
    }
    this.onEvent?.(line);
    return true;
  }

  /**
   * A handshake with `address` failed: how long to pause before connecting again (libzmq reconnects at
   * once after a failed handshake, whatever the reconnect interval). 1 s, doubling to 30 s.
   */
  handshakeFailed(address: string): number {
    const failures = (this.handshakeFailures.get(address) ?? 0) + 1;
    this.handshakeFailures.set(address, failures);
    return Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** (failures - 1));
  }

  handshakeSucceeded(address: string): void {
    this.handshakeFailures.delete(address);
  }

  /** Handshake failures in a row with `address`. */
  handshakeFailuresInARow(address: string): number {
    return this.handshakeFailures.get(address) ?? 0;
  }

  private lastLine(): TimelineEvent | undefined {
    return this.lines.length > this.timelineStart ? this.lines[this.lines.length - 1] : undefined;
  }

  private pushLine(line: TimelineEvent): void {
    this.lines.push(line);
    if (this.lines.length - this.timelineStart > TIMELINE_LIMIT) this.timelineStart++;
    // Cut the dead front now and then, not on every event.
    if (this.timelineStart >= TIMELINE_LIMIT) {
      this.lines.splice(0, this.timelineStart);
      this.timelineStart = 0;
    }
  }

  private popLine(): void {
    if (this.lines.length > this.timelineStart) this.lines.pop();
  }

  private remember(raw: RawEvent): void {
    this.recentRaw.push(raw);
    if (this.recentRaw.length > 2 * MAX_CYCLE) this.recentRaw.shift();
  }

  /** The event is the next one of the open cycle: counted there. A different event closes the cycle. */
  private continueCycle(key: string, event: Omit<TimelineEvent, 'time'>, time: number): boolean {
    const open = this.openCycle;
    if (!open) return false;
    if (open.line !== this.lastLine() || open.keys[open.position] !== key) {
      // The cycle broke off mid-turn: the events of the unfinished turn become lines of their own.
      this.openCycle = undefined;
      this.recentRaw.length = 0;
      for (const line of open.partial) {
        this.pushLine(line);
        this.remember({ key: cycleKey(line), line });
      }
      return false;
    }
    open.partial.push(lineOf(event, time));
    open.position++;
    if (open.position === open.keys.length) {
      open.line.repeat = (open.line.repeat ?? 1) + 1;
      open.line.time = time;
      open.position = 0;
      open.partial = [];
    }
    return true;
  }

  /** When the last 2k raw events are one k-cycle twice, each on its own line, they become one line. */
  private detectCycle(): TimelineEvent | undefined {
    const raw = this.recentRaw;
    for (let k = 2; k <= MAX_CYCLE && 2 * k <= raw.length; k++) {
      const start = raw.length - 2 * k;
      let repeats = true;
      for (let i = 0; i < k && repeats; i++) repeats = raw[start + i].key === raw[start + k + i].key && !!raw[start + i].line;
      for (let i = k; i < 2 * k && repeats; i++) repeats = !!raw[start + i].line;
      if (!repeats || isPower(raw.slice(start, start + k).map((r) => r.key))) continue;
      const turn = raw.slice(start, start + k).map((r) => r.line!);
      const lines = raw.slice(start).map((r) => r.line!);
      // They must be the timeline's last 2k lines, unmerged.
      const tail = this.timeline().slice(-2 * k);
      if (tail.length !== 2 * k || tail.some((line, i) => line !== lines[i] || line.repeat)) continue;
      for (let i = 0; i < 2 * k; i++) this.popLine();
      const worst = lines.find((l) => l.severity === 'error') ?? lines.find((l) => l.severity === 'warning');
      const address = turn.every((l) => l.address === turn[0].address) ? turn[0].address : undefined;
      const line: TimelineEvent = {
        time: lines[lines.length - 1].time,
        firstTime: turn[0].time,
        type: turn.map((l) => l.type).join(' → '),
        cycle: turn.map((l) => l.type),
        address,
        detail: (worst ?? lines[lines.length - 1]).detail,
        ...(lines.find((l) => l.failure) ? { failure: lines.find((l) => l.failure)!.failure } : {}),
        severity: worst?.severity ?? 'info',
        repeat: 2,
      };
      this.pushLine(line);
      this.openCycle = { line, keys: raw.slice(start, start + k).map((r) => r.key), position: 0, partial: [] };
      this.recentRaw.length = 0;
      return line;
    }
    return undefined;
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

/** True when `keys` is a shorter sequence repeated ([a, a], [a, b, a, b]): the shorter cycle is the one to find. */
function isPower(keys: string[]): boolean {
  for (let d = 1; d < keys.length; d++) {
    if (keys.length % d) continue;
    let periodic = true;
    for (let i = d; i < keys.length && periodic; i++) periodic = keys[i] === keys[i - d];
    if (periodic) return true;
  }
  return false;
}

function lineOf(event: Omit<TimelineEvent, 'time'>, time: number): TimelineEvent {
  const line: TimelineEvent = { time, type: event.type, address: event.address, detail: event.detail, severity: event.severity };
  if (event.failure) line.failure = event.failure;
  return line;
}

/**
 * What makes two events "the same" in a cycle: type, address and, for a failed handshake, its code. Details
 * such as a retry interval may differ; two different failures (a mechanism mismatch, a bad CURVE key) never
 * fold into one line, or the second would go unheard.
 */
function cycleKey(event: Pick<TimelineEvent, 'type' | 'address' | 'failure'>): string {
  const failure = event.failure ? `${event.failure.code ?? ''}/${event.failure.status ?? ''}` : '';
  return `${event.type}\u0000${event.address ?? ''}\u0000${failure}`;
}
