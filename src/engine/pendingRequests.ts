// The host's requests in flight to the engine: each settles exactly once, with its reply, its timeout, its
// cancellation (the engine is told to stop it) or ENGINE_DOWN when the process is gone.
import type { EngineError, EngineEvents, HostToEngine, Outcome } from '../shared/engineProtocol';
import type { RequestOptions } from './engineClientTypes';

interface Pending {
  resolve(outcome: Outcome<unknown>): void;
  timer: NodeJS.Timeout;
  onProgress?: RequestOptions['onProgress'];
  onEvent?: RequestOptions['onEvent'];
  cleanup(): void;
}

export class PendingRequests {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** `post` sends one message to the current engine; false when it could not. */
  constructor(private readonly post: (message: HostToEngine) => boolean) {}

  /** Posts a request and resolves with its outcome (never rejects). */
  send(method: string, params: unknown, timeoutMs: number, options: RequestOptions): Promise<Outcome<unknown>> {
    if (options.signal?.aborted) return Promise.resolve({ ok: false, error: { message: 'Cancelled.', code: 'ECANCELED' } });
    const id = this.nextId++;
    return new Promise((resolve) => {
      const onAbort = () => {
        this.settle(id, { ok: false, error: { message: 'Cancelled.', code: 'ECANCELED' } });
        this.post({ kind: 'request', id: this.nextId++, method: 'cancel', params: { requestId: id } });
      };
      const timer = setTimeout(() => {
        this.settle(id, {
          ok: false,
          error: { message: `The ZeroMQ engine did not answer ${method} within ${Math.round(timeoutMs / 1000)} s.`, code: 'ETIMEDOUT' },
        });
        this.post({ kind: 'request', id: this.nextId++, method: 'cancel', params: { requestId: id } });
      }, timeoutMs);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve,
        timer,
        onProgress: options.onProgress,
        onEvent: options.onEvent,
        cleanup: () => options.signal?.removeEventListener('abort', onAbort),
      });
      if (!this.post({ kind: 'request', id, method, params }))
        this.settle(id, { ok: false, error: { message: 'The ZeroMQ engine is not running.', code: 'ENGINE_DOWN' } });
    });
  }

  settle(id: number, outcome: Outcome<unknown>): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    pending.cleanup();
    pending.resolve(outcome);
  }

  progress(body: EngineEvents['progress']): void {
    this.pending.get(body.requestId)?.onProgress?.(body);
  }

  requestEvent(body: EngineEvents['request.event']): void {
    this.pending.get(body.requestId)?.onEvent?.(body.body);
  }

  /** Settles every request in flight with `error` (the engine is gone). */
  failAll(error: EngineError): void {
    for (const id of [...this.pending.keys()]) this.settle(id, { ok: false, error });
  }
}
