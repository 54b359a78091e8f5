// Activation and wiring only: every part lives in its own file and is disposed with the extension.
import * as vscode from 'vscode';
import { registerCaptureCommands } from './capture/captureCommands';
import { registerPcapCommands } from './capture/pcapCommands';
import { registerEndpointCommands } from './endpoints/endpointCommands';
import { registerMessageCommands } from './endpoints/messageCommands';
import { CaptureStore } from './core/capture/captureStore';
import { createDefaultRegistry, type DecoderRegistry } from './core/decoders';
import { SessionManager } from './core/session/sessionManager';
import { readFilterPresets } from './core/filter/captureExpressionFilter';
import { errorText } from './core/session/zmqErrors';
import { registerCommand } from './commands/runCommand';
import { Config } from './config/config';
import { DecoderSettings } from './inspector/decoderSettings';
import { EndpointController } from './endpoints/endpointController';
import { EndpointsView } from './endpoints/endpointsView';
import { registerInspector } from './inspector/inspectorPanel';
import { createMonitor } from './monitor/monitorCommands';
import type { TreeDecoder } from './core/filter/filterSubject';
import { MessageDocuments } from './endpoints/messageDocuments';
import { registerPairingCommands } from './topology/pairingCommands';
import { PairingsView } from './topology/pairingsView';
import { RateStatusBar } from './endpoints/rateStatusBar';
import { WorkspaceScanner } from './topology/workspaceScanner';
import { TapController, registerTapCommands } from './taps/tapController';
import { KeyStore, registerKeyCommands } from './security/keyStore';
import { registerReplayCommands, replayOne } from './capture/replayCommands';
import { registerScenarios } from './scenarios/scenarioFeature';
import { DiagnosisSink } from './core/diagnosis/diagnosisSink';
import { DiagnosisController } from './diagnosis/diagnosisController';
import { registerDiagnosisCommands } from './diagnosis/diagnosisCommands';

/** What `activate()` returns: other extensions add decoders; tests read the live state. */
export interface ZeroMqInspectorApi {
  decoders: DecoderRegistry;
  sessions: SessionManager;
  store: CaptureStore;
  controller: EndpointController;
  scanner: WorkspaceScanner;
}

let sessionsToClose: SessionManager | undefined;
let tapsToClose: TapController | undefined;

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
  const store = new CaptureStore(config.captureLimits);
  // Diagnosis watches the capture path after the store: sequence tracking, proposals, subscription maps.
  const diagnosisSink = new DiagnosisSink(store);
  const sessions = new SessionManager(diagnosisSink);
  sessionsToClose = sessions;
  context.subscriptions.push({ dispose: () => sessions.dispose() });
  const sessionEvents = sessions.onDidChange(({ kind, session, event }) => {
    if (kind !== 'event' || !event) return;
    const line = `[${session.name}] ${event.type}${event.address ? ` ${event.address}` : ''}${event.detail ? `: ${event.detail}` : ''}`;
    if (event.severity === 'error') log.error(line);
    else if (event.severity === 'warning') log.warn(line);
    // Reconnect attempts to an absent peer are routine: visible at Debug level and in the Events node.
    else if (event.type.startsWith('connect:') || (event.type === 'close' && session.mode === 'connect')) log.debug(line);
    else log.info(line);
  });
  context.subscriptions.push(new vscode.Disposable(() => sessionEvents.dispose()));

  const decoders = createDefaultRegistry();
  const decoderSettings = new DecoderSettings(decoders, sessions, config, log);
  const keys = new KeyStore(context);
  const controller = new EndpointController(sessions, log, config, keys);
  const taps = new TapController(diagnosisSink, sessions, log, config);
  tapsToClose = taps;
  const diagnosis = new DiagnosisController({
    controller,
    sessions,
    sink: diagnosisSink,
    store,
    keys,
    log,
    replyTimeoutMs: () => config.receiveTimeoutMs,
    verdicts: () => scanner.verdicts(),
  });
  const endpointsView = new EndpointsView(controller, taps, diagnosis);
  const tapWatch = taps.onDidChange(() => taps.list().forEach((tap) => diagnosis.watchTap(tap)));
  const documents = new MessageDocuments();
  const decodeTree: TreeDecoder = (frame, index, view) => {
    const result = decoders.decodeFrame(
      frame,
      { frameIndex: index, frameCount: view.frameCount, sessionId: view.sessionId },
      { rules: decoderSettings.rules() },
    );
    return result.ok ? result.tree : undefined;
  };
  const monitoring = createMonitor(context.extensionUri, {
    store,
    sessions: { name: (id) => sessions.describe(id)?.name ?? id, socketType: (id) => sessions.describe(id)?.type },
    decodeTree,
    // The inspector is made below; the monitor reaches it only when the user clicks.
    inspector: { applyFilter: (filter, selectSeq) => inspector.applyFilter(filter, selectSeq) },
    log: (message) => log.info(message),
  });
  const inspector = registerInspector(context, {
    store,
    sessions: {
      list: () => sessions.list(),
      get: (id) => sessions.describe(id),
      onDidChange: (listener) => sessions.onDidChange(() => listener()),
    },
    decoders,
    getRules: () => decoderSettings.rules(),
    addRule: (rule) => decoderSettings.addRule(rule),
    log: (message) => log.info(message),
    annotate: (seq) => [diagnosisSink.gapMarkerBefore(seq), taps.annotate(seq)].filter(Boolean).join(' · ') || undefined,
    replay: (seq) => replayOne(store, controller, seq),
    getFilterPresets: () => readFilterPresets(config.get('filters.presets')),
    plotField: (spec) => monitoring.panel.plot(spec),
  });
  const captureSessionNames = {
    describe: (id: string) => sessions.describe(id),
    adoptImported: (name: string, type: Parameters<SessionManager['adoptImported']>[1]) => sessions.adoptImported(name, type),
  };
  const scanner = new WorkspaceScanner(log, config, context.extensionUri);
  const pairingsView = new PairingsView(scanner);
  context.subscriptions.push(
    scanner,
    pairingsView,
    vscode.window.createTreeView('zeromq.pairings', { treeDataProvider: pairingsView, showCollapseAll: true }),
    vscode.languages.registerCodeLensProvider([{ scheme: 'file' }], pairingsView),
    ...registerPairingCommands({ controller, scanner, view: pairingsView, log }),
    decoderSettings,
    diagnosis,
    tapWatch,
    ...registerDiagnosisCommands({ diagnosis, controller, taps, sink: diagnosisSink }),
    controller,
    endpointsView,
    documents,
    inspector,
    vscode.window.createTreeView('zeromq.endpoints', { treeDataProvider: endpointsView, showCollapseAll: true }),
    new RateStatusBar(sessions, store),
    ...registerEndpointCommands(controller, keys),
    ...registerKeyCommands(keys),
    ...registerReplayCommands(store, controller),
    ...registerTapCommands(taps),
    ...registerScenarios({ config, store, sessions, controller, keys, log }),
    { dispose: () => void taps.dispose() },
    ...registerMessageCommands({
      controller,
      documents,
      decode: (frame, ctx) => decoders.decodeFrame(frame, ctx, { rules: decoderSettings.rules() }),
      receiveTimeoutMs: () => config.receiveTimeoutMs,
    }),
    ...registerCaptureCommands(store, controller, captureSessionNames, log),
    ...registerPcapCommands(store, captureSessionNames, () => config.captureLimits.maxFrameBytes ?? 1024 * 1024, log),
    registerCommand('zeromq.openInspector', () => inspector.show()),
    ...monitoring.disposables,
    registerCommand('zeromq.showLog', () => log.show()),
    config.onDidChange((keys) => {
      if ([...keys].some((key) => key.startsWith('capture.'))) store.setLimits(config.captureLimits);
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
  return { decoders, sessions, store, controller, scanner };
}

export async function deactivate(): Promise<void> {
  // context.subscriptions close everything too; awaiting here lets VS Code wait until every bound port is free.
  const sessions = sessionsToClose;
  const taps = tapsToClose;
  sessionsToClose = undefined;
  tapsToClose = undefined;
  await Promise.all([sessions?.dispose(), taps?.dispose()]);
}
