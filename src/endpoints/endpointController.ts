// The endpoints the user sees: saved ones (the `zeromq.endpoints` setting) and ones opened from the
// palette, each with its running session if started (its state as the engine last reported it). Views and
// commands act through this controller; the sockets themselves live in the engine process.
import * as vscode from 'vscode';
import { readEndpointDefinitions, type EndpointDefinition } from '../core/session/endpointConfig';
import { errorText } from '../core/session/zmqErrors';
import type { EngineClient } from '../engine/engineClient';
import type { EngineSnapshot, SessionSnapshot } from '../shared/engineProtocol';
import type { KeyStore } from '../security/keyStore';
import type { Config } from '../config/config';

export interface EndpointEntry {
  definition: EndpointDefinition;
  /** Stored in the `zeromq.endpoints` setting. */
  saved: boolean;
  /** The open session's id (kept across engine restarts: the session is reopened under it). */
  sessionId?: string;
  /** The open session as the engine last reported it. */
  session?: SessionSnapshot;
  /** Why the last start failed. */
  startError?: string;
}

export class EndpointController implements vscode.Disposable {
  private readonly entries = new Map<string, EndpointEntry>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private nextSessionId = 1;

  constructor(
    private readonly engine: EngineClient,
    private readonly log: vscode.LogOutputChannel,
    private readonly config: Config,
    private readonly keys?: KeyStore,
  ) {
    const snapshots = engine.onSnapshot((snapshot) => this.applySnapshot(snapshot));
    const starts = engine.onDidStart((start) => {
      // Sessions a restarted engine could not reopen (their port taken meanwhile...) say why.
      for (const failure of start.reopened?.failures ?? []) {
        for (const entry of this.entries.values())
          if (entry.sessionId && failure.startsWith(`${entry.definition.name}: `)) {
            entry.startError = failure.slice(entry.definition.name.length + 2);
            entry.sessionId = entry.session = undefined;
          }
      }
      this.changed.fire();
    });
    const crashes = engine.onDidCrash((crash) => {
      if (crash.restarting) return;
      for (const entry of this.entries.values())
        if (entry.sessionId) {
          entry.startError = `The ZeroMQ engine stopped: ${crash.reason ?? crash.cause}.`;
          entry.sessionId = entry.session = undefined;
        }
      this.changed.fire();
    });
    this.disposables.push(
      this.changed,
      new vscode.Disposable(() => (snapshots.dispose(), starts.dispose(), crashes.dispose())),
      config.onDidChange((keys) => {
        if (keys.has('endpoints')) this.reloadSaved();
      }),
    );
    this.reloadSaved();
  }

  list(): EndpointEntry[] {
    return [...this.entries.values()];
  }

  get(name: string): EndpointEntry | undefined {
    return this.entries.get(name);
  }

  /** Entries whose session is open. */
  running(): EndpointEntry[] {
    return this.list().filter((e) => e.session);
  }

  /** Starts every saved entry with autoStart (the caller checks workspace trust). */
  async autoStart(): Promise<void> {
    await Promise.all(
      this.list()
        .filter((e) => e.definition.autoStart && !e.sessionId)
        .map((e) => this.start(e.definition.name).catch(() => undefined)),
    );
  }

  /** Adds an unsaved entry (from the palette) and starts it. */
  async addAndStart(definition: EndpointDefinition): Promise<SessionSnapshot> {
    if (this.entries.has(definition.name)) throw new Error(`An endpoint named "${definition.name}" already exists.`);
    this.entries.set(definition.name, { definition, saved: false });
    this.changed.fire();
    try {
      return await this.start(definition.name);
    } catch (error) {
      this.entries.delete(definition.name);
      this.changed.fire();
      throw error;
    }
  }

  async start(name: string): Promise<SessionSnapshot> {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`No endpoint named "${name}".`);
    if (entry.session) return entry.session;
    const d = entry.definition;
    const id = `s${this.nextSessionId++}`;
    try {
      const security = d.security && this.keys ? await this.keys.resolve(d.security) : undefined;
      const spec = { id, name: d.name, type: d.type, mode: d.mode, addresses: [d.address], subscriptions: d.subscriptions };
      const opened = await this.engine.call('session.open', { spec, ...(security ? { security } : {}) });
      entry.sessionId = id;
      entry.session = opened.session;
      entry.startError = undefined;
      for (const warning of opened.warnings) void vscode.window.showWarningMessage(`ZeroMQ ${d.name}: ${warning}`);
      this.log.info(`Started ${d.name}: ${d.type} ${d.mode} ${d.address}${d.security ? ` (${d.security.mechanism})` : ''}`);
      return opened.session;
    } catch (error) {
      entry.startError = errorText(error);
      this.log.error(`Could not start ${d.name} (${d.type} ${d.mode} ${d.address}): ${entry.startError}`);
      throw error;
    } finally {
      this.changed.fire();
    }
  }

  async stop(name: string): Promise<void> {
    const entry = this.entries.get(name);
    const id = entry?.sessionId;
    if (!entry || !id) return;
    entry.sessionId = entry.session = undefined;
    this.changed.fire();
    const closed = await this.engine.request('session.close', { id });
    if (closed.ok) this.log.info(`Stopped ${name}`);
    else this.log.warn(`Stopping ${name}: ${closed.error.message}`);
  }

  /** Adds (or cancels) a SUB/XSUB subscription of the entry's running session. */
  async subscribe(name: string, prefix: string, subscribe: boolean): Promise<void> {
    const entry = this.entries.get(name);
    if (!entry?.sessionId) throw new Error(`"${name}" is not running.`);
    entry.session = await this.engine.call('session.subscribe', { id: entry.sessionId, prefix, subscribe });
    this.changed.fire();
  }

  /** Stops the entry, and removes it from the settings when saved there. */
  async remove(name: string): Promise<void> {
    const entry = this.entries.get(name);
    if (!entry) return;
    await this.stop(name);
    this.entries.delete(name);
    if (entry.saved) {
      const raw = this.config.get('endpoints');
      await this.config.update(
        'endpoints',
        raw.filter((e) => (e as { name?: unknown })?.name !== name),
      );
    }
    this.changed.fire();
  }

  /** Writes an entry into `zeromq.endpoints` (workspace settings when a folder is open). */
  async save(name: string, autoStart = false): Promise<void> {
    const entry = this.entries.get(name);
    if (!entry) return;
    const raw = this.config.get('endpoints').filter((e) => (e as { name?: unknown })?.name !== name);
    const definition = { ...entry.definition, ...(autoStart ? { autoStart: true } : {}) };
    await this.config.update('endpoints', [...raw, definition]);
    entry.saved = true;
    entry.definition = definition;
    this.changed.fire();
  }

  dispose(): void {
    // The engine closes every socket when it stops; nothing to close one by one here.
    for (const d of this.disposables) d.dispose();
  }

  private applySnapshot(snapshot: EngineSnapshot): void {
    const byId = new Map(snapshot.sessions.map((s) => [s.id, s]));
    for (const entry of this.entries.values()) {
      if (!entry.sessionId) continue;
      const session = byId.get(entry.sessionId);
      // Not in the engine any more (and not being opened: sessionId is set once open answered).
      if (!session) entry.sessionId = undefined;
      entry.session = session;
    }
    this.changed.fire();
  }

  private reloadSaved(): void {
    const { endpoints, problems } = readEndpointDefinitions(this.config.get('endpoints'));
    for (const problem of problems) this.log.warn(problem.message);
    if (problems.length) {
      void vscode.window
        .showWarningMessage(`ZeroMQ: ${problems.length} saved endpoint(s) ignored: ${problems[0].message}`, 'Open Settings')
        .then((choice) => {
          if (choice) void vscode.commands.executeCommand('workbench.action.openSettingsJson');
        });
    }
    const savedNames = new Set(endpoints.map((e) => e.name));
    for (const [name, entry] of this.entries) {
      if (entry.saved && !savedNames.has(name)) {
        void this.stop(name);
        this.entries.delete(name);
      }
    }
    for (const definition of endpoints) {
      const existing = this.entries.get(definition.name);
      if (existing) {
        existing.saved = true;
        existing.definition = definition;
      } else {
        this.entries.set(definition.name, { definition, saved: true });
      }
    }
    this.changed.fire();
  }
}
