// What a probe found (the result a probe returns) and how it is shown: the observer it suggests, its
// one-line summary, and every text field made safe for VS Code UI (the peer chose most of them).
import { peerTextForUi } from '../peerText';
import { observerFor, parseSocketType } from '../session/socketTypes';
import type { SocketTypeName } from '../types';

export type ProbeKind = 'zmtp3' | 'zmtp-legacy' | 'not-zmtp' | 'timeout' | 'unreachable' | 'closed' | 'error';

export interface ObserverSuggestion {
  /** The socket type the inspector would open to watch this peer. */
  socketType: SocketTypeName;
  /** Passive: the peer's real partners lose nothing. Intrusive: the observer takes part (takes or sends messages). */
  passive: boolean;
}

export interface ProbeResult {
  /** The normalized address, e.g. tcp://[::1]:5555. */
  address: string;
  kind: ProbeKind;
  /** The TCP connection was accepted. */
  reachable: boolean;
  /** The system error code, e.g. ECONNREFUSED, ETIMEDOUT, ENOTFOUND. */
  errorCode?: string;
  /** What went wrong, in words. */
  error?: string;
  /** e.g. "3.1", "2.0" */
  version?: string;
  mechanism?: string;
  /** The greeting's as-server bit (libzmq leaves it 0 even on CURVE/PLAIN servers). */
  asServer?: boolean;
  /** From READY's Socket-Type (NULL) or the ZMTP 2.0 greeting. */
  socketType?: string;
  identityHex?: string;
  /** The identity with unprintable bytes as '.'. */
  identityText?: string;
  /** Every READY property (Socket-Type, Identity, X-...), as printable text. */
  properties?: Record<string, string>;
  /** TCP connect time. */
  connectMs?: number;
  /** From TCP connect to the last handshake answer read (READY for NULL, the greeting otherwise). */
  handshakeMs?: number;
  /** The first bytes of an answer that is not ZMTP, as printable text. */
  firstBytes?: string;
  /** One sentence for the user. */
  explanation: string;
  suggestedObserver?: ObserverSuggestion;
}

/** Which socket would observe a probed peer of this type, and at what cost (from the socket-type catalogue). */
export function observerForPeer(type: string): ObserverSuggestion | undefined {
  // The catalogue owns the table; STREAM (raw TCP) has no ZMTP observer to suggest.
  const peer = parseSocketType(type);
  if (!peer || peer === 'STREAM' || !/^[A-Z]+$/.test(type)) return undefined;
  const advice = observerFor(peer);
  return advice.observer ? { socketType: advice.observer, passive: advice.passive } : undefined;
}

/** One line for a tree item or a quick pick. */
export function probeSummary(r: ProbeResult): string {
  if (r.kind === 'zmtp3')
    return (
      `ZMTP ${r.version ?? '3'} · ` +
      `${r.mechanism ?? '?'}${r.socketType ? ` · ${r.socketType}` : ''}${r.handshakeMs !== undefined ? ` · ${r.handshakeMs.toFixed(1)} ms` : ''}`
    );
  return r.explanation;
}

/**
 * A result whose every text field is safe to show in VS Code UI: the peer chose the socket type, the
 * identity, the properties and an ERROR reason (up to 64 KiB, markdown links included), and they reach
 * notifications, tree items and quick picks through the explanation and the fields. (`firstBytes` stays
 * as read, at most 128 bytes: it is data for the log, not for the UI.)
 */
export function safeForUi(result: ProbeResult): ProbeResult {
  const safe: ProbeResult = { ...result, explanation: peerTextForUi(result.explanation, 600) };
  if (result.error !== undefined) safe.error = peerTextForUi(result.error, 300);
  if (result.socketType !== undefined) safe.socketType = peerTextForUi(result.socketType, 40);
  if (result.identityText !== undefined) safe.identityText = peerTextForUi(result.identityText, 64);
  if (result.mechanism !== undefined) safe.mechanism = peerTextForUi(result.mechanism, 20);
  if (result.properties)
    safe.properties = Object.fromEntries(
      Object.entries(result.properties)
        .slice(0, 32)
        .map(([name, value]) => [peerTextForUi(name, 64), peerTextForUi(value, 200)]),
    );
  return safe;
}
