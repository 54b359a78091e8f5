// Inline results: ✓ or ✗ with the step's time (and, for a failure, what was expected and what came) at
// the end of each step's line, until the document is edited.
import * as vscode from 'vscode';
import { formatMs, type StepResult } from '../core/scenario/scenarioRunner';

interface LineResult {
  status: 'running' | 'passed' | 'failed' | 'skipped';
  text: string;
  /** The failure in full, on hover (the Test Explorer also shows it beside the line). */
  hover?: string;
}

export class ScenarioDecorations implements vscode.Disposable {
  private readonly types = {
    running: vscode.window.createTextEditorDecorationType({
      after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('descriptionForeground') },
    }),
    passed: vscode.window.createTextEditorDecorationType({
      after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('testing.iconPassed') },
    }),
    failed: vscode.window.createTextEditorDecorationType({
      after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('testing.iconFailed') },
    }),
    skipped: vscode.window.createTextEditorDecorationType({
      after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('testing.iconSkipped') },
    }),
  };
  private readonly results = new Map<string, Map<number, LineResult>>();
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      vscode.window.onDidChangeVisibleTextEditors(() => this.applyAll()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length && this.results.delete(e.document.uri.toString())) this.apply(e.document.uri);
      }),
    ];
  }

  running(uri: vscode.Uri, line: number): void {
    this.set(uri, line, { status: 'running', text: '… running' });
  }

  step(uri: vscode.Uri, result: StepResult): void {
    const time = formatMs(result.durationMs);
    if (result.status === 'passed') return this.set(uri, result.step.line, { status: 'passed', text: `✓ ${time}` });
    if (result.status === 'skipped') return this.set(uri, result.step.line, { status: 'skipped', text: '– skipped' });
    // VS Code draws the failure message beside the line already (the test message's location): ✗ and the time here.
    const hover = [result.message, ...(result.received ? [`received: ${result.received}`] : [])].join('\n').slice(0, 2000);
    this.set(uri, result.step.line, { status: 'failed', text: `✗ ${time}`, hover });
  }

  /** Forgets the results of lines `from`..`to` (1-based, inclusive): a scenario about to run again. */
  clear(uri: vscode.Uri, from = 1, to = Infinity): void {
    const lines = this.results.get(uri.toString());
    for (const line of [...(lines?.keys() ?? [])]) if (line >= from && line <= to) lines!.delete(line);
    this.apply(uri);
  }

  /** The decoration text of a line (for tests of the extension). */
  textAt(uri: vscode.Uri, line: number): string | undefined {
    return this.results.get(uri.toString())?.get(line)?.text;
  }

  private set(uri: vscode.Uri, line: number, result: LineResult): void {
    const key = uri.toString();
    let lines = this.results.get(key);
    if (!lines) this.results.set(key, (lines = new Map()));
    lines.set(line, result);
    this.apply(uri);
  }

  private applyAll(): void {
    for (const editor of vscode.window.visibleTextEditors) this.apply(editor.document.uri);
  }

  private apply(uri: vscode.Uri): void {
    const lines = this.results.get(uri.toString());
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() !== uri.toString()) continue;
      for (const status of ['running', 'passed', 'failed', 'skipped'] as const) {
        const options: vscode.DecorationOptions[] = [];
        for (const [line, result] of lines ?? []) {
          if (result.status !== status || line > editor.document.lineCount) continue;
          const end = editor.document.lineAt(line - 1).range.end;
          // Peer text: shown as text, never as markdown.
          const hoverMessage = result.hover ? new vscode.MarkdownString().appendText(result.hover) : undefined;
          options.push({ range: new vscode.Range(end, end), hoverMessage, renderOptions: { after: { contentText: result.text } } });
        }
        editor.setDecorations(this.types[status], options);
      }
    }
  }

  dispose(): void {
    for (const type of Object.values(this.types)) type.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
