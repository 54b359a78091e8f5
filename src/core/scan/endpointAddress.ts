// How the pairing check decides that a bind and a connect written differently reach the same socket.
//
// Choices (static analysis cannot resolve hosts, so these are documented assumptions, not facts):
// - TCP (and ws/wss) endpoints are grouped by port: on one machine a port has one listener, and the
//   services of a workspace usually run together (one host, docker-compose, a pod).
// - Within a port, a bind to `*`, `0.0.0.0`, `::` or `[::]` (wildcard) meets every connect, including
//   connects to a host name (`tcp://broker:5555` may be a compose service name for this binder).
//   A bind to a loopback address (127.x, localhost, ::1) meets only loopback connects; a bind to any
//   other host meets only connects to that same host (case-insensitive).
// - Two binds on a port overlap (the second fails) when either is a wildcard, both are loopback, or
//   both name the same host.
// - `[::1]` is loopback, but libzmq binds `*` to IPv4 only unless the binder sets ZMQ_IPV6, so an IPv6
//   connect to an IPv4 bind gets its own warning.
// - Port `*` or `0` is an ephemeral port: it matches nothing.
// - ipc:// and inproc:// match on the exact path/name; other transports on the exact string.

export type HostKind = 'wildcard' | 'loopback' | 'named';

export interface EndpointAddress {
  transport: string;
  /** What groups binds and connects that may meet. */
  key: string;
  host?: string;
  hostKind?: HostKind;
  /** The host is an IPv6 literal (`[::1]`). */
  ipv6?: boolean;
  port?: string;
  /** Port `*` or `0`: the OS picks it at bind time. */
  ephemeral?: boolean;
}

const PORTED_TRANSPORTS = new Set(['tcp', 'ws', 'wss']);

/** Parses `transport://rest`; undefined when the text has no transport (not a ZeroMQ endpoint). */
export function parseEndpointAddress(address: string): EndpointAddress | undefined {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.+)$/i.exec(address.trim());
  if (!m) return undefined;
  const transport = m[1].toLowerCase();
  let rest = m[2];
  if (!PORTED_TRANSPORTS.has(transport)) return { transport, key: `${transport}://${rest}` };

  // tcp://source;destination: only the destination matters for matching.
  if (transport === 'tcp' && rest.includes(';')) rest = rest.slice(rest.lastIndexOf(';') + 1);
  const slash = transport === 'tcp' ? -1 : rest.indexOf('/', rest.startsWith('[') ? rest.indexOf(']') : 0);
  const path = slash >= 0 ? rest.slice(slash) : '';
  const authority = slash >= 0 ? rest.slice(0, slash) : rest;
  const colon = authority.lastIndexOf(':');
  if (colon < 0 || (authority.startsWith('[') && colon < authority.indexOf(']'))) return undefined;
  const rawHost = authority.slice(0, colon);
  const port = authority.slice(colon + 1);
  const host = rawHost.toLowerCase();
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const ipv6 = bare.includes(':');
  const hostKind: HostKind =
    bare === '*' || bare === '0.0.0.0' || bare === '::' || bare === ''
      ? 'wildcard'
      : bare === 'localhost' || bare === '::1' || bare === 'ip6-localhost' || /^127\.\d+\.\d+\.\d+$/.test(bare)
        ? 'loopback'
        : 'named';
  const ephemeral = port === '*' || port === '0';
  return { transport, key: `${transport}://*:${port}${path}`, host: bare, hostKind, ipv6, port, ephemeral };
}

/** Can a connect to `to` reach a socket bound at `bound` (same key assumed)? */
export function connectReachesBind(to: EndpointAddress, bound: EndpointAddress): boolean {
  if (!bound.hostKind || !to.hostKind) return true;
  if (bound.hostKind === 'wildcard') return true;
  if (bound.hostKind === 'loopback') return to.hostKind === 'loopback' || to.hostKind === 'wildcard';
  return to.host === bound.host;
}

/** Do two binds claim the same address (same key assumed)? */
export function bindsOverlap(a: EndpointAddress, b: EndpointAddress): boolean {
  if (!a.hostKind || !b.hostKind) return true;
  if (a.hostKind === 'wildcard' || b.hostKind === 'wildcard') return true;
  if (a.hostKind === 'loopback' && b.hostKind === 'loopback') return true;
  return a.host === b.host;
}

/** An IPv6 connect to a socket bound on IPv4 only (`*` without ZMQ_IPV6, 0.0.0.0, 127.x). */
export function isIpv6ToIpv4(to: EndpointAddress, bound: EndpointAddress): boolean {
  return !!to.ipv6 && !bound.ipv6 && (bound.hostKind === 'wildcard' || /^127\./.test(bound.host ?? '') || bound.host === '0.0.0.0');
}
