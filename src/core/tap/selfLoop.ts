// Whether a tap's service address leads back to the tap itself: listening on tcp://*:P and forwarding to
// tcp://127.0.0.1:P (or localhost:P, or this machine's LAN address) connects the tap to its own listen
// socket, which then forwards every message to itself at full CPU. Comparing the address strings misses
// all of these, so the hosts are resolved and compared with the port the listen socket really got.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

const LOOKUP_TIMEOUT_MS = 2000;

/** The addresses a host stands for; a name that does not resolve in time stands for itself. */
async function resolveHost(host: string): Promise<string[]> {
  if (isIP(host)) return [host];
  let timer: NodeJS.Timeout | undefined;
  try {
    const found = await Promise.race([
      lookup(host, { all: true, verbatim: true }),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), LOOKUP_TIMEOUT_MS))),
    ]);
    return found.map((a) => a.address);
  } catch {
    return [host];
  } finally {
    clearTimeout(timer);
  }
}

/** Every address of this machine: its interfaces', and the loopback ranges. */
function localAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) out.push(a.address);
  return out;
}

function normalize(address: string): string {
  const lower = address.toLowerCase();
  // An IPv4-mapped IPv6 address is the IPv4 address.
  return lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4 ? lower.slice(7) : lower;
}

/** True for 127.0.0.0/8, ::1 and the unspecified addresses, which a connect reaches on this machine. */
function isLocalOnly(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address === '0.0.0.0' || address === '::';
}

function isWildcard(host: string): boolean {
  return host === '*' || host === '0.0.0.0' || host === '::';
}

/**
 * True when a connect to `upstreamHost:upstreamPort` would reach a socket bound to `listenHost:listenPort`
 * on this machine. `listenHost` is as the user wrote it (`*`, an address, a name or an interface name).
 */
export async function reachesOwnListener(
  listenHost: string,
  listenPort: number,
  upstreamHost: string,
  upstreamPort: number,
): Promise<boolean> {
  if (listenPort !== upstreamPort) return false;
  const upstream = (await resolveHost(upstreamHost)).map(normalize);
  if (isWildcard(listenHost)) {
    const local = new Set(localAddresses().map(normalize));
    return upstream.some((a) => isLocalOnly(a) || local.has(a));
  }
  const interfaceAddresses = networkInterfaces()[listenHost];
  const listening = new Set((interfaceAddresses ? interfaceAddresses.map((a) => a.address) : await resolveHost(listenHost)).map(normalize));
  // Connecting to 0.0.0.0 reaches a listener on any local address, a loopback one included.
  return upstream.some((a) => listening.has(a) || ((a === '0.0.0.0' || a === '::') && [...listening].some(isLocalOnly)));
}
