// The Message Inspector webview panel: creates or revives the panel, serves its HTML, and relays between
// the webview and the InspectorBackend that answers it inside the engine (next to the capture store). A
// request the engine cannot take (it is restarting) is answered here with an error, so no webview promise
// hangs; after an engine restart the page reloads and restores its own state against the new backend.
import * as vscode from 'vscode';
import type { EngineClient } from '../engine/engineClient';
import { PanelRelay } from '../engineHost/panelRelay';
import { MessageType, type FilterSpec, type ToWebviewMessage } from '../shared/inspectorProtocol';
import { createNonce, inspectorHtml } from './inspectorHtml';

export class InspectorPanel implements vscode.Disposable {
  static readonly viewType = 'zeromq.inspector';
  static readonly title = 'ZeroMQ Inspector';

  private panel: vscode.WebviewPanel | undefined;
  private relay: PanelRelay | undefined;
  private panelDisposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly engine: EngineClient,
    private readonly log: (message: string) => void,
  ) {}

  /** Creates the panel, or brings the existing one to the front. */
  show(): void {
    if (this.panel) {
      this.panel.reveal(undefined, false);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      InspectorPanel.viewType,
      InspectorPanel.title,
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      this.webviewOptions(),
    );
    this.attach(panel);
  }

  /** Shows the inspector with these filter fields set (and a message selected): from the monitoring panel. */
  applyFilter(filter: Partial<FilterSpec>, selectSeq?: number): void {
    this.show();
    const relay = this.relay;
    if (!relay) return;
    void this.engine.request('inspector.applyFilter', {
      panelId: relay.panelId,
      filter,
      ...(selectSeq !== undefined ? { selectSeq } : {}),
    });
  }

  /** The engine's id of the open panel (its backend knows what the filter shows). */
  get panelId(): string | undefined {
    return this.relay?.panelId;
  }

  /** Adopts a panel VS Code restored after a window reload; the webview restores its own state. */
  revive(panel: vscode.WebviewPanel): void {
    if (this.panel) {
      // Only one inspector: a second restored panel (two windows' worth of state) is closed.
      panel.dispose();
      this.panel.reveal(undefined, true);
      return;
    }
    this.attach(panel);
  }

  dispose(): void {
    this.panel?.dispose();
    this.detach();
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      // The list is cheap to rebuild from persisted state; keeping a hidden webview alive is not.
      retainContextWhenHidden: false,
      enableFindWidget: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    const webview = panel.webview;
    webview.options = this.webviewOptions();
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'zeromq.svg');
    this.relay = new PanelRelay({
      engine: this.engine,
      kind: 'inspector',
      panel,
      load: () => this.load(webview),
      log: this.log,
      // A request the engine could not take (it is restarting) is answered, so no webview promise hangs.
      undelivered: (message, error) => {
        const requestId = (message as { requestId?: unknown }).requestId;
        if (typeof requestId !== 'number') return;
        const reply: ToWebviewMessage = {
          type: MessageType.Response,
          requestId,
          error: `The ZeroMQ engine could not answer: ${error.message}`,
        };
        void webview.postMessage(reply);
      },
    });
    this.panelDisposables = [panel.onDidDispose(() => this.detach())];
    this.load(webview);
  }

  private load(webview: vscode.Webview): void {
    webview.html = inspectorHtml({
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'inspector.css')).toString(),
      // The codicon font's sheet: without it every icon (direction arrows, Topics, the columns gear) is blank.
      iconStyleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.css')).toString(),
      cspSource: webview.cspSource,
      nonce: createNonce(),
    });
  }

  private detach(): void {
    for (const disposable of this.panelDisposables) disposable.dispose();
    this.panelDisposables = [];
    this.relay?.dispose();
    this.relay = undefined;
    this.panel = undefined;
  }
}

/**
 * Registers the serializer that brings the inspector back after a window reload (its filter,
 * selection and scroll live in the webview state) and returns the inspector's controls.
 */
export function registerInspector(
  context: vscode.ExtensionContext,
  engine: EngineClient,
  log: (message: string) => void,
): { show(): void; applyFilter(filter: Partial<FilterSpec>, selectSeq?: number): void; panelId(): string | undefined; dispose(): void } {
  const inspector = new InspectorPanel(context.extensionUri, engine, log);
  const serializer = vscode.window.registerWebviewPanelSerializer(InspectorPanel.viewType, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
      inspector.revive(panel);
    },
  });
  const handle = {
    show: () => inspector.show(),
    applyFilter: (filter: Partial<FilterSpec>, selectSeq?: number) => inspector.applyFilter(filter, selectSeq),
    panelId: () => inspector.panelId,
    dispose: () => {
      serializer.dispose();
      inspector.dispose();
    },
  };
  context.subscriptions.push(handle);
  return handle;
}
