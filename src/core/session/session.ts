// A session: one real ZeroMQ socket of any type, bound or connected to one or more endpoints, whose
// traffic (both directions) is captured and whose monitor events feed a SessionMonitor.
import type * as Zmq from 'zeromq';
import { highWaterMarkFor } from '../capture/queueBudget';
import { parseEndpoint } from './endpoint';
import { SessionMonitor, type SessionState, type TimelineEvent } from './sessionMonitor';
import { socketTypeInfo } from './socketTypes';
import type { AppendOptions, Direction, SocketTypeName } from '../types';
import { type SendingSocket, sendWithin } from './sendWithin';
import { ZmqUserError, errorText, explainZmqError, loadZeromq } from './zmqErrors';
import { parsePrefix } from './prefixBytes';
import { handshakeFailureOf } from '../security/authFailure';
import { createSocket } from './socketFactory';

/** Where captured messages go (the CaptureStore implements it). */
export interface CaptureSink {
  append(sessionId: string, direction: Direction, frames: Uint8Array[], options?: AppendOptions): number;
  /**
   * The capture's byte budget: receive queues are sized from it. Required (undefined: no budget) so that a sink
   * wrapping another passes it on: one that did not left every session's queue at 1,000,000 messages.
   */
  readonly maxBytes: number | undefined;
}

export interface SessionOptions {
  /** Unique id; the SessionManager assigns one when absent. */
  id?: string;
  name: string;
  type: SocketTypeName;
  mode: 'bind' | 'connect';
  addresses: string[];
  /** SUB/XSUB prefixes: text, or `hex:0a0b...` for bytes. Default for SUB: everything (""). */
  subscriptions?: string[];
  /** ZMQ_ROUTING_ID of this socket (text or hex:...). */
  routingId?: string;
  /**
   * Messages libzmq queues before it drops (SUB) or pushes back (PULL, DEALER...). Default: sized from the
   * capture's byte budget (see queueBudget.ts), at least libzmq's 1000.
   */
  receiveHighWaterMark?: number;
  sendHighWaterMark?: number;
  /** Default 0: closing a session never waits for unsent messages. */
  linger?: number;
  reconnectInterval?: number;
  /** Upper bound of the exponential reconnect backoff, ms. Default 2000. */
  reconnectMaxInterval?: number;
  /** Extra socket options (CURVE, PLAIN, ...) applied as-is, after the ones above. */
  socketOptions?: Record<string, unknown>;
}

export type ReceiveWaiter = (frames: Uint8Array[], seq: number) => void;

export interface SendOptions {
  /** ROUTER/STREAM: the peer to send to (else frames[0]). */
  routingId?: Uint8Array;
  /** REQ: how long to wait for the reply (default 10 s). */
  replyTimeoutMs?: number;
  /** How long the message may wait for a peer to take it (default 5 s); then nothing is sent and the send rejects. */
  sendTimeoutMs?: number;
  /** Cancels the send (and a REQ's wait for its reply): nothing is sent after it. */
  signal?: AbortSignal;
}

export const DEFAULT_SEND_TIMEOUT_MS = 5000;

const MONITOR_EVENTS = [
  'bind',
  'bind:error',
  'accept',
  'accept:error',
  'connect',
  'connect:delay',
  'connect:retry',
  'close',
  'close:error',
  'disconnect',
  'handshake',
  'handshake:error:protocol',
  'handshake:error:auth',
  'handshake:error:other',
] as const;

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
  private closing: Promise<void> = Promise.resolve();
  private receiving?: Promise<void>;
  private waiters: ReceiveWaiter[] = [];
  private sending: Promise<void> = Promise.resolve();
  private pendingReply?: Promise<Buffer[]>;
  /** Addresses disconnected for a handshake back-off, with the timer that connects them again. */
  private readonly backoffTimers = new Map<string, NodeJS.Timeout>();

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
    const socketOptions: Record<string, unknown> = { linger: options.linger ?? 0 };
    socketOptions.receiveHighWaterMark = options.receiveHighWaterMark ?? highWaterMarkFor(sink.maxBytes);
    if (options.sendHighWaterMark !== undefined) socketOptions.sendHighWaterMark = options.sendHighWaterMark;
    // Sends never block inside zeromq.js: send() retries EAGAIN itself, under a deadline and a cancel.
    if (info.flow !== 'receive') socketOptions.sendTimeout = 0;
    if (options.reconnectInterval !== undefined) socketOptions.reconnectInterval = options.reconnectInterval;
    // Back off to one retry every 2 s when a peer stays away (libzmq's default retries 10 times a second forever).
    socketOptions.reconnectMaxInterval = options.reconnectMaxInterval ?? 2000;
    if (options.routingId) socketOptions.routingId = parsePrefix(options.routingId).toString('latin1');
    if (options.type === 'ROUTER') socketOptions.mandatory = true;
    // A diagnostics REQ must survive a service that never answers: relaxed lets it send again.
    if (options.type === 'REQ') Object.assign(socketOptions, { relaxed: true, correlate: true });
    Object.assign(socketOptions, options.socketOptions);
    this.socket = createSocket(options.type, socketOptions);
    this.hasRoutingIdIn = info.receivesRoutingId;
    this.hasTopic = info.topicFiltered || options.type === 'PUB' || options.type === 'XPUB';
    this.monitor = new SessionMonitor(options.type, onEvent ? (e) => onEvent(this, e) : undefined);
    this.watchMonitorEvents();
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
   * Closes the socket. Capture stops at once; the promise resolves when every bound address has been
   * unbound, so the port can be bound again right away (libzmq otherwise unbinds in the background).
   */
  async close(): Promise<void> {
    if (this.closed) return this.closing;
    this.closed = true;
    this.monitor.state = 'closed';
    this.monitor.record({ type: 'closed', detail: 'session closed', severity: 'info' });
    this.monitor.dispose();
    for (const timer of this.backoffTimers.values()) clearTimeout(timer);
    this.closing = (async () => {
      if (this.mode === 'bind') {
        await Promise.all(this.addresses.map((address) => this.socket.unbind(address).catch(() => undefined)));
      } else {
        // Disconnecting first ends the pipes in order; closing a socket mid-handshake (a CURVE client
        // retrying) has tripped a libzmq assertion (pipe.cpp, term_ack_sent) that aborts the process.
        for (const address of this.addresses) {
          try {
            this.socket.disconnect(address);
          } catch {
            // Already gone.
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      this.socket.close();
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
              `No reply within ${Math.round(timeoutMs / 1000)} s: the service did not answer (a real REQ client would now hang in REQ/REP lock-step). You can send again: this session's REQ is relaxed and drops late replies to older requests.`,
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

  private watchMonitorEvents(): void {
    const events = this.socket.events;
    for (const type of MONITOR_EVENTS) {
      events.on(type, (event: Zmq.Event) => this.onMonitorEvent(event));
    }
  }

  private onMonitorEvent(event: Zmq.Event): void {
    if (this.closed) return;
    const monitor = this.monitor;
    const address = 'address' in event ? event.address : undefined;
    const error = 'error' in event ? (event.error as Error & { code?: string }) : undefined;
    switch (event.type) {
      case 'bind':
        monitor.state = 'listening';
        break;
      case 'connect':
      case 'accept':
        if (address) monitor.connectionOpened(address);
        monitor.state = 'connected';
        break;
      case 'disconnect':
        if (address) monitor.connectionClosed(address);
        if (monitor.connectionCount === 0) monitor.state = this.mode === 'bind' ? 'listening' : 'retrying';
        break;
      case 'connect:retry':
      case 'connect:delay':
        if (monitor.connectionCount === 0) monitor.state = 'retrying';
        break;
      case 'handshake':
        if (address) monitor.handshakeSucceeded(address);
        break;
      case 'bind:error':
      case 'accept:error':
        monitor.state = 'error';
        monitor.lastError = explainZmqError(error, 'bind', address, this.type).message;
        break;
    }
    let detail: string | undefined;
    let severity: TimelineEvent['severity'] = 'info';
    if (event.type === 'connect:retry') detail = `retrying in ${event.interval} ms`;
    if (error) {
      severity = 'error';
      detail = describeHandshakeError(event.type, error);
      monitor.lastError = detail;
    }
    const failure = handshakeFailureOf({ type: event.type, error });
    monitor.record({ type: event.type, address, detail, severity, ...(failure ? { failure } : {}) });
    if (event.type === 'handshake:error:other' && this.mode === 'connect') this.backOff(address);
  }

  /** libzmq reconnects at once after a failed handshake (a wrong CURVE key: ten a second): pause, longer each time. */
  private backOff(eventAddress: string | undefined): void {
    const address = this.addresses.find((a) => a === eventAddress) ?? (this.addresses.length === 1 ? this.addresses[0] : undefined);
    if (!address || this.backoffTimers.has(address)) return;
    const delayMs = this.monitor.handshakeFailed(address);
    try {
      this.socket.disconnect(address);
    } catch {
      return;
    }
    const failures = this.monitor.handshakeFailuresInARow(address);
    this.monitor.record({
      type: 'backoff',
      address,
      detail: `${failures} failed handshake${failures === 1 ? '' : 's'} in a row: next attempt in ${delayMs / 1000} s (libzmq would retry at once)`,
      severity: 'warning',
    });
    const timer = setTimeout(() => {
      this.backoffTimers.delete(address);
      if (this.closed) return;
      try {
        this.socket.connect(address);
      } catch (error) {
        this.monitor.record({
          type: 'connect:error',
          address,
          detail: explainZmqError(error, 'connect', address, this.type).message,
          severity: 'error',
        });
      }
    }, delayMs);
    timer.unref();
    this.backoffTimers.set(address, timer);
  }
}

const ROUTING_ID: AppendOptions = { hasRoutingId: true };
const TOPIC: AppendOptions = { hasTopic: true };

function describeHandshakeError(type: string, error: Error & { code?: string; status?: number }): string {
  // Texts follow what each side was measured to see (see the table in authFailure.ts); the code or
  // "status NNN" stays in parentheses for the reader (the failure itself travels as data on the event).
  const code = error.code ?? '';
  const retryNote = 'libzmq does not retry this endpoint after it: reopen the session once it is fixed.';
  if (type === 'handshake:error:auth') {
    const status = typeof error.status === 'number' ? `status ${error.status}` : code || errorText(error);
    return `Authentication refused (${status}) by the server's authenticator (ZAP). CURVE: the client's public key is not on the server's allow-list. PLAIN: wrong user name or password. NULL: the server vets unsecured connections too (e.g. by address). ${retryNote}`;
  }
  if (type === 'handshake:error:protocol') {
    if (code === 'ERR_ZMTP_MECHANISM_MISMATCH') {
      return `Security mechanism mismatch (${code}): the two sides use different mechanisms (NULL, CURVE, PLAIN), e.g. a client without keys against a CURVE server. Probe the endpoint to see its mechanism. ${retryNote}`;
    }
    if (code === 'ERR_ZMTP_CRYPTOGRAPHIC') {
      return `CURVE decryption failed (${code}): a client uses a server public key that does not belong to this server's secret key, or its own key pair does not match. It retries every reconnect interval and fails the same way until fixed.`;
    }
    return `ZMTP protocol error (${code || errorText(error)}): the peer broke the handshake; it may not be ZeroMQ or may speak an incompatible ZMTP. Probe the endpoint to see what it is. ${retryNote}`;
  }
  if (type === 'handshake:error:other') {
    if (code === 'EPIPE' || code === 'ECONNRESET') {
      return `The peer hung up during the handshake (${code}). As a CURVE client: the server public key is most likely wrong (the server cannot decrypt our HELLO and drops us without an error). As a PLAIN client: the server may run no authenticator (libzmq's PLAIN server then refuses everyone). Otherwise the peer's handshake timed out, or it is not ZeroMQ.`;
    }
    if (code === 'EFAULT') {
      return `PLAIN handshake refused here (${code}): libzmq's PLAIN server refuses every client when no ZAP authenticator runs in the process.`;
    }
    if (code === 'EAGAIN') {
      return `Handshake timed out (${code}): the peer did not finish the handshake within the handshake interval (an authenticator that does not answer, or a peer that is not ZeroMQ).`;
    }
    return `Handshake failed (${code || errorText(error)}): probe the endpoint to see its socket type and mechanism.`;
  }
  return `${errorText(error)}${code ? ` (${code})` : ''}`;
}
