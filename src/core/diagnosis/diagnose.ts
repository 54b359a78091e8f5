// "Why am I not receiving?": runs the checklist over what is known about one session (its state and
// timeline, recent messages, sequence report, probe results of its addresses, a sample of its publisher's
// topics, the capture's own shedding) and says, in order, what is fine, what is wrong, and on what evidence.
// Pure: the caller gathers the inputs (live probes and samples included), so tests and the engine share it.
import { explainAuthFailure, type HandshakeFailure } from '../security/authFailure';
import { wireMechanism, type SessionSecurity } from '../security/security';
import type { RoutingPeer, SessionCounters, SessionState, TimelineEvent } from '../session/sessionMonitor';
import { checkPairing, parseSocketType, socketTypeInfo } from '../session/socketTypes';
import type { CaptureRecord, SocketTypeName } from '../types';
import type { UnansweredRequest } from '../tap/requestCorrelator';
import type { ProbeResult } from '../zmtp/zmtpProbe';
import { bySeverity, formatCount, plural, type CheckResult, type Evidence, type Finding } from './findings';
import { sequenceFindings } from './sequenceFindings';
import type { SequenceProposal } from './sequenceProposal';
import type { SequenceReport } from './sequenceTracker';
import { sessionCause } from './sessionCause';
import { duplicateRoutingIdFindings, stuckRequestFindings, tapUnansweredFindings, undeliverableFindings } from './stuckFindings';
import { subscriptionFindings, type TopicSample } from './subscriptionFindings';
import type { SubscriptionMapSnapshot } from './subscriptionMap';
import { heartbeatCheck, subscriberCheck, XPUB_ATTRIBUTION_NOTE, type ConnectionsInput } from './connectionFindings';

export interface DiagnoseInput {
  session: {
    name: string;
    type: SocketTypeName;
    mode: 'bind' | 'connect';
    addresses: readonly string[];
    state: SessionState;
    connectionCount: number;
    counters: SessionCounters;
    lastError?: string;
    /** SUB/XSUB subscriptions as bytes. */
    subscriptions?: readonly Uint8Array[];
    security?: SessionSecurity;
    routingPeers?: readonly RoutingPeer[];
  };
  timeline: readonly TimelineEvent[];
  /** The session's recent captured messages, oldest first. */
  recent?: readonly CaptureRecord[];
  sequence?: { report: SequenceReport; fromStart: boolean };
  /** When no sequence field is tracked: what the first messages suggest. */
  proposals?: readonly SequenceProposal[];
  /** One per tcp:// address of a connecting session. */
  probes?: readonly ProbeResult[];
  /** What the publisher sends (SUB/XSUB), sampled by a SUB of our own. */
  publisherTopics?: TopicSample;
  subscriptionMap?: SubscriptionMapSnapshot;
  /** The capture store's own evictions (all sessions). */
  capture?: { dropped: number; total: number };
  /** The session is a tap's front (request-reply: in front of a ROUTER or REP service). */
  tap?: { undeliverable: number; unanswered: readonly UnansweredRequest[] };
  /** A tap's client connections as its relay saw them (heartbeats, idle time, subscriptions per subscriber). */
  connections?: ConnectionsInput;
  nowMs: number;
  /** REQ: how long a reply may take before the request counts as stuck (default 5 s). */
  replyTimeoutMs?: number;
}

export interface Diagnosis {
  checks: CheckResult[];
  /** Every finding of every check, worst first. */
  findings: Finding[];
  /** One line: the worst finding's title, or that nothing wrong was found. */
  summary: string;
}

export function diagnose(input: DiagnoseInput): Diagnosis {
  const checks: CheckResult[] = [
    input.tap ? undefined : checkReachable(input),
    checkHandshake(input),
    checkPairingOf(input),
    checkSubscriptions(input),
    checkSequence(input),
    checkStuck(input),
    checkRouting(input),
    checkCapture(input),
    heartbeatCheck(input.connections, input.nowMs),
    subscriberCheck(input.connections, input.nowMs),
  ].filter((c): c is CheckResult => !!c);
  const findings = checks.flatMap((c) => c.findings).sort(bySeverity);
  const worst = findings.find((f) => f.severity !== 'info');
  return { checks, findings, summary: worst ? worst.title : `Nothing wrong found in ${plural(checks.length, 'check')}.` };
}

function ok(check: string, note?: string): CheckResult {
  return { check, status: 'ok', note, findings: [] };
}

function result(check: string, findings: Finding[], okNote?: string): CheckResult {
  return findings.some((f) => f.severity !== 'info')
    ? { check, status: 'problem', findings }
    : { check, status: 'ok', note: okNote, findings };
}

function probeEvidence(p: ProbeResult): Evidence {
  const what =
    p.kind === 'zmtp3' || p.kind === 'zmtp-legacy'
      ? `ZMTP ${p.version ?? '?'} greeting, mechanism ${p.mechanism ?? '?'}${p.socketType ? `, socket type ${p.socketType}` : ''}`
      : p.explanation;
  return { kind: 'probe', address: p.address, text: `probe ${p.address}: ${what}` };
}

function checkReachable(input: DiagnoseInput): CheckResult | undefined {
  const check = 'Something is listening at the address';
  const { session } = input;
  if (session.mode === 'bind') {
    if (session.connectionCount > 0 || input.timeline.some((e) => e.type === 'accept' || e.cycle?.includes('accept')))
      return ok(check, `this session is bound; ${plural(session.connectionCount, 'peer')} connected now`);
    return result(check, [
      {
        kind: 'no-traffic',
        severity: 'warning',
        title: `Nobody has connected to ${session.addresses.join(', ')} yet`,
        detail: 'This session is bound and waits for peers to connect; none has.',
        fix: "Check the peers' connect address (host and port) against the bound one.",
        evidence: [{ kind: 'counter', name: 'connections', value: 0, text: 'no accept event' }],
      },
    ]);
  }
  const probes = input.probes ?? [];
  if (!probes.length) return { check, status: 'unknown', note: 'not probed (only tcp:// addresses are)', findings: [] };
  const findings: Finding[] = [];
  for (const p of probes) {
    if (p.kind === 'zmtp3' || p.kind === 'zmtp-legacy') continue;
    findings.push({
      kind: 'nothing-bound',
      severity: 'error',
      title: p.kind === 'not-zmtp' ? `Something that is not ZeroMQ answers at ${p.address}` : `Nothing answers at ${p.address}`,
      detail: p.explanation,
      fix:
        p.kind === 'not-zmtp'
          ? 'Check the port: another service owns it.'
          : 'Start the peer, or check host and port against where it binds.',
      evidence: [probeEvidence(p)],
    });
  }
  return result(check, findings, probes.map((p) => `${p.address}: ZMTP ${p.version} ${p.socketType ?? ''}`.trim()).join('; '));
}

function checkHandshake(input: DiagnoseInput): CheckResult {
  const check = 'Security mechanism and ZMTP version match';
  const security = input.session.security ?? { mechanism: 'null' };
  const ours = wireMechanism(security);
  const findings: Finding[] = [];
  for (const p of input.probes ?? []) {
    if (p.kind !== 'zmtp3' && p.kind !== 'zmtp-legacy') continue;
    if (p.kind === 'zmtp-legacy' || (p.version && p.version.startsWith('2'))) {
      findings.push({
        kind: 'zmtp-version',
        severity: ours === 'NULL' ? 'info' : 'error',
        title: `The peer at ${p.address} speaks ZMTP ${p.version ?? '1.0/2.0'} (an old libzmq 3.x or JeroMQ 0.3)`,
        detail:
          ours === 'NULL'
            ? 'libzmq 4 still talks to it without security; SUBSCRIBE and heartbeat commands of ZMTP 3.1 are not used.'
            : `ZMTP before 3.0 has no security mechanisms: a ${ours} handshake with it cannot succeed.`,
        fix: ours === 'NULL' ? undefined : 'Upgrade the peer to ZMTP 3 (libzmq 4, JeroMQ 0.4+), or drop security for it.',
        evidence: [probeEvidence(p)],
      });
      continue;
    }
    if (p.mechanism && p.mechanism !== ours) {
      const failure = latestFailure(input.timeline) ?? { event: 'handshake:error:protocol', code: 'ERR_ZMTP_MECHANISM_MISMATCH' };
      const explanation = explainAuthFailure(security, failure, input.session.mode === 'bind' ? 'server' : 'client', p.mechanism);
      findings.push({
        kind: 'mechanism-mismatch',
        severity: 'error',
        title: `The peer at ${p.address} uses ${p.mechanism}; this session uses ${ours}`,
        detail: explanation.problem,
        fix: explanation.check,
        evidence: [probeEvidence(p), ...failureEvidence(input.timeline)],
        numbers: { handshakeFailures: countFailures(input.timeline) },
      });
    }
  }
  if (!findings.some((f) => f.kind === 'mechanism-mismatch')) {
    const cause = sessionCause({
      state: input.session.state,
      mode: input.session.mode,
      timeline: input.timeline,
      connectionCount: input.session.connectionCount,
      security,
      lastError: input.session.lastError,
    });
    const failure = latestFailure(input.timeline);
    if (cause && failure) {
      const explanation = explainAuthFailure(security, failure, input.session.mode === 'bind' ? 'server' : 'client');
      findings.push({
        kind: 'handshake-failing',
        severity: 'error',
        title: `The handshake fails: ${cause.text}`,
        detail: `${explanation.problem}${cause.since ? ` (${cause.since})` : ''}`,
        fix: explanation.check,
        evidence: failureEvidence(input.timeline),
        numbers: { handshakeFailures: countFailures(input.timeline) },
      });
    }
  }
  return result(check, findings, `${ours}${input.probes?.length ? `; the peer agrees` : ''}`);
}

function checkPairingOf(input: DiagnoseInput): CheckResult | undefined {
  const check = 'The socket types can talk to each other';
  const peerTypes = (input.probes ?? []).filter((p) => p.socketType).map((p) => ({ p, type: parseSocketType(p.socketType!) }));
  if (!peerTypes.length)
    return input.session.mode === 'connect'
      ? { check, status: 'unknown', note: 'the peer did not tell its type (secured or not probed)', findings: [] }
      : undefined;
  const findings: Finding[] = [];
  for (const { p, type } of peerTypes) {
    if (!type) continue;
    const verdict = checkPairing(input.session.type, type);
    if (verdict.valid) continue;
    findings.push({
      kind: 'pairing-invalid',
      severity: 'error',
      title: `A ${input.session.type} cannot talk to the ${type} at ${p.address}`,
      detail: verdict.reason,
      fix: `Use a socket type that pairs with ${type}: ${socketTypeInfo(type).validPeers.join(', ')}.`,
      evidence: [probeEvidence(p)],
    });
  }
  return result(check, findings, peerTypes.map(({ type }) => `${input.session.type} ↔ ${type}`).join('; '));
}

function checkSubscriptions(input: DiagnoseInput): CheckResult | undefined {
  const { session } = input;
  if (session.type !== 'SUB' && session.type !== 'XSUB') {
    if (input.subscriptionMap) return mapCheck(input.subscriptionMap, !input.tap);
    return undefined;
  }
  const check = 'There is a subscription, and it matches what the publisher sends';
  if (!session.subscriptions) return { check, status: 'skipped', note: 'the subscriptions are not known here', findings: [] };
  const findings = subscriptionFindings(session.subscriptions, input.publisherTopics);
  if (!findings.length && !input.publisherTopics?.topics.length && session.subscriptions.every((s) => s.length > 0))
    return {
      check,
      status: 'unknown',
      note: input.publisherTopics
        ? `the publisher sent nothing in ${Math.round(input.publisherTopics.durationMs / 100) / 10} s`
        : 'the publisher was not sampled',
      findings,
    };
  return result(
    check,
    findings,
    input.publisherTopics ? `matches ${plural(input.publisherTopics.topics.length, 'topic')} seen` : undefined,
  );
}

function mapCheck(map: SubscriptionMapSnapshot, boundXpub: boolean): CheckResult {
  const findings: Finding[] = [];
  const nobody = map.topics.filter((t) => !t.subscribed && t.unmatched > 0);
  if (nobody.length)
    findings.push({
      kind: 'topic-without-subscriber',
      severity: 'info',
      title: `${plural(nobody.length, 'published topic')} reach no subscriber`,
      evidence: nobody.slice(0, 8).map((t) => ({
        kind: 'bytes',
        hex: Buffer.from(t.topic).toString('hex'),
        text: `topic ${JSON.stringify(Buffer.from(t.topic).toString('latin1'))}: ${formatCount(t.unmatched)} messages with no subscriber`,
      })),
    });
  for (const change of map.changes) {
    if (!change.subscribe || !change.publishedBefore) continue;
    findings.push({
      kind: 'late-joiner',
      severity: 'warning',
      title:
        `Late joiner: ${formatCount(change.publishedBefore)} messages matching ` +
        `${JSON.stringify(Buffer.from(change.prefix).toString('latin1'))} went by before a subscriber subscribed to it`,
      evidence: [
        {
          kind: 'event',
          time: change.timeMs,
          type: 'subscribe',
          text: `subscribe ${Buffer.from(change.prefix).toString('hex') || '(everything)'}`,
        },
      ],
      numbers: { missedBefore: change.publishedBefore },
    });
  }
  const held = `${plural(map.prefixes.filter((p) => p.holders > 0).length, 'prefix', 'prefixes')} held`;
  return result(
    boundXpub ? 'Subscriptions seen by this XPUB' : 'Subscriptions seen through the tap',
    findings,
    boundXpub ? `${held}; ${XPUB_ATTRIBUTION_NOTE}` : held,
  );
}

function checkSequence(input: DiagnoseInput): CheckResult {
  const check = 'No messages lost, duplicated or late (sequence numbers)';
  if (!input.sequence) {
    const proposal = input.proposals?.[0];
    return {
      check,
      status: 'unknown',
      note: proposal
        ? `no sequence field picked; the first messages suggest ${proposal.text} (${proposal.description})`
        : 'no sequence field picked, and none stands out in the first messages',
      findings: [],
    };
  }
  const findings = sequenceFindings(input.sequence.report, {
    socketType: input.session.type,
    timeline: input.timeline,
    fromStart: input.sequence.fromStart,
  });
  const t = input.sequence.report.totals;
  return result(check, findings, `${formatCount(t.received)} numbered messages, none missing`);
}

function checkStuck(input: DiagnoseInput): CheckResult | undefined {
  if (input.tap && input.session.type === 'ROUTER')
    return result('Every request through the tap gets a reply', tapUnansweredFindings(input.tap.unanswered), 'no request waits');
  if (input.session.type !== 'REQ') return undefined;
  const findings = stuckRequestFindings({
    recent: input.recent ?? [],
    timeline: input.timeline,
    connectionCount: input.session.connectionCount,
    nowMs: input.nowMs,
    replyTimeoutMs: input.replyTimeoutMs ?? 5000,
  });
  return result('The REQ is not stuck waiting for a reply', findings, 'every request has its reply');
}

function checkRouting(input: DiagnoseInput): CheckResult | undefined {
  const findings: Finding[] = [];
  if (input.session.type !== 'ROUTER') return undefined;
  if (input.tap) findings.push(...undeliverableFindings(input.recent ?? [], input.tap.undeliverable));
  else {
    const handshakes = input.timeline.reduce(
      (n, e) => n + (e.type === 'handshake' ? (e.repeat ?? 1) : e.cycle?.includes('handshake') ? (e.repeat ?? 1) : 0),
      0,
    );
    findings.push(...duplicateRoutingIdFindings(input.session.connectionCount, input.session.routingPeers ?? [], handshakes));
  }
  return result('The ROUTER delivers its replies, one peer per routing id', findings);
}

function checkCapture(input: DiagnoseInput): CheckResult | undefined {
  const check = 'The inspector itself keeps up';
  if (!input.capture) return undefined;
  if (input.capture.dropped <= 0) return ok(check, 'the capture has dropped nothing');
  return {
    check,
    status: 'ok',
    findings: [
      {
        kind: 'capture-shedding',
        severity: 'info',
        title: `The capture dropped its ${formatCount(input.capture.dropped)} oldest messages to stay within its budget`,
        detail:
          "This is the inspector's own memory limit (zeromq.capture.maxMessages and maxBytes), not a loss in your " +
          'system: those messages were received, counted and sequence-checked before the capture let them go.',
        fix: 'Raise the capture budget, or export the capture now and then.',
        evidence: [
          {
            kind: 'counter',
            name: 'capture dropped',
            value: input.capture.dropped,
            text: `${formatCount(input.capture.dropped)} of ${formatCount(input.capture.total)} captured messages dropped`,
          },
        ],
        numbers: { dropped: input.capture.dropped },
      },
    ],
  };
}

function latestFailure(timeline: readonly TimelineEvent[]): HandshakeFailure | undefined {
  for (let i = timeline.length - 1; i >= 0; i--) if (timeline[i].failure) return timeline[i].failure;
  return undefined;
}

function countFailures(timeline: readonly TimelineEvent[]): number {
  let n = 0;
  for (const line of timeline) {
    if (line.cycle) n += (line.repeat ?? 1) * line.cycle.filter((t) => t.startsWith('handshake:error:')).length;
    else if (line.type.startsWith('handshake:error:')) n += line.repeat ?? 1;
  }
  return n;
}

function failureEvidence(timeline: readonly TimelineEvent[]): Evidence[] {
  const lines = timeline.filter((e) => e.type.startsWith('handshake:error:') || e.cycle?.some((t) => t.startsWith('handshake:error:')));
  return lines.slice(-3).map((e) => ({
    kind: 'event',
    time: e.time,
    type: e.type,
    text: `${e.type}${e.repeat && e.repeat > 1 ? ` ×${e.repeat}` : ''}${e.address ? ` ${e.address}` : ''}`,
  }));
}
