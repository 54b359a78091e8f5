// The monitoring panel's sessions table (state, rate, peers with their state and since when) and the
// diagnosis findings list. Everything a peer chose (addresses, topics quoted in findings) goes in as text.
// The host already caps the lists; what it left out is said here.
import type { FindingView, HealthUpdate, PeerView, SessionHealthView } from '../../shared/monitorProtocol';
import { el, icon } from '../dom';
import { formatCount, formatTime } from '../format';

/** 14:03:27: the second is enough for "since when". */
const clock = (timeMs: number) => formatTime(timeMs).slice(0, 8);

export interface HealthViewEvents {
  /** A finding was clicked: filter the inspector to its session and select its message. */
  onFinding(finding: FindingView): void;
}

const STATE_ICON: Record<string, string> = {
  connected: 'pass',
  listening: 'radio-tower',
  handshaking: 'loading',
  retrying: 'sync',
  disconnected: 'debug-disconnect',
  failing: 'error',
  error: 'error',
  closed: 'circle-slash',
  starting: 'loading',
};

export class HealthView {
  readonly sessionsTable: HTMLElement;
  readonly findingsList: HTMLElement;
  readonly findingsHeading: HTMLElement;

  constructor(private readonly events: HealthViewEvents) {
    this.sessionsTable = el('table', { className: 'sessions-table' });
    this.findingsHeading = el('h2', { text: 'Diagnosis findings (click to filter the inspector)' });
    this.findingsList = el('ul', { className: 'findings-list' });
    this.findingsHeading.hidden = true;
    this.findingsList.hidden = true;
  }

  render(health: HealthUpdate, nowMs: number): void {
    const head = el(
      'tr',
      {},
      ...['Session', 'State', 'msg/s', 'Peers (state, since)'].map((label) => el('th', { text: label, attrs: { scope: 'col' } })),
    );
    const rows = health.sessions.map((session) => this.sessionRow(session, nowMs));
    if (!rows.length) rows.push(el('tr', {}, el('td', { text: 'No session is open.', attrs: { colspan: '4' } })));
    if (health.hiddenSessions)
      rows.push(
        el(
          'tr',
          {},
          el('td', {
            className: 'hidden-note',
            text: `… and ${formatCount(health.hiddenSessions)} more sessions`,
            attrs: { colspan: '4' },
          }),
        ),
      );
    this.sessionsTable.replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));

    const items = health.findings.map((finding) => this.findingItem(finding));
    if (health.hiddenFindings)
      items.push(el('li', { className: 'hidden-note', text: `… and ${formatCount(health.hiddenFindings)} more findings` }));
    this.findingsList.replaceChildren(...items);
    this.findingsHeading.hidden = this.findingsList.hidden = items.length === 0;
  }

  private sessionRow(session: SessionHealthView, nowMs: number): HTMLElement {
    const peers = el('td', { className: 'session-peers' });
    for (const peer of session.peers) peers.append(peerLine(peer, nowMs));
    if (session.hiddenPeers)
      peers.append(el('div', { className: 'hidden-note', text: `… and ${formatCount(session.hiddenPeers)} more addresses` }));
    if (session.routingPeerCount)
      peers.append(el('div', { className: 'peer-routing', text: `${formatCount(session.routingPeerCount)} routing ids seen` }));
    if (!peers.childNodes.length) peers.append(el('span', { className: 'peer-none', text: 'no peer yet' }));
    const state = el(
      'td',
      { className: `session-state state-${cssToken(session.state)}` },
      icon(STATE_ICON[session.state] ?? 'circle'),
      ` ${session.state}`,
    );
    if (session.cause) state.append(el('div', { className: 'session-cause', text: session.cause }));
    return el(
      'tr',
      { attrs: { 'data-session': session.id } },
      el(
        'td',
        { className: 'session-name' },
        el('span', { text: session.name }),
        el('span', { className: 'session-kind', text: ` ${session.kind}` }),
      ),
      state,
      el('td', { className: 'session-rate', text: formatCount(Math.round(session.rate)) }),
      peers,
    );
  }

  private findingItem(finding: FindingView): HTMLElement {
    const severityIcon = finding.severity === 'error' ? 'error' : finding.severity === 'warning' ? 'warning' : 'info';
    const link = el(
      'button',
      {
        className: `finding finding-${finding.severity}`,
        attrs: { type: 'button' },
        title: finding.detail ?? finding.title,
      },
      icon(severityIcon),
      el('span', { className: 'finding-session', text: ` ${finding.sessionName}: ` }),
      el('span', { className: 'finding-title', text: finding.title }),
    );
    link.addEventListener('click', () => this.events.onFinding(finding));
    return el('li', {}, link);
  }
}

function peerLine(peer: PeerView, nowMs: number): HTMLElement {
  const since = peer.sinceMs ? ` since ${clock(peer.sinceMs)} (${ago(nowMs - peer.sinceMs)})` : '';
  const count = peer.connections > 1 ? ` · ${formatCount(peer.connections)} connections` : '';
  const repeats = peer.repeats ? ` · ${formatCount(peer.repeats)} times` : '';
  const line = el(
    'div',
    { className: `peer state-${cssToken(peer.state)}` },
    icon(STATE_ICON[peer.state] ?? 'circle'),
    el('span', { className: 'peer-address', text: ` ${peer.address}` }),
    el('span', { className: 'peer-state', text: ` ${peer.state}${since}${count}${repeats}` }),
  );
  if (peer.detail) line.title = peer.detail;
  return line;
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ago`;
}

/** A state as a class name: only letters, so a hostile state string cannot inject selectors. */
function cssToken(text: string): string {
  return text.replace(/[^a-z]/gi, '').slice(0, 20) || 'unknown';
}
