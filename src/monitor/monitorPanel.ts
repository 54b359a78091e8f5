// The monitoring panel: a webview beside the inspector with live rate charts and plotted fields. One
// panel; its MonitorBackend lives in the engine (next to the capture it samples) as long as the panel does.
import * as vscode from 'vscode';
import type { FieldPlotSpec } from '../core/monitor/trafficSampler';
import type { EngineClient } from '../engine/engineClient';
import { PanelRelay } from '../engineHost/panelRelay';
import { monitorHtml } from './monitorHtml';

export class MonitorPanel implements vscode.Disposable {
  static readonly viewType = 'zeromq.monitor';
  private panel: vscode.WebviewPanel | undefined;
  private relay: PanelRelay | undefined;
  private disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly engine: EngineClient,
    private readonly log: (message: string) => void,
  ) {}

  /** Opens the panel, or brings it to the front; returns the id of its backend in the engine. */
  show(): string {
    if (this.panel && this.relay) {
      // Hidden behind another tab of its group (the inspector opened over it): beside, so both show.
      this.panel.reveal(this.panel.visible ? undefined : vscode.ViewColumn.Beside, true);
      return this.relay.panelId;
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
    const load = () => {
      const uri = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...path)).toString();
      webview.html = monitorHtml({
        scriptUri: uri('dist', 'monitor.js'),
        styleUris: [uri('dist', 'monitor.css'), uri('media', 'monitor.css')],
        cspSource: webview.cspSource,
      });
    };
    const relay = new PanelRelay({ engine: this.engine, kind: 'monitor', panel, load, log: this.log });
    this.panel = panel;
    this.relay = relay;
    this.disposables = [panel.onDidDispose(() => this.detach())];
    load();
    return relay.panelId;
  }

  /** Opens the panel (if needed) and plots the field; returns its label. */
  async plot(spec: FieldPlotSpec): Promise<string> {
    const panelId = this.show();
    return (await this.engine.call('monitor.plot', { panelId, spec })).label;
  }

  dispose(): void {
    this.panel?.dispose();
    this.detach();
  }

  private detach(): void {
    for (const d of this.disposables) d.dispose();
    this.disposables = [];
    this.relay?.dispose();
    this.relay = undefined;
    this.panel = undefined;
  }
}
