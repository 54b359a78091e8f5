// Where a tap's clients come in: on a tcp listen address, a WireRelay that watches each connection and
// forwards it to the tap's front socket bound on a free loopback port; otherwise (ipc, inproc, an interface
// name libzmq resolves but Node cannot, or watching turned off) the front socket bound there directly.
import { isIP } from 'node:net';
import type * as Zmq from 'zeromq';
import { nodeListenHost, type ParsedEndpoint } from '../session/endpoint';
import { whenTcpPortFree } from '../session/tcpPortFree';
import { explainZmqError } from '../session/zmqErrors';
import { WireRelay } from './wireRelay';

export interface FrontDoor {
  /** The listen address as bound (a wildcard port resolved). */
  bound: string;
  relay?: WireRelay;
  /**
   * Frees the listen address (it can be bound again at once), once the front socket is closed: unbinding a
   * socket that is being read is what zeromq.js must not be asked (see Session.close).
   */
  close(): Promise<void>;
}

/** Binds the front socket, behind a relay when `watch` and the address allow it. Rejects with a ZmqUserError. */
export async function openFrontDoor(front: Zmq.Socket, listen: ParsedEndpoint, watch: boolean, frontType: string): Promise<FrontDoor> {
  const host = listen.transport === 'tcp' ? nodeListenHost(listen.host) : undefined;
  if (!watch || host === undefined) {
    try {
      await front.bind(listen.address);
    } catch (error) {
      throw explainZmqError(error, 'bind', listen.address, frontType);
    }
    const bound = front.lastEndpoint ?? listen.address;
    return { bound, close: () => whenTcpPortFree(bound) };
  }
  try {
    await front.bind('tcp://127.0.0.1:*');
  } catch (error) {
    throw explainZmqError(error, 'bind', 'tcp://127.0.0.1:*', frontType);
  }
  const inner = front.lastEndpoint!;
  const closeInner = () => front.unbind(inner).catch(() => undefined);
  let relay: WireRelay;
  try {
    relay = await WireRelay.listen(host, listen.port ?? 0, Number(/:(\d+)$/.exec(inner)![1]));
  } catch (error) {
    await closeInner();
    throw explainZmqError(error, 'bind', listen.address, frontType);
  }
  const shown = host === '*' ? '0.0.0.0' : isIP(host) === 6 ? `[${host}]` : host;
  return {
    bound: `tcp://${shown}:${relay.port}`,
    relay,
    // The front socket's inner port goes with the socket; the listen address is the relay's.
    close: () => relay.close(),
  };
}
