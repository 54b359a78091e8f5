// The scenario feature of the extension: the `.zmq` language (diagnostics, completion, hover), CodeLens,
// inline results, the Test Explorer controller, and its commands. extension.ts makes one call to this.
import * as vscode from 'vscode';
import type { Config } from '../config/config';
import type { EngineClient } from '../engine/engineClient';
import { tryExpand } from '../core/scenario/scenarioCheck';
import { LayeredScope } from '../core/scenario/scenarioVariables';
import { runCommand } from '../commands/runCommand';
import type { EndpointController } from '../endpoints/endpointController';
import { RUN_SCENARIO, RUN_STEP, SNIFF_SCENARIO_ENDPOINT, ScenarioCodeLens } from './scenarioCodeLens';
import { ScenarioDecorations } from './scenarioDecorations';
import { registerScenarioDiagnostics } from './scenarioDiagnostics';
import { SCENARIO_SELECTOR, ScenarioDocuments } from './scenarioDocuments';
import { registerScenarioLanguage } from './scenarioLanguage';
import { ScenarioTests, type ScenarioRun } from './scenarioTests';
import { GENERATE_TRAFFIC, generateTrafficCommand } from './generateTrafficCommand';
import { SCENARIO_DEBUG_TYPE, ScenarioDebugAdapter, ScenarioDebugConfigurations } from './scenarioDebugAdapter';
import { parseScenarioFile } from '../core/scenario/scenarioParser';
import { flattenSteps } from '../core/scenario/scenarioRunner';
import type { ScenarioResult } from '../core/scenario/scenarioRunner';

export interface ScenarioFeatureDeps {
  config: Config;
  engine: EngineClient;
  controller: EndpointController;
  log: vscode.LogOutputChannel;
}

/** A scenario runs in the engine (it opens sockets); its steps report back as request events. */
function runInEngine(engine: EngineClient, run: ScenarioRun): Promise<ScenarioResult> {
  const { listener } = run;
  return engine.call(
    'scenario.run',
    {
      file: run.file,
      scenarioName: run.scenario.name,
      ...(run.onlyStep ? { onlyStepLine: run.onlyStep.line } : {}),
      baseDir: run.baseDir,
      layers: run.layers,
      defaultTimeoutMs: run.defaultTimeoutMs,
      tag: run.tag,
      sessionKey: run.sessionKey,
      fileName: run.fileName,
      ...(run.debug ? { debug: { id: run.debug.id, breakpoints: run.debug.breakpoints(), stopOnEntry: run.debug.stopOnEntry } } : {}),
    },
    {
      signal: run.signal,
      // A scenario may wait as long as it says; the timeout only catches an engine that stopped answering.
      timeoutMs: 24 * 3600 * 1000,
      onEvent: (event) => {
        if (event.kind === 'scenarioStarted') listener.scenarioStarted?.(run.scenario);
        else if (event.kind === 'stepStarted') listener.stepStarted?.(event.step);
        else if (event.kind === 'paused') run.debug?.onPaused(event.step, event.reason, event.state);
        else listener.stepFinished?.(event.result);
      },
    },
  );
}

export function registerScenarios(deps: ScenarioFeatureDeps): vscode.Disposable[] {
  const documents = new ScenarioDocuments(deps.config);
  const decorations = new ScenarioDecorations();
  const tests = new ScenarioTests(documents, decorations, {
    run: (run) => runInEngine(deps.engine, run),
    defaultTimeoutMs: () => Math.max(100, deps.config.get('scenarios.defaultTimeoutSeconds') * 1000),
    log: deps.log,
  });
  const codeLens = new ScenarioCodeLens(documents);
  const lastGenerator = { pace: '1000/s', stop: '10s', frames: [] as string[] };
  const debugAdapter = () =>
    new ScenarioDebugAdapter({
      run: (target, debug, token) => tests.debugFromAdapter(target, debug, token),
      steer: async (id, action, breakpoints) => {
        await deps.engine.call('scenario.debug', { id, action, ...(breakpoints ? { breakpoints } : {}) });
      },
      stepLines: async (uri) => {
        const file = parseScenarioFile(await documents.text(uri));
        return new Set(file.scenarios.flatMap((s) => flattenSteps(s.steps).map((step) => step.line)));
      },
    });
  const disposables: vscode.Disposable[] = [
    vscode.debug.registerDebugAdapterDescriptorFactory(SCENARIO_DEBUG_TYPE, {
      createDebugAdapterDescriptor: () => new vscode.DebugAdapterInlineImplementation(debugAdapter()),
    }),
    vscode.debug.registerDebugConfigurationProvider(SCENARIO_DEBUG_TYPE, new ScenarioDebugConfigurations()),
    decorations,
    tests,
    codeLens,
    vscode.languages.registerCodeLensProvider(SCENARIO_SELECTOR, codeLens),
    ...registerScenarioDiagnostics(documents, deps.config),
    ...registerScenarioLanguage(documents),
    vscode.commands.registerCommand(RUN_SCENARIO, (uri?: vscode.Uri, scenario?: string) =>
      runCommand(async () => {
        const target = uri ?? vscode.window.activeTextEditor?.document.uri;
        if (!target) return;
        if (scenario) return tests.runFromEditor(target, scenario);
        const file = documents.parse(await vscode.workspace.openTextDocument(target));
        for (const s of file.scenarios) await tests.runFromEditor(target, s.name);
      }),
    ),
    vscode.commands.registerCommand(GENERATE_TRAFFIC, () =>
      runCommand(() => generateTrafficCommand(deps.engine, deps.controller, lastGenerator)),
    ),
    vscode.commands.registerCommand(RUN_STEP, (uri: vscode.Uri, scenario: string, line: number) =>
      runCommand(() => tests.runFromEditor(uri, scenario, line)),
    ),
    vscode.commands.registerCommand(SNIFF_SCENARIO_ENDPOINT, (uri: vscode.Uri, name: string) =>
      runCommand(async () => {
        if (!vscode.workspace.isTrusted) throw new Error('Sniffing opens a socket: trust this workspace first.');
        const document = await vscode.workspace.openTextDocument(uri);
        const file = documents.parse(document);
        const endpoint = file.endpoints.find((e) => e.name === name);
        if (!endpoint) return;
        const scope = new LayeredScope(documents.variables(uri, file).layers);
        const address = tryExpand(endpoint.address, scope);
        if (!address) throw new Error(`The address of ${name} uses a variable that is not defined here.`);
        let sessionName = `${name} (scenario)`;
        for (let i = 2; deps.controller.get(sessionName); i++) sessionName = `${name} (scenario ${i})`;
        await deps.controller.addAndStart({
          name: sessionName,
          type: endpoint.type,
          mode: endpoint.mode,
          address,
          ...(endpoint.subscriptions.length ? { subscriptions: endpoint.subscriptions.map((s) => tryExpand(s, scope) ?? s) } : {}),
          ...(endpoint.security ? { security: endpoint.security } : {}),
        });
        await vscode.commands.executeCommand('zeromq.openInspector');
      }),
    ),
  ];
  void tests.discover();
  return disposables;
}
