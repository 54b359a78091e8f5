// Feeds the workspace's source files to the scan worker (in the background, with progress, honouring
// files.exclude, .gitignore and the dependency/build folders inside each workspace folder), rescans a file
// when it changes, and publishes the pairing verdicts: errors and warnings in the Problems panel, the
// rest (notes, skipped files) in the Pairings view only. Scanning, constants and verdicts all run in
// the worker thread: this side only lists files and turns verdicts into diagnostics.
import * as vscode from 'vscode';
import type { Config } from '../config/config';
import { startEventLoopDelay } from '../core/eventLoopDelay';
import { GitignoreFilter } from '../core/scan/gitignoreFilter';
import { SCANNABLE_FILE_GLOB, isScannableFile, relativeToRoots } from '../core/scan/scannableFiles';
import type { FileToScan } from '../core/scan/scanProtocol';
import type { EndpointVerdict, FindingSeverity, SourceRange } from '../core/scan/scanTypes';
import { ScanWorkerClient } from '../core/scan/scanWorkerClient';
import type { SystemsSetting } from '../core/scan/topologySystems';
import type { SkippedFile } from '../core/scan/workspaceScanIndex';

/** Larger files are not read: generated code, data, bundles. */
const MAX_FILE_BYTES = 2 * 1024 * 1024;
const MAX_FILES = 50_000;
const BATCH = 250;
const EDIT_DEBOUNCE_MS = 300;

export class WorkspaceScanner implements vscode.Disposable {
  private readonly client: ScanWorkerClient;
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('zeromq');
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private gitignores = new Map<string, GitignoreFilter>();
  private inventory = new Set<string>();
  private publishTimer?: NodeJS.Timeout;
  private readonly editTimers = new Map<string, NodeJS.Timeout>();
  private scanning?: Promise<void>;
  private current: EndpointVerdict[] = [];
  private skippedFiles: SkippedFile[] = [];
  filesScanned = 0;
  lastScanMs = 0;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly config: Config,
    extensionUri: vscode.Uri,
  ) {
    this.client = new ScanWorkerClient({
      workerPath: vscode.Uri.joinPath(extensionUri, 'dist', 'scanWorker.js').fsPath,
      log: (message) => log.warn(message),
    });
    const watcher = vscode.workspace.createFileSystemWatcher(SCANNABLE_FILE_GLOB);
    this.disposables.push(
      watcher,
      this.diagnostics,
      this.changed,
      watcher.onDidChange((uri) => this.fileChanged(uri)),
      watcher.onDidCreate((uri) => this.fileChanged(uri, true)),
      watcher.onDidDelete((uri) => this.fileDeleted(uri)),
      // Unsaved edits count too: the verdict follows what the user is typing.
      vscode.workspace.onDidChangeTextDocument((e) => this.documentEdited(e.document)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.scanAll()),
      config.onDidChange((keys) => {
        if (keys.has('topology.systems')) void this.scanAll();
      }),
    );
  }

  verdicts(): EndpointVerdict[] {
    return this.current;
  }

  /** Files the scan could not read within its budget, with why. */
  skipped(): SkippedFile[] {
    return this.skippedFiles;
  }

  /** Scans every scannable file of the workspace, with a progress indicator in the window. */
  scanAll(): Promise<void> {
    this.scanning ??= Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'ZeroMQ: scanning sockets' }, async (progress) => {
        const started = Date.now();
        const loopDelay = startEventLoopDelay(5);
        let p99: number;
        try {
          await this.client.configure({ roots: this.roots(), systems: this.systemsSetting(), maxFileBytes: MAX_FILE_BYTES });
          await this.loadGitignores();
          // Default excludes (files.exclude) apply when the exclude argument is undefined.
          const uris = (await vscode.workspace.findFiles(SCANNABLE_FILE_GLOB, undefined, MAX_FILES)).filter((uri) => this.wanted(uri));
          const paths = uris.map(scanPath);
          this.inventory = new Set(paths);
          await this.client.setInventory(paths);
          for (let i = 0; i < uris.length; i += BATCH) {
            await this.client.scan(uris.slice(i, i + BATCH).map((uri) => this.fileToScan(uri)));
            progress.report({ message: `${Math.min(uris.length, i + BATCH)}/${uris.length} files` });
          }
          this.filesScanned = uris.length;
          await this.refresh();
        } finally {
          p99 = loopDelay.stop().p99;
        }
        this.lastScanMs = Date.now() - started;
        this.log.info(
          `Scanned ${this.filesScanned} files for ZeroMQ sockets in ${this.lastScanMs} ms: ${this.current.length} ` +
            `endpoints, ${this.skippedFiles.length} skipped; extension host event loop delay p99 ${p99.toFixed(1)} ms (how late a 5 ms timer ran)`,
        );
        for (const { file, reason } of this.skippedFiles) this.log.info(`${vscode.workspace.asRelativePath(file)}: ${reason}`);
      }),
    ).finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  dispose(): void {
    clearTimeout(this.publishTimer);
    for (const timer of this.editTimers.values()) clearTimeout(timer);
    for (const d of this.disposables) d.dispose();
    this.client.dispose();
  }

  private roots(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).map((f) => scanPath(f.uri));
  }

  private systemsSetting(): SystemsSetting | undefined {
    const value: unknown = this.config.get('topology.systems');
    // A configuration value is a proxy that cannot cross to the worker: hand over a plain copy.
    return value && typeof value === 'object' && !Array.isArray(value) ? (JSON.parse(JSON.stringify(value)) as SystemsSetting) : undefined;
  }

  /** A source file of the workspace, outside dependency/build folders (inside it) and .gitignore. */
  private wanted(uri: vscode.Uri): boolean {
    return uri.scheme === 'file' && isScannableFile(scanPath(uri), this.roots()) && !this.isGitignored(uri);
  }

  private fileToScan(uri: vscode.Uri): FileToScan {
    const path = scanPath(uri);
    const open = vscode.workspace.textDocuments.find((d) => d.isDirty && d.uri.toString() === uri.toString());
    if (open) return { path, text: open.getText() };
    return { path };
  }

  private fileChanged(uri: vscode.Uri, created = false): void {
    if (!this.wanted(uri)) return;
    const path = scanPath(uri);
    void (async () => {
      if (created && !this.inventory.has(path)) {
        this.inventory.add(path);
        await this.client.setInventory([...this.inventory]);
      }
      if (await this.client.scan([this.fileToScan(uri)], true)) this.schedulePublish();
    })().catch((error) => this.log.warn(`Rescanning ${path} failed: ${error}`));
  }

  private fileDeleted(uri: vscode.Uri): void {
    const path = scanPath(uri);
    if (!this.inventory.delete(path)) return;
    void (async () => {
      await this.client.setInventory([...this.inventory]);
      if (await this.client.forget([path])) this.schedulePublish();
    })().catch((error) => this.log.warn(`Forgetting ${path} failed: ${error}`));
  }

  private documentEdited(document: vscode.TextDocument): void {
    if (document.uri.scheme !== 'file' || !this.wanted(document.uri)) return;
    const path = scanPath(document.uri);
    clearTimeout(this.editTimers.get(path));
    this.editTimers.set(
      path,
      setTimeout(() => {
        this.editTimers.delete(path);
        void this.client
          .scan([{ path, text: document.getText() }], true)
          .then((changed) => changed && this.schedulePublish())
          .catch((error) => this.log.warn(`Rescanning ${path} failed: ${error}`));
      }, EDIT_DEBOUNCE_MS),
    );
  }

  private schedulePublish(): void {
    clearTimeout(this.publishTimer);
    this.publishTimer = setTimeout(() => void this.refresh().catch((error) => this.log.warn(`Pairing verdicts failed: ${error}`)), 300);
  }

  private async refresh(): Promise<void> {
    const snapshot = await this.client.verdicts();
    this.current = snapshot.verdicts;
    this.skippedFiles = snapshot.skipped;
    this.publish();
  }

  private publish(): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const verdict of this.current) {
      for (const finding of verdict.findings) {
        // Problems is for what is wrong; notes (valid pairings, lock-step, no binder...) live in the Pairings view.
        if (finding.severity === 'info') continue;
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
    return filter.ignores(relativeToRoots(scanPath(uri), [scanPath(folder.uri)]));
  }
}

/** The path the core uses for a file: its file-system path with `/` separators on every platform. */
export function scanPath(uri: vscode.Uri): string {
  return process.platform === 'win32' ? uri.fsPath.split('\\').join('/') : uri.fsPath;
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
