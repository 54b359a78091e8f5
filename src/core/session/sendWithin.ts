// A send under a deadline and a cancel. Session sockets never wait inside zeromq.js (sendTimeout 0): a
// message no peer can take now fails with EAGAIN and is tried again here until the deadline or the cancel.
// So a bound PUSH with no peer, or a ROUTER whose peer left, ends in an error instead of a send that never
// settles, and nothing is sent after the caller gave up (zeromq.js cannot take back a send it is waiting on).
import type * as Zmq from 'zeromq';
import { ZmqUserError, errorCode } from './zmqErrors';

export type SendingSocket = Zmq.Socket & { send(message: Uint8Array[]): Promise<void> };

export async function sendWithin(
  socket: SendingSocket,
  message: Uint8Array[],
  timeoutMs: number,
  signal: AbortSignal | undefined,
  timedOut: (timeoutMs: number) => Error,
  explain: (error: unknown) => Error,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (let waitMs = 1; ; waitMs = Math.min(waitMs * 2, 50)) {
    if (signal?.aborted) throw new ZmqUserError('Cancelled: the message was not sent.', 'ECANCELED');
    try {
      return await socket.send(message);
    } catch (error) {
      if (errorCode(error) !== 'EAGAIN') throw explain(error);
    }
    const left = deadline - performance.now();
    if (left <= 0) throw timedOut(timeoutMs);
    await abortableDelay(Math.min(waitMs, left), signal);
  }
}

/** Waits `ms`, or less when `signal` aborts (the caller then sees `signal.aborted`). */
function abortableDelay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done);
  });
}
