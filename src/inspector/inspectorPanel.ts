// The Message Inspector webview panel: creates or revives the panel, serves its HTML, and relays between
// the webview and the InspectorBackend that answers it inside the engine (next to the capture store). A
// request the engine cannot take (it is restarting) is answered here with an error, so no webview promise
// hangs; after an engine restart the page reloads and restores its own state against the new backend.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { EngineClient } from '../engine/engineClient';
import { MessageType, type FromWebviewMessage, type ToWebviewMessage } from '../shared/inspectorProtocol';
import { createNonce, inspectorHtml } from './inspectorHtml';

export class InspectorPanel implements vscode.Disposable {
  static readonly viewType = 'zeromq.inspector';
  static readonly title = 'ZeroMQ Inspector';

  private panel: vscode.WebviewPanel | undefined;
  private panelId = '';
  private panelDisposables: vscode.Disposable[] = [];
  private readonly engineSubscriptions: Array<{ dispose(): void }>;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly engine: EngineClient,
    private readonly log: (message: string) => void,
  ) {
    this.engineSubscriptions = [
      engine.onEvent((event) => {
        if (event.event !== 'inspector.post' || event.body.panelId !== this.panelId || !this.panel) return;
        const webview = this.panel.webview;
        for (const message of event.body.messages) void webview.postMessage(message);
      }),
      // A new engine has a new backend for this panel (reopened by the client): the page starts over.
      engine.onDidStart((start) => {
        if (start.generation > 1 && this.panel) this.load(this.panel.webview);
      }),
    ];
  }

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
    for (const subscription of this.engineSubscriptions) subscription.dispose();
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
    const panelId = (this.panelId = randomUUID());
    const webview = panel.webview;
    webview.options = this.webviewOptions();
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'zeromq.svg');
    void this.engine.request('inspector.open', { panelId, visible: panel.visible }).then((opened) => {
      if (!opened.ok) this.log(`Inspector: ${opened.error.message}`);
    });
    this.panelDisposables = [
      webview.onDidReceiveMessage((message: FromWebviewMessage) => void this.relay(panelId, webview, message)),
      panel.onDidChangeViewState(
        (event) => void this.engine.request('inspector.visible', { panelId, visible: event.webviewPanel.visible }),
      ),
      panel.onDidDispose(() => this.detach()),
    ];
    this.load(webview);
  }

  private load(webview: vscode.Webview): void {
    webview.html = inspectorHtml({
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'inspector.css')).toString(),
      cspSource: webview.cspSource,
      nonce: createNonce(),
    });
  }

  private async relay(panelId: string, webview: vscode.Webview, message: FromWebviewMessage): Promise<void> {
    const outcome = await this.engine.request('inspector.message', { panelId, message });
    if (outcome.ok) return;
    this.log(`Inspector: ${outcome.error.message}`);
    const requestId = (message as { requestId?: unknown }).requestId;
    if (typeof requestId === 'number') {
      const reply: ToWebviewMessage = {
        type: MessageType.Response,
        requestId,
        error: `The ZeroMQ engine could not answer: ${outcome.error.message}`,
      };
      void webview.postMessage(reply);
    }
  }

  private detach(): void {
    for (const disposable of this.panelDisposables) disposable.dispose();
    this.panelDisposables = [];
    if (this.panelId) void this.engine.request('inspector.close', { panelId: this.panelId });
    this.panelId = '';
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
): { show(): void; dispose(): void } {
  const inspector = new InspectorPanel(context.extensionUri, engine, log);
  const serializer = vscode.window.registerWebviewPanelSerializer(InspectorPanel.viewType, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
      inspector.revive(panel);
    },
  });
  const handle = {
    show: () => inspector.show(),
    dispose: () => {
      serializer.dispose();
      inspector.dispose();
    },
  };
  context.subscriptions.push(handle);
  return handle;
}
