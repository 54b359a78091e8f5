// Findings from a sequence report: losses (lined up with the session's connection events), duplicates,
// late arrivals, restarts, and the late joiner (the first number seen is past 1 right after connecting).
import type { TimelineEvent } from '../session/sessionMonitor';
import type { SocketTypeName } from '../types';
import { clockTime, formatCount, formatSeconds, plural, type Evidence, type Finding } from './findings';
import { describeSequenceField } from './sequenceField';
import type { PublisherReport, SequenceGap, SequenceReport } from './sequenceTracker';

export interface SequenceContext {
  socketType: SocketTypeName;
  timeline: readonly TimelineEvent[];
  /** The tracker saw the session's messages from its first one (not from a later pick). */
  fromStart: boolean;
}

/** How close before a gap a reconnect counts as its cause. */
const RECONNECT_WINDOW_MS = 5000;
/** The first message arriving this soon after connecting makes a late first number a late join. */
const LATE_JOIN_WINDOW_MS = 5000;
const GAPS_LISTED = 5;

/** The marker the inspector shows between the two messages: "⚠ 37 missing (seq 1,204–1,240)". */
export function gapMarker(gap: SequenceGap): string {
  const range = gap.from === gap.to ? formatCount(gap.from) : `${formatCount(gap.from)}–${formatCount(gap.to)}`;
  const who = gap.publisher ? ` from ${gap.publisher}` : '';
  const filled = gap.missing < gap.to - gap.from + 1 ? `, ${formatCount(gap.to - gap.from + 1 - gap.missing)} came late` : '';
  return `⚠ ${formatCount(gap.missing)} missing${who} (seq ${range}${filled})`;
}

export function sequenceFindings(report: SequenceReport, context: SequenceContext): Finding[] {
  const findings: Finding[] = [];
  const field = describeSequenceField(report.field);
  const t = report.totals;
  const late = context.fromStart ? lateJoiners(report.publishers, context.timeline) : [];
  findings.push(...late);
  if (t.missing > 0) findings.push(gapFinding(report, context, field));
  if (t.duplicates > 0) {
    const examples = report.anomalies.filter((a) => a.kind === 'duplicate').slice(-GAPS_LISTED);
    findings.push({
      kind: 'sequence-duplicates',
      severity: 'warning',
      title: `${plural(t.duplicates, 'duplicate')}: sequence numbers seen twice`,
      detail:
        'ZeroMQ never duplicates a message on one connection. A duplicate comes from a sender that sent it twice (a retry), ' +
        'from two publishers numbering alike on one subscriber, or from a subscriber connected twice to the same publisher.',
      fix:
        'If several publishers feed this session, tell them apart (a publisher field, ' +
        'or the topic); check that the subscriber connects to each address once.',
      evidence: examples.map((a) => ({
        kind: 'message',
        seq: a.captureSeq,
        text: `#${a.captureSeq}: seq ${formatCount(a.value)} again${who(a.publisher)}`,
      })),
      numbers: { duplicates: t.duplicates },
    });
  }
  if (t.reordered > 0) {
    const examples = report.anomalies.filter((a) => a.kind === 'reordered').slice(-GAPS_LISTED);
    findings.push({
      kind: 'sequence-reordered',
      severity: 'warning',
      title: `${plural(t.reordered, 'message')} arrived out of order`,
      detail:
        'Messages on one ZeroMQ connection keep their order, so a late number means several ' +
        'senders (or paths) share one numbering, or the sender itself reordered them.',
      fix: 'Track per publisher (a publisher field or the topic) if several feed this session.',
      evidence: examples.map((a) => ({
        kind: 'message',
        seq: a.captureSeq,
        text: `#${a.captureSeq}: seq ${formatCount(a.value)} after ${formatCount(a.previous)}${who(a.publisher)}`,
      })),
      numbers: { reordered: t.reordered },
    });
  }
  if (t.restarts > 0) {
    const examples = report.anomalies.filter((a) => a.kind === 'restart').slice(-GAPS_LISTED);
    findings.push({
      kind: 'sequence-restarts',
      severity: 'info',
      title: `The sequence started over ${plural(t.restarts, 'time')}: the publisher restarted?`,
      evidence: examples.map((a) => ({
        kind: 'message',
        seq: a.captureSeq,
        text: `#${a.captureSeq} at ${clockTime(a.timeMs)}: back to ${formatCount(a.value)} after ${formatCount(a.previous)}${who(a.publisher)}`,
      })),
      numbers: { restarts: t.restarts },
    });
  }
  return findings;
}

function who(publisher: string): string {
  return publisher ? ` (publisher ${JSON.stringify(publisher)})` : '';
}

function gapFinding(report: SequenceReport, context: SequenceContext, field: string): Finding {
  const t = report.totals;
  const gaps = report.gaps.filter((g) => g.missing > 0);
  const afterReconnect = gaps.filter((g) => reconnectBefore(g, context.timeline));
  const evidence: Evidence[] = gaps.slice(-GAPS_LISTED).map((g) => {
    const reconnect = reconnectBefore(g, context.timeline);
    const when = reconnect ? `, right after a reconnect (${reconnect})` : '';
    return {
      kind: 'message',
      seq: g.beforeCaptureSeq,
      text: `${gapMarker(g)} between #${g.afterCaptureSeq} and #${g.beforeCaptureSeq} at ${clockTime(g.timeMs)}${when}`,
    };
  });
  let detail: string;
  let fix: string;
  if (afterReconnect.length === gaps.length) {
    detail = `Every gap follows a reconnect: messages published while the connection was down are gone (PUB/SUB does not queue for an absent subscriber).`;
    fix = 'Find why the connection drops (Events), or add recovery: a snapshot or replay channel (the Clone pattern) for what was missed.';
  } else if (context.socketType === 'SUB' || context.socketType === 'XSUB') {
    detail =
      `No reconnect explains ${afterReconnect.length ? 'some of them' : 'them'}: the publisher dropped them, most likely at its send high-water ` +
      'mark (SNDHWM) while this subscriber or the network was slower than the publisher. libzmq drops silently: no event reports it.';
    fix =
      'Raise SNDHWM on the publisher and RCVHWM on subscribers (or 0: unlimited, with memory to ' +
      'match), make the subscriber faster, or slow the publisher (credit-based flow control).';
  } else if (context.socketType === 'PULL' || context.socketType === 'DEALER') {
    detail =
      'A PUSH or DEALER sender round-robins between its peers: numbers that went to another worker look like gaps here. Otherwise the sender skipped them.';
    fix = 'If this is the only receiver, look at the sender; with several workers, gaps are expected.';
  } else {
    detail = 'The sender skipped these numbers, or they were lost before the sender numbered its messages.';
    fix = 'Check the sender.';
  }
  return {
    kind: 'sequence-gaps',
    severity: 'warning',
    title: `${formatCount(t.missing)} missing in ${plural(gaps.length, 'gap')} (${field})`,
    detail: `${detail} ${formatCount(t.received)} numbered messages received.`,
    fix,
    evidence,
    numbers: { missing: t.missing, gaps: gaps.length, received: t.received, afterReconnect: afterReconnect.length },
  };
}

/** "disconnected 12:00:01.100, connected again 12:00:01.300" when a disconnect precedes the gap closely. */
function reconnectBefore(gap: SequenceGap, timeline: readonly TimelineEvent[]): string | undefined {
  let disconnect: number | undefined;
  let reconnect: number | undefined;
  for (const e of timeline) {
    const types = e.cycle ?? [e.type];
    const last = e.time;
    if (last > gap.timeMs || last < gap.timeMs - RECONNECT_WINDOW_MS) continue;
    if (types.includes('disconnect')) disconnect = last;
    if (disconnect !== undefined && (types.includes('connect') || types.includes('handshake') || types.includes('accept')))
      reconnect = last;
  }
  if (disconnect === undefined) return undefined;
  return reconnect !== undefined
    ? `disconnected ${clockTime(disconnect)}, connected again ${clockTime(reconnect)}`
    : `disconnected ${clockTime(disconnect)}`;
}

function lateJoiners(publishers: PublisherReport[], timeline: readonly TimelineEvent[]): Finding[] {
  const findings: Finding[] = [];
  for (const p of publishers) {
    if (p.first <= 1 || p.received === 0) continue;
    const connected = lastConnectBefore(p.firstTimeMs, timeline);
    if (!connected || p.firstTimeMs - connected.time > LATE_JOIN_WINDOW_MS) continue;
    const missed = p.first - 1;
    findings.push({
      kind: 'late-joiner',
      severity: 'warning',
      title: `Late joiner: the first ${formatCount(missed)} messages were published before this subscriber was connected (first seq ${formatCount(p.first)})`,
      detail:
        `The first message arrived ${formatSeconds(p.firstTimeMs - connected.time)} after the connection ` +
        `(${clockTime(connected.time)}) and carried seq ${formatCount(p.first)}${who(p.publisher)}. ` +
        'A PUB sends only to subscribers already connected and subscribed: everything before ' +
        'is dropped (the "slow joiner"). If the publisher counts from 0, it is one more.',
      fix:
        'Start subscribers first and have the publisher wait until they are ready (a REQ/REP sync step, or an ' +
        'XPUB that waits for the subscription), or send state through a snapshot channel (the Clone pattern).',
      evidence: [
        { kind: 'event', time: connected.time, type: connected.type, text: `${connected.type} at ${clockTime(connected.time)}` },
        { kind: 'message', seq: p.firstCaptureSeq, text: `#${p.firstCaptureSeq}: first message, seq ${formatCount(p.first)}` },
      ],
      numbers: { firstSeq: p.first, missedBefore: missed },
    });
  }
  return findings;
}

function lastConnectBefore(timeMs: number, timeline: readonly TimelineEvent[]): { time: number; type: string } | undefined {
  let found: { time: number; type: string } | undefined;
  for (const e of timeline) {
    const types = e.cycle ?? [e.type];
    const connect = types.find((t) => t === 'handshake' || t === 'connect' || t === 'accept');
    if (!connect) continue;
    const time = e.time <= timeMs ? e.time : (e.firstTime ?? e.time);
    if (time <= timeMs) found = { time, type: connect };
  }
  return found;
}
