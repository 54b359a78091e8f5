// Turns the sockets found across the workspace into one verdict per endpoint: who binds, who connects,
// and what is wrong or worth knowing (incompatible types, double binds, nobody on the other side,
// PUSH fan-out, REQ/REP lock-step, inproc across processes), each finding pointing at the other side.
//
// inproc across processes: a file is taken to be its own process only when it is a program entry point
// (ScanResult.program: a Python `__main__` guard, a C/C++/Java/C#/Rust main, a Go `package main`
// folder, JS `require.main === module`). Library files may run in any process, so they never count.
import type { SocketTypeName } from '../types';
import { bindsOverlap, connectReachesBind, isIpv6ToIpv4, parseEndpointAddress, type EndpointAddress } from './endpointAddress';
import type {
  EndpointParticipant,
  EndpointVerdict,
  FindingCode,
  FindingSeverity,
  PairingFinding,
  RelatedLocation,
  ScanResult,
  SourceRange,
} from './scanTypes';

/** Peers libzmq accepts in the ZMTP handshake (kept local; src/core/socketTypes.ts has the full catalogue). */
const VALID_PEERS: Record<SocketTypeName, readonly SocketTypeName[]> = {
  REQ: ['REP', 'ROUTER'],
  REP: ['REQ', 'DEALER'],
  DEALER: ['REP', 'DEALER', 'ROUTER'],
  ROUTER: ['REQ', 'DEALER', 'ROUTER'],
  PUB: ['SUB', 'XSUB'],
  XPUB: ['SUB', 'XSUB'],
  SUB: ['PUB', 'XPUB'],
  XSUB: ['PUB', 'XPUB'],
  PUSH: ['PULL'],
  PULL: ['PUSH'],
  PAIR: ['PAIR'],
  STREAM: [],
};

interface Participant extends EndpointParticipant {
  address: EndpointAddress;
  program?: string;
}

export function computeVerdicts(results: readonly ScanResult[]): EndpointVerdict[] {
  const names = displayNames(results.filter((r) => r.uses.length).map((r) => r.file));
  const where = (range: SourceRange) => `${names.get(range.file) ?? range.file}:${range.line + 1}`;
  const verdicts: EndpointVerdict[] = [];
  const groups = new Map<string, Participant[]>();

  for (const result of results) {
    for (const use of result.uses) {
      const participant: EndpointParticipant = { action: use.action, endpoint: use.endpoint, range: use.range };
      if (use.socketType) participant.socketType = use.socketType;
      if (use.variable) participant.variable = use.variable;
      if (use.socketIndex !== undefined) participant.socketRange = result.sockets[use.socketIndex].range;
      if (!use.endpoint.resolved) {
        verdicts.push(
          single(
            `? ${use.endpoint.expression} (${where(use.range)})`,
            false,
            participant,
            'info',
            'unresolved-endpoint',
            `Endpoint computed at run time (${use.endpoint.expression}): its pairing is not checked.`,
          ),
        );
        continue;
      }
      const address = parseEndpointAddress(use.endpoint.address);
      if (!address) {
        verdicts.push(
          single(
            use.endpoint.address,
            true,
            participant,
            'warning',
            'not-an-endpoint',
            `"${use.endpoint.address}" is not a ZeroMQ endpoint: it needs a transport, e.g. tcp://127.0.0.1:5555, ipc:///tmp/name or inproc://name.`,
          ),
        );
        continue;
      }
      if (address.ephemeral && use.action === 'bind') {
        verdicts.push(
          single(
            `${use.endpoint.address} (${where(use.range)})`,
            true,
            participant,
            'info',
            'ephemeral-port',
            `Binds an ephemeral port (${use.endpoint.address}): peers must learn the port at run time (ZMQ_LAST_ENDPOINT), so its pairing is not checked.`,
          ),
        );
        continue;
      }
      const list = groups.get(address.key) ?? [];
      list.push({ ...participant, address, program: result.program });
      groups.set(address.key, list);
    }
  }
  for (const [key, participants] of groups) verdicts.push(judgeEndpoint(key, participants, where));

  for (const verdict of verdicts) {
    verdict.binders.sort(byRange);
    verdict.connectors.sort(byRange);
    verdict.findings.sort((a, b) => byRange(a, b) || compareText(a.code, b.code) || compareText(a.message, b.message));
  }
  return verdicts.sort((a, b) => compareText(a.endpoint, b.endpoint));
}

function judgeEndpoint(key: string, all: Participant[], where: (r: SourceRange) => string): EndpointVerdict {
  const binders = all.filter((p) => p.action === 'bind');
  const connectors = all.filter((p) => p.action === 'connect');
  const findings: PairingFinding[] = [];
  const add = (severity: FindingSeverity, code: FindingCode, at: Participant, message: string, related: RelatedLocation[]) =>
    findings.push({ severity, code, range: at.range, message, related });
  const typeOf = (p: Participant) => p.socketType ?? 'socket';
  const inproc = all[0].address.transport === 'inproc';
  const separatePrograms = (a: Participant, b: Participant) => !!a.program && !!b.program && a.program !== b.program;

  // Two binders on one address.
  for (const b of binders) {
    const others = binders.filter((o) => o !== b && bindsOverlap(o.address, b.address) && !(inproc && separatePrograms(o, b)));
    if (!others.length) continue;
    add(
      'error',
      'double-bind',
      b,
      `${addressOf(b)} is also bound at ${others.map((o) => where(o.range)).join(', ')}: ${doubleBindConsequence(b.address)}`,
      others.map((o) => ({ range: o.range, message: `also bound here (${typeOf(o)})` })),
    );
  }

  // Each connector against the binders it reaches.
  const reachedBinders = new Set<Participant>();
  const peersOf = new Map<Participant, Participant[]>();
  const link = (a: Participant, b: Participant) => {
    for (const [x, y] of [
      [a, b],
      [b, a],
    ]) {
      const list = peersOf.get(x);
      if (list) list.push(y);
      else peersOf.set(x, [y]);
    }
  };
  for (const c of connectors) {
    const reached = binders.filter((b) => connectReachesBind(c.address, b.address));
    if (!reached.length) {
      add(
        'info',
        'no-binder',
        c,
        `Connects to ${addressOf(c)}, but nothing in the workspace binds it (it may be bound by a program outside the workspace).`,
        [],
      );
      continue;
    }
    for (const b of reached) {
      reachedBinders.add(b);
      link(c, b);
      if (isIpv6ToIpv4(c.address, b.address)) {
        add(
          'warning',
          'ipv6-to-ipv4',
          c,
          `Connects over IPv6 (${addressOf(c)}) to ${addressOf(b)} bound at ${where(b.range)}, which listens on IPv4 only (libzmq binds * to IPv4 unless the binder sets ZMQ_IPV6): the connection is refused.`,
          [{ range: b.range, message: `bound here on IPv4` }],
        );
      }
      if (!c.socketType || !b.socketType) continue;
      if (VALID_PEERS[c.socketType].includes(b.socketType)) {
        add(
          'info',
          'valid-pairing',
          c,
          `${c.socketType} connects here to the ${b.socketType} bound at ${where(b.range)}: a valid pairing (${patternOf(c.socketType, b.socketType)}).`,
          [{ range: b.range, message: `${b.socketType} bound here` }],
        );
        if ((c.socketType === 'REQ' && b.socketType === 'REP') || (c.socketType === 'REP' && b.socketType === 'REQ')) {
          const req = c.socketType === 'REQ' ? c : b;
          const rep = req === c ? b : c;
          add(
            'info',
            'req-rep-lockstep',
            req,
            `REQ and REP (${where(rep.range)}) work in strict lock-step: the REQ must receive each reply before it sends again, and if the REP never answers (crash, lost message) the REQ waits forever. Use a receive timeout, or DEALER/ROUTER, if that matters.`,
            [{ range: rep.range, message: 'the REP side' }],
          );
        }
        continue;
      }
      const why = incompatibility(c.socketType, b.socketType);
      add('error', 'incompatible-types', c, `${c.socketType} connects here to a ${b.socketType} bound at ${where(b.range)}: ${why}`, [
        { range: b.range, message: `${b.socketType} bound here` },
      ]);
      add('error', 'incompatible-types', b, `${b.socketType} bound here, ${c.socketType} connects from ${where(c.range)}: ${why}`, [
        { range: c.range, message: `${c.socketType} connects here` },
      ]);
    }
  }
  for (const b of binders) {
    if (!reachedBinders.has(b))
      add(
        'info',
        'no-connector',
        b,
        `Binds ${addressOf(b)}; nothing in the workspace connects to it (its peers may live outside the workspace).`,
        [],
      );
  }

  // A PUSH with several PULLs splits its messages between them.
  for (const p of all) {
    if (p.socketType !== 'PUSH') continue;
    const pulls = (peersOf.get(p) ?? []).filter((q) => q.socketType === 'PULL');
    if (pulls.length < 2) continue;
    add(
      'info',
      'push-fan-out',
      p,
      `PUSH round-robins: each of the ${pulls.length} PULL sockets (${pulls.map((q) => where(q.range)).join(', ')}) gets a share of the messages, not all of them.`,
      pulls.map((q) => ({ range: q.range, message: 'PULL gets a share here' })),
    );
  }

  // inproc between programs.
  if (inproc) {
    for (const p of all) {
      const elsewhere = all.filter((o) => separatePrograms(p, o));
      if (!elsewhere.length) continue;
      add(
        'warning',
        'inproc-across-processes',
        p,
        `${addressOf(p)} is also used from ${elsewhere.map((o) => where(o.range)).join(', ')}, a separate program (each has its own entry point): inproc only connects sockets of one process (one context). Use ipc:// or tcp:// between processes.`,
        elsewhere.map((o) => ({ range: o.range, message: `${o.action === 'bind' ? 'bound' : 'connected'} here, in another program` })),
      );
    }
  }

  const strip = ({ address: _a, program: _p, ...rest }: Participant): EndpointParticipant => rest;
  return { endpoint: key, resolved: true, binders: binders.map(strip), connectors: connectors.map(strip), findings };
}

function single(
  endpoint: string,
  resolved: boolean,
  p: EndpointParticipant,
  severity: FindingSeverity,
  code: FindingCode,
  message: string,
): EndpointVerdict {
  return {
    endpoint,
    resolved,
    binders: p.action === 'bind' ? [p] : [],
    connectors: p.action === 'connect' ? [p] : [],
    findings: [{ severity, code, range: p.range, message, related: [] }],
  };
}

function addressOf(p: EndpointParticipant): string {
  return p.endpoint.resolved ? p.endpoint.address : p.endpoint.expression;
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

function incompatibility(connector: SocketTypeName, binder: SocketTypeName): string {
  if (connector === 'STREAM' || binder === 'STREAM')
    return 'STREAM speaks raw TCP, not ZMTP, so it never pairs with another ZeroMQ socket type; no message flows.';
  return `${connector} only talks to ${listOr(VALID_PEERS[connector])}; the ZMTP handshake fails and no message flows.`;
}

function patternOf(a: SocketTypeName, b: SocketTypeName): string {
  const both = new Set([a, b]);
  if (both.has('PUSH') || both.has('PULL')) return 'pipeline';
  if (both.has('PAIR')) return 'exclusive pair';
  if (both.has('PUB') || both.has('XPUB') || both.has('SUB') || both.has('XSUB')) return 'publish-subscribe';
  return 'request-reply';
}

function listOr(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** Code-unit order: stable across locales (localeCompare is not, and is slow). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byRange(a: { range: SourceRange }, b: { range: SourceRange }): number {
  const x = a.range;
  const y = b.range;
  return compareText(x.file, y.file) || x.line - y.line || x.character - y.character;
}

/** Short names for messages: the file name, or its last two path segments when two files share a name. */
function displayNames(files: string[]): Map<string, string> {
  const segmentsOf = (f: string) => f.split(/[\\/]/).filter(Boolean);
  const count = new Map<string, number>();
  for (const f of new Set(files)) {
    const base = segmentsOf(f).pop() ?? f;
    count.set(base, (count.get(base) ?? 0) + 1);
  }
  const names = new Map<string, string>();
  for (const f of files) {
    const segments = segmentsOf(f);
    const base = segments[segments.length - 1] ?? f;
    names.set(f, (count.get(base) ?? 0) > 1 ? segments.slice(-2).join('/') : base);
  }
  return names;
}
