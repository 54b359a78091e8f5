// A session: one real ZeroMQ socket of any type, bound or connected to one or more endpoints, whose
// traffic (both directions) is captured and whose monitor events feed a SessionMonitor.
import type * as Zmq from 'zeromq';
import type { AppendOptions, SocketTypeName } from '../types';
import { parseEndpoint } from './endpoint';
import { parsePrefix } from './prefixBytes';
import { type SendingSocket, sendWithin } from './sendWithin';
import { SessionMonitor, type SessionState, type TimelineEvent } from './sessionMonitor';
import {
  DEFAULT_SEND_TIMEOUT_MS,
  socketOptionsFor,
  type CaptureSink,
  type ReceiveWaiter,
  type SendOptions,
  type SessionOptions,
} from './sessionOptions';
import { SocketEventWatch } from './socketEventWatch';
import { createSocket, disconnectBeforeClose } from './socketFactory';
import { socketTypeInfo } from './socketTypes';
import { whenTcpPortFree } from './tcpPortFree';
import { ZmqUserError, explainZmqError, loadZeromq } from './zmqErrors';

// What a session is opened with lives in sessionOptions.ts; its importers find it here too.
export { DEFAULT_SEND_TIMEOUT_MS, type CaptureSink, type ReceiveWaiter, type SendOptions, type SessionOptions } from './sessionOptions';

export class Session {
  readonly id: string;
  readonly name: string;
  readonly type: SocketTypeName;
  readonly mode: 'bind' | 'connect';
  readonly addresses: string[];
  readonly monitor: SessionMonitor;
  readonly subscriptions: string[] = [];
  private readonly socket: Zmq.Socket;
  private readonly hasRoutingIdIn: boolean;
  private readonly hasTopic: boolean;
  private closed = false;
  /** The addresses bind() succeeded on, so far. */
  private readonly boundAddresses: string[] = [];
  private closing: Promise<void> = Promise.resolve();
  private receiving?: Promise<void>;
  private waiters: ReceiveWaiter[] = [];
  private sending: Promise<void> = Promise.resolve();
  private pendingReply?: Promise<Buffer[]>;
  private readonly events: SocketEventWatch;

  private constructor(
    options: SessionOptions & { id: string },
    private readonly sink: CaptureSink,
    onEvent?: (session: Session, event: TimelineEvent) => void,
  ) {
    this.id = options.id;
    this.name = options.name;
    this.type = options.type;
    this.mode = options.mode;
    this.addresses = [...options.addresses];
    const info = socketTypeInfo(options.type);
    this.socket = createSocket(options.type, socketOptionsFor(options, sink.maxBytes));
    this.hasRoutingIdIn = info.receivesRoutingId;
    this.hasTopic = info.topicFiltered || options.type === 'PUB' || options.type === 'XPUB';
    this.monitor = new SessionMonitor(options.type, onEvent ? (e) => onEvent(this, e) : undefined);
    this.events = new SocketEventWatch(this.socket, this.monitor, this);
  }

  /**
   * Opens the socket and binds or connects it to every address. Rejects with a ZmqUserError (and leaves
   * nothing open) when an address is invalid or a bind fails.
   */
  static async open(
    options: SessionOptions & { id: string },
    sink: CaptureSink,
    onEvent?: (session: Session, event: TimelineEvent) => void,
  ): Promise<Session> {
    if (!options.addresses.length) throw new ZmqUserError('A session needs at least one address.');
    const zmq = loadZeromq();
    const addresses = options.addresses.map((address) => {
      const parsed = parseEndpoint(address, { mode: options.mode, pgmAvailable: !!zmq.capability.pgm });
      if (!parsed.ok) throw new ZmqUserError(parsed.error, 'EINVAL');
      return parsed.endpoint.address;
    });
    const session = new Session({ ...options, addresses }, sink, onEvent);
    try {
      await session.attach(options.subscriptions);
    } catch (error) {
      await session.close();
      throw error;
    }
    return session;
  }

  get state(): SessionState {
    return this.monitor.state;
  }

  get canSend(): boolean {
    return socketTypeInfo(this.type).flow !== 'receive';
  }

  get canReceive(): boolean {
    return socketTypeInfo(this.type).flow !== 'send';
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private async attach(subscriptions: string[] | undefined): Promise<void> {
    if (this.type === 'SUB' || this.type === 'XSUB') {
      for (const prefix of subscriptions ?? ['']) this.subscribe(prefix);
    }
    for (const address of this.addresses) {
      if (this.mode === 'bind') {
        try {
          await this.socket.bind(address);
          this.boundAddresses.push(address);
        } catch (error) {
          throw explainZmqError(error, 'bind', address, this.type);
        }
      } else {
        try {
          this.socket.connect(address);
        } catch (error) {
          throw explainZmqError(error, 'connect', address, this.type);
        }
        // zeromq connects in the background: until the peer answers the session is "retrying".
        if (this.monitor.state === 'starting') this.monitor.state = 'retrying';
      }
    }
    if (this.mode === 'bind') this.monitor.state = 'listening';
    // REQ may only receive after a send: its replies are read by send().
    if (this.canReceive && this.type !== 'REQ') this.receiving = this.receiveLoop();
  }

  /** Adds a subscription (SUB: setsockopt; XSUB: a subscription message upstream). */
  subscribe(prefix: string): void {
    this.changeSubscription(prefix, true);
  }

  unsubscribe(prefix: string): void {
    this.changeSubscription(prefix, false);
  }

  private changeSubscription(prefix: string, add: boolean): void {
    if (this.type !== 'SUB' && this.type !== 'XSUB')
      throw new ZmqUserError(`Only SUB and XSUB sockets subscribe; this session is a ${this.type}.`);
    const bytes = parsePrefix(prefix);
    if (this.type === 'SUB') {
      const sub = this.socket as Zmq.Subscriber;
      if (add) sub.subscribe(bytes);
      else sub.unsubscribe(bytes);
    } else {
      // XSUB subscribes by sending 0x01 + prefix (0x00 cancels), which ZMTP 3.1 turns into a command.
      void (this.socket as Zmq.XSubscriber).send(Buffer.concat([Buffer.from([add ? 1 : 0]), bytes])).catch(() => undefined);
    }
    const at = this.subscriptions.indexOf(prefix);
    if (add && at < 0) this.subscriptions.push(prefix);
    if (!add && at >= 0) this.subscriptions.splice(at, 1);
    this.monitor.record({ type: add ? 'subscribe' : 'unsubscribe', detail: prefix === '' ? '(everything)' : prefix, severity: 'info' });
  }

  /**
   * Sends one multipart message. For ROUTER (and STREAM) the first frame must be the peer's routing id,
   * given either as `routingId` or as frames[0]. For REQ, resolves with the reply, which is captured too.
   */
  async send(frames: Uint8Array[], options: SendOptions = {}): Promise<Uint8Array[] | undefined> {
    if (this.closed) throw new ZmqUserError(`The session "${this.name}" is closed.`);
    if (!this.canSend)
      throw new ZmqUserError(`A ${this.type} socket cannot send messages: ${socketTypeInfo(this.type).description}.`, 'ENOTSUP');
    if (!frames.length) throw new ZmqUserError('A message needs at least one frame.');
    const info = socketTypeInfo(this.type);
    const message = options.routingId ? [options.routingId, ...frames] : frames;
    if (info.sendsNeedRoutingId && message.length < 2 && this.type === 'ROUTER') {
      throw new ZmqUserError(
        'A ROUTER message starts with the routing id of the peer to send to, then at least one frame. Pick a peer (see the routing ids under the session).',
      );
    }
    // One send at a time: zeromq.js allows a single pending send, and REQ must finish its round trip.
    const previous = this.sending;
    let release!: () => void;
    this.sending = new Promise((resolve) => (release = resolve));
    await previous;
    try {
      await sendWithin(
        this.socket as SendingSocket,
        message,
        options.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS,
        options.signal,
        (timeoutMs) => this.sendTimedOut(timeoutMs),
        (error) => explainZmqError(error, 'send', undefined, this.type),
      );
      this.captureOut(message);
      if (this.type === 'REQ') return await this.receiveReply(options.replyTimeoutMs ?? 10_000, options.signal);
      return undefined;
    } finally {
      release();
    }
  }

  private sendTimedOut(timeoutMs: number): ZmqUserError {
    const seconds = `${Math.round(timeoutMs / 100) / 10} s`;
    const why =
      this.type === 'ROUTER'
        ? 'no connected peer has that routing id (it disconnected, or never connected)'
        : this.monitor.connectionCount === 0
          ? `no peer is connected to this ${this.type}${this.mode === 'bind' ? ' (a bound socket waits for a peer to connect to it)' : ''}`
          : "the connected peers' queues are full (they are not reading)";
    return new ZmqUserError(`Not sent: nothing took the message within ${seconds}: ${why}. Nothing was sent.`, 'ETIMEDOUT');
  }

  /** Resolves with the next message this session receives (after `timeoutMs`, rejects). */
  nextMessage(timeoutMs: number, signal?: AbortSignal): Promise<{ frames: Uint8Array[]; seq: number }> {
    if (!this.canReceive) return Promise.reject(new ZmqUserError(`A ${this.type} socket never receives messages.`));
    if (this.type === 'REQ')
      return Promise.reject(
        new ZmqUserError('A REQ socket receives only the reply to its own request: send a message and the reply is shown.'),
      );
    return new Promise((resolve, reject) => {
      const waiter: ReceiveWaiter = (frames, seq) => {
        cleanup();
        resolve({ frames, seq });
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new ZmqUserError(`No message arrived on "${this.name}" within ${Math.round(timeoutMs / 1000)} s.`, 'ETIMEDOUT'));
      }, timeoutMs);
      const onAbort = () => {
        cleanup();
        reject(new ZmqUserError('Cancelled.', 'ECANCELED'));
      };
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.waiters = this.waiters.filter((w) => w !== waiter);
      };
      signal?.addEventListener('abort', onAbort);
      this.waiters.push(waiter);
    });
  }

  /**
   * Closes the socket. Capture stops at once; the promise resolves when every tcp port this session bound is
   * free again, so it can be bound again right away (libzmq closes listeners in the background).
   */
  async close(): Promise<void> {
    if (this.closed) return this.closing;
    this.closed = true;
    this.events.stop();
    this.monitor.state = 'closed';
    this.monitor.record({ type: 'closed', detail: 'session closed', severity: 'info' });
    this.monitor.dispose();
    this.closing = (async () => {
      // No unbind() first: zeromq.js runs it on a libuv worker thread while this thread's poller still reads
      // the socket, and libzmq sockets are not thread-safe. Both threads then process the same pipes'
      // termination, and libzmq 4.3.5 aborts the process (pipe.cpp:355; a core dump showed the worker in
      // Unbind's term_endpoint and the main thread in getsockopt(ZMQ_EVENTS), 2026-12-02). close() runs here.
      if (this.mode === 'connect') await disconnectBeforeClose(this.socket, this.addresses);
      this.socket.close();
      // libzmq unbinds in the background: the port is free only once its I/O thread has closed the listener.
      // (Only what this session bound: a port another process holds, the reason an open failed, stays taken.)
      await Promise.all(this.boundAddresses.map((address) => whenTcpPortFree(address)));
    })();
    return this.closing;
  }

  /** Resolves once the receive loop has ended (after close()). */
  async whenReceiveLoopEnded(): Promise<void> {
    await this.receiving;
  }

  private async receiveLoop(): Promise<void> {
    const socket = this.socket as Zmq.Socket & { receive(): Promise<Buffer[]> };
    while (!this.closed) {
      let frames: Buffer[];
      try {
        frames = await socket.receive();
      } catch (error) {
        if (this.closed || socket.closed) return;
        const explained = explainZmqError(error, 'receive', undefined, this.type);
        this.monitor.record({ type: 'receive:error', detail: explained.message, severity: 'error' });
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      this.captureIn(frames);
    }
  }

  private async receiveReply(timeoutMs: number, signal?: AbortSignal): Promise<Uint8Array[]> {
    const socket = this.socket as Zmq.Request;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ZmqUserError(
              `No reply within ${Math.round(timeoutMs / 1000)} s: the service did not answer (a real REQ client would now hang in ` +
                `REQ/REP lock-step). You can send again: this session's REQ is relaxed and drops late replies to older requests.`,
              'ETIMEDOUT',
            ),
          ),
        timeoutMs,
      );
      onAbort = () => reject(new ZmqUserError('Cancelled while waiting for the reply (the request was sent).', 'ECANCELED'));
      signal?.addEventListener('abort', onAbort);
    });
    // zeromq.js allows one pending receive: a timed-out one stays pending and serves the next request
    // (with `correlate`, libzmq discards the late reply to the old request).
    this.pendingReply ??= socket.receive().finally(() => (this.pendingReply = undefined));
    try {
      const frames = await Promise.race([this.pendingReply, timeout]);
      this.captureIn(frames);
      return frames;
    } catch (error) {
      if (error instanceof ZmqUserError) throw error;
      throw explainZmqError(error, 'receive', undefined, this.type);
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  private captureIn(frames: Uint8Array[]): void {
    const counters = this.monitor.counters;
    counters.messagesIn++;
    let bytes = 0;
    for (let i = 0; i < frames.length; i++) bytes += frames[i].length;
    counters.bytesIn += bytes;
    if (this.hasRoutingIdIn && frames.length) this.monitor.noteRoutingId(frames[0]);
    const seq = this.sink.append(this.id, 'in', frames, this.hasRoutingIdIn ? ROUTING_ID : this.hasTopic ? TOPIC : undefined);
    if (this.waiters.length) for (const waiter of [...this.waiters]) waiter(frames, seq);
  }

  private captureOut(frames: Uint8Array[]): void {
    const counters = this.monitor.counters;
    counters.messagesOut++;
    for (const frame of frames) counters.bytesOut += frame.length;
    this.sink.append(this.id, 'out', frames, this.hasRoutingIdIn ? ROUTING_ID : this.hasTopic ? TOPIC : undefined);
  }
}

const ROUTING_ID: AppendOptions = { hasRoutingId: true };
const TOPIC: AppendOptions = { hasTopic: true };
