// What EngineClient takes and gives: its options, the start and crash reports, request options, the error
// call() throws, and the pure parts of its work (the start's log line, the host's replies to engine requests).
import type { EngineEvents, EngineParams, HostRequests, HostToEngine, RestoreSummary } from '../shared/engineProtocol';
import { ZmqUserError } from '../core/session/zmqErrors';
import type { ReopenReport } from './engineReopen';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type HostHandlers = { [M in keyof HostRequests]: (params: HostRequests[M]['params']) => Promise<HostRequests[M]['result']> };

export interface EngineClientOptions {
  /** dist/engine.js */
  enginePath: string;
  /** Where the engine spools the capture (kept across engine restarts, deleted on dispose). */
  spoolDir?: string;
  /** Read at every start: the settings may have changed since the last one. */
  helloParams(): Pick<EngineParams<'hello'>, 'limits' | 'receiveTimeoutMs'>;
  hostHandlers: HostHandlers;
  log(level: LogLevel, message: string): void;
  /** Default 30 s. */
  requestTimeoutMs?: number;
  /** Crashes within `crashWindowMs` that stop the retries. Default 3 in 60 s. */
  maxCrashes?: number;
  crashWindowMs?: number;
  /** An engine silent this long is asked a ping; one that does not answer it in time is killed. Default 5 s / 10 s. */
  watchdogIdleMs?: number;
  watchdogTimeoutMs?: number;
  /** Extra environment for the engine (tests). */
  env?: Record<string, string>;
}

export interface EngineStart {
  pid: number;
  /** 1 for the first engine, 2 after the first restart... */
  generation: number;
  restored?: RestoreSummary;
  /** After a crash: the sessions, taps and panels reopened in the new engine (already done when this fires). */
  reopened?: ReopenReport;
  /** From fork to hello answered (and, after a crash, everything reopened). */
  startMs: number;
}

export interface EngineCrash {
  /** What ended it, in words ("signal SIGABRT", "exit code 70", "stopped answering"). */
  cause: string;
  pid: number;
  /** True when a new engine is being started. */
  restarting: boolean;
  /** When not restarting: why. */
  reason?: string;
}

export interface RequestOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  onProgress?(progress: { done: number; total: number; message: string }): void;
  /** What the request reports on its way (a scenario's steps). */
  onEvent?(body: EngineEvents['request.event']['body']): void;
}

/** A request's error, thrown by call(): a ZmqUserError, so commands show it (and stay silent on ECANCELED). */
export class EngineRequestError extends ZmqUserError {
  constructor(message: string, code?: string) {
    super(message, code);
    this.name = 'EngineRequestError';
  }
}

/** The log line of a start: pid, libzmq, time, what the spool restored and what was reopened. */
export function describeStart(start: EngineStart, zeromqVersion: string): string {
  const { restored, reopened } = start;
  return `ZeroMQ engine started (pid ${start.pid}, libzmq ${zeromqVersion}, ${Math.round(start.startMs)} ms)${restored ? `: restored ${restored.messages} captured messages (#${restored.firstSeq}–#${restored.lastSeq}) from the crash spool in ${Math.round(restored.ms)} ms` : ''}${
    reopened
      ? `; reopened ${reopened.sessions} session(s) and ${reopened.taps} tap(s)${reopened.failures.length ? `, could not reopen ${reopened.failures.join('; ')}` : ''}`
      : ''
  }`;
}

/** The host's reply to a request the engine made, by the handler of its method; errors as values. */
export async function answerHostRequest(handlers: HostHandlers, id: number, method: string, params: unknown): Promise<HostToEngine> {
  const handler = (handlers as Record<string, ((p: unknown) => Promise<unknown>) | undefined>)[method];
  try {
    if (!handler) throw new Error(`The extension has no ${method}.`);
    return { kind: 'reply', id, result: (await handler(params)) ?? null };
  } catch (error) {
    return { kind: 'reply', id, error: { message: error instanceof Error ? error.message : String(error) } };
  }
}

/** Listeners of one kind of news from the engine: a listener's failure is logged, never thrown at the sender. */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();

  constructor(
    private readonly kind: string,
    private readonly failed: (message: string) => void,
  ) {}

  add(listener: (value: T) => void): { dispose(): void } {
    this.set.add(listener);
    return { dispose: () => this.set.delete(listener) };
  }

  fire(value: T): void {
    for (const listener of [...this.set]) {
      try {
        listener(value);
      } catch (error) {
        this.failed(`Engine ${this.kind} listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  clear(): void {
    this.set.clear();
  }
}
