// The Message Inspector webview panel: creates or revives the panel, serves its HTML, and connects it
// to an InspectorBackend (which answers every request without touching `vscode`).
import * as vscode from 'vscode';
import { InspectorBackend, type InspectorDeps } from './inspectorBackend';
import { createNonce, inspectorHtml } from './inspectorHtml';
import type { FilterSpec, FromWebviewMessage } from '../shared/inspectorProtocol';

export type { InspectorDeps } from './inspectorBackend';

export class InspectorPanel implements vscode.Disposable {
  static readonly viewType = 'zeromq.inspector';
  static readonly title = 'ZeroMQ Inspector';

  private panel: vscode.WebviewPanel | undefined;
  private backend: InspectorBackend | undefined;
  private panelDisposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly deps: InspectorDeps,
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
    this.backend?.applyFilter(filter, selectSeq);
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
    const backend = new InspectorBackend(this.deps, {
      post: (message) => {
        void webview.postMessage(message);
      },
      writeClipboard: async (text) => {
        await vscode.env.clipboard.writeText(text);
      },
    });
    this.backend = backend;
    backend.setVisible(panel.visible);
    this.panelDisposables = [
      webview.onDidReceiveMessage((message: FromWebviewMessage) => {
        backend
          .handle(message)
          .catch((error: unknown) => this.deps.log(`Inspector: ${error instanceof Error ? error.message : String(error)}`));
      }),
      panel.onDidChangeViewState((event) => backend.setVisible(event.webviewPanel.visible)),
      panel.onDidDispose(() => this.detach()),
    ];
    webview.html = inspectorHtml({
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'inspector.css')).toString(),
      iconStyleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.css')).toString(),
      cspSource: webview.cspSource,
      nonce: createNonce(),
    });
  }

  private detach(): void {
    for (const disposable of this.panelDisposables) disposable.dispose();
    this.panelDisposables = [];
    this.backend?.dispose();
    this.backend = undefined;
    this.panel = undefined;
  }
}

/**
 * Registers the serializer that brings the inspector back after a window reload (its filter,
 * selection and scroll live in the webview state) and returns the inspector's controls.
 */
export function registerInspector(
  context: vscode.ExtensionContext,
  deps: InspectorDeps,
): { show(): void; applyFilter(filter: Partial<FilterSpec>, selectSeq?: number): void; dispose(): void } {
  const inspector = new InspectorPanel(context.extensionUri, deps);
  const serializer = vscode.window.registerWebviewPanelSerializer(InspectorPanel.viewType, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
      inspector.revive(panel);
    },
  });
  const handle = {
    show: () => inspector.show(),
    applyFilter: (filter: Partial<FilterSpec>, selectSeq?: number) => inspector.applyFilter(filter, selectSeq),
    dispose: () => {
      serializer.dispose();
      inspector.dispose();
    },
  };
  context.subscriptions.push(handle);
  return handle;
}
