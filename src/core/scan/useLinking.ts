// Which socket each bind/connect call uses: the one its receiver names (the nearest creation before
// the call, else the first after), or the one created by the call it is chained to. A call on a
// receiver that is no known socket counts only with one argument that is a complete ZeroMQ address.
import { parseEndpointAddress } from './endpointAddress';
import type { EndpointValue, ScannedEndpointUse, ScannedSocket, SourceRange } from './scanTypes';

/** Transports ZeroMQ speaks: a call on an unknown receiver counts only with one of these and a full address. */
const ZEROMQ_TRANSPORTS = new Set(['tcp', 'ipc', 'inproc', 'pgm', 'epgm', 'norm', 'ws', 'wss', 'tipc', 'vmci', 'udp']);

/** A bind/connect call found by the scanner, before it is tied to a socket. */
export interface PendingUse {
  use: ScannedEndpointUse;
  offset: number;
  chainedSocket?: number;
  /** The receiver is not known to be a socket unless linking finds one: then it must look like ZeroMQ. */
  requireAddress: boolean;
  argumentCount: number;
}

/** Ties each call to the socket its receiver names: the nearest creation before it, else the first after. */
export function linkUses(
  sockets: readonly ScannedSocket[],
  pendingUses: readonly PendingUse[],
  offsetOf: (r: SourceRange) => number,
): ScannedEndpointUse[] {
  const uses: ScannedEndpointUse[] = [];
  const byVariable = new Map<string, Array<{ index: number; offset: number }>>();
  sockets.forEach((s, index) => {
    if (!s.variable) return;
    const list = byVariable.get(s.variable) ?? [];
    list.push({ index, offset: offsetOf(s.range) });
    byVariable.set(s.variable, list);
  });
  for (const { use, offset, chainedSocket, requireAddress, argumentCount } of pendingUses) {
    let index = chainedSocket;
    const candidates = use.variable ? (byVariable.get(use.variable) ?? byVariable.get(use.variable.replace(/^this\./, ''))) : undefined;
    if (index === undefined && candidates) index = candidates[Math.max(0, lastAtOrBefore(candidates, offset))].index;
    if (index === undefined && requireAddress && !(argumentCount === 1 && looksLikeZeroMQ(use.endpoint))) continue;
    if (index !== undefined) {
      use.socketIndex = index;
      use.socketType = sockets[index].type;
      if (!use.variable && sockets[index].variable) use.variable = sockets[index].variable;
    }
    uses.push(use);
  }
  return uses.sort((x, y) => x.range.line - y.range.line || x.range.character - y.range.character);
}

/** Index of the last entry whose offset is <= `offset` (entries are in source order), or -1. */
function lastAtOrBefore(entries: Array<{ offset: number }>, offset: number): number {
  let lo = 0;
  let hi = entries.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (entries[mid].offset <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** A resolved, complete ZeroMQ address (`tcp://host:port`, `ipc://path`...): not `tcp://localhost` alone. */
function looksLikeZeroMQ(endpoint: EndpointValue): boolean {
  if (!endpoint.resolved) return false;
  const address = parseEndpointAddress(endpoint.address);
  return !!address && ZEROMQ_TRANSPORTS.has(address.transport);
}
