// Clear, export (JSON Lines) and import a capture. The engine reads and writes the files next to the
// store; this asks for the file, shows the progress (cancellable) and says how it went.
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { EngineClient } from '../engine/engineClient';
import type { EndpointController } from '../endpoints/endpointController';
import type { EndpointArg } from '../endpoints/endpointCommands';
import { withEngineProgress } from '../commands/engineProgress';
import { runCommand } from '../commands/runCommand';

const SHOW_LOG = 'Show Log';
/** Export and import stream at disk speed; the timeout only catches an engine that stopped answering. */
const FILE_TIMEOUT_MS = 6 * 3600 * 1000;

export function registerCaptureCommands(
  engine: EngineClient,
  controller: EndpointController,
  log: vscode.LogOutputChannel,
): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('zeromq.clearCapture', (arg: EndpointArg) =>
      runCommand(async () => {
        const sessionId = arg?.entry ? controller.get(arg.entry.definition.name)?.sessionId : undefined;
        await engine.call('capture.clear', sessionId ? { sessionId } : {});
      }),
    ),
    vscode.commands.registerCommand('zeromq.exportCapture', () =>
      runCommand(async () => {
        if (!engine.snapshot?.stats.retained) return void vscode.window.showInformationMessage('ZeroMQ: the capture is empty.');
        const uri = await vscode.window.showSaveDialog({
          filters: { 'JSON Lines': ['jsonl'] },
          defaultUri: defaultUri(`zeromq-capture-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`),
        });
        if (!uri) return;
        const path = uri.fsPath;
        const result = await withEngineProgress('ZeroMQ: exporting the capture', (tracking) =>
          engine.call('capture.export', { path }, { ...tracking, timeoutMs: FILE_TIMEOUT_MS }),
        );
        if (result.cancelled) {
          log.info(`Export to ${path} cancelled after ${result.written} messages; the partial file was deleted`);
          return void vscode.window.showInformationMessage(`ZeroMQ: export cancelled; the partial file ${path} was deleted.`);
        }
        const missing = result.missing ? ` ${count(result.missing)} messages were dropped from the capture while exporting.` : '';
        log.info(
          `Exported ${result.written} messages to ${path}${result.missing ? ` (${result.missing} dropped from the capture while exporting)` : ''}`,
        );
        void vscode.window[result.missing ? 'showWarningMessage' : 'showInformationMessage'](
          `ZeroMQ: exported ${count(result.written)} messages to ${path}.${missing}`,
        );
      }),
    ),
    vscode.commands.registerCommand('zeromq.importCapture', () =>
      runCommand(async () => {
        const uris = await vscode.window.showOpenDialog({
          filters: { 'JSON Lines': ['jsonl', 'json', 'txt'] },
          canSelectMany: false,
          openLabel: 'Import',
        });
        if (!uris?.length) return;
        const path = uris[0].fsPath;
        const result = await withEngineProgress('ZeroMQ: importing a capture', (tracking) =>
          engine.call('capture.import', { path, tag: basename(path) }, { ...tracking, timeoutMs: FILE_TIMEOUT_MS }),
        );
        for (const problem of result.errors.slice(0, 100)) log.warn(`Import ${path}:${problem.line}: ${problem.message}`);
        // `errors` keeps the first ones; `skipped` counts every bad line. The count and the first line come
        // first: a toast shows one line, and "Show Log" (every bad line is there) also lets it show the rest.
        const first = result.errors[0];
        const skipped = result.skipped
          ? ` ${count(result.skipped)} bad ${result.skipped === 1 ? 'line' : 'lines'} skipped, the first at line ${first.line}: ${first.message}`
          : '';
        const notify = (method: 'showInformationMessage' | 'showWarningMessage', message: string) => {
          if (!result.skipped) return void vscode.window[method](message);
          void vscode.window[method](message, SHOW_LOG).then((choice) => choice === SHOW_LOG && log.show());
        };
        if (result.cancelled) {
          log.info(`Import of ${path} cancelled after ${result.imported} messages`);
          return notify(
            'showInformationMessage',
            `ZeroMQ: import cancelled; ${count(result.imported)} messages were imported before that.${skipped}`,
          );
        }
        log.info(`Imported ${result.imported} messages from ${path}${result.skipped ? ` (${result.skipped} bad lines skipped)` : ''}`);
        notify(
          result.skipped ? 'showWarningMessage' : 'showInformationMessage',
          `ZeroMQ: imported ${count(result.imported)} messages.${skipped}`,
        );
      }),
    ),
  ];
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** Where to write the inspector's selected messages ("Export selected…"); undefined when cancelled. */
export async function pickSelectionExportPath(count: number): Promise<string | undefined> {
  const uri = await vscode.window.showSaveDialog({
    title: `Export ${count.toLocaleString('en-US')} selected message${count === 1 ? '' : 's'} (JSON Lines)`,
    filters: { 'JSON Lines': ['jsonl'] },
    defaultUri: defaultUri(`zeromq-selection-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`),
  });
  return uri?.fsPath;
}

function defaultUri(name: string): vscode.Uri | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? vscode.Uri.joinPath(folder.uri, name) : undefined;
}
