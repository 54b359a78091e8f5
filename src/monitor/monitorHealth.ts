// What the monitoring panel shows beside the charts, built once a tick in the engine: each session with its
// state, rate and peers (state and since when), and the diagnosis findings there are. Budgets on every list
// (a bound socket may have thousands of peers, a feed hundreds of gaps): what is left out is counted.
import type { Finding } from '../core/diagnosis/findings';
import { sessionPeers } from '../core/monitor/sessionPeers';
import { peerTextForUi } from '../core/peerText';
import type { TimelineEvent } from '../core/session/sessionMonitor';
import type { FindingView, HealthUpdate, SessionHealthView } from '../shared/monitorProtocol';

export interface SessionHealthSource {
  id: string;
  name: string;
  type: string;
  mode: string;
  state: string;
  rate1s: number;
  timeline: readonly TimelineEvent[];
  connections: Iterable<[string, number]>;
  routingPeerCount: number;
  cause?: { text: string; since?: string };
  findings?: readonly Finding[];
}

export const MAX_SESSIONS_SHOWN = 32;
export const MAX_PEERS_SHOWN = 12;
export const MAX_FINDINGS_SHOWN = 40;
const TEXT_CHARS = 300;

export function buildHealth(sources: readonly SessionHealthSource[]): HealthUpdate {
  const sessions: SessionHealthView[] = [];
  const findings: FindingView[] = [];
  let hiddenFindings = 0;
  for (const source of sources) {
    // The session's name is the user's, but a finding's text quotes peers (topics, routing ids): all cut.
    const name = peerTextForUi(source.name, 80);
    for (const finding of source.findings ?? []) {
      if (findings.length >= MAX_FINDINGS_SHOWN) {
        hiddenFindings++;
        continue;
      }
      const message = finding.evidence.find((e) => e.kind === 'message');
      findings.push({
        sessionId: source.id,
        sessionName: name,
        severity: finding.severity,
        title: peerTextForUi(finding.title, TEXT_CHARS),
        ...(finding.detail ? { detail: peerTextForUi(finding.detail, TEXT_CHARS) } : {}),
        ...(message && message.kind === 'message' ? { seq: message.seq } : {}),
      });
    }
    if (sessions.length >= MAX_SESSIONS_SHOWN) continue;
    const { peers, hidden } = sessionPeers(source.timeline, source.connections, MAX_PEERS_SHOWN);
    sessions.push({
      id: source.id,
      name,
      kind: `${source.type} ${source.mode}`,
      state: source.state,
      rate: source.rate1s,
      peers,
      hiddenPeers: hidden,
      routingPeerCount: source.routingPeerCount,
      ...(source.cause
        ? { cause: peerTextForUi(source.cause.since ? `${source.cause.text} (${source.cause.since})` : source.cause.text, TEXT_CHARS) }
        : {}),
    });
  }
  return { sessions, hiddenSessions: Math.max(0, sources.length - MAX_SESSIONS_SHOWN), findings, hiddenFindings };
}
