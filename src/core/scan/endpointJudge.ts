// Judges the participants of one endpoint (one address key, in one scope): which connectors reach which
// binders, and what is wrong or worth knowing. Rules, chosen so that a user can believe every error:
// - A connector is checked against every binder it can reach; it is "incompatible" only when no binder
//   it reaches has a compatible type (and none has an unknown type). One error, on the connector.
// - Binders of an address in several unrelated programs make it ambiguous: one note says so, instead of
//   pairing each binder with each connector. Declaring systems (zeromq.topology.systems) makes it strict.
// - Two binds of one address collide only when they plausibly run together: same program, or the same
//   declared system. The later bind gets the error, the earlier one is its related location.
// - inproc connects sockets of one process: a connector reaches only binders of its own program (or of
//   library files, which may run in any program).
// Socket-type facts come from the catalogue in session/socketTypes.ts. Work is linear in the group's
// size: binders are bucketed by host kind, and only a few related locations are kept per finding.
import type { SocketTypeName } from '../types';
import { checkPairing } from '../session/socketTypes';
import { bindsOverlap, connectReachesBind, isIpv6ToIpv4, type EndpointAddress } from './endpointAddress';
import type { EndpointParticipant, FindingCode, FindingSeverity, PairingFinding, RelatedLocation, SourceRange } from './scanTypes';

export interface Participant extends EndpointParticipant {
  address: EndpointAddress;
  /** The program it runs in: its file's entry point, else the file itself (a library). */
  unit: string;
  /** Its file is a program's entry point (a library file may run inside any program). */
  entry: boolean;
}

/** Related locations kept per finding: the first few say enough; the Pairings view lists everyone. */
const MAX_RELATED = 3;
/** Binders compared pairwise for double binds (per unit or system): a real service binds a few. */
const MAX_DOUBLE_BIND_CHECKS = 256;

export function judgeEndpoint(all: Participant[], strict: boolean, where: (r: SourceRange) => string): PairingFinding[] {
  const binders = all.filter((p) => p.action === 'bind');
  const connectors = all.filter((p) => p.action === 'connect');
  const findings: PairingFinding[] = [];
  const add = (severity: FindingSeverity, code: FindingCode, at: Participant, message: string, related: Participant[] = [], note = '') =>
    findings.push({ severity, code, range: at.range, message, related: related.slice(0, MAX_RELATED).map((p) => relate(p, note)) });
  const inproc = all[0].address.transport === 'inproc';
  const address = (p: Participant) => (p.endpoint.resolved ? p.endpoint.address : p.endpoint.expression);

  // Two binders of one address that run together.
  const together = (a: Participant, b: Participant) => a.unit === b.unit || (strict && !inproc);
  for (let j = 1; j < Math.min(binders.length, MAX_DOUBLE_BIND_CHECKS); j++) {
    const b = binders[j];
    const earlier = binders.slice(0, j).filter((a) => together(a, b) && bindsOverlap(a.address, b.address));
    if (!earlier.length) continue;
    add(
      'error',
      'double-bind',
      b,
      `${address(b)} is already bound at ${where(earlier[0].range)}: ${doubleBindConsequence(b.address)}`,
      earlier,
      'bound here first',
    );
  }

  const units = new Set(binders.map((b) => b.unit));
  // inproc endpoints of separate programs never meet, so several of them are not ambiguous.
  if (!strict && !inproc && units.size > 1) {
    add(
      'info',
      'ambiguous-endpoint',
      binders[0],
      `Ambiguous endpoint: ${binders.length} binders in ${units.size} programs. Which one a connector reaches depends on which programs run; ` +
        'each connector is checked against all of them. Declare the programs that run together in zeromq.topology.systems to check them strictly.',
      binders.slice(1),
      'also binds this endpoint',
    );
  }

  const reach = new BinderIndex(binders, inproc);
  const reachedBinders = new Set<Participant>();
  const pullsOf = new Map<Participant, Participant[]>();
  for (const c of connectors) {
    const reached = reach.from(c);
    if (!reached.length) {
      if (inproc && binders.length)
        add(
          'warning',
          'inproc-across-processes',
          c,
          `inproc only connects sockets of one process, and ${address(c)} is bound only in ` +
            `other programs (${where(binders[0].range)}). Use ipc:// or tcp:// between processes.`,
          binders,
          'bound here, in another program',
        );
      else
        add(
          'info',
          'no-binder',
          c,
          `Connects to ${address(c)}, but nothing in the workspace binds it (it may be bound by a program outside the workspace).`,
        );
      continue;
    }
    for (const b of reached) reachedBinders.add(b);
    const ipv4Only = reached.filter((b) => isIpv6ToIpv4(c.address, b.address));
    if (ipv4Only.length === reached.length)
      add(
        'warning',
        'ipv6-to-ipv4',
        c,
        `Connects over IPv6 (${address(c)}) to ${address(ipv4Only[0])} bound at ${where(ipv4Only[0].range)}, which ` +
          'listens on IPv4 only (libzmq binds * to IPv4 unless the binder sets ZMQ_IPV6): the connection is refused.',
        ipv4Only,
        'bound here on IPv4',
      );
    if (!c.socketType) {
      add(
        'info',
        'unknown-types',
        c,
        `The type of this socket is unknown (its creation was not found), so its pairing with ${where(reached[0].range)} is not checked.`,
        reached,
      );
      continue;
    }
    const typed = reached.filter((b) => b.socketType);
    const compatible = typed.filter((b) => checkPairing(c.socketType!, b.socketType!).valid);
    if (compatible.length) {
      const partner = compatible[0];
      add(
        'info',
        'valid-pairing',
        c,
        `${c.socketType} connects to the ${partner.socketType} bound at ${where(partner.range)}: ${checkPairing(c.socketType, partner.socketType!).reason}`,
        compatible,
        'compatible binder',
      );
      const rep = compatible.find(
        (b) => (c.socketType === 'REQ' && b.socketType === 'REP') || (c.socketType === 'REP' && b.socketType === 'REQ'),
      );
      if (rep) {
        const [req, other] = c.socketType === 'REQ' ? [c, rep] : [rep, c];
        add(
          'info',
          'req-rep-lockstep',
          req,
          `REQ and REP (${where(other.range)}) work in strict lock-step: the REQ must receive each reply before it sends again, ` +
            'and if the REP never answers the REQ waits forever. Use a receive timeout, or DEALER/ROUTER, if that matters.',
          [other],
          'the REP side',
        );
      }
      if (c.socketType === 'PULL') for (const b of compatible) appendTo(pullsOf, b, c);
      if (c.socketType === 'PUSH' && compatible.length > 1) pushFanOut(add, where, c, compatible);
      continue;
    }
    if (typed.length < reached.length) {
      add(
        'info',
        'unknown-types',
        c,
        `No binder of ${address(c)} with a known type accepts ${c.socketType}; the others' types are unknown, so the pairing is not checked.`,
        reached,
      );
      continue;
    }
    const types = [...new Set(typed.map((b) => b.socketType!))];
    add(
      'error',
      'incompatible-types',
      c,
      `${c.socketType} connects to ${address(c)}, bound by ${listOr(types)} ` +
        `(${where(typed[0].range)}): ${checkPairing(c.socketType, typed[0].socketType!).reason}`,
      typed,
      'bound here',
    );
  }
  for (const b of binders) {
    if (!reachedBinders.has(b))
      add(
        'info',
        'no-connector',
        b,
        `Binds ${address(b)}; nothing in the workspace connects to it (its peers may live outside the workspace).`,
      );
    const pulls = pullsOf.get(b);
    if (b.socketType === 'PUSH' && pulls && pulls.length > 1) pushFanOut(add, where, b, pulls);
  }
  return findings;
}

function pushFanOut(
  add: (s: FindingSeverity, c: FindingCode, at: Participant, m: string, r: Participant[], n: string) => void,
  where: (r: SourceRange) => string,
  push: Participant,
  pulls: Participant[],
): void {
  const shown = pulls.slice(0, MAX_RELATED).map((q) => where(q.range));
  const more = pulls.length > MAX_RELATED ? ` and ${pulls.length - MAX_RELATED} more` : '';
  add(
    'info',
    'push-fan-out',
    push,
    `PUSH round-robins: each of the ${pulls.length} PULL sockets (${shown.join(', ')}${more}) gets a share of the messages, not all of them.`,
    pulls,
    'PULL gets a share here',
  );
}

function relate(p: Participant, note: string): RelatedLocation {
  return {
    range: p.range,
    message: `${p.socketType ?? 'socket of unknown type'}: ${note || (p.action === 'bind' ? 'bound here' : 'connects here')}`,
  };
}

/**
 * The binders a connector reaches, without comparing every connector with every binder: a wildcard bind
 * meets everyone, a loopback bind meets loopback connects, a named bind meets its own host (see
 * endpointAddress.ts); inproc binders are reached from their own program (and from and by libraries).
 */
class BinderIndex {
  private readonly wildcard: Participant[] = [];
  private readonly loopback: Participant[] = [];
  private readonly named = new Map<string, Participant[]>();
  private readonly other: Participant[] = [];

  constructor(
    binders: Participant[],
    private readonly inproc: boolean,
  ) {
    for (const b of binders) {
      const kind = b.address.hostKind;
      if (!kind) this.other.push(b);
      else if (kind === 'wildcard') this.wildcard.push(b);
      else if (kind === 'loopback') this.loopback.push(b);
      else appendTo(this.named, b.address.host!, b);
    }
  }

  from(c: Participant): Participant[] {
    if (this.inproc) return this.other.filter((b) => b.unit === c.unit || !b.entry || !c.entry);
    if (!c.address.hostKind) return this.other.concat(this.wildcard, this.loopback, ...this.named.values());
    const reached = [...this.wildcard];
    if (c.address.hostKind !== 'named') reached.push(...this.loopback);
    reached.push(...(this.named.get(c.address.host!) ?? []));
    return reached.filter((b) => connectReachesBind(c.address, b.address));
  }
}

function appendTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function doubleBindConsequence(address: EndpointAddress): string {
  switch (address.transport) {
    case 'ipc':
      return 'the later bind replaces the socket file, so the earlier binder silently stops getting new connections.';
    case 'inproc':
      return 'in one process (one context) the second bind fails with "Address already in use" (EADDRINUSE).';
    default:
      return `the second bind${address.port ? ` to port ${address.port}` : ''} fails with "Address already in use" (EADDRINUSE).`;
  }
}

function listOr(items: readonly SocketTypeName[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
