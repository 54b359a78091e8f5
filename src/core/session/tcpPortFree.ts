// zeromq.js's close() returns at once, and libzmq closes the listening descriptors afterwards, on its own
// threads: binding the same port again right away failed with EADDRINUSE now and then (22 times in 300 on a
// busy machine). Waiting for libzmq's monitor `close` event between unbind() and close() fixed that, but
// it left the socket's connections half torn down when close() came, and a tap closed that way tripped
// libzmq 4.3.5's pipe.cpp:355 assertion, which aborts the process. So the socket is closed as before, and
// this asks the kernel instead: the port is free once a listener of our own can take it.
import { createServer } from 'node:net';
import { nodeListenHost, parseEndpoint } from './endpoint';

/** How long to wait for libzmq to let the port go: it does within milliseconds, unless another process holds it. */
const PORT_FREE_WAIT_MS = 1000;
const RETRY_MS = 5;

/**
 * Resolves once a tcp `address` (host an IP address, `*` or localhost) can be listened on again, or after a
 * second. Other transports, interface names and wildcard ports resolve at once.
 */
export async function whenTcpPortFree(address: string): Promise<void> {
  const parsed = parseEndpoint(address, { mode: 'bind' });
  if (!parsed.ok || parsed.endpoint.transport !== 'tcp' || !parsed.endpoint.port) return;
  const listenHost = nodeListenHost(parsed.endpoint.host);
  if (!listenHost) return;
  const host = listenHost === '*' ? '0.0.0.0' : listenHost;
  const port = parsed.endpoint.port;
  const deadline = Date.now() + PORT_FREE_WAIT_MS;
  while (!(await canListen(host, port))) {
    if (Date.now() >= deadline) return;
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}

/** Listens on host:port and closes at once; false when the port is still taken (or cannot be listened on). */
function canListen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}
