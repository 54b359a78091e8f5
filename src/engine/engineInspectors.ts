// The Message Inspector's backends, one per open panel, living next to the store they read. The host only
// relays: webview messages come in as requests, and what a backend posts leaves in the engine's event batch
// of that turn. What only the host can do (save a rule, write the clipboard, pick a replay target) is asked
// of it with a host request.
import { InspectorBackend, type InspectorDeps } from '../inspector/inspectorBackend';
import type { EngineEvents, HostRequests } from '../shared/engineProtocol';
import type { FromWebviewMessage } from '../shared/inspectorProtocol';
import type { EngineCore } from './engineCore';

export type HostCall = <M extends keyof HostRequests>(
  method: M,
  params: HostRequests[M]['params'],
  timeoutMs: number,
) => Promise<HostRequests[M]['result']>;

/** A panel is one webview; more than a few means a leak on the host's side, not a user's wish. */
const MAX_PANELS = 16;
/** Replay waits for the user to pick a target and edit frames. */
const REPLAY_TIMEOUT_MS = 30 * 60 * 1000;
const HOST_TIMEOUT_MS = 30 * 1000;

export class EngineInspectors {
  private readonly backends = new Map<string, InspectorBackend>();

  constructor(
    private readonly core: EngineCore,
    private readonly post: (body: EngineEvents['inspector.post']) => void,
    private readonly callHost: HostCall,
  ) {}

  open(panelId: string, visible: boolean): void {
    this.close(panelId);
    if (this.backends.size >= MAX_PANELS) throw new Error(`At most ${MAX_PANELS} inspector panels are served at once.`);
    const core = this.core;
    const deps: InspectorDeps = {
      store: core.store,
      sessions: {
        list: () => core.sessions.list(),
        get: (id) => core.describe(id),
        onDidChange: (listener) => core.sessions.onDidChange(() => listener()),
      },
      decoders: core.decoders,
      getRules: () => core.rules(),
      addRule: async (rule) => {
        await this.callHost('inspector.addRule', { rule }, HOST_TIMEOUT_MS);
      },
      log: (message) => this.log(message),
      annotate: (seq) => core.annotate(seq),
      replay: async (seq) => (await this.callHost('inspector.replay', { seq }, REPLAY_TIMEOUT_MS)).outcome,
    };
    const backend = new InspectorBackend(deps, {
      post: (message) => this.post({ panelId, messages: [message] }),
      writeClipboard: async (text) => {
        await this.callHost('inspector.clipboard', { text }, HOST_TIMEOUT_MS);
      },
    });
    backend.setVisible(visible);
    this.backends.set(panelId, backend);
  }

  async handle(panelId: string, message: FromWebviewMessage): Promise<void> {
    const backend = this.backends.get(panelId);
    if (!backend) throw new Error(`No inspector panel "${panelId}" is open in the engine.`);
    // The backend answers the webview itself (an error reply included); this request only acknowledges.
    backend.handle(message).catch((error: unknown) => this.log(`Inspector: ${error instanceof Error ? error.message : String(error)}`));
  }

  setVisible(panelId: string, visible: boolean): void {
    this.backends.get(panelId)?.setVisible(visible);
  }

  close(panelId: string): void {
    this.backends.get(panelId)?.dispose();
    this.backends.delete(panelId);
  }

  dispose(): void {
    for (const id of [...this.backends.keys()]) this.close(id);
  }

  private log(message: string): void {
    this.core.log('info', message);
  }
}
