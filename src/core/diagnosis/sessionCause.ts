// The one line a session's tree node shows when it is not working: why, in a few words, from its state
// and monitor timeline ("the server hangs up during the CURVE handshake: wrong server public key?").
// Longer explanations live in the timeline and in diagnose(); this is the headline.
import { explainAuthFailure, type AuthFailureKind, type HandshakeFailure } from '../security/authFailure';
import type { SessionSecurity } from '../security/security';
import type { SessionState, TimelineEvent } from '../session/sessionMonitor';
import { clockTime, formatCount } from './findings';

export interface CauseInput {
  state: SessionState;
  mode: 'bind' | 'connect';
  timeline: readonly TimelineEvent[];
  connectionCount: number;
  security?: SessionSecurity;
  lastError?: string;
}

export interface SessionCause {
  /** The headline, e.g. "the server hangs up during the CURVE handshake: wrong server public key?". */
  text: string;
  /** How often it happened and since when, e.g. "37 times since 12:00:01.200". */
  since?: string;
  kind: AuthFailureKind | 'nothing-listening' | 'rejected-after-connect' | 'error';
}

const HEADLINE: Record<AuthFailureKind, (mechanism: string) => string> = {
  'wrong-server-key': () => 'the server hangs up during the CURVE handshake: wrong server public key?',
  'client-key-refused': () => "the server's authenticator refuses our CURVE key",
  'credentials-refused': () => 'the server refuses our PLAIN user name or password',
  refused: () => "the peer's authenticator refuses the connection",
  'mechanism-mismatch': (m) => `security mismatch: the peer does not use ${m} (probe it to see what it uses)`,
  'no-authenticator': () => 'the server hangs up during the PLAIN handshake: no authenticator on the server?',
  'handshake-timeout': () => 'the handshake times out: the peer is not ZeroMQ, or its authenticator does not answer',
  'peer-hung-up': () => 'the peer hangs up during the handshake: it uses CURVE or PLAIN, or is not ZeroMQ?',
  'protocol-error': () => 'the peer breaks the ZMTP handshake: not ZeroMQ, or an incompatible version?',
  unknown: () => 'the handshake fails: probe the endpoint to see its mechanism and socket type',
};

/** Undefined while the session works (connected, or listening with no failure since). */
export function sessionCause(input: CauseInput): SessionCause | undefined {
  const { timeline, state } = input;
  if (state === 'closed') return undefined;
  if (state === 'error' && input.lastError) return { text: input.lastError, kind: 'error' };
  const failing = latestHandshakeFailure(timeline);
  if (failing && failing.index > lastSuccess(timeline) && (state !== 'connected' || input.connectionCount === 0 || failing.recent)) {
    const security = input.security ?? { mechanism: 'null' };
    const role = input.mode === 'bind' ? 'server' : 'client';
    const explanation = explainAuthFailure(security, failing.failure, role);
    const mechanism = security.mechanism === 'null' ? 'NULL' : security.mechanism.split('-')[0].toUpperCase();
    return { text: HEADLINE[explanation.kind](mechanism), since: sinceText(failing.line, failing.count), kind: explanation.kind };
  }
  if (input.mode === 'connect' && state === 'retrying') {
    const everConnected = timeline.some((e) => e.type === 'connect' || e.cycle?.includes('connect'));
    if (!everConnected) {
      const retries = timeline.filter((e) => e.type === 'connect:retry' || e.type === 'connect:delay');
      if (retries.length)
        return { text: 'nothing accepts connections there: is the peer running, on this address?', kind: 'nothing-listening' };
    }
    // Measured: incompatible socket types (PUB to PUSH...) show connect then disconnect, and no handshake event.
    const churn = timeline.find((e) => e.cycle?.includes('connect') && e.cycle.includes('disconnect') && !e.cycle.includes('handshake'));
    if (churn && !timeline.some((e) => e.type === 'handshake')) {
      return {
        text: 'the peer hangs up right after connecting: a socket type that cannot talk to ours?',
        since: sinceText(churn, churn.repeat ?? 1),
        kind: 'rejected-after-connect',
      };
    }
  }
  return undefined;
}

interface FailureAt {
  index: number;
  line: TimelineEvent;
  failure: HandshakeFailure;
  count: number;
  /** The failure line was updated in the last 10 s (a storm still going on). */
  recent: boolean;
}

function latestHandshakeFailure(timeline: readonly TimelineEvent[]): FailureAt | undefined {
  for (let i = timeline.length - 1; i >= 0; i--) {
    const line = timeline[i];
    const failure = line.failure;
    if (!failure) continue;
    const perTurn = line.cycle ? line.cycle.filter((t) => t === failure.event).length || 1 : 1;
    return { index: i, line, failure, count: (line.repeat ?? 1) * perTurn, recent: Date.now() - line.time < 10_000 };
  }
  return undefined;
}

function lastSuccess(timeline: readonly TimelineEvent[]): number {
  return latestIndex(timeline, (e) => e.type === 'handshake');
}

function latestIndex(timeline: readonly TimelineEvent[], test: (e: TimelineEvent) => boolean): number {
  for (let i = timeline.length - 1; i >= 0; i--) if (test(timeline[i])) return i;
  return -1;
}

function sinceText(line: TimelineEvent, count: number): string {
  const first = line.firstTime ?? line.time;
  return count > 1 ? `${formatCount(count)} times, ${clockTime(first)} to ${clockTime(line.time)}` : `at ${clockTime(line.time)}`;
}
