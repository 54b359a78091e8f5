// A session's socket events, watched: libzmq's monitor events move the session's state and fill its
// timeline, and a failed handshake backs off before the next attempt (libzmq would retry at once).
import type * as Zmq from 'zeromq';
import { handshakeFailureOf } from '../security/authFailure';
import type { SessionMonitor, TimelineEvent } from './sessionMonitor';
import type { SocketTypeName } from '../types';
import { errorText, explainZmqError } from './zmqErrors';

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

export class SocketEventWatch {
  private stopped = false;
  /** Addresses disconnected for a handshake back-off, with the timer that connects them again. */
  private readonly backoffTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly socket: Zmq.Socket,
    private readonly monitor: SessionMonitor,
    private readonly session: { readonly type: SocketTypeName; readonly mode: 'bind' | 'connect'; readonly addresses: readonly string[] },
  ) {
    for (const type of MONITOR_EVENTS) socket.events.on(type, (event: Zmq.Event) => this.onMonitorEvent(event));
  }

  /** The session is closing: later events are ignored and no back-off reconnects. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.backoffTimers.values()) clearTimeout(timer);
  }

  private onMonitorEvent(event: Zmq.Event): void {
    if (this.stopped) return;
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
        if (monitor.connectionCount === 0) monitor.state = this.session.mode === 'bind' ? 'listening' : 'retrying';
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
        monitor.lastError = explainZmqError(error, 'bind', address, this.session.type).message;
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
    if (event.type === 'handshake:error:other' && this.session.mode === 'connect') this.backOff(address);
  }

  /** libzmq reconnects at once after a failed handshake (a wrong CURVE key: ten a second): pause, longer each time. */
  private backOff(eventAddress: string | undefined): void {
    const address =
      this.session.addresses.find((a) => a === eventAddress) ??
      (this.session.addresses.length === 1 ? this.session.addresses[0] : undefined);
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
      if (this.stopped) return;
      try {
        this.socket.connect(address);
      } catch (error) {
        this.monitor.record({
          type: 'connect:error',
          address,
          detail: explainZmqError(error, 'connect', address, this.session.type).message,
          severity: 'error',
        });
      }
    }, delayMs);
    timer.unref();
    this.backoffTimers.set(address, timer);
  }
}

function describeHandshakeError(type: string, error: Error & { code?: string; status?: number }): string {
  // Texts follow what each side was measured to see (see the table in authFailure.ts); the code or
  // "status NNN" stays in parentheses for the reader (the failure itself travels as data on the event).
  const code = error.code ?? '';
  const retryNote = 'libzmq does not retry this endpoint after it: reopen the session once it is fixed.';
  if (type === 'handshake:error:auth') {
    const status = typeof error.status === 'number' ? `status ${error.status}` : code || errorText(error);
    return (
      `Authentication refused (${status}) by the server's authenticator (ZAP). CURVE: the client's public key is not on the server's ` +
      `allow-list. PLAIN: wrong user name or password. NULL: the server vets unsecured connections too (e.g. by address). ${retryNote}`
    );
  }
  if (type === 'handshake:error:protocol') {
    if (code === 'ERR_ZMTP_MECHANISM_MISMATCH') {
      return (
        `Security mechanism mismatch (${code}): the two sides use different mechanisms (NULL, CURVE, PLAIN), e.g. ` +
        `a client without keys against a CURVE server. Probe the endpoint to see its mechanism. ${retryNote}`
      );
    }
    if (code === 'ERR_ZMTP_CRYPTOGRAPHIC') {
      return (
        `CURVE decryption failed (${code}): a client uses a server public key that does not belong to this server's secret ` +
        'key, or its own key pair does not match. It retries every reconnect interval and fails the same way until fixed.'
      );
    }
    return (
      `ZMTP protocol error (${code || errorText(error)}): the peer broke the handshake; it may not be ` +
      `ZeroMQ or may speak an incompatible ZMTP. Probe the endpoint to see what it is. ${retryNote}`
    );
  }
  if (type === 'handshake:error:other') {
    if (code === 'EPIPE' || code === 'ECONNRESET') {
      return (
        `The peer hung up during the handshake (${code}). As a CURVE client: the server public ` +
        'key is most likely wrong (the server cannot decrypt our HELLO and drops us without an ' +
        `error). As a PLAIN client: the server may run no authenticator (libzmq's PLAIN server ` +
        `then refuses everyone). Otherwise the peer's handshake timed out, or it is not ZeroMQ.`
      );
    }
    if (code === 'EFAULT') {
      return `PLAIN handshake refused here (${code}): libzmq's PLAIN server refuses every client when no ZAP authenticator runs in the process.`;
    }
    if (code === 'EAGAIN') {
      return (
        `Handshake timed out (${code}): the peer did not finish the handshake within the handshake ` +
        'interval (an authenticator that does not answer, or a peer that is not ZeroMQ).'
      );
    }
    return `Handshake failed (${code || errorText(error)}): probe the endpoint to see its socket type and mechanism.`;
  }
  return `${errorText(error)}${code ? ` (${code})` : ''}`;
}
