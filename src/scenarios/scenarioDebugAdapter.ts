// A small inline debug adapter for `.zmq` scenarios (the Debug Adapter Protocol spoken in-process, no
// library): breakpoints on step lines, continue, step over one step at a time, pause, stop, and the paused
// step's variables (file variables and environment, captured values, the last message received) in the
// Variables view. The run itself goes through the Test Explorer (results, ✓/✗ inline) and the engine, where
// the core ScenarioStepper holds the runner before each step.
import * as vscode from 'vscode';
import { basename } from 'node:path';
import type { Step } from '../core/scenario/scenarioAst';
import type { DebugVariable, PausedState, PauseReason } from '../core/scenario/scenarioStepper';
import type { ScenarioDebugHooks } from './scenarioTests';

export const SCENARIO_DEBUG_TYPE = 'zmq-scenario';

/** What a launch configuration of type zmq-scenario holds. */
export interface ScenarioLaunchArgs {
  program: string;
  scenario?: string;
  line?: number;
  stopOnEntry?: boolean;
}

export interface ScenarioDebugDeps {
  /** Runs the launch target as a test run with these hooks; resolves when it has finished. */
  run(
    target: { uri: vscode.Uri; scenario?: string; line?: number },
    debug: ScenarioDebugHooks,
    token: vscode.CancellationToken,
  ): Promise<void>;
  /** Steers the engine's stepper of a running debug run. */
  steer(id: string, action: 'continue' | 'next' | 'pause' | 'breakpoints', breakpoints?: number[]): Promise<void>;
  /** Lines (1-based) of the file's steps: breakpoints elsewhere are not verified. */
  stepLines(uri: vscode.Uri): Promise<Set<number>>;
}

interface DapRequest {
  seq: number;
  type: 'request';
  command: string;
  arguments?: Record<string, unknown>;
}

const THREAD_ID = 1;
const SCOPES = ['Variables', 'Captured', 'Last received'] as const;

export class ScenarioDebugAdapter implements vscode.DebugAdapter {
  private readonly emitter = new vscode.EventEmitter<vscode.DebugProtocolMessage>();
  readonly onDidSendMessage = this.emitter.event;
  private seq = 1;
  private launch: ScenarioLaunchArgs | undefined;
  private configured = false;
  private started = false;
  /** Verified breakpoint lines by file (VS Code may send them before the launch names the program). */
  private readonly breakpointsByPath = new Map<string, number[]>();
  private paused: { step: Step; reason: PauseReason; state: PausedState } | undefined;
  private readonly cancel = new vscode.CancellationTokenSource();
  private readonly id = `debug-${Date.now()}-${Math.random().toString(36).slice(2)}`;

  constructor(private readonly deps: ScenarioDebugDeps) {}

  handleMessage(message: vscode.DebugProtocolMessage): void {
    const request = message as DapRequest;
    if (request.type !== 'request') return;
    this.answer(request).then(
      (body) => this.respond(request, true, body),
      (error: unknown) => this.respond(request, false, undefined, error instanceof Error ? error.message : String(error)),
    );
  }

  dispose(): void {
    this.cancel.cancel();
    this.cancel.dispose();
    this.emitter.dispose();
  }

  private async answer(request: DapRequest): Promise<unknown> {
    const args = request.arguments ?? {};
    switch (request.command) {
      case 'initialize':
        setImmediate(() => this.event('initialized'));
        return { supportsConfigurationDoneRequest: true, supportsTerminateRequest: true };
      case 'launch':
        this.launch = args as unknown as ScenarioLaunchArgs;
        if (typeof this.launch.program !== 'string' || !this.launch.program)
          throw new Error('The launch configuration needs "program": a .zmq file.');
        this.startWhenReady();
        return undefined;
      case 'configurationDone':
        this.configured = true;
        this.startWhenReady();
        return undefined;
      case 'setBreakpoints':
        return this.setBreakpoints(args);
      case 'threads':
        return { threads: [{ id: THREAD_ID, name: this.launch?.scenario ?? basename(this.launch?.program ?? 'scenario') }] };
      case 'stackTrace': {
        const paused = this.paused;
        if (!paused || !this.launch) return { stackFrames: [], totalFrames: 0 };
        const source = { name: basename(this.launch.program), path: this.launch.program };
        return {
          stackFrames: [{ id: 1, name: paused.step.text.slice(0, 200), source, line: paused.step.line, column: 1 }],
          totalFrames: 1,
        };
      }
      case 'scopes':
        return {
          scopes: SCOPES.map((name, i) => ({
            name: i === 2 && this.paused?.state.lastReceived ? `Last received (${this.paused.state.lastReceived.endpoint})` : name,
            variablesReference: i + 1,
            expensive: false,
          })),
        };
      case 'variables':
        return { variables: this.variables(Number(args.variablesReference)) };
      case 'continue':
        await this.resume('continue');
        return { allThreadsContinued: true };
      case 'next':
      case 'stepIn':
      case 'stepOut':
        await this.resume('next');
        return undefined;
      case 'pause':
        await this.deps.steer(this.id, 'pause');
        return undefined;
      case 'disconnect':
      case 'terminate':
        this.cancel.cancel();
        return undefined;
      default:
        throw new Error(`${request.command} is not supported by the scenario debugger`);
    }
  }

  private async setBreakpoints(args: Record<string, unknown>): Promise<unknown> {
    const source = (args.source ?? {}) as { path?: string };
    const asked = ((args.breakpoints ?? []) as Array<{ line?: unknown }>).map((b) => Number(b.line)).filter(Number.isInteger);
    const lines = source.path ? await this.deps.stepLines(vscode.Uri.file(source.path)) : new Set<number>();
    if (source.path) {
      this.breakpointsByPath.set(
        vscode.Uri.file(source.path).fsPath,
        asked.filter((line) => lines.has(line)),
      );
      if (this.started) await this.deps.steer(this.id, 'breakpoints', this.breakpoints());
    }
    return {
      breakpoints: asked.map((line) => ({
        verified: lines.has(line),
        line,
        ...(lines.has(line) ? {} : { message: 'Not a step line: a scenario pauses before a step' }),
      })),
    };
  }

  private variables(reference: number): Array<{ name: string; value: string; type?: string; variablesReference: 0 }> {
    const state = this.paused?.state;
    if (!state) return [];
    const list: DebugVariable[] = reference === 1 ? state.variables : reference === 2 ? state.captured : (state.lastReceived?.frames ?? []);
    return list.map((v) => ({ name: v.name, value: v.value, ...(v.source ? { type: v.source } : {}), variablesReference: 0 }));
  }

  private breakpoints(): number[] {
    return this.launch ? (this.breakpointsByPath.get(vscode.Uri.file(this.launch.program).fsPath) ?? []) : [];
  }

  private async resume(action: 'continue' | 'next'): Promise<void> {
    this.paused = undefined;
    await this.deps.steer(this.id, action);
  }

  private startWhenReady(): void {
    if (!this.launch || !this.configured || this.started) return;
    this.started = true;
    const launch = this.launch;
    const hooks: ScenarioDebugHooks = {
      id: this.id,
      breakpoints: () => this.breakpoints(),
      stopOnEntry: !!launch.stopOnEntry,
      onPaused: (step, reason, state) => {
        this.paused = { step, reason, state };
        this.event('stopped', { reason: reason === 'entry' ? 'entry' : reason, threadId: THREAD_ID, allThreadsStopped: true });
      },
    };
    const target = { uri: vscode.Uri.file(launch.program), scenario: launch.scenario, line: launch.line };
    this.deps.run(target, hooks, this.cancel.token).then(
      () => this.event('terminated'),
      (error: unknown) => {
        this.event('output', { category: 'stderr', output: `${error instanceof Error ? error.message : String(error)}\n` });
        this.event('terminated');
      },
    );
  }

  private respond(request: DapRequest, success: boolean, body?: unknown, message?: string): void {
    this.emitter.fire({
      type: 'response',
      seq: this.seq++,
      request_seq: request.seq,
      command: request.command,
      success,
      ...(message ? { message } : {}),
      ...(body !== undefined ? { body } : {}),
    } as vscode.DebugProtocolMessage);
  }

  private event(event: string, body?: unknown): void {
    this.emitter.fire({ type: 'event', seq: this.seq++, event, ...(body !== undefined ? { body } : {}) } as vscode.DebugProtocolMessage);
  }
}

/** F5 on a `.zmq` file with no launch.json: debug the file in the active editor. */
export class ScenarioDebugConfigurations implements vscode.DebugConfigurationProvider {
  resolveDebugConfiguration(
    _folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.DebugConfiguration | undefined {
    if (!config.type && !config.request && !config.name) {
      const editor = vscode.window.activeTextEditor;
      if (editor?.document.languageId !== 'zmq-scenario') return config;
      return { type: SCENARIO_DEBUG_TYPE, request: 'launch', name: 'Debug scenario file', program: editor.document.uri.fsPath };
    }
    return config;
  }
}
