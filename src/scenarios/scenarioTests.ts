// Scenario files as tests in VS Code's Test Explorer: each file an item, each scenario a test, each step
// a child (repeat's steps under it). Runs go through the core runner with real sockets; results land in
// the Test Explorer (failures as expected/actual diffs at the assertion's line), inline on the steps, and
// in the inspector (every message tagged with the scenario's name).
import * as vscode from 'vscode';
import { basename } from 'node:path';
import type { ScenarioDef, Step } from '../core/scenario/scenarioAst';
import { checkScenarioFile } from '../core/scenario/scenarioCheck';
import { parseScenarioFile } from '../core/scenario/scenarioParser';
import { flattenSteps, formatMs, type RunListener, type ScenarioResult, type StepResult } from '../core/scenario/scenarioRunner';
import type { ScenarioFile } from '../core/scenario/scenarioAst';
import type { PausedState, PauseReason } from '../core/scenario/scenarioStepper';
import type { ScenarioDecorations } from './scenarioDecorations';
import { environmentNames, type ScenarioDocuments } from './scenarioDocuments';

/** One scenario run, where the sockets live (the engine): its messages land in the capture, tagged. */
export interface ScenarioRun {
  file: ScenarioFile;
  scenario: ScenarioDef;
  onlyStep?: Step;
  baseDir: string;
  layers: { source: string; values: ReadonlyMap<string, string> }[];
  defaultTimeoutMs: number;
  tag: string;
  /** Keys the session ids of the file's endpoints (the same sessions on every run). */
  sessionKey: string;
  fileName: string;
  signal: AbortSignal;
  listener: RunListener;
  debug?: ScenarioDebugHooks;
}

/** A debug run's side in the host: its id in the engine, its breakpoints, and where pauses go. */
export interface ScenarioDebugHooks {
  id: string;
  /** Breakpoint lines of the run's file, read when each scenario starts. */
  breakpoints(): number[];
  stopOnEntry?: boolean;
  onPaused(step: Step, reason: PauseReason, state: PausedState): void;
}

export interface ScenarioRunDeps {
  run(run: ScenarioRun): Promise<ScenarioResult>;
  /** Default timeout of receive, request and wait for, ms. */
  defaultTimeoutMs(): number;
  log: vscode.LogOutputChannel;
}

interface ItemMeta {
  uri: vscode.Uri;
  scenario?: string;
  /** Line of the step (1-based). */
  line?: number;
}

export class ScenarioTests implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController('zeromq.scenarios', 'ZeroMQ Scenarios');
  private readonly meta = new WeakMap<vscode.TestItem, ItemMeta>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly documents: ScenarioDocuments,
    private readonly decorations: ScenarioDecorations,
    private readonly deps: ScenarioRunDeps,
  ) {
    this.controller.createRunProfile('Run', vscode.TestRunProfileKind.Run, (request, token) => this.run(request, token, false), true);
    // A debug session per chosen test: its adapter runs the scenario back through debugFromAdapter.
    this.controller.createRunProfile(
      'Debug',
      vscode.TestRunProfileKind.Debug,
      (request, token) => this.startDebugging(request, token),
      true,
    );
    this.controller.resolveHandler = async (item) => {
      if (!item) await this.discover();
    };
    this.controller.refreshHandler = () => this.discover();
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.zmq');
    this.subscriptions.push(
      watcher,
      watcher.onDidCreate((uri) => void this.refresh(uri)),
      watcher.onDidChange((uri) => void this.refresh(uri)),
      watcher.onDidDelete((uri) => this.controller.items.delete(uri.toString())),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.languageId === 'zmq-scenario') void this.refresh(e.document.uri);
      }),
      vscode.workspace.onDidOpenTextDocument((d) => {
        if (d.languageId === 'zmq-scenario') void this.refresh(d.uri);
      }),
    );
  }

  async discover(): Promise<void> {
    const uris = await vscode.workspace.findFiles('**/*.zmq', '**/node_modules/**', 1000);
    await Promise.all(uris.map((uri) => this.refresh(uri)));
  }

  /** Parses the file again and rebuilds its items; returns its file item. */
  async refresh(uri: vscode.Uri): Promise<vscode.TestItem | undefined> {
    let text: string;
    try {
      text = await this.documents.text(uri);
    } catch {
      this.controller.items.delete(uri.toString());
      return undefined;
    }
    const file = parseScenarioFile(text);
    const fileItem = this.controller.createTestItem(uri.toString(), vscode.workspace.asRelativePath(uri), uri);
    this.meta.set(fileItem, { uri });
    const errors = file.problems.filter((p) => p.severity === 'error');
    fileItem.error = errors.length
      ? `${errors.length} error(s), first at line ${errors[0].line}:${errors[0].column}: ${errors[0].message}`
      : undefined;
    for (const scenario of file.scenarios) {
      const item = this.controller.createTestItem(`${uri}::${scenario.name}`, scenario.name, uri);
      item.range = new vscode.Range(scenario.line - 1, 0, scenario.endLine - 1, 0);
      this.meta.set(item, { uri, scenario: scenario.name });
      this.addSteps(item, uri, scenario.name, scenario.steps);
      fileItem.children.add(item);
    }
    this.controller.items.add(fileItem);
    return fileItem;
  }

  private addSteps(parent: vscode.TestItem, uri: vscode.Uri, scenario: string, steps: Step[]): void {
    for (const step of steps) {
      const item = this.controller.createTestItem(`${uri}::${scenario}::${step.line}`, `line ${step.line}: ${step.text.slice(0, 80)}`, uri);
      item.range = new vscode.Range(step.line - 1, 0, step.line - 1, 0);
      this.meta.set(item, { uri, scenario, line: step.line });
      if (step.kind === 'repeat') this.addSteps(item, uri, scenario, step.steps);
      parent.children.add(item);
    }
  }

  /** Runs one scenario (or one of its steps) from a CodeLens; results show in the Test Explorer too. */
  async runFromEditor(uri: vscode.Uri, scenario: string, line?: number): Promise<void> {
    const fileItem = await this.refresh(uri);
    const scenarioItem = fileItem?.children.get(`${uri}::${scenario}`);
    if (!scenarioItem) return;
    const item = line === undefined ? scenarioItem : findItem(scenarioItem, `${uri}::${scenario}::${line}`);
    const source = new vscode.CancellationTokenSource();
    try {
      await this.run(new vscode.TestRunRequest(item ? [item] : [scenarioItem]), source.token, false);
    } finally {
      source.dispose();
    }
  }

  /** Starts a debug session for each test of `request` in turn, each ending before the next starts. */
  private async startDebugging(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    const targets = request.include ?? [...collect(this.controller.items)];
    for (const item of targets) {
      const meta = this.meta.get(item);
      if (!meta || token.isCancellationRequested) continue;
      const config = scenarioDebugConfiguration(meta.uri, meta.scenario, meta.line);
      const ended = new Promise<void>((resolve) => {
        const listener = vscode.debug.onDidTerminateDebugSession((session) => {
          if (session.configuration.runId !== config.runId) return;
          listener.dispose();
          resolve();
        });
      });
      const folder = vscode.workspace.getWorkspaceFolder(meta.uri);
      if (!(await vscode.debug.startDebugging(folder, config))) continue;
      const cancel = token.onCancellationRequested(() => void vscode.commands.executeCommand('workbench.action.debug.stop'));
      await ended;
      cancel.dispose();
    }
  }

  /** The debug adapter's run of a file, a scenario, or a step: results in the Test Explorer as any run. */
  async debugFromAdapter(
    target: { uri: vscode.Uri; scenario?: string; line?: number },
    debug: ScenarioDebugHooks,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const fileItem = await this.refresh(target.uri);
    if (!fileItem) throw new Error(`${target.uri.fsPath} is not a scenario file that can be read.`);
    const scenarioItem = target.scenario === undefined ? undefined : fileItem.children.get(`${target.uri}::${target.scenario}`);
    if (target.scenario !== undefined && !scenarioItem)
      throw new Error(`There is no scenario "${target.scenario}" in ${target.uri.fsPath}.`);
    const item =
      scenarioItem && target.line !== undefined
        ? findItem(scenarioItem, `${target.uri}::${target.scenario}::${target.line}`)
        : scenarioItem;
    await this.run(new vscode.TestRunRequest([item ?? fileItem]), token, true, debug);
  }

  private async run(
    request: vscode.TestRunRequest,
    token: vscode.CancellationToken,
    verbose: boolean,
    debug?: ScenarioDebugHooks,
  ): Promise<void> {
    const run = this.controller.createTestRun(request);
    const abort = new AbortController();
    const cancel = token.onCancellationRequested(() => abort.abort());
    try {
      if (!vscode.workspace.isTrusted) {
        for (const item of request.include ?? [])
          run.errored(item, new vscode.TestMessage('Scenarios open sockets: trust this workspace to run them.'));
        return;
      }
      const targets = request.include ?? [...collect(this.controller.items)];
      const excluded = new Set(request.exclude ?? []);
      for (const item of targets) {
        if (abort.signal.aborted) break;
        if (excluded.has(item)) continue;
        const meta = this.meta.get(item);
        if (meta) await this.runItem(run, item, meta, abort.signal, verbose, excluded, debug);
      }
    } finally {
      cancel.dispose();
      run.end();
    }
  }

  private async runItem(
    run: vscode.TestRun,
    item: vscode.TestItem,
    meta: ItemMeta,
    signal: AbortSignal,
    verbose: boolean,
    excluded: Set<vscode.TestItem>,
    debug?: ScenarioDebugHooks,
  ): Promise<void> {
    const { uri } = meta;
    const file = parseScenarioFile(await this.documents.text(uri));
    const fileItem = this.controller.items.get(uri.toString());
    const variables = this.documents.variables(uri, file);
    const problems = [...file.problems, ...checkScenarioFile(file, { knownNames: environmentNames(variables.environments) })].filter(
      (p) => p.severity === 'error',
    );
    if (problems.length || variables.error) {
      const message = variables.error ?? `line ${problems[0].line}:${problems[0].column}: ${problems[0].message}`;
      const test = new vscode.TestMessage(`Not run: ${message}`);
      if (problems[0]) test.location = new vscode.Location(uri, new vscode.Position(problems[0].line - 1, problems[0].column - 1));
      run.errored(item, test);
      return;
    }
    const scenarios = file.scenarios.filter((s) => meta.scenario === undefined || s.name === meta.scenario);
    for (const scenario of scenarios) {
      if (signal.aborted) return;
      const scenarioItem = fileItem?.children.get(`${uri}::${scenario.name}`);
      if (!scenarioItem || excluded.has(scenarioItem)) continue;
      const onlyStep = meta.line !== undefined ? flattenSteps(scenario.steps).find((s) => s.line === meta.line) : undefined;
      await this.runScenarioItem(run, uri, file, scenario, scenarioItem, onlyStep, variables.layers, signal, verbose, debug);
    }
  }

  private async runScenarioItem(
    run: vscode.TestRun,
    uri: vscode.Uri,
    file: ReturnType<typeof parseScenarioFile>,
    scenario: ScenarioDef,
    scenarioItem: vscode.TestItem,
    onlyStep: Step | undefined,
    layers: { source: string; values: ReadonlyMap<string, string> }[],
    signal: AbortSignal,
    verbose: boolean,
    debug?: ScenarioDebugHooks,
  ): Promise<void> {
    const stepItem = (step: Step) => findItem(scenarioItem, `${uri}::${scenario.name}::${step.line}`);
    const out = (line: string) => run.appendOutput(`${line.replace(/\r?\n/g, '\r\n')}\r\n`);
    if (!onlyStep) this.decorations.clear(uri, scenario.line, scenario.endLine);
    const fileName = basename(uri.path);
    out(`▶ ${scenario.name} (${fileName})`);
    const result = await this.deps.run({
      file,
      scenario,
      onlyStep,
      baseDir: vscode.Uri.joinPath(uri, '..').fsPath,
      layers,
      defaultTimeoutMs: this.deps.defaultTimeoutMs(),
      signal,
      tag: `scenario: ${scenario.name}`,
      sessionKey: uri.toString(),
      fileName,
      debug,
      listener: {
        scenarioStarted: () => run.started(scenarioItem),
        stepStarted: (step) => {
          const item = stepItem(step);
          if (item) run.started(item);
          this.decorations.running(uri, step.line);
        },
        stepFinished: (stepResult) => {
          this.decorations.step(uri, stepResult);
          this.report(run, stepItem(stepResult.step), uri, stepResult);
          out(
            `  ${stepResult.status === 'passed' ? '✓' : stepResult.status === 'failed' ? '✗' : '-'} line ${stepResult.step.line}: ${stepResult.step.text} (${formatMs(stepResult.durationMs)}): ${stepResult.message}`,
          );
          if (verbose && stepResult.received) out(`      received: ${stepResult.received}`);
        },
      },
    });
    const duration = result.durationMs;
    if (result.status === 'passed') run.passed(scenarioItem, duration);
    else {
      const failedStep = result.steps.find((s) => s.status === 'failed');
      const message = new vscode.TestMessage(result.setupError ?? `line ${failedStep?.step.line}: ${failedStep?.message ?? 'failed'}`);
      // On the scenario line: the failed step's own line shows its ✗ and time, which a message there would cover.
      message.location = new vscode.Location(uri, new vscode.Position(scenario.line - 1, 0));
      run.failed(scenarioItem, message, duration);
    }
    out(
      `${result.status === 'passed' ? '✓' : '✗'} ${scenario.name}: ${result.status} in ${formatMs(duration)}${result.setupError ? `: ${result.setupError}` : ''}`,
    );
    this.deps.log.info(`Scenario "${scenario.name}" (${fileName}): ${result.status} in ${formatMs(duration)}`);
  }

  private report(run: vscode.TestRun, item: vscode.TestItem | undefined, uri: vscode.Uri, result: StepResult): void {
    if (!item) return;
    if (result.status === 'passed') return run.passed(item, result.durationMs);
    if (result.status === 'skipped') return run.skipped(item);
    const failed = (result.outcomes ?? []).filter((o) => !o.ok);
    const messages = failed.length
      ? failed.map((o) => {
          const message = vscode.TestMessage.diff(
            `line ${o.line}: ${o.assertion}${result.received ? `\nreceived ${result.received}` : ''}`,
            o.expected,
            o.actual,
          );
          message.location = new vscode.Location(uri, new vscode.Position(o.line - 1, 0));
          return message;
        })
      : [
          Object.assign(new vscode.TestMessage(result.message), {
            location: new vscode.Location(uri, new vscode.Position(result.step.line - 1, 0)),
          }),
        ];
    run.failed(item, messages, result.durationMs);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.controller.dispose();
  }
}

/** The launch configuration of a scenario debug session (a file, one of its scenarios, or one step). */
export function scenarioDebugConfiguration(
  uri: vscode.Uri,
  scenario?: string,
  line?: number,
): vscode.DebugConfiguration & { runId: string } {
  return {
    type: 'zmq-scenario',
    request: 'launch',
    name: `Debug ${scenario ?? basename(uri.path)}`,
    program: uri.fsPath,
    ...(scenario !== undefined ? { scenario } : {}),
    ...(line !== undefined ? { line } : {}),
    runId: `${Date.now()}-${Math.random().toString(36).slice(2)}`,
  };
}

function* collect(items: vscode.TestItemCollection): Generator<vscode.TestItem> {
  for (const [, item] of items) yield item;
}

function findItem(root: vscode.TestItem, id: string): vscode.TestItem | undefined {
  if (root.id === id) return root;
  for (const [, child] of root.children) {
    const found = findItem(child, id);
    if (found) return found;
  }
  return undefined;
}
