// "ZeroMQ: Open Monitoring Panel" and the panel's wiring to the inspector: a topic or time range picked
// in a chart filters the inspector; a plotted point opens its message there (the engine's monitor backend
// asks the host for both).
import * as vscode from 'vscode';
import { registerCommand } from '../commands/runCommand';
import type { EngineClient } from '../engine/engineClient';
import { MonitorPanel } from './monitorPanel';

export function createMonitor(
  extensionUri: vscode.Uri,
  engine: EngineClient,
  log: (message: string) => void,
): { panel: MonitorPanel; disposables: vscode.Disposable[] } {
  const panel = new MonitorPanel(extensionUri, engine, log);
  return { panel, disposables: [panel, registerCommand('zeromq.openMonitor', () => void panel.show())] };
}
