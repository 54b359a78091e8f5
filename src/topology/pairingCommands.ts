// Probe Endpoint… (the passive ZMTP probe), Sniff This Endpoint (opens the right observing session, with
// the passive/intrusive warning) and Rescan Workspace.
import * as vscode from 'vscode';
import { parseEndpoint } from '../core/session/endpoint';
import { observerFor, parseSocketType } from '../core/session/socketTypes';
import type { SocketTypeName } from '../core/types';
import { probeEndpoint, type ProbeResult } from '../core/zmtp/zmtpProbe';
import type { EndpointController } from '../endpoints/endpointController';
import { connectableAddress } from '../core/scan/connectableAddress';
import type { EndpointVerdict } from '../core/scan/scanTypes';
import { probeSummary } from '../core/zmtp/zmtpProbe';
import type { PairingNode, PairingsView } from './pairingsView';
import type { WorkspaceScanner } from './workspaceScanner';
import { inputAddress } from '../endpoints/addressInput';
import { runCommand } from '../commands/runCommand';

export interface PairingCommandDeps {
  controller: EndpointController;
  scanner: WorkspaceScanner;
  view: PairingsView;
  log: vscode.LogOutputChannel;
}

/** The endpoint a command was invoked on (from the tree or a CodeLens), if any. */
function verdictOf(node: PairingNode | undefined): EndpointVerdict | undefined {
  return node && 'verdict' in node ? node.verdict : undefined;
}

async function probe(deps: PairingCommandDeps, node: PairingNode | undefined): Promise<ProbeResult | undefined> {
  const verdict = verdictOf(node);
  const address = verdict
    ? connectableAddress(verdict)
    : await inputAddress('connect', undefined, 'Probe a tcp endpoint (nothing is sent past the handshake)');
  if (!address) return undefined;
  if (!parseEndpoint(address, { mode: 'connect' }).ok || !address.startsWith('tcp://')) {
    void vscode.window.showWarningMessage(`ZeroMQ: only tcp:// endpoints can be probed (${address}).`);
    return undefined;
  }
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `ZeroMQ: probing ${address}` },
    () => probeEndpoint(address, { timeoutMs: 3000 }),
  );
  deps.log.info(`Probe ${address}: ${probeSummary(result)}: ${result.explanation}`);
  if (verdict) deps.view.setProbe(verdict, result);
  const message = `ZeroMQ probe of ${address}: ${probeSummary(result)}. ${result.kind === 'zmtp3' ? result.explanation : ''}`.trim();
  if (result.kind === 'zmtp3' && result.socketType) {
    void vscode.window.showInformationMessage(message, 'Sniff').then((choice) => {
      if (choice) void sniff(deps, address, parseSocketType(result.socketType!));
    });
  } else void vscode.window.showWarningMessage(message);
  return result;
}

/** Opens a session that observes `address`, whose peer is `peerType`, after saying what it costs. */
async function sniff(deps: PairingCommandDeps, address: string, peerType: SocketTypeName | undefined): Promise<void> {
  if (!peerType) {
    const result = await probeEndpoint(address, { timeoutMs: 3000 });
    peerType = result.socketType ? parseSocketType(result.socketType) : undefined;
    if (!peerType) {
      void vscode.window.showWarningMessage(`ZeroMQ: cannot tell what socket listens on ${address}: ${result.explanation}`);
      return;
    }
  }
  const advice = observerFor(peerType);
  if (!advice.observer) return;
  if (!advice.passive) {
    const go = await vscode.window.showWarningMessage(
      `Observing a ${peerType} with a ${advice.observer} is intrusive.`,
      { modal: true, detail: advice.reason },
      `Open ${advice.observer} anyway`,
    );
    if (!go) return;
  }
  const port = /:(\d+)$/.exec(address)?.[1] ?? 'x';
  let name = `sniff-${port}`;
  for (let i = 2; deps.controller.get(name); i++) name = `sniff-${port}-${i}`;
  await deps.controller.addAndStart({
    name,
    type: advice.observer,
    mode: 'connect',
    address,
    ...(advice.observer === 'SUB' ? { subscriptions: [''] } : {}),
  });
  void vscode.window
    .showInformationMessage(
      `ZeroMQ: ${name} (${advice.observer}) is ${advice.passive ? 'sniffing' : 'connected to'} ${address}.`,
      'Open Inspector',
    )
    .then((c) => c && vscode.commands.executeCommand('zeromq.openInspector'));
}

export function registerPairingCommands(deps: PairingCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('zeromq.probeEndpoint', (node?: PairingNode) => runCommand(() => probe(deps, node))),
    vscode.commands.registerCommand('zeromq.sniffEndpoint', (node?: PairingNode) =>
      runCommand(async () => {
        const verdict = verdictOf(node);
        const address = verdict ? connectableAddress(verdict) : await inputAddress('connect', undefined, 'Endpoint to sniff');
        if (!address) return;
        const probed = verdict ? deps.view.probes.get(verdict.endpoint)?.socketType : undefined;
        // The probe's answer beats the code's: the code may be stale, the probe saw the live socket.
        const peerType = probed ? parseSocketType(probed) : verdict?.binders.find((b) => b.socketType)?.socketType;
        await sniff(deps, address, peerType);
      }),
    ),
    vscode.commands.registerCommand('zeromq.rescanWorkspace', () => runCommand(() => deps.scanner.scanAll())),
  ];
}
