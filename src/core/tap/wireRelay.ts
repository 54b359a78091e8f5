// The tap's TCP front door. libzmq keeps each connection to itself: its sockets answer PINGs inside and an
// XPUB hands over a subscription without saying which subscriber sent it. So a tcp tap listens here, in
// plain Node, and relays each client's bytes unchanged to its own ZeroMQ socket bound on a loopback port;
// a ZmtpStreamScanner reads each direction on the way. That names every connection (peer address, socket
// type, identity) and shows, per connection, the ZMTP heartbeats (PING/PONG) and idle time, and which
// prefixes that subscriber holds since when. Back-pressure is the pipes': a slow client slows its relay.
import * as net from 'node:net';
import { commandProperties } from '../pcap/zmtpWireFrames';
import { MAX_KEPT_BODY, ZmtpStreamScanner, type ScanEvent } from './zmtpStreamScanner';

export interface WireSubscription {
  prefix: Uint8Array;
  sinceMs: number;
  /** The peer sent a longer prefix: only its first MAX_KEPT_BODY bytes are kept. */
  truncated: boolean;
}

export interface WireSubscriptionChange {
  timeMs: number;
  subscribe: boolean;
  prefix: Uint8Array;
}

export interface WireConnection {
  id: number;
  /** "127.0.0.1:53412": the client as the tap's listener saw it. */
  peer: string;
  openedMs: number;
  closedMs?: number;
  /** From the client's greeting, e.g. "3.1" and "NULL". */
  version?: string;
  mechanism?: string;
  /** From the client's READY. */
  socketType?: string;
  identity?: Uint8Array;
  /** Why the connection's commands could not be read (a secured or legacy peer); undefined while they are. */
  notWatched?: string;
  pingsFromPeer: number;
  pongsToPeer: number;
  pingsToPeer: number;
  pongsFromPeer: number;
  lastPingFromPeerMs?: number;
  /** The TTL the peer's last PING asked for (its ZMQ_HEARTBEAT_TTL, or its interval when none is set). */
  peerTtlMs?: number;
  /** Between the peer's last two PINGs: its ZMQ_HEARTBEAT_IVL as seen on the wire. */
  peerPingIntervalMs?: number;
  messagesFromPeer: number;
  messagesToPeer: number;
  bytesFromPeer: number;
  bytesToPeer: number;
  /** Last bytes in each direction. */
  lastFromPeerMs: number;
  lastToPeerMs: number;
  /** Prefixes held now, oldest first. */
  subscriptions: WireSubscription[];
  /** Recent subscribes and cancels, oldest first (at most MAX_CHANGES). */
  changes: WireSubscriptionChange[];
}

const MAX_WATCHED_CONNECTIONS = 1000;
const MAX_CLOSED_KEPT = 32;
const MAX_SUBSCRIPTIONS_KEPT = 256;
const MAX_CHANGES = 50;

interface Tracked {
  info: WireConnection;
  held: Map<string, WireSubscription & { count: number }>;
  fromPeer: ZmtpStreamScanner;
  toPeer: ZmtpStreamScanner;
}

export class WireRelay {
  private readonly open = new Set<Tracked>();
  private readonly closed: WireConnection[] = [];
  private readonly sockets = new Set<net.Socket>();
  private nextId = 1;
  private untracked = 0;

  private constructor(
    private readonly server: net.Server,
    /** Where the relay listens, as bound (a port 0 resolved). */
    readonly host: string,
    readonly port: number,
  ) {}

  /**
   * Listens on host:port (port 0 picks one) and relays each connection to 127.0.0.1:targetPort. Rejects
   * with the listen error as Node reports it (code EADDRINUSE, EADDRNOTAVAIL, EACCES...).
   */
  static async listen(host: string, port: number, targetPort: number): Promise<WireRelay> {
    const server = net.createServer({ noDelay: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: host === '*' ? '0.0.0.0' : host, port, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as net.AddressInfo;
    const relay = new WireRelay(server, host, address.port);
    server.on('connection', (client) => relay.accept(client, targetPort));
    // A failing accept (EMFILE) must not crash the engine; the listener stays up.
    server.on('error', () => undefined);
    return relay;
  }

  /** Every open connection and the most recent closed ones, oldest first. */
  connections(): WireConnection[] {
    const snapshot = (t: Tracked): WireConnection => ({
      ...t.info,
      subscriptions: [...t.held.values()].map(({ prefix, sinceMs, truncated }) => ({ prefix, sinceMs, truncated })),
      changes: [...t.info.changes],
    });
    return [...this.closed, ...[...this.open].map(snapshot)];
  }

  /** Connections relayed without being watched (past MAX_WATCHED_CONNECTIONS at once). */
  get unwatchedConnections(): number {
    return this.untracked;
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket, targetPort: number): void {
    const inner = net.connect({ host: '127.0.0.1', port: targetPort, noDelay: true });
    this.sockets.add(client);
    this.sockets.add(inner);
    client.setNoDelay(true);
    const tracked = this.open.size < MAX_WATCHED_CONNECTIONS ? this.track(client) : undefined;
    if (!tracked) this.untracked++;
    if (tracked) {
      client.on('data', (chunk: Buffer) => this.fromPeer(tracked, chunk));
      inner.on('data', (chunk: Buffer) => this.toPeer(tracked, chunk));
    }
    client.pipe(inner);
    inner.pipe(client);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      client.destroy();
      inner.destroy();
      this.sockets.delete(client);
      this.sockets.delete(inner);
      if (tracked) this.retire(tracked);
    };
    for (const socket of [client, inner]) {
      socket.on('error', end);
      socket.on('close', end);
    }
  }

  private track(client: net.Socket): Tracked {
    const now = Date.now();
    const host = client.remoteAddress ?? '?';
    const info: WireConnection = {
      id: this.nextId++,
      peer: `${host.includes(':') ? `[${host}]` : host}:${client.remotePort ?? '?'}`,
      openedMs: now,
      pingsFromPeer: 0,
      pongsToPeer: 0,
      pingsToPeer: 0,
      pongsFromPeer: 0,
      messagesFromPeer: 0,
      messagesToPeer: 0,
      bytesFromPeer: 0,
      bytesToPeer: 0,
      lastFromPeerMs: now,
      lastToPeerMs: now,
      subscriptions: [],
      changes: [],
    };
    const tracked: Tracked = { info, held: new Map(), fromPeer: new ZmtpStreamScanner(), toPeer: new ZmtpStreamScanner() };
    this.open.add(tracked);
    return tracked;
  }

  private retire(tracked: Tracked): void {
    if (!this.open.delete(tracked)) return;
    tracked.info.closedMs = Date.now();
    tracked.info.subscriptions = [...tracked.held.values()].map(({ prefix, sinceMs, truncated }) => ({ prefix, sinceMs, truncated }));
    this.closed.push(tracked.info);
    if (this.closed.length > MAX_CLOSED_KEPT) this.closed.shift();
  }

  private fromPeer(t: Tracked, chunk: Buffer): void {
    const now = Date.now();
    const info = t.info;
    info.lastFromPeerMs = now;
    if (!t.fromPeer.watching) return;
    for (const event of t.fromPeer.push(chunk)) this.onPeerEvent(t, event, now);
    info.messagesFromPeer = t.fromPeer.messages;
    info.bytesFromPeer = t.fromPeer.bytes;
  }

  private toPeer(t: Tracked, chunk: Buffer): void {
    const info = t.info;
    info.lastToPeerMs = Date.now();
    if (!t.toPeer.watching) return;
    for (const event of t.toPeer.push(chunk)) {
      if (event.type !== 'command') continue;
      if (event.name === 'PING') info.pingsToPeer++;
      else if (event.name === 'PONG') info.pongsToPeer++;
    }
    info.messagesToPeer = t.toPeer.messages;
    info.bytesToPeer = t.toPeer.bytes;
  }

  private onPeerEvent(t: Tracked, event: ScanEvent, now: number): void {
    const info = t.info;
    switch (event.type) {
      case 'greeting':
        info.version = event.version;
        info.mechanism = event.mechanism;
        return;
      case 'opaque':
        info.notWatched = event.reason;
        return;
      case 'command':
        return this.onPeerCommand(t, event.name, event.body, event.size, now);
      case 'message':
        // A subscription from a SUB/XSUB is a one-frame message 0x01 (subscribe) or 0x00 (cancel) + prefix.
        if (event.frames === 1 && event.first && event.first.length && event.first[0] <= 1)
          this.onSubscription(t, event.first[0] === 1, event.first.subarray(1), event.firstSize > MAX_KEPT_BODY, now);
        return;
    }
  }

  private onPeerCommand(t: Tracked, name: string, body: Uint8Array, size: number, now: number): void {
    const info = t.info;
    if (name === 'PING') {
      info.pingsFromPeer++;
      if (info.lastPingFromPeerMs !== undefined) info.peerPingIntervalMs = now - info.lastPingFromPeerMs;
      info.lastPingFromPeerMs = now;
      if (body.length >= 2) info.peerTtlMs = ((body[0] << 8) | body[1]) * 100;
    } else if (name === 'PONG') info.pongsFromPeer++;
    else if (name === 'READY') {
      for (const [key, value] of commandProperties(body) ?? []) {
        if (key.toLowerCase() === 'socket-type') info.socketType = Buffer.from(value).toString('latin1').slice(0, 16);
        else if (key.toLowerCase() === 'identity' && value.length) info.identity = Uint8Array.from(value.subarray(0, 255));
      }
      if (info.socketType === 'SUB' || info.socketType === 'XSUB') t.fromPeer.reportMessages = true;
    } else if (name === 'SUBSCRIBE' || name === 'CANCEL') {
      this.onSubscription(t, name === 'SUBSCRIBE', body, size > MAX_KEPT_BODY, now);
    }
  }

  private onSubscription(t: Tracked, subscribe: boolean, prefix: Uint8Array, truncated: boolean, now: number): void {
    const key = Buffer.from(prefix).toString('latin1');
    const held = t.held.get(key);
    if (subscribe) {
      if (held) held.count++;
      else if (t.held.size < MAX_SUBSCRIPTIONS_KEPT)
        t.held.set(key, { prefix: Uint8Array.from(prefix), sinceMs: now, truncated, count: 1 });
    } else if (held && --held.count <= 0) t.held.delete(key);
    t.info.changes.push({ timeMs: now, subscribe, prefix: Uint8Array.from(prefix.subarray(0, 64)) });
    if (t.info.changes.length > MAX_CHANGES) t.info.changes.shift();
  }
}
