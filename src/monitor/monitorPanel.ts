// The monitoring panel: a webview beside the inspector with live rate charts and plotted fields. One
// panel; its MonitorBackend (no `vscode`) lives as long as the panel does.
import * as vscode from 'vscode';
import type { FieldPlotSpec } from '../core/monitor/trafficSampler';
import type { FromMonitorMessage } from '../shared/monitorProtocol';
import { MonitorBackend, type MonitorDeps } from './monitorBackend';
import { monitorHtml } from './monitorHtml';

export class MonitorPanel implements vscode.Disposable {
  static readonly viewType = 'zeromq.monitor';
  private panel: vscode.WebviewPanel | undefined;
  private backend: MonitorBackend | undefined;
  private disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly deps: MonitorDeps,
  ) {}

  show(): MonitorBackend {
    if (this.panel && this.backend) {
      this.panel.reveal(undefined, true);
      return this.backend;
    }
    const panel = vscode.window.createWebviewPanel(
      MonitorPanel.viewType,
      'ZeroMQ Monitor',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      {
        enableScripts: true,
        retainContextWhenHidden: false,
        localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
      },
    );
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'zeromq.svg');
    const webview = panel.webview;
    const backend = new MonitorBackend(this.deps, (message) => void webview.postMessage(message));
    this.panel = panel;
    this.backend = backend;
    this.disposables = [
      webview.onDidReceiveMessage((message: FromMonitorMessage) => backend.handle(message)),
      panel.onDidChangeViewState((event) => backend.setVisible(event.webviewPanel.visible)),
      panel.onDidDispose(() => this.detach()),
    ];
    const uri = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...path)).toString();
    webview.html = monitorHtml({
      scriptUri: uri('dist', 'monitor.js'),
      styleUris: [uri('dist', 'monitor.css'), uri('media', 'monitor.css')],
      cspSource: webview.cspSource,
    });
    return backend;
  }

  /** Opens the panel (if needed) and plots the field; returns its label. */
  plot(spec: FieldPlotSpec): string {
    return this.show().plot(spec);
  }

  dispose(): void {
    this.panel?.dispose();
    this.detach();
  }

  private detach(): void {
    for (const d of this.disposables) d.dispose();
    this.disposables = [];
    this.backend?.dispose();
    this.backend = undefined;
    this.panel = undefined;
  }
}
