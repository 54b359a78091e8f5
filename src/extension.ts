// Activation and wiring only: every part lives in its own file and is disposed with the extension. The
// sockets, the capture and decoding live in the engine process (src/engine/); the shell talks to it.
import * as vscode from 'vscode';
import { pickSelectionExportPath, registerCaptureCommands } from './capture/captureCommands';
import { registerPcapCommands } from './capture/pcapCommands';
import { registerEndpointCommands } from './endpoints/endpointCommands';
import { registerMessageCommands } from './endpoints/messageCommands';
import { errorText } from './core/session/zmqErrors';
import { registerCommand } from './commands/runCommand';
import { Config } from './config/config';
import type { EngineClient } from './engine/engineClient';
import { removeSpool, superviseEngine } from './engineHost/engineSupervisor';
import { DecoderSettings } from './inspector/decoderSettings';
import { EndpointController } from './endpoints/endpointController';
import { EndpointsView } from './endpoints/endpointsView';
import { registerInspector } from './inspector/inspectorPanel';
import { createMonitor } from './monitor/monitorCommands';
import { readFilterPresets } from './core/filter/captureExpressionFilter';
import { MessageDocuments } from './endpoints/messageDocuments';
import { registerPairingCommands } from './topology/pairingCommands';
import { PairingsView } from './topology/pairingsView';
import { RateStatusBar } from './endpoints/rateStatusBar';
import { WorkspaceScanner } from './topology/workspaceScanner';
import { TapController, registerTapCommands } from './taps/tapController';
import { KeyStore, registerKeyCommands } from './security/keyStore';
import { registerReplayCommands, replayOne, replaySelected } from './capture/replayCommands';
import { registerScenarios } from './scenarios/scenarioFeature';
import { DiagnosisController } from './diagnosis/diagnosisController';
import { registerDiagnosisCommands } from './diagnosis/diagnosisCommands';

/** What `activate()` returns to other extensions: decoders they add, and the version. Nothing else. */
export interface ZeroMqInspectorApi {
  readonly version: string;
  readonly decoders: {
    /**
     * Loads decoders into the engine process, where decoding runs: `modulePath` is the absolute path of a
     * CommonJS module exporting `decoders` (an array of Decoder objects) or one Decoder. Resolves with
     * their ids; dispose() removes them.
     */
    register(modulePath: string): Promise<{ ids: string[]; dispose(): void }>;
  };
}

let engineToStop: EngineClient | undefined;
let contextToClean: vscode.ExtensionContext | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<ZeroMqInspectorApi> {
  const log = vscode.window.createOutputChannel('ZeroMQ', { log: true });
  context.subscriptions.push(log);
  try {
    return wire(context, log);
  } catch (error) {
    // VS Code does not show activation errors; say what broke.
    log.error(`Activation failed: ${errorText(error)}`);
    void vscode.window.showErrorMessage(`ZeroMQ Inspector could not start: ${errorText(error)}`, 'Show Log').then((c) => c && log.show());
    throw error;
  }
}

function wire(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): ZeroMqInspectorApi {
  const config = new Config();
  context.subscriptions.push(config);
  const captureLimits = () => {
    const { maxMessages, maxBytes, maxFrameBytes = 1024 * 1024 } = config.captureLimits;
    return { maxMessages, maxBytes, maxFrameBytes };
  };
  const receiveTimeoutMs = () => config.receiveTimeoutMs;
  // The engine asks the shell for what only VS Code can do (the parts named here are made below, before
  // the engine can ask).
  const { engine, disposable: supervision } = superviseEngine({
    context,
    log,
    helloParams: () => ({ limits: captureLimits(), receiveTimeoutMs: receiveTimeoutMs() }),
    hostHandlers: {
      'inspector.clipboard': async ({ text }) => {
        await vscode.env.clipboard.writeText(text);
        return null;
      },
      'inspector.addRule': async ({ rule }) => {
        await decoderSettings.addRule(rule);
        return null;
      },
      'inspector.replay': async ({ seq }) => ({ outcome: await replayOne(engine, controller, seq) }),
      'inspector.replaySelected': async ({ seqs }) => ({ outcome: await replaySelected(engine, controller, seqs) }),
      'inspector.exportPath': async ({ count }) => ({ path: (await pickSelectionExportPath(count)) ?? null }),
      'inspector.plotField': async ({ spec }) => ({ label: await monitoring.panel.plot(spec) }),
      'monitor.openMessage': async ({ seq }) => {
        inspector.applyFilter({}, seq);
        return null;
      },
      'monitor.filterInspector': async ({ filter, selectSeq }) => {
        inspector.applyFilter(filter, selectSeq);
        return null;
      },
      'security.resolve': ({ security }) => keys.resolve(security),
    },
  });
  engineToStop = engine;
  contextToClean = context;
  context.subscriptions.push(supervision, { dispose: () => void stopEngine() });
  engine.start().catch((error: Error) => {
    log.error(error.message);
    void vscode.window.showErrorMessage(`ZeroMQ: ${error.message}`, 'Show Log').then((c) => c && log.show());
  });

  const decoderSettings = new DecoderSettings(engine, config, log);
  const keys = new KeyStore(context);
  const controller = new EndpointController(engine, log, config, keys);
  const taps = new TapController(engine, config);
  const diagnosis = new DiagnosisController({
    controller,
    engine,
    keys,
    log,
    replyTimeoutMs: () => config.receiveTimeoutMs,
    verdicts: () => scanner.verdicts(),
  });
  const endpointsView = new EndpointsView(controller, taps, diagnosis);
  const documents = new MessageDocuments();
  const inspector = registerInspector(context, engine, (message) => log.info(message));
  const monitoring = createMonitor(context.extensionUri, engine, (message) => log.info(message));
  const pushFilterPresets = () => void engine.request('configure', { filterPresets: readFilterPresets(config.get('filters.presets')) });
  pushFilterPresets();
  const scanner = new WorkspaceScanner(log, config, context.extensionUri);
  const pairingsView = new PairingsView(scanner);
  context.subscriptions.push(
    scanner,
    pairingsView,
    vscode.window.createTreeView('zeromq.pairings', { treeDataProvider: pairingsView, showCollapseAll: true }),
    vscode.languages.registerCodeLensProvider([{ scheme: 'file' }], pairingsView),
    ...registerPairingCommands({ controller, engine, scanner, view: pairingsView, log }),
    decoderSettings,
    diagnosis,
    ...registerDiagnosisCommands({ diagnosis, controller, taps }),
    controller,
    taps,
    endpointsView,
    documents,
    inspector,
    vscode.window.createTreeView('zeromq.endpoints', { treeDataProvider: endpointsView, showCollapseAll: true }),
    new RateStatusBar(engine),
    ...registerEndpointCommands(controller, keys),
    ...registerKeyCommands(keys),
    ...registerReplayCommands(engine, controller, () => inspector.panelId()),
    ...registerTapCommands(taps),
    ...registerScenarios({ config, engine, controller, log }),
    ...registerMessageCommands({ controller, documents, engine, receiveTimeoutMs }),
    ...registerCaptureCommands(engine, controller, log),
    ...registerPcapCommands(engine, () => captureLimits().maxFrameBytes, log),
    registerCommand('zeromq.openInspector', () => inspector.show()),
    ...monitoring.disposables,
    registerCommand('zeromq.showLog', () => log.show()),
    config.onDidChange((keys) => {
      if ([...keys].some((key) => key.startsWith('capture.'))) void engine.request('configure', { limits: captureLimits() });
      if (keys.has('receiveTimeoutSeconds')) void engine.request('configure', { receiveTimeoutMs: receiveTimeoutMs() });
      if (keys.has('filters.presets')) pushFilterPresets();
    }),
  );

  // Saved endpoints may come from a cloned repository's settings: open their sockets only when trusted.
  if (vscode.workspace.isTrusted) void controller.autoStart();
  else {
    if (controller.list().some((e) => e.definition.autoStart))
      log.warn('Restricted Mode: saved endpoints with autoStart were not started. Trust the workspace to start them.');
    context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => void controller.autoStart()));
  }
  // The scan reads every source file: in the background, after activation, never blocking it.
  setTimeout(() => void scanner.scanAll(), 500);
  log.info(`ZeroMQ Inspector activated (${vscode.workspace.isTrusted ? 'trusted' : 'restricted'} workspace)`);
  return {
    version: String(context.extension.packageJSON.version),
    decoders: {
      register: async (modulePath) => {
        const { ids } = await engine.call('decoders.register', { modulePath });
        return { ids, dispose: () => void engine.request('decoders.unregister', { modulePath }) };
      },
    },
  };
}

/** Closes every socket (VS Code waits for the bound ports to be free), ends the engine, drops the spool. */
async function stopEngine(): Promise<void> {
  const engine = engineToStop;
  const context = contextToClean;
  engineToStop = contextToClean = undefined;
  if (!engine) return;
  await engine.dispose();
  if (context) removeSpool(context);
}

export async function deactivate(): Promise<void> {
  await stopEngine();
}
