// Feeds the workspace's source files to the core scanner (in the background, with progress, honouring
// files.exclude and .gitignore), rescans a file when it changes, and publishes the pairing verdicts as
// Diagnostics in the Problems panel.
import * as vscode from 'vscode';
import { GitignoreFilter } from '../core/scan/gitignoreFilter';
import { WorkspaceScanIndex } from '../core/scan';
import { SCANNABLE_FILE_GLOB, isScannableFile, mightUseZeroMQ } from '../core/scan/scannableFiles';
import type { EndpointVerdict, FindingSeverity, SourceRange } from '../core/scan/scanTypes';

const MAX_FILE_BYTES = 2 * 1024 * 1024;
const MAX_FILES = 50_000;
const BATCH = 200;

export class WorkspaceScanner implements vscode.Disposable {
  private readonly index = new WorkspaceScanIndex();
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('zeromq');
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private gitignores = new Map<string, GitignoreFilter>();
  private publishTimer?: NodeJS.Timeout;
  private scanning?: Promise<void>;
  filesScanned = 0;
  lastScanMs = 0;

  constructor(private readonly log: vscode.LogOutputChannel) {
    const watcher = vscode.workspace.createFileSystemWatcher(SCANNABLE_FILE_GLOB);
    this.disposables.push(
      watcher,
      this.diagnostics,
      this.changed,
      watcher.onDidChange((uri) => void this.rescan(uri)),
      watcher.onDidCreate((uri) => void this.rescan(uri)),
      watcher.onDidDelete((uri) => {
        this.index.remove(uri.fsPath);
        this.schedulePublish();
      }),
      // Unsaved edits count too: the verdict follows what the user is typing.
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.scheme === 'file' && isScannableFile(e.document.uri.fsPath))
          this.update(e.document.uri.fsPath, e.document.getText());
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.scanAll()),
    );
  }

  verdicts(): EndpointVerdict[] {
    return this.index.verdicts();
  }

  /** Scans every scannable file of the workspace, with a progress notification in the window. */
  scanAll(): Promise<void> {
    this.scanning ??= Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'ZeroMQ: scanning sockets' }, async (progress) => {
        const started = Date.now();
        await this.loadGitignores();
        // Default excludes (files.exclude) apply when the exclude argument is undefined.
        const uris = (await vscode.workspace.findFiles(SCANNABLE_FILE_GLOB, undefined, MAX_FILES)).filter(
          (uri) => isScannableFile(uri.fsPath) && !this.isGitignored(uri),
        );
        for (let i = 0; i < uris.length; i += BATCH) {
          await Promise.all(uris.slice(i, i + BATCH).map((uri) => this.rescan(uri, false)));
          const done = Math.min(uris.length, i + BATCH);
          progress.report({ message: `${done}/${uris.length} files` });
          // Yield between batches so the extension host stays responsive on a large workspace.
          await new Promise((resolve) => setImmediate(resolve));
        }
        this.filesScanned = uris.length;
        this.lastScanMs = Date.now() - started;
        this.log.info(
          `Scanned ${uris.length} files for ZeroMQ sockets in ${this.lastScanMs} ms: ${this.index.verdicts().length} endpoints`,
        );
        this.publish();
      }),
    ).finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  dispose(): void {
    clearTimeout(this.publishTimer);
    for (const d of this.disposables) d.dispose();
  }

  private async rescan(uri: vscode.Uri, publish = true): Promise<void> {
    if (!isScannableFile(uri.fsPath) || this.isGitignored(uri)) return;
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > MAX_FILE_BYTES) return;
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      this.update(uri.fsPath, text, publish);
    } catch {
      this.index.remove(uri.fsPath);
    }
  }

  private update(path: string, text: string, publish = true): void {
    if (mightUseZeroMQ(text)) this.index.update(path, text);
    else this.index.remove(path);
    if (publish) this.schedulePublish();
  }

  private schedulePublish(): void {
    clearTimeout(this.publishTimer);
    this.publishTimer = setTimeout(() => this.publish(), 300);
  }

  private publish(): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const verdict of this.index.verdicts()) {
      for (const finding of verdict.findings) {
        // Only real problems go to the Problems panel; valid pairings and notes live in the Pairings view.
        if (finding.code === 'valid-pairing') continue;
        const diagnostic = new vscode.Diagnostic(toRange(finding.range), finding.message, toSeverity(finding.severity));
        diagnostic.source = 'ZeroMQ';
        diagnostic.code = finding.code;
        diagnostic.relatedInformation = finding.related.map(
          (r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(r.range.file), toRange(r.range)), r.message),
        );
        const list = byFile.get(finding.range.file) ?? [];
        list.push(diagnostic);
        byFile.set(finding.range.file, list);
      }
    }
    this.diagnostics.clear();
    for (const [file, list] of byFile) this.diagnostics.set(vscode.Uri.file(file), list);
    this.changed.fire();
  }

  private async loadGitignores(): Promise<void> {
    this.gitignores = new Map();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      try {
        const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, '.gitignore')));
        this.gitignores.set(folder.uri.fsPath, new GitignoreFilter(text));
      } catch {
        // No .gitignore: nothing more to skip.
      }
    }
  }

  private isGitignored(uri: vscode.Uri): boolean {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const filter = folder && this.gitignores.get(folder.uri.fsPath);
    if (!filter || !folder) return false;
    return filter.ignores(vscode.workspace.asRelativePath(uri, false));
  }
}

export function toRange(range: SourceRange): vscode.Range {
  return new vscode.Range(range.line, range.character, range.endLine, range.endCharacter);
}

function toSeverity(severity: FindingSeverity): vscode.DiagnosticSeverity {
  return severity === 'error'
    ? vscode.DiagnosticSeverity.Error
    : severity === 'warning'
      ? vscode.DiagnosticSeverity.Warning
      : vscode.DiagnosticSeverity.Information;
}
