// Endpoint parsing: turns what a user typed into a ZeroMQ address, or says exactly what is wrong with it.
import { isIP } from 'node:net';

export type Transport = 'tcp' | 'ipc' | 'inproc' | 'pgm' | 'epgm';

export interface ParsedEndpoint {
  transport: Transport;
  /** The address as ZeroMQ wants it, e.g. `tcp://127.0.0.1:5555`. */
  address: string;
  /** tcp: host name, IP address (IPv6 without brackets), `*` or an interface name. */
  host?: string;
  /** tcp: port number, or undefined for a wildcard port (`*`, bind only). */
  port?: number;
  /** ipc: the socket file path; inproc: the name. */
  path?: string;
  /** Something the user should know that does not make the address invalid. */
  warning?: string;
}

export type EndpointParse = { ok: true; endpoint: ParsedEndpoint } | { ok: false; error: string };

export interface ParseOptions {
  /** Binding allows `*` hosts and wildcard ports; connecting does not. */
  mode?: 'bind' | 'connect';
  /** Whether the loaded libzmq has multicast (zeromq.capability.pgm). Bundled libzmq: false. */
  pgmAvailable?: boolean;
}

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?$/;

/** Longest ipc path, in bytes (sockaddr_un.sun_path is 108 bytes with its terminating NUL). */
const MAX_IPC_PATH_BYTES = 107;

export function parseEndpoint(input: string, options: ParseOptions = {}): EndpointParse {
  const text = input.trim();
  if (!text) return fail('Enter an endpoint such as tcp://127.0.0.1:5555, ipc:///tmp/feed.sock or inproc://name.');
  // libzmq takes a C string: a NUL would silently cut the address, and other control characters are typos.
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f]/.exec(text);
  if (control)
    return fail(
      'The endpoint contains a control character ' +
        `(${control[0] === '\0' ? 'NUL, \\0' : `U+${control[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`}) ` +
        `at position ${control.index}: ZeroMQ addresses are plain text.`,
    );
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/.exec(text);
  if (!match) {
    if (/^[\w.-]*:\d+$/.test(text) || /^\d+$/.test(text)) {
      return fail(`"${text}" has no transport: write tcp://${/^\d+$/.test(text) ? '127.0.0.1:' + text : text}.`);
    }
    return fail(`"${text}" is not an endpoint: it must look like transport://address, e.g. tcp://127.0.0.1:5555.`);
  }
  const transport = match[1].toLowerCase();
  const rest = match[2];
  switch (transport) {
    case 'tcp':
      return parseTcp(rest, options.mode ?? 'connect');
    case 'ipc':
      if (!rest) return fail('ipc:// needs a path, e.g. ipc:///tmp/feed.sock.');
      {
        // The limit is in bytes: 120 "é" are 120 characters but 240 bytes.
        const bytes = Buffer.byteLength(rest, 'utf8');
        if (bytes > MAX_IPC_PATH_BYTES)
          return fail(`The ipc path is ${bytes} bytes long (UTF-8); Linux socket paths are limited to ${MAX_IPC_PATH_BYTES} bytes.`);
      }
      return ok({ transport: 'ipc', address: `ipc://${rest}`, path: rest });
    case 'inproc':
      if (!rest) return fail('inproc:// needs a name, e.g. inproc://workers.');
      return ok({
        transport: 'inproc',
        address: `inproc://${rest}`,
        path: rest,
        warning: 'inproc:// only reaches sockets in the same process: here, other sessions of this VS Code window, never your services.',
      });
    case 'pgm':
    case 'epgm': {
      if (!options.pgmAvailable) {
        return fail(
          `${transport}:// (multicast) is not available: the libzmq bundled with the zeromq package is built without PGM ` +
            `(zeromq.capability.pgm is false). Observe the multicast group with a tool on the network, or a publisher's tcp endpoint.`,
        );
      }
      if (!/^[^;]+;[^:]+:\d+$/.test(rest))
        return fail(`${transport}:// needs interface;group:port, e.g. ${transport}://eth0;239.192.1.1:5555.`);
      return ok({ transport, address: `${transport}://${rest}` });
    }
    case 'ws':
    case 'wss':
    case 'tipc':
    case 'vmci':
    case 'udp':
      return fail(`The ${transport}:// transport is not supported by the inspector; use tcp://, ipc:// or inproc://.`);
    default:
      return fail(`Unknown transport "${transport}://": use tcp://, ipc:// or inproc://.`);
  }
}

function parseTcp(rest: string, mode: 'bind' | 'connect'): EndpointParse {
  let host: string;
  let portText: string;
  // libzmq allows "source;destination" for connect; keep the destination.
  const target = rest.includes(';') ? rest.slice(rest.lastIndexOf(';') + 1) : rest;
  if (target.startsWith('[')) {
    const close = target.indexOf(']');
    if (close < 0) return fail(`Missing "]" in the IPv6 address "${target}": write tcp://[::1]:5555.`);
    host = target.slice(1, close);
    if (target[close + 1] !== ':') return fail(`Missing port after the IPv6 address: write tcp://[${host}]:5555.`);
    portText = target.slice(close + 2);
    if (isIP(host) !== 6) return fail(`"${host}" is not a valid IPv6 address.`);
  } else {
    const colon = target.lastIndexOf(':');
    if (colon < 0) return fail(`tcp endpoints need a port: write tcp://${target || '127.0.0.1'}:5555.`);
    host = target.slice(0, colon);
    portText = target.slice(colon + 1);
    if (host.includes(':')) return fail(`IPv6 addresses must be in brackets: write tcp://[${host}]:${portText}.`);
  }
  if (!host)
    return fail(
      `The host is missing: write tcp://127.0.0.1:${portText || '5555'}${mode === 'bind' ? ' or tcp://*:' + (portText || '5555') : ''}.`,
    );
  if (host === '*') {
    if (mode === 'connect') return fail('"*" (every interface) can only be bound; to connect, name the host, e.g. tcp://127.0.0.1:5555.');
  } else if (!isIP(host)) {
    // A name whose last label is all digits is an IPv4 address written wrong (999.1.1.1, 10.0.0), never a host name.
    if (/(^|\.)\d+\.?$/.test(host)) return fail(`"${host}" is not a valid IPv4 address: four numbers from 0 to 255, e.g. 127.0.0.1.`);
    if (!HOST_NAME.test(host)) return fail(`"${host}" is not a valid host name or IP address.`);
  }
  let port: number | undefined;
  if (portText === '*' || /^0+$/.test(portText)) {
    if (mode === 'connect') return fail('A wildcard port can only be bound; to connect, give the port number.');
    port = undefined;
  } else {
    if (!/^\d+$/.test(portText)) return fail(`The port "${portText}" is not a number.`);
    port = Number(portText);
    if (port < 1 || port > 65535) return fail(`The port ${portText} is out of range: ports run from 1 to 65535.`);
  }
  const shownHost = isIP(host) === 6 ? `[${host}]` : host;
  const endpoint: ParsedEndpoint = { transport: 'tcp', address: `tcp://${shownHost}:${port ?? '*'}`, host, port };
  if (rest !== target) endpoint.address = `tcp://${rest.slice(0, rest.lastIndexOf(';') + 1)}${shownHost}:${port ?? '*'}`;
  if (port !== undefined && port < 1024 && mode === 'bind')
    endpoint.warning = `Binding port ${port} (below 1024) needs root privileges on most systems.`;
  return ok(endpoint);
}

function ok(endpoint: ParsedEndpoint): EndpointParse {
  return { ok: true, endpoint };
}

function fail(error: string): EndpointParse {
  return { ok: false, error };
}

/**
 * The host Node can listen on for a libzmq tcp host: an address, `*` (every interface) or localhost; not an
 * interface name, which libzmq resolves and Node cannot.
 */
export function nodeListenHost(host: string | undefined): string | undefined {
  if (!host) return undefined;
  if (host === '*' || isIP(host)) return host;
  // libzmq binds localhost as IPv4 (its clients connect there too); Node may resolve it to ::1 first.
  if (host === 'localhost') return '127.0.0.1';
  return undefined;
}
