// Waits a request may do in the engine, each ended by its request's cancellation.
import { ZmqUserError } from '../core/session/zmqErrors';

/** Counters are polled this often by awaitCount (polling costs less than a hook on the receive path). */
const AWAIT_COUNT_POLL_MS = 1;

/** Resolves with `promise`, or rejects ECANCELED when `signal` aborts first (the work itself goes on). */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new ZmqUserError('Cancelled.', 'ECANCELED'));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new ZmqUserError('Cancelled.', 'ECANCELED'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

export function awaitCount(
  counters: { messagesIn: number },
  count: number,
  idleMs: number,
  signal: AbortSignal,
): Promise<{ received: number; firstMs: number; lastMs: number }> {
  return new Promise((resolve) => {
    let firstMs = 0;
    let lastMs = performance.now();
    let seen = counters.messagesIn;
    const startCount = seen;
    const poll = setInterval(() => {
      const now = performance.now();
      if (counters.messagesIn !== seen) {
        if (!firstMs && seen === startCount) firstMs = now;
        seen = counters.messagesIn;
        lastMs = now;
      }
      if (seen - startCount >= count || now - lastMs > idleMs || signal.aborted) {
        clearInterval(poll);
        resolve({ received: seen - startCount, firstMs, lastMs });
      }
    }, AWAIT_COUNT_POLL_MS);
  });
}
