// Explains a failed security handshake from what this side's socket monitor reported, knowing which
// mechanism and role this side has. The mapping below was measured with real sockets, not read in docs.
import { isSecurityServer, wireMechanism, type SessionSecurity } from './security';

/*
 * What each side's monitor shows, measured on 127.0.0.1 with zeromq.js 6.8.0 (libzmq 4.3.5) on both
 * sides, and confirmed against pyzmq on Debian's libzmq 4.3.4 (test/integration/security.test.ts):
 *
 * | case                                     | client (the *-client side) sees           | server sees                                  | client retries |
 * |------------------------------------------|-------------------------------------------|----------------------------------------------|----------------|
 * | CURVE client has a wrong server key      | handshake:error:other EPIPE, disconnect   | handshake:error:protocol ERR_ZMTP_CRYPTOGRAPHIC | yes, each interval |
 * | CURVE client pair mismatched / server    | same as above                             | same as above                                | yes            |
 * |   secret not the published key's         |                                           |                                              |                |
 * | CURVE client key refused by ZAP (400)    | handshake:error:auth, error.status 400    | handshake:error:auth, error.status 400       | no             |
 * | PLAIN wrong user/password, ZAP 400       | handshake:error:auth, error.status 400    | handshake:error:auth, error.status 400       | no             |
 * | PLAIN server with no ZAP handler         | handshake:error:other EPIPE               | handshake:error:other EFAULT                 | yes            |
 * | NULL client vs CURVE or PLAIN server     | handshake:error:protocol ERR_ZMTP_MECHANISM_MISMATCH, | same, or handshake:error:other EPIPE   | no after a     |
 * |   (any two different mechanisms)         |   or handshake:error:other EPIPE (a race) |   when the client hung up first              |   mismatch     |
 * | ZAP handler never answers                | handshake:error:other EPIPE               | handshake:error:other EAGAIN (handshake ivl) | yes            |
 * | incompatible socket types (PUB-PUSH)     | disconnect only, no handshake event       | disconnect only                              | no             |
 *
 * Mechanism mismatches race: both sides see the other's greeting, and the side that closes first
 * leaves the other with a broken pipe. Between two zeromq.js sockets both always saw the mismatch;
 * against pyzmq (libzmq 4.3.4) the client saw EPIPE and retried, 1 to 5+ times, until it saw the
 * mismatch. So a client's EPIPE is ambiguous (wrong CURVE key, mismatch, no PLAIN authenticator):
 * pass the peer's mechanism from a ZMTP probe (its greeting) as `peerMechanism` to settle it.
 *
 * "no": after an ERROR command or a mechanism mismatch libzmq treats the connection as a protocol
 * error and drops that endpoint for good (no connect:retry follows), so fixing the server is not
 * enough: the client must connect again (reopen the session). A wrong CURVE server key is silent: the
 * server cannot decrypt HELLO and hangs up without an ERROR, so the client sees only a broken pipe.
 */

export interface HandshakeFailure {
  /** The monitor event: handshake:error:auth | handshake:error:protocol | handshake:error:other. */
  event: string;
  /** error.code from zeromq.js (EPIPE, ERR_ZMTP_MECHANISM_MISMATCH, ...). */
  code?: string;
  /** error.status of an auth failure: the ZAP status code (300, 400, 500). */
  status?: number;
}

export type AuthFailureKind =
  | 'wrong-server-key'
  | 'client-key-refused'
  | 'credentials-refused'
  | 'refused'
  | 'mechanism-mismatch'
  | 'no-authenticator'
  | 'handshake-timeout'
  | 'peer-hung-up'
  | 'protocol-error'
  | 'unknown';

export interface AuthFailureExplanation {
  kind: AuthFailureKind;
  /** What is wrong. */
  problem: string;
  /** What to check or change. */
  check: string;
  /** Whether the client side keeps reconnecting by itself (false: it gave up on that endpoint). */
  clientRetries: boolean;
  /** problem + check, for a timeline line or a notification. */
  text: string;
}

/** Reads a zeromq.js monitor event into a HandshakeFailure; undefined for other events. */
export function handshakeFailureOf(event: { type: string; error?: unknown }): HandshakeFailure | undefined {
  if (!event.type.startsWith('handshake:error:')) return undefined;
  const error = (event.error ?? {}) as { code?: unknown; status?: unknown };
  return {
    event: event.type,
    code: typeof error.code === 'string' && error.code ? error.code : undefined,
    status: typeof error.status === 'number' ? error.status : undefined,
  };
}

/**
 * Explains `failure` as seen by a socket configured with `security`. `role` matters only for NULL
 * (a NULL socket is neither security client nor server; default: client). `peerMechanism` is what a
 * ZMTP probe of the server saw in its greeting (NULL, PLAIN, CURVE), when the caller probed.
 */
export function explainAuthFailure(
  security: SessionSecurity,
  failure: HandshakeFailure,
  role?: 'client' | 'server',
  peerMechanism?: string,
): AuthFailureExplanation {
  const server = security.mechanism === 'null' ? role === 'server' : isSecurityServer(security);
  const mechanism = wireMechanism(security);
  const make = (kind: AuthFailureKind, problem: string, check: string, clientRetries: boolean): AuthFailureExplanation => ({
    kind,
    problem,
    check,
    clientRetries,
    text: `${problem} ${check}`,
  });
  const reopen = 'libzmq does not retry after this: reopen the session once it is fixed.';
  const { event, code, status } = failure;

  if (!server && peerMechanism && peerMechanism !== mechanism && event !== 'handshake:error:auth') {
    const peer = peerMechanism === 'NULL' ? 'uses no security (NULL)' : `is a ${peerMechanism} server`;
    const fix =
      peerMechanism === 'CURVE'
        ? "Configure the session as a CURVE client with the server's public key."
        : peerMechanism === 'PLAIN'
          ? 'Configure the session with a PLAIN user name and password.'
          : `Remove the ${mechanism} settings from the session.`;
    const stops = event === 'handshake:error:protocol';
    return make(
      'mechanism-mismatch',
      `The peer ${peer} (seen in its ZMTP greeting); we use ${mechanism}.`,
      `${fix} ${stops ? reopen : 'zeromq keeps retrying until it sees the mismatch, then gives up.'}`,
      !stops,
    );
  }

  if (event === 'handshake:error:auth') {
    if (status === 300)
      return make(
        'refused',
        'The authenticator (ZAP) reported a temporary failure (300).',
        "Try again later; if it persists, look at the server's authenticator.",
        false,
      );
    if (status === 500)
      return make(
        'refused',
        'The authenticator (ZAP) failed internally (500) and the handshake was refused.',
        "Look at the server's authenticator logs. " + reopen,
        false,
      );
    if (server) {
      if (security.mechanism === 'curve-server')
        return make(
          'client-key-refused',
          "Our authenticator refused a client: its CURVE public key is not on this session's allow-list.",
          'See the recorded attempts for the key, and add it to the allowed client keys if it should get in.',
          false,
        );
      if (security.mechanism === 'plain-server')
        return make(
          'credentials-refused',
          'Our authenticator refused a client: unknown user name or wrong password.',
          'See the recorded attempts for the user name it tried.',
          false,
        );
      return make('refused', 'The authenticator refused a client.', 'See the recorded attempts.', false);
    }
    if (security.mechanism === 'curve-client') {
      return make(
        'client-key-refused',
        `The server's authenticator (ZAP) refused our CURVE client key ${security.publicKey ?? ''}`.trimEnd() + '.',
        `Have that public key added to the server's allow-list, or use a key pair it already allows. ${reopen}`,
        false,
      );
    }
    if (security.mechanism === 'plain-client') {
      return make(
        'credentials-refused',
        `The server refused the PLAIN user "${security.username}": wrong password or unknown user.`,
        `Check the user name and password against the server's user list. ${reopen}`,
        false,
      );
    }
    return make(
      'refused',
      'The server vets even unsecured (NULL) connections with an authenticator (it set a ZAP domain) and refused this one, e.g. by address.',
      `Ask for this host to be allowed. ${reopen}`,
      false,
    );
  }

  if (event === 'handshake:error:protocol') {
    if (code === 'ERR_ZMTP_MECHANISM_MISMATCH') {
      const ours = `We use ${mechanism}`;
      const check = server
        ? `A client connected with another mechanism (e.g. without ${mechanism === 'CURVE' ? 'our public key: NULL' : 'credentials: NULL'}). ` +
          `Give it the ${mechanism === 'CURVE' ? 'server public key' : 'user name and password'}; it does not retry until it reconnects.`
        : mechanism === 'NULL'
          ? 'The server requires CURVE or PLAIN: probe the endpoint to see which, then give ' +
            `the server public key (CURVE) or a user name and password (PLAIN). ${reopen}`
          : `The server does not speak ${mechanism}: probe the endpoint to see its mechanism. ${reopen}`;
      return make('mechanism-mismatch', `${ours}; the peer uses a different security mechanism.`, check, false);
    }
    if (code === 'ERR_ZMTP_CRYPTOGRAPHIC') {
      if (server) {
        const key = security.mechanism === 'curve-server' ? ` (ours is ${security.publicKey})` : '';
        return make(
          'wrong-server-key',
          `A client's CURVE handshake could not be decrypted: it uses a server public key other than ours${key}, or its own key pair does not match.`,
          'Give the client our public key. It keeps retrying, so this repeats each reconnect interval until it is fixed.',
          true,
        );
      }
      return make(
        'wrong-server-key',
        'CURVE decryption failed: the keys on the two sides do not belong together.',
        "Check the server public key against the server's secret key.",
        true,
      );
    }
    return make(
      'protocol-error',
      `The peer broke the ZMTP handshake (${code ?? 'protocol error'}).`,
      `It may not be ZeroMQ, or a different ZMTP implementation: probe the endpoint. ${reopen}`,
      false,
    );
  }

  if (event === 'handshake:error:other') {
    if (code === 'EFAULT' && security.mechanism === 'plain-server') {
      return make(
        'no-authenticator',
        "libzmq's PLAIN server refuses every client when no ZAP authenticator runs in the process, and none answered.",
        'The inspector starts one for PLAIN server sessions; reopen the session.',
        true,
      );
    }
    if (code === 'EAGAIN' || code === 'ETIMEDOUT') {
      return make(
        'handshake-timeout',
        'The handshake did not finish within the handshake interval.',
        server
          ? 'A client that is not ZeroMQ, or an authenticator that does not answer.'
          : 'The server may be stuck in its authenticator, or is not ZeroMQ.',
        true,
      );
    }
    if (code === 'EPIPE' || code === 'ECONNRESET') {
      if (security.mechanism === 'curve-client') {
        return make(
          'wrong-server-key',
          'The server hung up during the CURVE handshake without an error: almost always the server public ' +
            `key we use (${security.serverPublicKey}) is not the server's, so it cannot decrypt our HELLO.`,
          "Compare the server public key with the one that belongs to the server's secret " +
            'key. zeromq retries, but every retry fails the same way until the key is right.',
          true,
        );
      }
      if (security.mechanism === 'plain-client') {
        return make(
          'no-authenticator',
          'The server hung up during the PLAIN handshake: a libzmq PLAIN server with no ZAP authenticator running refuses every client this way.',
          "The server must run an authenticator (e.g. pyzmq's ThreadAuthenticator with configure_plain).",
          true,
        );
      }
      return make(
        'peer-hung-up',
        'The peer hung up during the handshake.',
        'It may use another security mechanism, have an authenticator that timed out, or not be ZeroMQ: probe the endpoint.',
        true,
      );
    }
  }
  return make(
    'unknown',
    `The handshake failed (${event}${code ? ` ${code}` : ''}).`,
    'Probe the endpoint to see its mechanism and socket type.',
    true,
  );
}
