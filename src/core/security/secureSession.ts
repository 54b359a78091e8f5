// Opens a session with NULL, CURVE or PLAIN security: validated socket options, a ZAP policy for server
// sessions, and auth attempts, PLAIN-in-clear warnings and failure explanations on the session timeline.
import { randomUUID } from 'node:crypto';
import { explainAuthFailure, type HandshakeFailure } from './authFailure';
import { completeSecurity, isSecurityServer, plainOverNetworkWarning, securitySocketOptions, type SessionSecurity } from './security';
import type { Session, SessionOptions } from '../session/session';
import type { SessionManager } from '../session/sessionManager';
import type { TimelineEvent } from '../session/sessionMonitor';
import { probeEndpoint } from '../zmtp/zmtpProbe';
import { registerZapDomain, type AuthAttempt, type ZapPolicy, type ZapRegistration } from './zapHandler';

export interface SecureSession {
  session: Session;
  /** The security as applied: keys in Z85, a generated CURVE client pair included. */
  security: SessionSecurity;
  /** PLAIN-in-clear warnings (also on the timeline). */
  warnings: string[];
  /**
   * Server sessions: change who is allowed from the next handshake on (validated like the security).
   * A client refused before stays refused until it reconnects: libzmq gives up after a refusal.
   */
  updatePolicy?(policy: ZapPolicy): void;
}

export interface SecureSessionHooks {
  /** Every ZAP attempt on a server session (also written to its timeline). */
  onAttempt?(attempt: AuthAttempt, session: Session): void;
  /**
   * On a client's first ambiguous handshake failure (a hang-up or a mechanism mismatch), read the
   * server's greeting with a ZMTP probe to name its mechanism. Default true.
   */
  probeOnFailure?: boolean;
}

// Failures whose cause depends on the peer's mechanism (see the race in authFailure.ts).
const AMBIGUOUS: ReadonlySet<string> = new Set(['wrong-server-key', 'no-authenticator', 'peer-hung-up', 'mechanism-mismatch']);

/**
 * Opens `options` through `manager` with `security`. A server session's ZAP domain is its session id
 * (one is made when `options.id` is absent); its policy lives as long as the session.
 */
export async function openSecureSession(
  manager: SessionManager,
  options: SessionOptions,
  security: SessionSecurity,
  hooks: SecureSessionHooks = {},
): Promise<SecureSession> {
  const { onAttempt, probeOnFailure = true } = hooks;
  const complete = completeSecurity(security);
  const id = options.id ?? `sec-${randomUUID().slice(0, 8)}`;
  let session: Session | undefined;
  const early: AuthAttempt[] = [];
  const report = (attempt: AuthAttempt) => {
    if (!session) return void early.push(attempt);
    session.monitor.record(attemptEvent(attempt));
    onAttempt?.(attempt, session);
  };
  const server = isSecurityServer(complete);
  let registration: ZapRegistration | undefined;
  if (server) registration = await registerZapDomain(id, policyOf(complete), report);
  const socketOptions = { ...options.socketOptions, ...securitySocketOptions(complete, { zapDomain: server ? id : undefined }) };
  try {
    session = await manager.open({ ...options, id, socketOptions });
  } catch (error) {
    await registration?.dispose();
    throw error;
  }
  const opened = session;
  const warnings = options.addresses.map((a) => plainOverNetworkWarning(a, complete)).filter((w): w is string => !!w);
  for (const warning of warnings) opened.monitor.record({ type: 'security', detail: warning, severity: 'warning' });
  for (const attempt of early.splice(0)) report(attempt);

  // One explanation per kind of failure (and per text): a retry loop must not flood the timeline.
  const explained = new Set<string>();
  const role = opened.mode === 'bind' ? 'server' : 'client';
  const explain = (failure: HandshakeFailure, address: string | undefined, peerMechanism?: string) => {
    const explanation = explainAuthFailure(complete, failure, role, peerMechanism);
    if (opened.isClosed || explained.has(explanation.text)) return;
    explained.add(explanation.text);
    opened.monitor.record({ type: 'security', address, detail: explanation.text, severity: 'error' });
  };
  const subscription = manager.onDidChange((change) => {
    if (change.session !== opened) return;
    if (change.kind === 'closed') {
      subscription.dispose();
      void registration?.dispose();
      return;
    }
    const failure = change.event?.failure;
    if (!failure) return;
    const address = change.event!.address;
    const kind = explainAuthFailure(complete, failure, role).kind;
    if (explained.has(kind)) return;
    explained.add(kind);
    const probe = probeOnFailure && role === 'client' && AMBIGUOUS.has(kind) && address?.startsWith('tcp://');
    if (!probe) return explain(failure, address);
    void probeEndpoint(address!, { timeoutMs: 1500 }).then(
      (result) => explain(failure, address, result.mechanism),
      () => explain(failure, address),
    );
  });
  return {
    session: opened,
    security: complete,
    warnings,
    updatePolicy: registration
      ? (policy) =>
          registration!.update(
            policyOf(
              completeSecurity(
                complete.mechanism === 'curve-server'
                  ? { ...complete, allowedClientKeys: policy.allowedClientKeys }
                  : { mechanism: 'plain-server', users: policy.users },
              ),
            ),
          )
      : undefined,
  };
}

function policyOf(security: SessionSecurity): ZapPolicy {
  if (security.mechanism === 'curve-server') return { allowedClientKeys: security.allowedClientKeys };
  if (security.mechanism === 'plain-server') return { users: security.users };
  return {};
}

/** A timeline line for one ZAP attempt. */
export function attemptEvent(attempt: AuthAttempt): Omit<TimelineEvent, 'time'> {
  const who = attempt.clientKey ? `key ${attempt.clientKey}` : attempt.username !== undefined ? `user "${attempt.username}"` : 'client';
  return {
    type: 'auth',
    address: attempt.address,
    detail: `${attempt.verdict} ${attempt.mechanism} ${who} (${attempt.statusCode}): ${attempt.reason}`,
    severity: attempt.verdict === 'allowed' ? 'info' : 'warning',
  };
}
