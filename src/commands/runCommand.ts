// The one error boundary of every command: a failure becomes one notification, a cancelled command says nothing.
import * as vscode from 'vscode';
import { ZmqUserError, errorText } from '../core/session/zmqErrors';

export async function runCommand(fn: () => unknown): Promise<void> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof vscode.CancellationError || (error instanceof ZmqUserError && error.code === 'ECANCELED')) return;
    void vscode.window.showErrorMessage(`ZeroMQ: ${errorText(error)}`);
  }
}

/** Registers a command whose handler runs inside runCommand. */
export function registerCommand<A extends unknown[]>(id: string, handler: (...args: A) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, (...args: A) => runCommand(() => handler(...args)));
}
