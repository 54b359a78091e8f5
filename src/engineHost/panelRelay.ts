// One webview panel's line to its backend in the engine: opens the backend, relays what the webview sends
// (a request each) and what the backend posts (the engine's panel.post events), follows the panel's
// visibility, and closes the backend with the panel. When a new engine replaced a crashed one (which
// reopened the backend), the page is reloaded: it restores its own state against the new backend.
import { randomUUID } from 'node:crypto';
import type * as vscode from 'vscode';
import type { EngineClient } from '../engine/engineClient';
import type { EngineError, PanelKind } from '../shared/engineProtocol';

export interface PanelRelayOptions {
  engine: EngineClient;
  kind: PanelKind;
  panel: vscode.WebviewPanel;
  /** Sets the page's HTML (again after an engine restart). */
  load(): void;
  log(message: string): void;
  /** A webview message the engine could not take: answer the page, if it waits for an answer. */
  undelivered?(message: { type: string }, error: EngineError): void;
}

export class PanelRelay {
  readonly panelId = randomUUID();
  private readonly subscriptions: Array<{ dispose(): void }>;
  private closed = false;

  constructor(private readonly options: PanelRelayOptions) {
    const { engine, panel, kind } = options;
    const panelId = this.panelId;
    void engine.request('panel.open', { panelId, kind, visible: panel.visible }).then((opened) => {
      if (!opened.ok) options.log(`${kind} panel: ${opened.error.message}`);
    });
    this.subscriptions = [
      engine.onEvent((event) => {
        if (event.event !== 'panel.post' || event.body.panelId !== panelId || this.closed) return;
        for (const message of event.body.messages) void panel.webview.postMessage(message);
      }),
      engine.onDidStart((start) => {
        if (start.generation > 1 && !this.closed) options.load();
      }),
      panel.webview.onDidReceiveMessage((message: { type: string }) => void this.relay(message)),
      panel.onDidChangeViewState((event) => void engine.request('panel.visible', { panelId, visible: event.webviewPanel.visible })),
    ];
  }

  /** Asks the backend something beyond relaying (applyFilter, plot...). */
  get engine(): EngineClient {
    return this.options.engine;
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const subscription of this.subscriptions) subscription.dispose();
    void this.options.engine.request('panel.close', { panelId: this.panelId });
  }

  private async relay(message: { type: string }): Promise<void> {
    const outcome = await this.options.engine.request('panel.message', { panelId: this.panelId, message });
    if (outcome.ok) return;
    this.options.log(`${this.options.kind} panel: ${outcome.error.message}`);
    this.options.undelivered?.(message, outcome.error);
  }
}
