// Runs scenarios with real sockets (the core's sessions): opens the endpoints a scenario uses, runs its
// steps in order, checks every assertion of a received message, keeps captures as variables, and stops
// a scenario at its first failed step. The host (CLI, VS Code) listens for results; nothing here shows UI.
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { EndpointDef, FrameSpec, ScenarioDef, ScenarioFile, Step } from './scenarioAst';
import type { EndpointSecurity } from '../session/endpointConfig';
import { encodeFrame } from '../session/frameInput';
import type { SessionSecurity } from '../security/security';
import { errorText } from '../session/zmqErrors';
import { checkAssertion, describeMessage, readCapture, type AssertionOutcome } from './scenarioAssertions';
import { ScenarioSockets, type CaptureForwarding, type OpenEndpoint } from './scenarioSockets';
import { LayeredScope, compileTemplate, expandTemplate, type CompiledTemplate } from './scenarioVariables';
import { generateTraffic, replayCaptureFile } from './trafficGenerator';
import { frameForDebugger, type BeforeStep, type PausedState } from './scenarioStepper';

export type StepStatus = 'passed' | 'failed' | 'skipped';

export interface StepResult {
  step: Step;
  status: StepStatus;
  durationMs: number;
  /** One line on what went wrong (failed) or what was done (passed). */
  message: string;
  /** Every assertion of a receive/request step, in order. */
  outcomes?: AssertionOutcome[];
  /** The message that was checked, as short text. */
  received?: string;
}

export interface ScenarioResult {
  scenario: ScenarioDef;
  status: 'passed' | 'failed';
  durationMs: number;
  /** Every step in source order (children of repeat after it), with its latest result. */
  steps: StepResult[];
  /** A failure before the first step (an endpoint that could not be opened, an unknown environment). */
  setupError?: string;
}

export interface RunListener {
  scenarioStarted?(scenario: ScenarioDef): void;
  stepStarted?(step: Step): void;
  stepFinished?(result: StepResult): void;
  scenarioFinished?(result: ScenarioResult): void;
}

export interface RunOptions {
  /** Folder that `file` frames and replay files are relative to (the scenario file's folder). */
  baseDir: string;
  /** Variable layers, lowest priority first (see variableLayers). */
  layers: { source: string; values: ReadonlyMap<string, string> }[];
  /** For receive/request/wait for without `within`. Default 5 s. */
  defaultTimeoutMs?: number;
  resolveSecurity?(security: EndpointSecurity): Promise<SessionSecurity>;
  forwarding?: CaptureForwarding;
  listener?: RunListener;
  signal?: AbortSignal;
  /** Run only this step (and the endpoints it uses): "Run step" / "Send". */
  onlyStep?: Step;
  /** Called before every step, which waits for it: a debugger pauses here (see ScenarioStepper). */
  beforeStep?: BeforeStep;
}

const MAX_FILE_FRAME_BYTES = 64 * 1024 * 1024;
let runCounter = 0;

export async function runScenario(file: ScenarioFile, scenario: ScenarioDef, options: RunOptions): Promise<ScenarioResult> {
  return new ScenarioRun(file, scenario, options).run();
}

/** The endpoints the steps use, binders first so that connects inside the file find them. */
export function endpointsUsed(file: ScenarioFile, steps: Step[]): EndpointDef[] {
  const names = new Set<string>();
  const visit = (list: Step[]) => {
    for (const step of list) {
      if (step.kind === 'repeat') visit(step.steps);
      else if ('endpoint' in step) names.add(step.endpoint);
    }
  };
  visit(steps);
  const used = file.endpoints.filter((e) => names.has(e.name));
  return [...used.filter((e) => e.mode === 'bind'), ...used.filter((e) => e.mode === 'connect')];
}

/** Every step in source order, children of repeat after it. */
export function flattenSteps(steps: Step[]): Step[] {
  return steps.flatMap((s) => (s.kind === 'repeat' ? [s, ...flattenSteps(s.steps)] : [s]));
}

class StepFailure extends Error {
  constructor(
    message: string,
    readonly outcomes?: AssertionOutcome[],
    readonly received?: string,
  ) {
    super(message);
  }
}

class ScenarioRun {
  private readonly scope: LayeredScope;
  private readonly sockets: ScenarioSockets;
  private readonly latest = new Map<Step, StepResult>();
  private readonly timeoutMs: number;
  private readonly templates = new Map<string, CompiledTemplate>();
  private readonly files = new Map<string, Buffer>();
  private lastReceived: { endpoint: string; frames: Uint8Array[] } | undefined;

  constructor(
    private readonly file: ScenarioFile,
    private readonly scenario: ScenarioDef,
    private readonly options: RunOptions,
  ) {
    this.scope = new LayeredScope(options.layers);
    this.sockets = new ScenarioSockets(`scenario${++runCounter}`, options.forwarding);
    this.timeoutMs = options.defaultTimeoutMs ?? 5000;
  }

  async run(): Promise<ScenarioResult> {
    const { listener, onlyStep } = this.options;
    const steps = onlyStep ? [onlyStep] : this.scenario.steps;
    const started = performance.now();
    listener?.scenarioStarted?.(this.scenario);
    let setupError: string | undefined;
    try {
      try {
        for (const endpoint of endpointsUsed(this.file, steps)) await this.sockets.open(endpoint, this.scope, this.options.resolveSecurity);
      } catch (error) {
        setupError = `could not open the endpoints: ${errorText(error)}`;
      }
      if (!setupError) await this.runSteps(steps);
    } finally {
      await this.sockets.close();
    }
    const all = flattenSteps(steps).map(
      (step) =>
        this.latest.get(step) ?? {
          step,
          status: 'skipped' as const,
          durationMs: 0,
          message: setupError ? 'not run: setup failed' : 'not run: an earlier step failed',
        },
    );
    for (const result of all) if (!this.latest.has(result.step)) listener?.stepFinished?.(result);
    // A run cancelled between steps has no failed step, but did not pass either.
    const cancelled = !!this.options.signal?.aborted && all.some((r) => r.status === 'skipped');
    const failed = !!setupError || cancelled || all.some((r) => r.status === 'failed');
    const result: ScenarioResult = {
      scenario: this.scenario,
      status: failed ? 'failed' : 'passed',
      durationMs: performance.now() - started,
      steps: all,
      setupError,
    };
    listener?.scenarioFinished?.(result);
    return result;
  }

  /** Runs steps in order; false once one failed (the rest are left unrun). */
  private async runSteps(steps: Step[]): Promise<boolean> {
    for (const step of steps) {
      if (this.options.signal?.aborted) return false;
      if (this.options.beforeStep) {
        await this.options.beforeStep(step, () => this.pausedState());
        if (this.options.signal?.aborted) return false;
      }
      this.options.listener?.stepStarted?.(step);
      const started = performance.now();
      let result: StepResult;
      try {
        const message = await this.runStep(step);
        result = { step, status: 'passed', durationMs: performance.now() - started, message };
        if (step.kind === 'repeat' && message.startsWith('failed')) result.status = 'failed';
      } catch (error) {
        const failure = error instanceof StepFailure ? error : undefined;
        result = {
          step,
          status: 'failed',
          durationMs: performance.now() - started,
          message: errorText(error),
          outcomes: failure?.outcomes,
          received: failure?.received,
        };
      }
      if (this.options.signal?.aborted && result.status === 'passed' && step.kind !== 'wait') {
        result = { ...result, status: 'failed', message: 'cancelled' };
      }
      this.latest.set(step, result);
      this.options.listener?.stepFinished?.(result);
      if (result.status === 'failed') return false;
    }
    return true;
  }

  private endpoint(name: string): OpenEndpoint {
    const open = this.sockets.endpoints.get(name);
    if (!open) throw new StepFailure(`no endpoint named ${name} is open`);
    return open;
  }

  private async runStep(step: Step): Promise<string> {
    const signal = this.options.signal;
    switch (step.kind) {
      case 'send': {
        const { session } = this.endpoint(step.endpoint);
        const frames = await this.frames(step.frames);
        await session.send(frames, { replyTimeoutMs: this.timeoutMs });
        return `sent ${frames.length} frame(s)${session.type === 'REQ' ? ' and got the reply' : ''}`;
      }
      case 'request': {
        const { session, inbox } = this.endpoint(step.endpoint);
        const timeoutMs = step.timeoutMs ?? this.timeoutMs;
        const frames = await this.frames(step.frames);
        inbox.clear();
        const sentAt = performance.now();
        await session.send(frames, { replyTimeoutMs: timeoutMs });
        const reply = await inbox.take(Math.max(0, timeoutMs - (performance.now() - sentAt)), signal);
        if (!reply) throw new StepFailure(`no reply on ${step.endpoint} within ${formatMs(timeoutMs)}`);
        return this.check(step, reply.frames, reply.arrivedAt - sentAt);
      }
      case 'receive': {
        const { inbox } = this.endpoint(step.endpoint);
        const timeoutMs = step.timeoutMs ?? this.timeoutMs;
        const message = await inbox.take(timeoutMs, signal);
        if (!message) throw new StepFailure(`no message on ${step.endpoint} within ${formatMs(timeoutMs)}`);
        return this.check(step, message.frames, message.arrivedAt - message.lastSendAt);
      }
      case 'subscribe':
      case 'unsubscribe': {
        const { session } = this.endpoint(step.endpoint);
        const prefix = expandTemplate(step.prefix, this.scope);
        if (step.kind === 'subscribe') session.subscribe(prefix);
        else session.unsubscribe(prefix);
        return `${step.kind}d to ${prefix === '' ? 'everything' : JSON.stringify(prefix)}`;
      }
      case 'wait':
        await sleep(step.durationMs, signal);
        return `waited ${formatMs(step.durationMs)}`;
      case 'waitFor': {
        const { session } = this.endpoint(step.endpoint);
        const timeoutMs = step.timeoutMs ?? this.timeoutMs;
        const deadline = performance.now() + timeoutMs;
        while (session.monitor.connectionCount === 0) {
          if (performance.now() > deadline || signal?.aborted)
            throw new StepFailure(`${step.endpoint} had no connection within ${formatMs(timeoutMs)} (state: ${session.state})`);
          await sleep(20, signal);
        }
        return `${step.endpoint} is connected`;
      }
      case 'repeat': {
        for (let i = 0; i < step.count; i++) {
          if (i > 0 && step.everyMs) await sleep(step.everyMs, signal);
          if (!(await this.runSteps(step.steps))) return `failed in round ${i + 1} of ${step.count}`;
          if (signal?.aborted) return 'failed: cancelled';
        }
        return `${step.count} round(s)`;
      }
      case 'generate': {
        const { session } = this.endpoint(step.endpoint);
        const templates = step.frames.map((f) => ({ spec: f, template: this.template(f.value) }));
        const files = await Promise.all(step.frames.map((f) => (f.format === 'file' ? this.readFileFrame(f) : undefined)));
        const next = () => {
          this.scope.nextSeq();
          return templates.map(({ spec, template }, i) => files[i] ?? encode(spec, expandTemplate(template, this.scope)));
        };
        const report = await generateTraffic(session, step, next, signal);
        const summary = `sent ${report.sent} in ${formatMs(report.elapsedMs)} (${Math.round(report.achievedRate)}/s${report.targetRate ? ` of ${report.targetRate}/s asked` : ''})`;
        if (report.failed) throw new StepFailure(`${summary}; ${report.failed} send(s) failed: ${report.firstError}`);
        return `${summary}; ${report.hwmNote}`;
      }
      case 'replay': {
        const { session } = this.endpoint(step.endpoint);
        const path = this.resolvePath(expandTemplate(step.file, this.scope));
        const report = await replayCaptureFile(session, path, step, signal);
        if (!report.matched)
          throw new StepFailure(
            `no message in ${step.file} to replay${report.firstBadLine ? ` (${report.badLines} bad line(s); ${report.firstBadLine})` : ''}`,
          );
        const summary = `replayed ${report.sent} of ${report.matched} in ${formatMs(report.elapsedMs)} (captured over ${formatMs(report.capturedMs)})`;
        if (report.failed) throw new StepFailure(`${summary}; ${report.failed} send(s) failed: ${report.firstError}`);
        return report.badLines ? `${summary}; ${report.badLines} bad line(s) skipped` : summary;
      }
    }
  }

  /** What a paused debugger shows: variables, captures and the last message checked. */
  private pausedState(): PausedState {
    return {
      variables: this.scope.variables(),
      captured: this.scope.capturedValues(),
      lastReceived: this.lastReceived && {
        endpoint: this.lastReceived.endpoint,
        frames: this.lastReceived.frames.map((frame, i) => ({
          name: `frame[${i}]`,
          value: frameForDebugger(frame),
          source: `${frame.length} B`,
        })),
      },
    };
  }

  private check(step: Extract<Step, { kind: 'receive' | 'request' }>, frames: Uint8Array[], latencyMs: number): string {
    this.lastReceived = { endpoint: step.endpoint, frames };
    const message = { frames, latencyMs };
    const outcomes = step.assertions.map((a) => checkAssertion(a, message, this.scope));
    const received = describeMessage(frames);
    const failed = outcomes.filter((o) => !o.ok);
    if (failed.length) {
      const first = failed[0];
      throw new StepFailure(
        `${first.assertion}: expected ${first.expected}, got ${first.actual}${failed.length > 1 ? ` (and ${failed.length - 1} more)` : ''}`,
        outcomes,
        received,
      );
    }
    for (const capture of step.captures) {
      const value = readCapture(capture.subject, message);
      if ('error' in value) throw new StepFailure(`capture ${capture.name}: ${value.error}`, outcomes, received);
      this.scope.capture(capture.name, value.value);
    }
    return `${received} in ${formatMs(latencyMs)}${outcomes.length ? `, ${outcomes.length} check(s) passed` : ''}`;
  }

  private template(text: string): CompiledTemplate {
    let compiled = this.templates.get(text);
    if (!compiled) this.templates.set(text, (compiled = compileTemplate(text)));
    return compiled;
  }

  /** One message's frames: every template expanded with the same {{$seq}}. */
  private async frames(specs: FrameSpec[]): Promise<Uint8Array[]> {
    this.scope.nextSeq();
    const frames: Uint8Array[] = [];
    for (const spec of specs)
      frames.push(
        spec.format === 'file' ? await this.readFileFrame(spec) : encode(spec, expandTemplate(this.template(spec.value), this.scope)),
      );
    return frames;
  }

  private resolvePath(path: string): string {
    return isAbsolute(path) ? path : resolve(this.options.baseDir, path);
  }

  private async readFileFrame(spec: FrameSpec): Promise<Buffer> {
    const path = this.resolvePath(expandTemplate(spec.value, this.scope));
    const cached = this.files.get(path);
    if (cached) return cached;
    const size = (await stat(path)).size;
    if (size > MAX_FILE_FRAME_BYTES)
      throw new StepFailure(`${spec.value} is ${size} bytes; a file frame holds at most ${MAX_FILE_FRAME_BYTES}`);
    const bytes = await readFile(path);
    this.files.set(path, bytes);
    return bytes;
  }
}

function encode(spec: FrameSpec, text: string): Buffer {
  if (spec.format === 'file') throw new Error('file frames are read, not encoded');
  const encoded = encodeFrame(spec.format, spec.format === 'text' ? text : text.trim());
  if (!encoded.ok) throw new StepFailure(`line ${spec.line}: ${spec.format} frame: ${encoded.error}`);
  return encoded.bytes;
}

export function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done);
  });
}
