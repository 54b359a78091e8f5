// A session's peers as the monitoring panel shows them: one line per remote address with its state now and
// since when, read from the session's monitor-event timeline (connect, handshake, disconnect, retries,
// failed handshakes) and its open connections. Addresses and details come from peers: they stay text, cut.
import { peerTextForUi } from '../peerText';
import type { TimelineEvent } from '../session/sessionMonitor';

export type PeerState = 'connected' | 'handshaking' | 'listening' | 'retrying' | 'disconnected' | 'failing' | 'error' | 'closed';

export interface PeerLine {
  address: string;
  state: PeerState;
  /** When this state began, ms since the epoch. */
  sinceMs: number;
  /** Open connections at this address (a bound socket counts each accepted peer). */
  connections: number;
  /** The latest failure or retry, in words. */
  detail?: string;
  /** A reconnect loop folded into one timeline line: how many turns. */
  repeats?: number;
}

const MAX_ADDRESSES = 200;
const ADDRESS_CHARS = 120;
const DETAIL_CHARS = 200;

/** What each monitor event says about its address. */
const STATE_OF: Record<string, PeerState> = {
  bind: 'listening',
  connect: 'handshaking',
  accept: 'handshaking',
  handshake: 'connected',
  disconnect: 'disconnected',
  'connect:delay': 'retrying',
  'connect:retry': 'retrying',
  'connect:error': 'error',
  backoff: 'failing',
  'bind:error': 'error',
  'accept:error': 'error',
  close: 'closed',
};

function stateOf(type: string): PeerState | undefined {
  if (type.startsWith('handshake:error')) return 'failing';
  return STATE_OF[type];
}

/**
 * Peers by address, most recently changed first. `connections` is the session's open connections per address
 * (the truth for "connected"); the timeline says since when and why not.
 */
export function sessionPeers(
  timeline: readonly TimelineEvent[],
  connections: Iterable<[string, number]>,
  limit = 20,
): {
  peers: PeerLine[];
  hidden: number;
} {
  const byAddress = new Map<string, PeerLine>();
  for (const event of timeline) {
    if (event.address === undefined) continue;
    // A folded cycle ("connect → handshake:error:… → disconnect" × 37) is a loop that keeps failing.
    const last = event.cycle ? event.cycle[event.cycle.length - 1] : event.type;
    const state = event.cycle ? (event.cycle.some((t) => t.startsWith('handshake:error')) ? 'failing' : stateOf(last)) : stateOf(last);
    if (!state) continue;
    const address = peerTextForUi(event.address, ADDRESS_CHARS);
    let line = byAddress.get(address);
    if (!line) {
      if (byAddress.size >= MAX_ADDRESSES) continue;
      line = { address, state, sinceMs: event.firstTime ?? event.time, connections: 0 };
      byAddress.set(address, line);
    }
    // A handshake completes a connection ("connected" counts from the connect), and retrying follows a
    // disconnect (the peer is down since the disconnect): neither starts a new "since".
    const continues = (state === 'connected' && line.state === 'handshaking') || (state === 'retrying' && line.state === 'disconnected');
    if (state !== line.state && !continues) line.sinceMs = event.cycle ? (event.firstTime ?? event.time) : event.time;
    line.state = state;
    line.repeats = event.repeat && event.repeat > 1 ? event.repeat : undefined;
    line.detail = event.detail !== undefined && state !== 'connected' ? peerTextForUi(event.detail, DETAIL_CHARS) : undefined;
  }
  for (const [rawAddress, count] of connections) {
    const address = peerTextForUi(rawAddress, ADDRESS_CHARS);
    const line = byAddress.get(address);
    if (line) {
      line.connections = count;
      // A bound socket's events name its own endpoint: it listens, and has `count` peers on it.
      if (count > 0 && (line.state === 'handshaking' || line.state === 'disconnected')) line.state = 'connected';
    } else if (byAddress.size < MAX_ADDRESSES) byAddress.set(address, { address, state: 'connected', sinceMs: 0, connections: count });
  }
  for (const line of byAddress.values()) if (line.state === 'connected' && line.connections === 0) line.state = 'disconnected';
  const peers = [...byAddress.values()].sort((a, b) => b.sinceMs - a.sinceMs);
  return { peers: peers.slice(0, limit), hidden: Math.max(0, peers.length - limit) };
}
