// What a tap's relay saw on each client connection, in plain words: whether ZMTP heartbeats (PING/PONG) go
// over it and how long it has been idle, and which prefixes each subscriber holds since when. Lines for the
// Endpoints tree, checks for "Why am I not receiving?". Peer bytes are shown quoted and in hex, never as markup.
import type { WireConnection } from '../tap/wireRelay';
import { clockTime, formatCount, formatSeconds, hexBytes, quotedBytes, type CheckResult, type Evidence, type Finding } from './findings';
import type { MapLine } from './subscriptionMap';

/** A connection whose peer pinged, then stopped for this many of its own intervals, is flagged. */
const MISSED_INTERVALS = 3;
/** A subscriber holding nothing this long after connecting is flagged (subscriptions follow the connect at once). */
const NO_SUBSCRIPTION_AFTER_MS = 1000;
const LINES_SHOWN = 50;

export interface ConnectionsInput {
  /** False when the tap listens on a non-tcp address (no relay): nothing per connection is known. */
  watched: boolean;
  connections: readonly WireConnection[];
}

/** "127.0.0.1:53412 (SUB)". */
export function connectionName(c: WireConnection): string {
  return `${c.peer}${c.socketType ? ` (${c.socketType})` : ''}`;
}

export function idleMs(c: WireConnection, nowMs: number): number {
  return Math.max(0, (c.closedMs ?? nowMs) - Math.max(c.lastFromPeerMs, c.lastToPeerMs));
}

type Heartbeat = 'seen' | 'stopped' | 'none' | 'unreadable';

function heartbeatOf(c: WireConnection, nowMs: number): Heartbeat {
  if (c.notWatched) return 'unreadable';
  if (!c.pingsFromPeer && !c.pingsToPeer) return 'none';
  const interval = c.peerPingIntervalMs;
  if (c.pingsFromPeer && interval && c.lastPingFromPeerMs !== undefined && !c.closedMs) {
    if (nowMs - c.lastPingFromPeerMs > Math.max(MISSED_INTERVALS * interval, c.peerTtlMs ?? 0)) return 'stopped';
  }
  return 'seen';
}

function heartbeatText(c: WireConnection, nowMs: number): string {
  switch (heartbeatOf(c, nowMs)) {
    case 'unreadable':
      return `heartbeats not readable (${c.notWatched})`;
    case 'none':
      return 'no ZMTP heartbeat';
    case 'stopped':
      return `heartbeats stopped ${formatSeconds(nowMs - c.lastPingFromPeerMs!)} ago`;
    case 'seen': {
      const every = c.peerPingIntervalMs ? ` every ${formatSeconds(c.peerPingIntervalMs)}` : '';
      const ours = c.pingsToPeer ? `, ${formatCount(c.pingsToPeer)} PING / ${formatCount(c.pongsFromPeer)} PONG the other way` : '';
      return `♥ ${formatCount(c.pingsFromPeer)} PING${every} / ${formatCount(c.pongsToPeer)} PONG${ours}`;
    }
  }
}

function prefixText(prefix: Uint8Array, truncated = false): string {
  if (!prefix.length) return '"" (everything)';
  return `${quotedBytes(prefix)} (${hexBytes(prefix)})${truncated ? ' (cut)' : ''}`;
}

function isSubscriber(c: WireConnection): boolean {
  return c.socketType === 'SUB' || c.socketType === 'XSUB';
}

/** One line per open connection (heartbeats, idle, what it subscribes to), then how many have closed. */
export function connectionLines(input: ConnectionsInput, nowMs: number): MapLine[] {
  if (!input.watched) return [];
  const open = input.connections.filter((c) => !c.closedMs);
  const lines: MapLine[] = open.slice(-LINES_SHOWN).map((c) => {
    const heartbeat = heartbeatOf(c, nowMs);
    const parts = [heartbeatText(c, nowMs), `idle ${formatSeconds(idleMs(c, nowMs))}`];
    if (isSubscriber(c)) {
      parts.push(
        c.subscriptions.length
          ? `subscribes ${c.subscriptions.map((s) => `${prefixText(s.prefix, s.truncated)} since ${clockTime(s.sinceMs)}`).join(', ')}`
          : 'no subscription',
      );
    }
    const silentSubscriber = isSubscriber(c) && !c.subscriptions.length && nowMs - c.openedMs > NO_SUBSCRIPTION_AFTER_MS;
    return { label: connectionName(c), description: parts.join(' · '), warn: heartbeat === 'stopped' || silentSubscriber };
  });
  const closed = input.connections.length - open.length;
  if (!open.length) lines.push({ label: 'No client connected', description: closed ? `${formatCount(closed)} closed` : '', warn: false });
  else if (closed)
    lines.push({ label: `${formatCount(closed)} closed connection${closed === 1 ? '' : 's'}`, description: '', warn: false });
  return lines;
}

function connectionEvidence(c: WireConnection, nowMs: number): Evidence {
  return {
    kind: 'counter',
    name: `pings from ${c.peer}`,
    value: c.pingsFromPeer,
    text: `${connectionName(c)} connected at ${clockTime(c.openedMs)}: ${heartbeatText(c, nowMs)}; idle ${formatSeconds(idleMs(c, nowMs))}; ${formatCount(c.messagesFromPeer)} messages from it, ${formatCount(c.messagesToPeer)} to it`,
  };
}

/** "ZMTP heartbeats on each connection": seen, none, stopped, or not readable, per open connection. */
export function heartbeatCheck(input: ConnectionsInput | undefined, nowMs: number): CheckResult {
  const check = 'ZMTP heartbeats on each connection';
  if (!input)
    return {
      check,
      status: 'unknown',
      note: 'libzmq answers PINGs inside the socket and tells nobody; a tap in front of the service shows them per connection',
      findings: [],
    };
  if (!input.watched)
    return { check, status: 'unknown', note: 'the tap listens on a non-tcp address, so connections are not read', findings: [] };
  const open = input.connections.filter((c) => !c.closedMs);
  if (!open.length) return { check, status: 'unknown', note: 'no client is connected', findings: [] };
  const findings: Finding[] = [];
  const seen = open.filter((c) => heartbeatOf(c, nowMs) === 'seen');
  if (seen.length)
    findings.push({
      kind: 'heartbeats-seen',
      severity: 'info',
      title: `ZMTP heartbeats seen on ${formatCount(seen.length)} of ${formatCount(open.length)} connections: ${seen.map(connectionName).join(', ')}`,
      evidence: seen.slice(0, 16).map((c) => connectionEvidence(c, nowMs)),
      numbers: { connections: seen.length, pings: sum(seen, (c) => c.pingsFromPeer), pongs: sum(seen, (c) => c.pongsToPeer) },
    });
  const none = open.filter((c) => heartbeatOf(c, nowMs) === 'none');
  if (none.length)
    findings.push({
      kind: 'no-heartbeats',
      severity: 'info',
      title: `No ZMTP heartbeat on ${formatCount(none.length)} of ${formatCount(open.length)} connections: ${none.map(connectionName).join(', ')}`,
      detail:
        'Without heartbeats a peer that hangs, or a link that drops without a TCP reset (a NAT or firewall timing out), is noticed only when TCP gives up, often after many minutes; until then messages queue for a peer that is gone.',
      fix: 'Set ZMQ_HEARTBEAT_IVL (e.g. 1000 ms) and ZMQ_HEARTBEAT_TIMEOUT on the sockets at both ends (zeromq.js: heartbeatInterval, heartbeatTimeout).',
      evidence: none.slice(0, 16).map((c) => connectionEvidence(c, nowMs)),
      numbers: { connections: none.length },
    });
  for (const c of open.filter((c) => heartbeatOf(c, nowMs) === 'stopped'))
    findings.push({
      kind: 'heartbeats-stopped',
      severity: 'warning',
      title: `${connectionName(c)} stopped sending heartbeats ${formatSeconds(nowMs - c.lastPingFromPeerMs!)} ago (it sent one every ${formatSeconds(c.peerPingIntervalMs!)})`,
      detail:
        'The connection is still open, but the peer has missed several of its own heartbeats: it may be hung, or the link may be down.',
      fix: "Look at the peer process; a heartbeat timeout on the tap's side of the link would close such a connection.",
      evidence: [connectionEvidence(c, nowMs)],
      numbers: { sinceLastPingMs: nowMs - c.lastPingFromPeerMs!, intervalMs: c.peerPingIntervalMs! },
    });
  const unreadable = open.filter((c) => heartbeatOf(c, nowMs) === 'unreadable');
  return {
    check,
    status: findings.some((f) => f.severity !== 'info') ? 'problem' : 'ok',
    note: unreadable.length ? `${formatCount(unreadable.length)} connection(s) not readable: ${unreadable[0].notWatched}` : undefined,
    findings,
  };
}

/** "Who subscribes to what": each subscriber connection with its prefixes and since when. */
export function subscriberCheck(input: ConnectionsInput | undefined, nowMs: number): CheckResult | undefined {
  if (!input?.watched) return undefined;
  const subscribers = input.connections.filter((c) => !c.closedMs && isSubscriber(c));
  const check = 'Who subscribes to what (per subscriber, through the tap)';
  if (!subscribers.length) return { check, status: 'unknown', note: 'no SUB or XSUB connected', findings: [] };
  const findings: Finding[] = [];
  for (const c of subscribers) {
    if (!c.subscriptions.length) {
      if (nowMs - c.openedMs <= NO_SUBSCRIPTION_AFTER_MS) continue;
      findings.push({
        kind: 'no-subscription',
        severity: 'warning',
        title: `${connectionName(c)} has no subscription: it receives nothing`,
        detail: 'A SUB filters everything out until it subscribes; this one has been connected without subscribing.',
        fix: 'Call subscribe("") for everything, or subscribe to the topic prefixes it needs, on that subscriber.',
        evidence: [connectionEvidence(c, nowMs), ...changeEvidence(c)],
        numbers: { subscriptions: 0, connectedMs: nowMs - c.openedMs },
      });
      continue;
    }
    findings.push({
      kind: 'subscriber-subscriptions',
      severity: 'info',
      title: `${connectionName(c)} subscribes to ${c.subscriptions.map((s) => prefixText(s.prefix, s.truncated)).join(', ')}`,
      evidence: [
        ...c.subscriptions.map((s): Evidence => ({
          kind: 'bytes',
          hex: hexBytes(s.prefix),
          text: `${prefixText(s.prefix, s.truncated)} since ${clockTime(s.sinceMs)} (${formatSeconds(s.sinceMs - c.openedMs)} after connecting)`,
        })),
        ...changeEvidence(c),
      ],
      numbers: { subscriptions: c.subscriptions.length },
    });
  }
  return { check, status: findings.some((f) => f.severity !== 'info') ? 'problem' : 'ok', findings };
}

/** A bound XPUB session hears subscriptions without their sender: said plainly next to its map. */
export const XPUB_ATTRIBUTION_NOTE =
  "which subscriber sent each subscription is not known here: libzmq's XPUB hands over the subscription without its peer, so holders are counted, not named; a pub-sub tap in front of the publisher names each subscriber";

function changeEvidence(c: WireConnection): Evidence[] {
  return c.changes.slice(-8).map((ch) => ({
    kind: 'event',
    time: ch.timeMs,
    type: ch.subscribe ? 'subscribe' : 'cancel',
    text: `${clockTime(ch.timeMs)} ${ch.subscribe ? 'subscribe' : 'cancel'} ${prefixText(ch.prefix)}`,
  }));
}

function sum(list: readonly WireConnection[], of: (c: WireConnection) => number): number {
  let total = 0;
  for (const c of list) total += of(c);
  return total;
}
