// Clear, export (JSON Lines) and import a capture.
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { basename } from 'node:path';
import { rm, stat } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import * as vscode from 'vscode';
import type { CaptureStore } from '../core/capture/captureStore';
import { exportJsonLinesToStream, importedSessionIds, importJsonLinesFromStream } from '../core/capture/captureJsonl';
import type { SocketTypeName } from '../core/types';
import type { EndpointController } from '../endpoints/endpointController';
import type { EndpointArg } from '../endpoints/endpointCommands';
import { runCommand } from '../commands/runCommand';

const MAX_IMPORT_BYTES = 1024 * 1024 * 1024;
const SHOW_LOG = 'Show Log';

/** What export and import need to know of sessions beyond their ids. */
export interface CaptureSessionNames {
  /** Name and socket type of a session id (open, closed, a tap's or an imported one). */
  describe(id: string): { name: string; type: string } | undefined;
  /** A new session id, in this window, for the messages of one session of an imported file. */
  adoptImported(name: string, type: SocketTypeName | undefined): string;
}

export function registerCaptureCommands(
  store: CaptureStore,
  controller: EndpointController,
  sessionNames: CaptureSessionNames,
  log: vscode.LogOutputChannel,
): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('zeromq.clearCapture', (arg: EndpointArg) =>
      runCommand(async () => {
        const session = arg?.entry ? controller.get(arg.entry.definition.name)?.session : undefined;
        if (session) {
          store.removeSession(session.id);
          return;
        }
        store.clear();
      }),
    ),
    vscode.commands.registerCommand('zeromq.exportCapture', () =>
      runCommand(async () => {
        if (!store.size) return void vscode.window.showInformationMessage('ZeroMQ: the capture is empty.');
        const uri = await vscode.window.showSaveDialog({
          filters: { 'JSON Lines': ['jsonl'] },
          defaultUri: defaultUri(`zeromq-capture-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`),
        });
        if (!uri) return;
        const path = uri.fsPath;
        const result = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: 'ZeroMQ: exporting the capture', cancellable: true },
          async (progress, token) => {
            const out = createWriteStream(path);
            // Listens from the start: an error (say, failing to open) may come while nothing else listens.
            const closed = finished(out);
            closed.catch(() => undefined);
            const abort = new AbortController();
            const cancellation = token.onCancellationRequested(() => abort.abort());
            const report = progressReporter(progress);
            try {
              const result = await exportJsonLinesToStream(store, out, {
                describeSession: (id) => sessionNames.describe(id),
                signal: abort.signal,
                onProgress: (written, total) => report(written / total, `${count(written)} of ${count(total)} messages`),
              });
              if (result.cancelled) await discard(out, path);
              else {
                out.end();
                await closed;
              }
              return result;
            } catch (error) {
              await discard(out, path);
              throw error;
            } finally {
              cancellation.dispose();
            }
          },
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
        const size = (await stat(path)).size;
        if (size > MAX_IMPORT_BYTES) throw new Error(`The file is ${size} bytes; imports are limited to 1 GiB.`);
        const result = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: 'ZeroMQ: importing a capture', cancellable: true },
          async (progress, token) => {
            const abort = new AbortController();
            const cancellation = token.onCancellationRequested(() => abort.abort());
            const report = progressReporter(progress);
            try {
              return await importJsonLinesFromStream(createReadStream(path, { highWaterMark: 1024 * 1024 }), store, {
                tag: basename(path),
                sessionIdFor: importedSessionIds((name, type) => sessionNames.adoptImported(name, type)),
                signal: abort.signal,
                onProgress: (bytesRead) => report(size ? bytesRead / size : 1, bytesOf(bytesRead, size)),
              });
            } finally {
              cancellation.dispose();
            }
          },
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

/** Reports progress as a fraction done, to the whole percent (a report per chunk would flood the UI). */
function progressReporter(
  progress: vscode.Progress<{ message?: string; increment?: number }>,
): (fraction: number, message: string) => void {
  let reported = 0;
  return (fraction, message) => {
    const percent = Math.floor(Math.min(1, Math.max(0, fraction)) * 100);
    if (percent <= reported) return;
    progress.report({ message, increment: percent - reported });
    reported = percent;
  };
}

/** Closes the stream and deletes its file, what was written of it being of no use. */
async function discard(out: WriteStream, path: string): Promise<void> {
  if (!out.closed) {
    const closed = new Promise<void>((resolve) => out.once('close', () => resolve()));
    out.destroy();
    await closed;
  }
  await rm(path, { force: true }).catch(() => undefined);
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** "3.2 of 45.7 MB", in the unit that suits the total: a small file read "0 of 0 MB" in megabytes. */
function bytesOf(done: number, total: number): string {
  const [unit, name] = (
    [
      [1024 ** 3, 'GB'],
      [1024 ** 2, 'MB'],
      [1024, 'KB'],
    ] as const
  ).find(([u]) => total >= u) ?? [1, 'bytes'];
  const format = (bytes: number) => (bytes / unit).toLocaleString('en-US', { maximumFractionDigits: 1 });
  return `${format(done)} of ${format(total)} ${name}`;
}

function defaultUri(name: string): vscode.Uri | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? vscode.Uri.joinPath(folder.uri, name) : undefined;
}
