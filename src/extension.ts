// Activation and wiring only: every part lives in its own file and is disposed with the extension.
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('ZeroMQ', { log: true });
  context.subscriptions.push(log);
  log.info('ZeroMQ Inspector activated');
}

export function deactivate(): void {}
