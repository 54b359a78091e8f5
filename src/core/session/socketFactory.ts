// The one place a zeromq.js socket is made, for sessions and taps alike: the class for a socket type, the
// options each class accepts, and a configuration error explained in the user's terms.
import type * as Zmq from 'zeromq';
import type { SocketTypeName } from '../types';
import { socketTypeInfo } from './socketTypes';
import { explainZmqError, loadZeromq } from './zmqErrors';

const SOCKET_CLASS: Record<SocketTypeName, keyof typeof Zmq> = {
  PAIR: 'Pair',
  PUB: 'Publisher',
  SUB: 'Subscriber',
  REQ: 'Request',
  REP: 'Reply',
  DEALER: 'Dealer',
  ROUTER: 'Router',
  PULL: 'Pull',
  PUSH: 'Push',
  XPUB: 'XPublisher',
  XSUB: 'XSubscriber',
  STREAM: 'Stream',
};

/**
 * A socket of `type` with `options` (zeromq.js option names). zeromq.js send-only classes (PUB, PUSH) have no
 * receive options and receive-only ones (SUB, PULL) no send options: those are dropped rather than thrown on.
 */
export function createSocket(type: SocketTypeName, options: Record<string, unknown>): Zmq.Socket {
  const zmq = loadZeromq();
  const SocketClass = zmq[SOCKET_CLASS[type]] as unknown as new (o?: Record<string, unknown>) => Zmq.Socket;
  const accepted = { ...options };
  const flow = socketTypeInfo(type).flow;
  if (flow === 'send') delete accepted.receiveHighWaterMark;
  if (flow === 'receive') delete accepted.sendHighWaterMark;
  // libzmq's I/O thread reads 8 KiB from a connection at a time. Its draft option ZMQ_IN_BATCH_SIZE (101)
  // at 64 KiB made a bare loop about a sixth faster on a 4 KiB flood, but messages below the batch then share
  // their read's buffer: in a 20 s flood of 8 KiB messages the engine's RSS went from 191 to 262 MiB (16 KiB:
  // 266), past the capture budget + 150 MiB (2026-12-02). With the engine's 1 MiB young generation
  // (engineProcess.ts) it peaked at 208 MiB against 168, 6 MiB under that bound: too close to rely on. So
  // sockets keep libzmq's default.
  try {
    return new SocketClass(accepted);
  } catch (error) {
    throw explainZmqError(error, 'configure', undefined, type);
  }
}

/** How long libzmq gets to end a socket's pipes after it disconnects, before the socket is closed. */
const DISCONNECT_SETTLE_MS = 20;

/**
 * Disconnects `socket` from each of `addresses` and waits a moment, for a socket about to be closed.
 * Why: disconnecting first ends the pipes in order. Closing a socket while libzmq is still tearing a
 * connection down (a CURVE client retrying, a service that restarted or just left) trips libzmq 4.3.5's
 * pipe.cpp:355 assertion (term_ack_sent), which aborts the process: it did in 5 of 70 runs of the tap tests
 * under load when taps closed without this, and in none of 50 with it. (It still did in 8 of 60 on a later
 * day, from unbind() racing the poller: see Session.close. Without unbind, 0 in 80.)
 */
export async function disconnectBeforeClose(socket: Zmq.Socket, addresses: readonly string[]): Promise<void> {
  for (const address of addresses) {
    try {
      socket.disconnect(address);
    } catch {
      // Already gone.
    }
  }
  await new Promise((resolve) => setTimeout(resolve, DISCONNECT_SETTLE_MS));
}
