// The endpoints the user sees: saved ones (the `zeromq.endpoints` setting) and ones opened from the
// palette, each with its running session if started. Views and commands act through this controller.
import * as vscode from 'vscode';
import { readEndpointDefinitions, type EndpointDefinition } from '../core/session/endpointConfig';
import type { Session } from '../core/session/session';
import type { SessionManager } from '../core/session/sessionManager';
import { openSecureSession } from '../core/security/secureSession';
import { errorText } from '../core/session/zmqErrors';
import type { KeyStore } from '../security/keyStore';
import type { Config } from '../config/config';

export interface EndpointEntry {
  definition: EndpointDefinition;
  /** Stored in the `zeromq.endpoints` setting. */
  saved: boolean;
  session?: Session;
  /** Why the last start failed. */
  startError?: string;
}

export class EndpointController implements vscode.Disposable {
  private readonly entries = new Map<string, EndpointEntry>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly sessions: SessionManager,
    private readonly log: vscode.LogOutputChannel,
    private readonly config: Config,
    private readonly keys?: KeyStore,
  ) {
    this.disposables.push(
      this.changed,
      config.onDidChange((keys) => {
        if (keys.has('endpoints')) this.reloadSaved();
      }),
    );
    const subscription = sessions.onDidChange((change) => {
      if (change.kind === 'closed') {
        for (const entry of this.entries.values()) if (entry.session === change.session) entry.session = undefined;
        this.changed.fire();
      }
    });
    this.disposables.push(new vscode.Disposable(() => subscription.dispose()));
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
    return this.list().filter((e) => e.session && !e.session.isClosed);
  }

  /** Starts every saved entry with autoStart (the caller checks workspace trust). */
  async autoStart(): Promise<void> {
    await Promise.all(
      this.list()
        .filter((e) => e.definition.autoStart && !e.session)
        .map((e) => this.start(e.definition.name).catch(() => undefined)),
    );
  }

  /** Adds an unsaved entry (from the palette) and starts it. */
  async addAndStart(definition: EndpointDefinition): Promise<Session> {
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

  async start(name: string): Promise<Session> {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`No endpoint named "${name}".`);
    if (entry.session && !entry.session.isClosed) return entry.session;
    const d = entry.definition;
    try {
      const options = { name: d.name, type: d.type, mode: d.mode, addresses: [d.address], subscriptions: d.subscriptions };
      if (d.security && this.keys) {
        const security = await this.keys.resolve(d.security);
        const secure = await openSecureSession(this.sessions, options, security, {
          onAttempt: (attempt) =>
            this.log.info(
              `[${d.name}] ZAP ${attempt.verdict} ${attempt.mechanism} from ${attempt.address || '?'}${attempt.username ? ` user ${attempt.username}` : ''}${attempt.clientKey ? ` key ${attempt.clientKey}` : ''} (status ${attempt.statusCode}${attempt.reason ? `: ${attempt.reason}` : ''})`,
            ),
        });
        entry.session = secure.session;
        for (const warning of secure.warnings) void vscode.window.showWarningMessage(`ZeroMQ ${d.name}: ${warning}`);
      } else {
        entry.session = await this.sessions.open(options);
      }
      entry.startError = undefined;
      this.log.info(`Started ${d.name}: ${d.type} ${d.mode} ${d.address}${d.security ? ` (${d.security.mechanism})` : ''}`);
      return entry.session;
    } catch (error) {
      entry.startError = errorText(error);
      this.log.error(`Could not start ${d.name} (${d.type} ${d.mode} ${d.address}): ${entry.startError}`);
      throw error;
    } finally {
      this.changed.fire();
    }
  }

  stop(name: string): void {
    const entry = this.entries.get(name);
    if (!entry?.session) return;
    this.sessions.close(entry.session.id);
    entry.session = undefined;
    this.log.info(`Stopped ${name}`);
    this.changed.fire();
  }

  /** Stops the entry, and removes it from the settings when saved there. */
  async remove(name: string): Promise<void> {
    const entry = this.entries.get(name);
    if (!entry) return;
    this.stop(name);
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
    for (const entry of this.entries.values()) if (entry.session) this.sessions.close(entry.session.id);
    for (const d of this.disposables) d.dispose();
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
        if (entry.session) this.sessions.close(entry.session.id);
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
