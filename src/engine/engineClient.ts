// The extension host's handle on the engine process, and the only shell code that knows it is a process.
// Starts it with the runtime VS Code itself runs on (as language servers are: ELECTRON_RUN_AS_NODE makes
// Electron a plain Node), says hello, sends requests (each with a timeout, errors as values), answers the
// engine's own requests, and hands events on. When the engine dies (abort, out of memory, kill -9) it
// notices at once from the exit, answers every pending request ENGINE_DOWN, and starts a new engine, which
// restores the capture from the spool; three crashes within a minute stop the retries. Free of `vscode`:
// the integration tests drive it in plain Node.
import type { ChildProcess } from 'node:child_process';
import {
  ENGINE_PROTOCOL_VERSION,
  type EngineError,
  type EngineEvent,
  type EngineMethod,
  type EngineParams,
  type EngineResult,
  type EngineSnapshot,
  type EngineToHost,
  type HostToEngine,
  type Outcome,
} from '../shared/engineProtocol';
import { CrashWindow, forkEngine } from './engineProcess';
import { EngineReopenList, type ReopenReport } from './engineReopen';
import { EngineWatchdog } from './engineWatchdog';
import {
  answerHostRequest,
  Listeners,
  describeStart,
  EngineRequestError,
  type EngineClientOptions,
  type EngineCrash,
  type EngineStart,
  type RequestOptions,
} from './engineClientTypes';

export {
  EngineRequestError,
  type EngineClientOptions,
  type EngineCrash,
  type EngineStart,
  type HostHandlers,
  type LogLevel,
  type RequestOptions,
} from './engineClientTypes';

interface Pending {
  method: string;
  resolve(outcome: Outcome<unknown>): void;
  timer: NodeJS.Timeout;
  onProgress?: RequestOptions['onProgress'];
  onEvent?: RequestOptions['onEvent'];
  cleanup(): void;
}

type Listener<T> = (value: T) => void;

export class EngineClient {
  private child: ChildProcess | undefined;
  private pid = 0;
  private generation = 0;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly crashes: CrashWindow;
  private readonly watchdog: EngineWatchdog;
  private starting: Promise<EngineStart> | undefined;
  private stopped = false;
  private expectedExit = false;
  private latest: EngineSnapshot | undefined;
  private readonly reopen = new EngineReopenList();
  private readonly listeners: {
    event: Listeners<EngineEvent>;
    snapshot: Listeners<EngineSnapshot>;
    start: Listeners<EngineStart>;
    crash: Listeners<EngineCrash>;
  };

  constructor(private readonly options: EngineClientOptions) {
    this.crashes = new CrashWindow(options.maxCrashes ?? 3, options.crashWindowMs ?? 60_000);
    const failed = (message: string) => options.log('error', message);
    this.listeners = {
      event: new Listeners('event', failed),
      snapshot: new Listeners('snapshot', failed),
      start: new Listeners('start', failed),
      crash: new Listeners('crash', failed),
    };
    this.watchdog = new EngineWatchdog(options.watchdogIdleMs ?? 5000, () => this.pingEngine());
  }

  /** The latest snapshot the engine pushed (undefined before the first). */
  get snapshot(): EngineSnapshot | undefined {
    return this.latest;
  }

  get running(): boolean {
    return !!this.child && this.generation > 0 && !this.starting;
  }

  get enginePid(): number {
    return this.pid;
  }

  onEvent(listener: Listener<EngineEvent>): { dispose(): void } {
    return this.listeners.event.add(listener);
  }
  onSnapshot(listener: Listener<EngineSnapshot>): { dispose(): void } {
    return this.listeners.snapshot.add(listener);
  }
  /** A new engine said hello (the first, or one started after a crash). */
  onDidStart(listener: Listener<EngineStart>): { dispose(): void } {
    return this.listeners.start.add(listener);
  }
  onDidCrash(listener: Listener<EngineCrash>): { dispose(): void } {
    return this.listeners.crash.add(listener);
  }

  /** Starts the engine (once; later calls wait for the same start). Rejects when it cannot say hello. */
  start(): Promise<EngineStart> {
    if (this.stopped) return Promise.reject(new EngineRequestError('The engine client was disposed.', 'ENGINE_DOWN'));
    if (this.child && !this.starting && this.generation) return Promise.resolve({ pid: this.pid, generation: this.generation, startMs: 0 });
    this.starting ??= this.spawn().finally(() => (this.starting = undefined));
    return this.starting;
  }

  /** Starts again after the retries stopped (the user asked). */
  async restart(): Promise<EngineStart> {
    this.crashes.reset();
    const child = this.child;
    if (child) {
      this.expectedExit = true;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      this.kill('SIGKILL');
      await exited;
    }
    return this.start();
  }

  /** Sends a request; resolves with its result or its error (never rejects). */
  request<M extends EngineMethod>(method: M, params: EngineParams<M>, options: RequestOptions = {}): Promise<Outcome<EngineResult<M>>> {
    return this.tracked(method, params, options);
  }

  private send<M extends EngineMethod>(
    method: M,
    params: EngineParams<M>,
    options: RequestOptions = {},
  ): Promise<Outcome<EngineResult<M>>> {
    const child = this.child;
    if (!child || !child.connected)
      return Promise.resolve({ ok: false, error: { message: 'The ZeroMQ engine is not running.', code: 'ENGINE_DOWN' } });
    if (options.signal?.aborted) return Promise.resolve({ ok: false, error: { message: 'Cancelled.', code: 'ECANCELED' } });
    const id = this.nextId++;
    const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs ?? 30_000;
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
        method,
        resolve: resolve as (outcome: Outcome<unknown>) => void,
        timer,
        onProgress: options.onProgress,
        onEvent: options.onEvent,
        cleanup: () => options.signal?.removeEventListener('abort', onAbort),
      });
      if (!this.post({ kind: 'request', id, method, params }))
        this.settle(id, { ok: false, error: { message: 'The ZeroMQ engine is not running.', code: 'ENGINE_DOWN' } });
    });
  }

  /** request(), throwing EngineRequestError on an error. */
  /** request(), noting what a new engine would have to be told after a crash. */
  private async tracked<M extends EngineMethod>(
    method: M,
    params: EngineParams<M>,
    options: RequestOptions = {},
  ): Promise<Outcome<EngineResult<M>>> {
    if (
      method === 'session.close' ||
      method === 'tap.stop' ||
      method === 'panel.close' ||
      method === 'decoders.unregister' ||
      method === 'diagnosis.untrack'
    )
      this.reopen.note(method, params, undefined);
    // While an engine starts (at activation, or after a crash) requests wait for it rather than fail.
    if (this.starting) await this.starting.catch(() => undefined);
    const outcome = await this.send(method, params, options);
    if (outcome.ok) this.reopen.note(method, params, outcome.value);
    return outcome;
  }

  async call<M extends EngineMethod>(method: M, params: EngineParams<M>, options?: RequestOptions): Promise<EngineResult<M>> {
    const outcome = await this.request(method, params, options);
    if (!outcome.ok) throw new EngineRequestError(outcome.error.message, outcome.error.code);
    return outcome.value;
  }

  /**
   * Closes every socket (ports free again), stops the engine and deletes nothing itself: the caller owns
   * the spool dir. Resolves once the process is gone.
   */
  async dispose(): Promise<void> {
    this.stopped = true;
    this.watchdog.stop();
    const child = this.child;
    if (!child) return;
    this.expectedExit = true;
    const exited = new Promise<void>((resolve) =>
      child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
    );
    if (child.connected) await this.send('shutdown', {}, { timeoutMs: 3000 });
    const killer = setTimeout(() => this.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(killer);
    for (const listeners of Object.values(this.listeners)) listeners.clear();
  }

  private async spawn(): Promise<EngineStart> {
    const started = performance.now();
    const child = forkEngine(this.options.enginePath, this.options.env, (line) =>
      this.options.log('warn', `[engine ${child.pid}] ${line}`),
    );
    this.child = child;
    this.pid = child.pid ?? 0;
    this.expectedExit = false;
    this.watchdog.heard();
    child.on('message', (message) => this.onMessage(child, message as EngineToHost));
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    child.on('error', (error) => this.options.log('error', `Engine process: ${error.message}`));
    const hello = await this.send(
      'hello',
      { protocolVersion: ENGINE_PROTOCOL_VERSION, ...this.options.helloParams(), spoolDir: this.options.spoolDir },
      { timeoutMs: 60_000 },
    );
    if (!hello.ok) {
      if (this.child === child) this.kill('SIGKILL');
      throw new EngineRequestError(`The ZeroMQ engine did not start: ${hello.error.message}`, hello.error.code);
    }
    if (hello.value.protocolVersion !== ENGINE_PROTOCOL_VERSION)
      throw new EngineRequestError(
        `The engine speaks protocol ${hello.value.protocolVersion}, the extension ${ENGINE_PROTOCOL_VERSION}.`,
        'EPROTO',
      );
    const reopened = this.generation ? await this.reopenAll() : undefined;
    this.generation++;
    this.watchdog.start();
    const start: EngineStart = {
      pid: hello.value.pid,
      generation: this.generation,
      restored: hello.value.restored,
      reopened,
      startMs: performance.now() - started,
    };
    this.options.log('info', describeStart(start, hello.value.zeromqVersion));
    this.listeners.start.fire(start);
    if (this.latest) this.listeners.snapshot.fire(this.latest);
    return start;
  }

  /** Tells a new engine what the crashed one had: configuration, schemas, sessions, taps, panels. */
  private async reopenAll(): Promise<ReopenReport> {
    const report: ReopenReport = { sessions: 0, taps: 0, failures: [] };
    for (const { method, params } of this.reopen.requests()) {
      const outcome = await this.send(method, params as never);
      if (outcome.ok) {
        if (method === 'session.open') report.sessions++;
        if (method === 'tap.start') report.taps++;
      } else {
        report.failures.push(`${this.reopen.describe(method, params)}: ${outcome.error.message}`);
        this.reopen.forget(method, params);
      }
    }
    return report;
  }

  private post(message: HostToEngine): boolean {
    const child = this.child;
    if (!child?.connected) return false;
    try {
      child.send(message);
      return true;
    } catch (error) {
      this.options.log('warn', `Could not send to the engine: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }

  private settle(id: number, outcome: Outcome<unknown>): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    pending.cleanup();
    pending.resolve(outcome);
  }

  private onMessage(child: ChildProcess, message: EngineToHost): void {
    if (child !== this.child) return;
    this.watchdog.heard();
    if (message?.kind === 'reply') {
      this.settle(message.id, message.error ? { ok: false, error: message.error } : { ok: true, value: message.result });
    } else if (message?.kind === 'events') {
      for (const event of message.events) this.dispatchEvent(event);
    } else if (message?.kind === 'request') {
      void this.answerEngine(message.id, message.method, message.params);
    }
  }

  private dispatchEvent(event: EngineEvent): void {
    // A listener's failure must not become an uncaught exception in the extension host.
    try {
      if (event.event === 'snapshot') {
        this.latest = event.body;
        // A restarted engine's first snapshots lack the sessions it is about to reopen: the views keep
        // the last ones until the start is done (then the latest is handed on).
        if (!this.starting) this.listeners.snapshot.fire(event.body);
      } else if (event.event === 'progress') {
        this.pending.get(event.body.requestId)?.onProgress?.(event.body);
      } else if (event.event === 'request.event') {
        this.pending.get(event.body.requestId)?.onEvent?.(event.body.body);
      } else if (event.event === 'log') {
        this.options.log(event.body.level, event.body.message);
      }
      this.listeners.event.fire(event);
    } catch (error) {
      this.options.log('error', `Engine event ${event.event}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async answerEngine(id: number, method: string, params: unknown): Promise<void> {
    this.post(await answerHostRequest(this.options.hostHandlers, id, method, params));
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    this.child = undefined;
    this.watchdog.stop();
    const cause = signal ? `signal ${signal}` : `exit code ${code}`;
    const down: EngineError = { message: `The ZeroMQ engine stopped (${cause}).`, code: 'ENGINE_DOWN' };
    for (const id of [...this.pending.keys()]) this.settle(id, { ok: false, error: down });
    if (this.expectedExit || this.stopped) return;
    this.options.log('error', `The ZeroMQ engine (pid ${child.pid ?? 0}) stopped: ${cause}.`);
    // A death during hello fails that start, whose caller (recover() or the first start) decides.
    if (this.starting) return;
    if (this.countCrash(cause, child.pid ?? 0)) void this.recover(child.pid ?? 0);
  }

  /** Counts a crash; false (and says why) when it makes a loop that ends the retries. */
  private countCrash(cause: string, pid: number): boolean {
    const { inWindow, loop } = this.crashes.count();
    if (loop) {
      const reason = `it stopped ${inWindow} times within ${Math.round(this.crashes.windowMs / 1000)} s (last: ${cause}), so it is not restarted again`;
      this.options.log('error', `The ZeroMQ engine is not restarted: ${reason}.`);
      // What kills the engine is most likely one of its sockets (a libzmq abort): the next start (Restart
      // Engine) reopens none of them. The capture is restored: the spool reader is bounded and never throws.
      this.reopen.forgetOpen();
      this.listeners.crash.fire({ cause, pid, restarting: false, reason });
      return false;
    }
    this.listeners.crash.fire({ cause, pid, restarting: true });
    return true;
  }

  /** Starts engines until one says hello, or until they crash into a loop. */
  private async recover(pid: number): Promise<void> {
    for (;;) {
      try {
        await this.start();
        return;
      } catch (error) {
        if (this.stopped) return;
        const cause = error instanceof Error ? error.message : String(error);
        this.options.log('error', `The ZeroMQ engine could not be restarted: ${cause}`);
        if (!this.countCrash(cause, pid)) return;
      }
    }
  }

  private kill(signal: NodeJS.Signals): void {
    try {
      this.child?.kill(signal);
    } catch {
      // Already gone.
    }
  }

  /** The watchdog's ping: an engine that does not answer it in time is killed (its exit restarts it). */
  private async pingEngine(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const outcome = await this.send('ping', {}, { timeoutMs: this.options.watchdogTimeoutMs ?? 10_000 });
    if (outcome.ok || child !== this.child || outcome.error.code !== 'ETIMEDOUT') return;
    this.options.log('error', `The ZeroMQ engine (pid ${child.pid}) stopped answering: killing it.`);
    this.kill('SIGKILL');
  }
}
