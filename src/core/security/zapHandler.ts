// The process's ZAP handler (ZeroMQ RFC 27): allows or denies CURVE and PLAIN clients of server
// sessions by public key or user name and password, and reports every attempt with its verdict.
import { createHash, timingSafeEqual } from 'node:crypto';
import type * as Zmq from 'zeromq';
import { z85Encode, type PlainUser } from './security';
import { ZmqUserError, errorCode, errorText, loadZeromq } from '../session/zmqErrors';

/*
 * libzmq allows one handler per context, bound at inproc://zeromq.zap.01, and zeromq.js sockets all
 * share the default context. So there is one handler here, started by the first registration and
 * closed after the last (a bound socket with a pending receive would keep Node alive), and each server
 * session registers a policy under its own ZAP domain (its session id, set as the socket's zapDomain).
 *
 * Once bound, libzmq sends it a request for every CURVE and PLAIN handshake in the process, whatever
 * the domain. For a domain nobody registered it answers as libzmq would with no handler at all:
 * CURVE and NULL get in, PLAIN is refused (libzmq 4.3's PLAIN server refuses everyone without one).
 *
 * Measured: the request's "identity" frame is the server socket's own routing id (usually empty), not
 * the client's, and "address" is the client's IP without the port.
 */

export const ZAP_ENDPOINT = 'inproc://zeromq.zap.01';

export interface ZapPolicy {
  /** CURVE: allowed client public keys (Z85). Absent: any key. */
  allowedClientKeys?: string[];
  /** PLAIN: accepted users. Absent: any user name and password. */
  users?: PlainUser[];
}

export interface AuthAttempt {
  /** Milliseconds since the epoch. */
  time: number;
  domain: string;
  /** The client's IP address as libzmq reports it. */
  address: string;
  /** NULL, PLAIN, CURVE (or whatever libzmq sent). */
  mechanism: string;
  /** The ZAP identity frame, as text when printable, else `hex:...`; usually empty. */
  identity: string;
  username?: string;
  /** The client's CURVE public key in Z85. */
  clientKey?: string;
  verdict: 'allowed' | 'denied';
  statusCode: 200 | 400 | 500;
  /** Why, for a person: "key on the allow-list", "wrong password for user \"bob\"", ... */
  reason: string;
}

export type AuthAttemptListener = (attempt: AuthAttempt) => void;

export interface ZapRegistration {
  readonly domain: string;
  /** Replaces the policy; applies to the next handshake. */
  update(policy: ZapPolicy): void;
  /** Removes the domain; the last one stops the handler. */
  dispose(): Promise<void>;
}

interface DomainEntry {
  policy: ZapPolicy;
  listener?: AuthAttemptListener;
}

const domains = new Map<string, DomainEntry>();
let router: Zmq.Router | undefined;
let serving: Promise<void> | undefined;
// Starts and stops run one at a time, so a register racing a last dispose never finds a half-closed socket.
let transitions: Promise<unknown> = Promise.resolve();
/** When the last handler was closed (performance.now()); its inproc name is released shortly after. */
let stoppedAt = -Infinity;
/** How long after our own close an EADDRINUSE is taken for our own name not yet released. */
const OWN_NAME_RELEASE_MS = 2000;

function serialized<T>(step: () => Promise<T>): Promise<T> {
  const next = transitions.then(step, step);
  transitions = next.catch(() => undefined);
  return next;
}

/** Registers `policy` for ZAP `domain`, starting the handler if it is not running. */
export function registerZapDomain(domain: string, policy: ZapPolicy, listener?: AuthAttemptListener): Promise<ZapRegistration> {
  if (!domain)
    return Promise.reject(
      new ZmqUserError(
        'A ZAP domain must not be empty: libzmq sends no ZAP request for NULL sockets without one, and domains tell sessions apart.',
      ),
    );
  return serialized(async () => {
    if (domains.has(domain)) throw new ZmqUserError(`The ZAP domain "${domain}" is already registered by another session.`);
    if (!router) await start();
    const entry: DomainEntry = { policy: copyPolicy(policy), listener };
    domains.set(domain, entry);
    let disposed = false;
    return {
      domain,
      update(next: ZapPolicy) {
        entry.policy = copyPolicy(next);
      },
      dispose() {
        if (disposed) return Promise.resolve();
        disposed = true;
        return serialized(async () => {
          if (domains.get(domain) === entry) domains.delete(domain);
          // Closing the handler while the sessions that used it are still tearing down their inproc ZAP
          // pipes can trip a libzmq assertion (pipe.cpp term_ack_sent, seen once in ~6 runs while stop()
          // still unbound off the main thread, which it no longer does): a margin for those pipes to finish.
          if (!domains.size) await new Promise((resolve) => setTimeout(resolve, 300));
          if (!domains.size) await stop();
        });
      },
    };
  });
}

async function start(): Promise<void> {
  const zmq = loadZeromq();
  for (;;) {
    const socket = new zmq.Router({ linger: 0 });
    try {
      await socket.bind(ZAP_ENDPOINT);
      router = socket;
      serving = serve(socket);
      return;
    } catch (error) {
      socket.close();
      const code = errorCode(error);
      // The handler stopped last is closed, not unbound (see stop): libzmq's reaper thread frees its
      // inproc name a moment after the close, so for a while EADDRINUSE is most likely our own.
      if (code === 'EADDRINUSE' && performance.now() - stoppedAt < OWN_NAME_RELEASE_MS) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        continue;
      }
      if (code === 'EADDRINUSE') {
        throw new ZmqUserError(
          'Another ZAP handler is already bound in this process (inproc://zeromq.zap.01): libzmq ' +
            'allows one per context, so the inspector cannot check client keys or passwords.',
          'EADDRINUSE',
        );
      }
      throw new ZmqUserError(`Cannot start the ZAP handler: ${errorText(error)}`, code);
    }
  }
}

async function stop(): Promise<void> {
  const socket = router;
  if (!socket) return;
  router = undefined;
  // Closed without unbind(): zeromq.js runs unbind on a libuv worker thread while this thread's poller
  // still reads the socket for the pending receive, and two threads on one libzmq socket is the
  // pipe.cpp:355 abort the sessions met (see Session.close). close() runs here, on the main thread.
  socket.close();
  stoppedAt = performance.now();
  await serving;
  serving = undefined;
}

async function serve(socket: Zmq.Router): Promise<void> {
  while (!socket.closed) {
    let frames: Buffer[];
    try {
      frames = await socket.receive();
    } catch {
      if (socket.closed) return;
      continue;
    }
    const reply = answer(frames);
    if (!reply) continue;
    try {
      await socket.send(reply);
    } catch {
      if (socket.closed) return;
    }
  }
}

/** Decides one request; returns the reply (with the routing envelope) or undefined for garbage. */
function answer(frames: Buffer[]): Buffer[] | undefined {
  // [routing id, "", version, request id, domain, address, identity, mechanism, credentials...]
  if (frames.length < 8 || frames[1].length !== 0) return undefined;
  const [routingId, delimiter, version, requestId, domainFrame, addressFrame, identityFrame, mechanismFrame, ...credentials] = frames;
  const reply = (status: 200 | 400 | 500, text: string, userId = '') => [
    routingId,
    delimiter,
    Buffer.from('1.0'),
    requestId,
    Buffer.from(String(status)),
    Buffer.from(text),
    Buffer.from(userId),
    Buffer.alloc(0),
  ];
  if (version.toString('latin1') !== '1.0') return reply(500, 'ZAP version not supported');

  const domain = domainFrame.toString('utf8');
  const mechanism = mechanismFrame.toString('latin1');
  const attempt: AuthAttempt = {
    time: Date.now(),
    domain,
    address: addressFrame.toString('utf8'),
    mechanism,
    identity: printable(identityFrame),
    verdict: 'denied',
    statusCode: 400,
    reason: '',
  };
  if (mechanism === 'CURVE' && credentials[0]?.length === 32) attempt.clientKey = z85Encode(credentials[0]);
  if (mechanism === 'PLAIN' && credentials.length >= 1) attempt.username = credentials[0].toString('utf8');

  const entry = domains.get(domain);
  const verdict = entry ? decide(entry.policy, mechanism, attempt, credentials[1]) : unregistered(mechanism);
  attempt.verdict = verdict.allow ? 'allowed' : 'denied';
  attempt.statusCode = verdict.allow ? 200 : 400;
  attempt.reason = verdict.reason;
  try {
    entry?.listener?.(attempt);
  } catch {
    // A listener's failure must not stall handshakes.
  }
  return reply(
    attempt.statusCode as 200 | 400,
    verdict.allow ? 'OK' : verdict.reason,
    verdict.allow ? (attempt.username ?? attempt.clientKey ?? '') : '',
  );
}

function decide(
  policy: ZapPolicy,
  mechanism: string,
  attempt: AuthAttempt,
  password: Buffer | undefined,
): { allow: boolean; reason: string } {
  if (mechanism === 'CURVE') {
    if (!attempt.clientKey) return { allow: false, reason: 'malformed CURVE credentials' };
    if (!policy.allowedClientKeys) return { allow: true, reason: 'any client key is allowed' };
    return policy.allowedClientKeys.includes(attempt.clientKey)
      ? { allow: true, reason: 'client key on the allow-list' }
      : { allow: false, reason: 'client key not on the allow-list' };
  }
  if (mechanism === 'PLAIN') {
    if (attempt.username === undefined || !password) return { allow: false, reason: 'malformed PLAIN credentials' };
    if (!policy.users) return { allow: true, reason: 'any user name and password is accepted' };
    const user = policy.users.find((u) => u.username === attempt.username);
    if (!user) return { allow: false, reason: `no user "${attempt.username}"` };
    return samePassword(user.password, password)
      ? { allow: true, reason: `user "${attempt.username}" with the right password` }
      : { allow: false, reason: `wrong password for user "${attempt.username}"` };
  }
  if (mechanism === 'NULL') return { allow: true, reason: 'NULL: no credentials to check' };
  return { allow: false, reason: `the ${mechanism} mechanism is not supported` };
}

function unregistered(mechanism: string): { allow: boolean; reason: string } {
  return mechanism === 'PLAIN'
    ? { allow: false, reason: 'no policy for this ZAP domain (PLAIN is refused, as libzmq does without a handler)' }
    : { allow: true, reason: 'no policy for this ZAP domain (allowed, as libzmq does without a handler)' };
}

// Compares digests so the time taken does not depend on how much of the password matched.
function samePassword(expected: string, given: Buffer): boolean {
  const digest = (data: string | Buffer) => createHash('sha256').update(data).digest();
  return timingSafeEqual(digest(expected), digest(given));
}

function copyPolicy(policy: ZapPolicy): ZapPolicy {
  return {
    allowedClientKeys: policy.allowedClientKeys ? [...policy.allowedClientKeys] : undefined,
    users: policy.users?.map((u) => ({ ...u })),
  };
}

function printable(bytes: Buffer): string {
  if (!bytes.length) return '';
  return /^[\x20-\x7e]*$/.test(bytes.toString('latin1')) ? bytes.toString('latin1') : `hex:${bytes.toString('hex')}`;
}
