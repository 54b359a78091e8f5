// Stuck and dropped: a REQ waiting for a reply that cannot come (its peer left), replies a ROUTER sent to
// clients that had gone (libzmq drops them silently without ROUTER_MANDATORY), and two peers presenting
// one routing id (a ROUTER ignores the second).
import type { RoutingPeer, TimelineEvent } from '../session/sessionMonitor';
import type { UnansweredRequest } from '../tap/requestCorrelator';
import type { CaptureRecord } from '../types';
import { clockTime, formatSeconds, plural, type Evidence, type Finding } from './findings';

export interface ReqState {
  /** The session's recent messages, oldest first. */
  recent: readonly CaptureRecord[];
  timeline: readonly TimelineEvent[];
  connectionCount: number;
  nowMs: number;
  /** How long a reply may take before the request counts as stuck. */
  replyTimeoutMs: number;
}

export function stuckRequestFindings(state: ReqState): Finding[] {
  const lastOut = findLast(state.recent, (r) => r.direction === 'out');
  if (!lastOut) return [];
  const replied = state.recent.some((r) => r.direction === 'in' && r.seq > lastOut.seq);
  if (replied) return [];
  const sentMs = timeMsOf(lastOut);
  const waited = state.nowMs - sentMs;
  if (waited < state.replyTimeoutMs) return [];
  const evidence: Evidence[] = [{ kind: 'message', seq: lastOut.seq, text: `#${lastOut.seq}: the request, sent at ${clockTime(sentMs)}` }];
  const disconnect = state.timeline.find((e) => (e.type === 'disconnect' || e.cycle?.includes('disconnect')) && e.time >= sentMs);
  const peerGone = disconnect !== undefined && state.connectionCount === 0;
  if (disconnect)
    evidence.push({
      kind: 'event',
      time: disconnect.time,
      type: 'disconnect',
      text:
        `disconnect${disconnect.address ? ` ${disconnect.address}` : ''} at ${clockTime(disconnect.time)}, ` +
        `${formatSeconds(Math.max(0, disconnect.time - sentMs))} after the request`,
    });
  return [
    {
      kind: 'req-stuck',
      severity: 'error',
      title: peerGone
        ? `REQ stuck: request #${lastOut.seq} has had no reply for ${formatSeconds(waited)}, and its peer disconnected after receiving it`
        : `REQ stuck: request #${lastOut.seq} has had no reply for ${formatSeconds(waited)}`,
      detail: peerGone
        ? 'The service took the request and went away (crashed or restarted) before answering: the request is lost ' +
          'with it. A plain REQ socket now waits forever: it may not send again until it receives (REQ/REP lock-step).'
        : 'The service has not answered. A plain REQ socket waits forever here: it may not send again until it receives (REQ/REP lock-step).',
      fix:
        'In the client: poll with a timeout, then close and recreate the REQ socket and resend (the Lazy Pirate ' +
        "pattern), or set ZMQ_REQ_RELAXED and ZMQ_REQ_CORRELATE. This session's REQ is relaxed: you can send again.",
      evidence,
      numbers: { requestSeq: lastOut.seq, waitedMs: waited, peerDisconnected: peerGone ? 1 : 0 },
    },
  ];
}

/** Requests a request-reply tap saw go to the service and come back with no reply (the lock-step hang). */
export function tapUnansweredFindings(unanswered: readonly UnansweredRequest[]): Finding[] {
  if (!unanswered.length) return [];
  const oldest = unanswered[0];
  return [
    {
      kind: 'req-stuck',
      severity: 'error',
      title:
        `${plural(unanswered.length, 'request')} through the tap ${unanswered.length === 1 ? 'has' : 'have'} ` +
        `no reply (the oldest for ${formatSeconds(oldest.ageMs)})`,
      detail:
        'The service took them and has not answered. A REQ client waiting for one of them is stuck: it may not send again until it receives.',
      fix:
        'Look at the service (is it alive, is it stuck on that request?); clients ' +
        'should time out, close and recreate the REQ socket, and resend (Lazy Pirate).',
      evidence: unanswered.slice(0, 5).map((u) => ({
        kind: 'message',
        seq: u.seq,
        text: `#${u.seq} from client 0x${u.clientIdHex}: no reply after ${formatSeconds(u.ageMs)}`,
      })),
      numbers: { unanswered: unanswered.length },
    },
  ];
}

/** Replies a tap could not deliver: the client had disconnected (tagged "undeliverable" in the capture). */
export function undeliverableFindings(recent: readonly CaptureRecord[], undeliverable: number): Finding[] {
  if (undeliverable <= 0) return [];
  const dropped = recent.filter((r) => r.tag?.includes('undeliverable'));
  return [
    {
      kind: 'router-undeliverable',
      severity: 'warning',
      title: `The ROUTER service sent ${plural(undeliverable, 'reply', 'replies')} to clients that had disconnected`,
      detail:
        "A ROUTER routes a reply by the client's routing id; when that client is gone, libzmq drops the reply without " +
        'a word (unless the service sets ROUTER_MANDATORY, then send fails with EHOSTUNREACH). The tap counted them.',
      fix: 'Expect clients to leave: the service can set ROUTER_MANDATORY to learn of it, and clients must retry (and be idempotent) after they reconnect.',
      evidence: dropped.slice(-5).map((r) => ({
        kind: 'message',
        seq: r.seq,
        text: `#${r.seq}: reply for routing id 0x${Buffer.from(r.frames[0] ?? []).toString('hex')} at ${clockTime(timeMsOf(r))}, not delivered`,
      })),
      numbers: { undeliverable },
    },
  ];
}

/**
 * More live connections than routing ids that ever sent: a peer presenting a routing id already in use is
 * ignored by a ROUTER (libzmq keeps the first; with ROUTER_HANDOVER the newest), so its messages vanish.
 */
export function duplicateRoutingIdFindings(connectionCount: number, peers: readonly RoutingPeer[], handshakes: number): Finding[] {
  // Ids the ROUTER made up (0x00 + 4 bytes) are unique per connection: they count like any other.
  const named = peers;
  if (connectionCount < 2 || handshakes < 2 || named.length >= connectionCount || !named.length) return [];
  const shown = named.slice(0, 5).map((p) => (p.idText !== undefined ? JSON.stringify(p.idText) : `0x${p.idHex}`));
  return [
    {
      kind: 'duplicate-routing-id',
      severity: 'warning',
      title:
        `${connectionCount} peers are connected but only ${plural(named.length, 'routing id')} ` +
        `(${shown.join(', ')}) ever sent: two peers may share a routing id`,
      detail:
        'A ROUTER accepts one peer per routing id: a second peer presenting an id already in use is ignored (its messages are dropped ' +
        'without a word; with ROUTER_HANDOVER it takes over and the first is cut off). Or a connected peer simply has not sent yet.',
      fix: 'Give every client its own ZMQ_ROUTING_ID (or leave it unset: the ROUTER then makes up a unique one).',
      evidence: [
        { kind: 'counter', name: 'connections', value: connectionCount, text: `${connectionCount} connections open (accept events)` },
        { kind: 'counter', name: 'handshakes', value: handshakes, text: `${handshakes} handshakes completed` },
        ...named.slice(0, 5).map((p): Evidence => ({
          kind: 'counter',
          name: `routing id ${p.idHex}`,
          value: p.messages,
          text: `routing id ${p.idText !== undefined ? JSON.stringify(p.idText) : `0x${p.idHex}`}: ${p.messages} messages`,
        })),
      ],
      numbers: { connections: connectionCount, routingIds: named.length },
    },
  ];
}

export function timeMsOf(record: CaptureRecord): number {
  return Number(record.timeNs / 1_000_000n);
}

function findLast<T>(items: readonly T[], test: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i])) return items[i];
  return undefined;
}
