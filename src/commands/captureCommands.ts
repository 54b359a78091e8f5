// Clear, export (JSON Lines) and import a capture.
import { createWriteStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { CaptureStore } from '../core/captureStore';
import { exportJsonLines, importJsonLines } from '../core/captureJsonl';
import { errorText } from '../core/zmqErrors';
import type { EndpointController } from '../endpointController';
import type { EndpointArg } from './endpointCommands';

const MAX_IMPORT_BYTES = 1024 * 1024 * 1024;

export function registerCaptureCommands(store: CaptureStore, controller: EndpointController, log: vscode.LogOutputChannel): vscode.Disposable[] {
  const run = (fn: () => Promise<unknown>) => fn().catch((error) => vscode.window.showErrorMessage(`ZeroMQ: ${errorText(error)}`));
  return [
    vscode.commands.registerCommand('zeromq.clearCapture', (arg: EndpointArg) =>
      run(async () => {
        const session = arg?.entry ? controller.get(arg.entry.definition.name)?.session : undefined;
        if (session) {
          store.removeSession(session.id);
          return;
        }
        store.clear();
      }),
    ),
    vscode.commands.registerCommand('zeromq.exportCapture', () =>
      run(async () => {
        if (!store.size) return void vscode.window.showInformationMessage('ZeroMQ: the capture is empty.');
        const uri = await vscode.window.showSaveDialog({ filters: { 'JSON Lines': ['jsonl'] }, defaultUri: defaultUri(`zeromq-capture-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`) });
        if (!uri) return;
        const out = createWriteStream(uri.fsPath);
        let lines = 0;
        await new Promise<void>((resolve, reject) => {
          out.on('error', reject);
          exportJsonLines(store, (line) => {
            out.write(line + '\n');
            lines++;
          });
          out.end(resolve);
        });
        log.info(`Exported ${lines} messages to ${uri.fsPath}`);
        void vscode.window.showInformationMessage(`ZeroMQ: exported ${lines.toLocaleString('en-US')} messages to ${uri.fsPath}.`);
      }),
    ),
    vscode.commands.registerCommand('zeromq.importCapture', () =>
      run(async () => {
        const uris = await vscode.window.showOpenDialog({ filters: { 'JSON Lines': ['jsonl', 'json', 'txt'] }, canSelectMany: false, openLabel: 'Import' });
        if (!uris?.length) return;
        const size = (await stat(uris[0].fsPath)).size;
        if (size > MAX_IMPORT_BYTES) throw new Error(`The file is ${size} bytes; imports are limited to 1 GiB.`);
        const result = importJsonLines(await readFile(uris[0].fsPath, 'utf8'), store);
        for (const problem of result.errors.slice(0, 100)) log.warn(`Import ${uris[0].fsPath}:${problem.line}: ${problem.message}`);
        // `errors` keeps the first ones; `skipped` counts every bad line.
        const skipped = result.skipped ? ` ${result.skipped.toLocaleString('en-US')} line(s) skipped (see the ZeroMQ log): line ${result.errors[0].line}: ${result.errors[0].message}` : '';
        void vscode.window[result.skipped ? 'showWarningMessage' : 'showInformationMessage'](`ZeroMQ: imported ${result.imported.toLocaleString('en-US')} messages.${skipped}`);
      }),
    ),
  ];
}

function defaultUri(name: string): vscode.Uri | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? vscode.Uri.joinPath(folder.uri, name) : undefined;
}
