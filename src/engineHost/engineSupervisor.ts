// The shell's side of the engine's life: where its crash spool lives (in the extension's storage, one
// folder per extension host, removed when the extension stops), what the user is told when it dies (one
// notification per crash, with "Show Log"; a crash loop says why it stopped), and "Restart Engine".
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EngineClient, type EngineCrash, type HostHandlers } from '../engine/engineClient';
import { peerTextForUi } from '../core/peerText';

const SHOW_LOG = 'Show Log';
const RESTART = 'Restart Engine';

export interface EngineSupervisorOptions {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  helloParams: ConstructorParameters<typeof EngineClient>[0]['helloParams'];
  hostHandlers: HostHandlers;
}

/** Creates the engine client (not started yet) and everything that watches over it. */
export function superviseEngine(options: EngineSupervisorOptions): { engine: EngineClient; disposable: vscode.Disposable } {
  const { context, log } = options;
  const spoolDir = spoolDirFor(context);
  const engine = new EngineClient({
    enginePath: vscode.Uri.joinPath(context.extensionUri, 'dist', 'engine.js').fsPath,
    spoolDir,
    helloParams: options.helloParams,
    hostHandlers: options.hostHandlers,
    log: (level, message) => log[level === 'warn' ? 'warn' : level](message),
  });
  let lastCrash: EngineCrash | undefined;
  const showLog = (choice: string | undefined) => {
    if (choice === SHOW_LOG) log.show();
    if (choice === RESTART) void vscode.commands.executeCommand('zeromq.restartEngine');
  };
  const subscriptions = [
    engine.onDidCrash((crash) => {
      lastCrash = crash;
      if (crash.restarting) return;
      void vscode.window
        .showErrorMessage(
          `ZeroMQ: the engine process that holds the sockets ${crash.reason ?? `stopped (${crash.cause})`}. Its sessions ` +
            'are closed (start them again one by one); the messages captured so far come back with the next start.',
          RESTART,
          SHOW_LOG,
        )
        .then(showLog);
    }),
    engine.onDidStart((start) => {
      const crash = lastCrash;
      lastCrash = undefined;
      if (start.generation === 1 || !crash) return;
      const reopened = start.reopened;
      const sessions = reopened
        ? `${reopened.sessions} ` +
          `session${reopened.sessions === 1 ? '' : 's'}${reopened.taps ? ` and ${reopened.taps} tap${reopened.taps === 1 ? '' : 's'}` : ''} reopened`
        : '';
      const kept = start.restored
        ? `${start.restored.messages.toLocaleString('en-US')} captured messages kept`
        : 'no captured message to restore';
      // A reopen failure quotes settings and peers: shown as text, with no link or icon syntax surviving.
      const failed = reopened?.failures.length
        ? ` Could not reopen ${reopened.failures.map((failure) => peerTextForUi(failure, 300)).join('; ')}.`
        : '';
      void vscode.window
        .showWarningMessage(
          `ZeroMQ: the engine process stopped (${crash.cause}) and was restarted in ` +
            `${(start.startMs / 1000).toFixed(1)} s: ${[sessions, kept].filter(Boolean).join(', ')}.${failed}`,
          SHOW_LOG,
        )
        .then(showLog);
    }),
  ];
  const disposable = vscode.Disposable.from(
    vscode.commands.registerCommand('zeromq.restartEngine', async () => {
      try {
        await engine.restart();
        void vscode.window.showInformationMessage('ZeroMQ: the engine process was restarted.');
      } catch (error) {
        void vscode.window.showErrorMessage(`ZeroMQ: ${error instanceof Error ? error.message : String(error)}`, SHOW_LOG).then(showLog);
      }
    }),
    { dispose: () => subscriptions.forEach((s) => s.dispose()) },
  );
  return { engine, disposable };
}

/**
 * This extension host's spool folder. Folders of extension hosts that are gone (closed windows, crashed
 * hosts) are removed first: nothing restores them.
 */
function spoolDirFor(context: vscode.ExtensionContext): string {
  const root = join((context.storageUri ?? context.globalStorageUri).fsPath, 'capture-spool');
  for (const name of existsSync(root) ? readdirSync(root) : []) {
    const pid = Number(name);
    if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid)) rmSync(join(root, name), { recursive: true, force: true });
  }
  const dir = join(root, String(process.pid));
  // A folder left by an earlier host of the same pid holds another session's capture.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Removes the spool: the extension stops, so nothing will restore it. */
export function removeSpool(context: vscode.ExtensionContext): void {
  rmSync(join((context.storageUri ?? context.globalStorageUri).fsPath, 'capture-spool', String(process.pid)), {
    recursive: true,
    force: true,
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
