// The sockets of one scenario run: a SessionManager of its own whose capture sink keeps each endpoint's
// incoming messages in a bounded inbox (a reply may arrive before the step that expects it starts), and
// forwards every message to the host's capture store, tagged with the run, when there is one.
import type { EndpointDef } from './scenarioAst';
import type { EndpointSecurity } from '../session/endpointConfig';
import type { SessionSecurity } from '../security/security';
import { openSecureSession } from '../security/secureSession';
import type { CaptureSink, Session, SessionOptions } from '../session/session';
import { SessionManager } from '../session/sessionManager';
import { ZmqUserError } from '../session/zmqErrors';
import type { AppendOptions, Direction, SocketTypeName } from '../types';
import { expandTemplate, type VariableScope } from './scenarioVariables';

export interface InboxMessage {
  frames: Uint8Array[];
  /** performance.now() at arrival. */
  arrivedAt: number;
  /** performance.now() of the run's last send before the arrival (or of the run's start). */
  lastSendAt: number;
}

/** Messages kept per endpoint before the oldest are dropped (and counted). */
export const INBOX_LIMIT = 10_000;

export class Inbox {
  private readonly queue: InboxMessage[] = [];
  private waiter: ((message: InboxMessage) => void) | undefined;
  dropped = 0;

  push(message: InboxMessage): void {
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = undefined;
      return waiter(message);
    }
    if (this.queue.length >= INBOX_LIMIT) {
      this.queue.shift();
      this.dropped++;
    }
    this.queue.push(message);
  }

  clear(): void {
    this.queue.length = 0;
  }

  /** The oldest message not taken yet, or the next to arrive within `timeoutMs`; undefined on timeout. */
  take(timeoutMs: number, signal?: AbortSignal): Promise<InboxMessage | undefined> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => {
      const done = (message: InboxMessage | undefined) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (this.waiter === deliver) this.waiter = undefined;
        resolve(message);
      };
      const deliver = (message: InboxMessage) => done(message);
      const onAbort = () => done(undefined);
      const timer = setTimeout(() => done(undefined), timeoutMs);
      signal?.addEventListener('abort', onAbort);
      this.waiter = deliver;
    });
  }
}

/** Where a host wants a run's traffic: its capture store, under session ids it names. */
export interface CaptureForwarding {
  sink: CaptureSink;
  /** The store's session id for an endpoint of this run (e.g. one the inspector can name). */
  sessionIdFor(endpointName: string, type: SocketTypeName): string;
  /** Tag for every message of the run, e.g. "scenario: Echo answers a ping". */
  tag: string;
}

export interface OpenEndpoint {
  def: EndpointDef;
  session: Session;
  inbox: Inbox;
}

export class ScenarioSockets implements CaptureSink {
  private readonly manager = new SessionManager(this);
  private readonly byId = new Map<string, { inbox: Inbox; forwardId?: string }>();
  readonly endpoints = new Map<string, OpenEndpoint>();
  private seq = 0;
  lastSendAt = performance.now();

  constructor(
    private readonly runId: string,
    private readonly forwarding?: CaptureForwarding,
  ) {}

  /** Scenario sockets are sized from the capture they forward to, when they forward. */
  get maxBytes(): number | undefined {
    return this.forwarding?.sink.maxBytes;
  }

  append(sessionId: string, direction: Direction, frames: Uint8Array[], options?: AppendOptions): number {
    const now = performance.now();
    const entry = this.byId.get(sessionId);
    if (direction === 'out') this.lastSendAt = now;
    else entry?.inbox.push({ frames, arrivedAt: now, lastSendAt: this.lastSendAt });
    if (this.forwarding && entry?.forwardId)
      this.forwarding.sink.append(entry.forwardId, direction, frames, { ...options, tag: this.forwarding.tag });
    return ++this.seq;
  }

  /** Opens an endpoint (bind before connect is the caller's order); its address and options may use variables. */
  async open(
    def: EndpointDef,
    scope: VariableScope,
    resolveSecurity?: (s: EndpointSecurity) => Promise<SessionSecurity>,
  ): Promise<OpenEndpoint> {
    const id = `${this.runId}.${def.name}`;
    const inbox = new Inbox();
    this.byId.set(id, { inbox, forwardId: this.forwarding?.sessionIdFor(def.name, def.type) });
    const options: SessionOptions = {
      id,
      name: def.name,
      type: def.type,
      mode: def.mode,
      addresses: [expandTemplate(def.address, scope)],
      subscriptions: def.type === 'SUB' || def.type === 'XSUB' ? def.subscriptions.map((s) => expandTemplate(s, scope)) : undefined,
      routingId: def.routingId !== undefined ? expandTemplate(def.routingId, scope) : undefined,
      sendHighWaterMark: def.sendHighWaterMark,
      receiveHighWaterMark: def.receiveHighWaterMark,
      linger: def.linger,
      reconnectInterval: def.reconnectIntervalMs,
    };
    // A SUB with no subscribe line gets everything (the session's default); an empty list would get nothing.
    if (options.subscriptions && !options.subscriptions.length) delete options.subscriptions;
    let session: Session;
    if (def.security) {
      if (!resolveSecurity)
        throw new ZmqUserError(`Endpoint ${def.name} uses ${def.security.mechanism} security, but this runner has no key store.`);
      session = (await openSecureSession(this.manager, options, await resolveSecurity(def.security))).session;
    } else session = await this.manager.open(options);
    const open = { def, session, inbox };
    this.endpoints.set(def.name, open);
    return open;
  }

  /** Closes every socket; resolves once bound ports are free. */
  async close(): Promise<void> {
    await this.manager.dispose();
  }
}
