// zeromq.js's unbind() resolves when zmq_unbind returns, but libzmq closes the listening descriptor later,
// on its I/O thread: binding the same port again right away fails with EADDRINUSE now and then (22 times
// in 300 on a busy machine). libzmq reports the moment the descriptor is closed as the monitor's `close`
// event, so this waits for that.
import type * as Zmq from 'zeromq';

/** How long to wait for libzmq's `close` event before giving up (the port is then most likely free anyway). */
const LISTENER_CLOSE_WAIT_MS = 1000;

/** Unbinds `address` and resolves once libzmq has closed its listener. Never rejects (an address already gone is fine). */
export async function unbindFully(socket: Zmq.Socket, address: string): Promise<void> {
  let onClose: ((event: Zmq.Event) => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const listenerClosed = new Promise<void>((resolve) => {
    onClose = (event) => {
      if ('address' in event && sameListener(event.address, address)) resolve();
    };
    socket.events.on('close', onClose);
    timer = setTimeout(resolve, LISTENER_CLOSE_WAIT_MS);
  });
  try {
    await socket.unbind(address);
    await listenerClosed;
  } catch {
    // Not bound (any more), or the socket is closed: nothing left to free.
  } finally {
    clearTimeout(timer);
    if (!socket.events.closed) socket.events.off('close', onClose!);
  }
}

/** libzmq reports a tcp listener by its resolved address (`*` as 0.0.0.0, a host name as its address): the port decides. */
function sameListener(reported: string, unbound: string): boolean {
  if (reported === unbound) return true;
  const port = /^tcp:\/\/.*:(\d+)$/;
  const reportedPort = port.exec(reported)?.[1];
  return reportedPort !== undefined && reportedPort === port.exec(unbound)?.[1];
}
