// The engine's side of the protocol: takes any message from the host, checks it (shape, method, params,
// order), runs its handler and always replies once, an error as a value. Nothing a message holds can make
// it throw: a malformed or out-of-order request gets an EPROTO reply, a handler's failure its message.
// engineMain.ts connects it to the IPC channel; tests and the fuzzer drive it in-process.
import { errorCode, errorText, loadZeromq } from '../core/session/zmqErrors';
import {
  ENGINE_PROTOCOL_VERSION,
  type EngineError,
  type EngineMethod,
  type EngineParams,
  type EngineResult,
  type EngineToHost,
  type HostRequests,
} from '../shared/engineProtocol';
import { EngineCore } from './engineCore';
import { EnginePanels } from './enginePanels';
import { EngineOutbox } from './engineOutbox';
import { checkParams, isEngineMethod } from './engineValidation';
import { coreHandlers, type Handler } from './engineHandlers';
import { replayRange } from './engineCapture';

interface Running {
  abort: AbortController;
}

/** Requests in flight at once; more means the host lost track of its own (it waits on each). */
const MAX_IN_FLIGHT = 10_000;

export class Engine {
  private core: EngineCore | undefined;
  private panels: EnginePanels | undefined;
  private readonly outbox: EngineOutbox;
  private readonly running = new Map<number, Running>();
  private readonly hostCalls = new Map<number, { resolve(value: unknown): void; reject(error: Error): void; timer: NodeJS.Timeout }>();
  private nextHostCall = 1;
  private shuttingDown = false;
  private readonly handlers: { [M in EngineMethod]: Handler<M> };

  constructor(
    private readonly send: (message: EngineToHost) => void,
    /** Called after `shutdown` has replied. */
    private readonly onShutdown: () => void = () => undefined,
  ) {
    this.outbox = new EngineOutbox(send);
    this.handlers = this.createHandlers();
  }

  /** Handles one message from the host. Never throws. */
  receive(message: unknown): void {
    try {
      this.dispatch(message);
    } catch (error) {
      this.log('error', `Engine: a message could not be handled: ${errorText(error)}`);
    }
  }

  /** Stops everything: every request still running is answered (ECANCELED) and every socket closed. */
  async dispose(): Promise<void> {
    this.shuttingDown = true;
    for (const [id, running] of this.running) {
      running.abort.abort();
      this.reply(id, undefined, { message: 'The engine is shutting down.', code: 'ECANCELED' });
    }
    this.running.clear();
    for (const [, call] of this.hostCalls) {
      clearTimeout(call.timer);
      call.reject(new Error('The engine is shutting down.'));
    }
    this.hostCalls.clear();
    this.panels?.dispose();
    await this.core?.dispose();
    this.outbox.flush();
  }

  private dispatch(message: unknown): void {
    if (typeof message !== 'object' || message === null) return this.log('warn', 'Engine: ignored a message that is not an object.');
    const { kind, id, method, params } = message as Record<string, unknown>;
    const hasId = typeof id === 'number' && Number.isSafeInteger(id);
    if (kind === 'reply') return this.settleHostCall(message as Record<string, unknown>);
    if (kind !== 'request' || !hasId) {
      if (hasId) this.reply(id as number, undefined, protocolError(`a message of kind ${JSON.stringify(kind)} is not a request`));
      else this.log('warn', 'Engine: ignored a message without a request id.');
      return;
    }
    const requestId = id as number;
    if (this.running.has(requestId)) return this.reply(requestId, undefined, protocolError(`request ${requestId} is already running`));
    if (this.shuttingDown) return this.reply(requestId, undefined, { message: 'The engine is shutting down.', code: 'ECANCELED' });
    if (!isEngineMethod(method)) return this.reply(requestId, undefined, protocolError(`there is no method ${JSON.stringify(method)}`));
    if (method === 'hello' ? this.core : !this.core)
      return this.reply(requestId, undefined, protocolError(method === 'hello' ? 'hello was already answered' : `${method} before hello`));
    const problem = checkParams(method, params);
    if (problem) return this.reply(requestId, undefined, protocolError(problem));
    if (this.running.size >= MAX_IN_FLIGHT) return this.reply(requestId, undefined, protocolError('too many requests in flight'));
    this.run(requestId, method, params);
  }

  private run<M extends EngineMethod>(id: number, method: M, params: unknown): void {
    const abort = new AbortController();
    this.running.set(id, { abort });
    const request = {
      id,
      signal: abort.signal,
      progress: (done: number, total: number, message: string) => this.outbox.emit('progress', { requestId: id, done, total, message }),
    };
    const handler = this.handlers[method] as Handler<M>;
    new Promise<EngineResult<M>>((resolve) => resolve(handler(params as EngineParams<M>, request))).then(
      (result) => this.finish(id, result ?? null, undefined),
      (error: unknown) => this.finish(id, undefined, abort.signal.aborted ? cancelled() : asEngineError(error)),
    );
  }

  private finish(id: number, result: unknown, error: EngineError | undefined): void {
    // Already answered: cancelled, or the engine is shutting down.
    if (!this.running.delete(id)) return;
    this.reply(id, result, error);
  }

  private reply(id: number, result: unknown, error: EngineError | undefined): void {
    // Events emitted before the reply (a snapshot with the new session) reach the host first.
    this.outbox.flush();
    this.send(error ? { kind: 'reply', id, error } : { kind: 'reply', id, result: result ?? null });
  }

  private log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void {
    this.outbox.emit('log', { level, message });
  }

  private callHost<M extends keyof HostRequests>(
    method: M,
    params: HostRequests[M]['params'],
    timeoutMs: number,
  ): Promise<HostRequests[M]['result']> {
    const id = this.nextHostCall++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.hostCalls.delete(id);
        reject(new Error(`The extension did not answer ${method} within ${Math.round(timeoutMs / 1000)} s.`));
      }, timeoutMs);
      this.hostCalls.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.outbox.flush();
      this.send({ kind: 'request', id, method, params });
    });
  }

  private settleHostCall(reply: Record<string, unknown>): void {
    const call = typeof reply.id === 'number' ? this.hostCalls.get(reply.id) : undefined;
    if (!call) return this.log('warn', 'Engine: ignored a reply to no request of the engine.');
    this.hostCalls.delete(reply.id as number);
    clearTimeout(call.timer);
    const error = reply.error as EngineError | undefined;
    if (error) call.reject(new Error(typeof error.message === 'string' ? error.message : 'the extension failed'));
    else call.resolve(reply.result);
  }

  private createHandlers(): { [M in EngineMethod]: Handler<M> } {
    const core = () => this.core!;
    return {
      hello: (params) => {
        if (params.protocolVersion !== ENGINE_PROTOCOL_VERSION)
          throw Object.assign(
            new Error(
              `The extension speaks engine protocol ${params.protocolVersion}, this engine ${ENGINE_PROTOCOL_VERSION}: reinstall the extension.`,
            ),
            {
              code: 'EPROTO',
            },
          );
        const created = new EngineCore({
          limits: params.limits,
          receiveTimeoutMs: params.receiveTimeoutMs,
          spoolDir: params.spoolDir,
          log: (level, message) => this.log(level, message),
          emitSnapshot: (snapshot) => this.outbox.emit('snapshot', snapshot),
        });
        this.core = created;
        this.panels = new EnginePanels(
          created,
          (body) => this.outbox.emit('panel.post', body),
          (m, p, t) => this.callHost(m, p, t),
        );
        created.pushSnapshot(true);
        return {
          protocolVersion: ENGINE_PROTOCOL_VERSION,
          pid: process.pid,
          zeromqVersion: loadZeromq().version,
          restored: created.restored,
        };
      },
      ping: () => ({ pid: process.pid }),
      configure: (params) => {
        if (params.limits) core().setLimits(params.limits);
        if (params.receiveTimeoutMs) core().receiveTimeoutMs = params.receiveTimeoutMs;
        if (params.rules) core().setRules(params.rules);
        if (params.filterPresets) this.panels!.setFilterPresets(params.filterPresets);
        return null;
      },
      ...coreHandlers(core, {
        log: (level, message) => this.log(level, message),
        emitRequestEvent: (requestId, body) => this.outbox.emit('request.event', { requestId, body }),
        callHost: (m, p, t) => this.callHost(m, p, t),
      }),
      'capture.replay': (params, request) =>
        replayRange(core(), params, request, params.panelId ? this.panels!.inspector(params.panelId) : undefined),
      'panel.open': ({ panelId, kind, visible }) => {
        this.panels!.open(panelId, kind, visible);
        return null;
      },
      'panel.message': ({ panelId, message }) => {
        this.panels!.handle(panelId, message);
        return null;
      },
      'panel.visible': ({ panelId, visible }) => {
        this.panels!.setVisible(panelId, visible);
        return null;
      },
      'panel.close': ({ panelId }) => {
        this.panels!.close(panelId);
        return null;
      },
      'inspector.applyFilter': ({ panelId, filter, selectSeq }) => {
        this.panels!.applyFilter(panelId, filter, selectSeq);
        return null;
      },
      'inspector.shown': ({ panelId }) => this.panels!.inspector(panelId).shownRange(),
      'monitor.plot': ({ panelId, spec }) => ({ label: this.panels!.plot(panelId, spec) }),
      cancel: ({ requestId }) => {
        const running = this.running.get(requestId);
        if (!running) return { cancelled: false };
        running.abort.abort();
        this.running.delete(requestId);
        this.reply(requestId, undefined, cancelled());
        return { cancelled: true };
      },
      shutdown: async () => {
        this.shuttingDown = true;
        this.panels?.dispose();
        await this.core?.dispose();
        // After the reply has gone out.
        setImmediate(() => this.onShutdown());
        return null;
      },
    };
  }
}

function protocolError(message: string): EngineError {
  return { message: `Malformed or out-of-order request: ${message}.`, code: 'EPROTO' };
}

function cancelled(): EngineError {
  return { message: 'Cancelled.', code: 'ECANCELED' };
}

function asEngineError(error: unknown): EngineError {
  const code = errorCode(error);
  return { message: errorText(error), ...(code ? { code } : {}) };
}
