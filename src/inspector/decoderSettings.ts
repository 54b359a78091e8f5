// Decoder configuration from settings: `zeromq.decoders.rules` (by session name, topic, frame), each saved
// endpoint's `decoder`, and the .proto files of `zeromq.protobuf.protoPaths` (trusted workspaces only).
import * as vscode from 'vscode';
import type { DecoderRegistry, DecoderRule } from '../core/decoders';
import type { SessionManager } from '../core/session/sessionManager';
import { readEndpointDefinitions } from '../core/session/endpointConfig';
import type { Config } from '../config/config';

export interface SettingsRule {
  decoder: string;
  session?: string;
  topicPrefix?: string;
  frameIndex?: number;
  messageType?: string;
}

const MAX_PROTO_FILES = 500;

export class DecoderSettings implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  /** The rules in force, computed once per change: every frame decode asks for them. */
  private cachedRules: DecoderRule[] | undefined;

  constructor(
    private readonly registry: DecoderRegistry,
    private readonly sessions: SessionManager,
    private readonly config: Config,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const sessionsChanged = sessions.onDidChange(({ kind }) => {
      // Rules name sessions; their ids change as sessions open and close.
      if (kind !== 'event') this.cachedRules = undefined;
    });
    this.disposables.push(
      { dispose: () => sessionsChanged.dispose() },
      config.onDidChange((keys) => {
        if (keys.has('decoders.rules') || keys.has('endpoints')) this.cachedRules = undefined;
        if (keys.has('protobuf.protoPaths')) void this.loadProtos();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.loadProtos()),
    );
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.proto');
    this.disposables.push(
      watcher,
      watcher.onDidChange(() => void this.loadProtos()),
      watcher.onDidCreate(() => void this.loadProtos()),
    );
    void this.loadProtos();
  }

  /** The rules in force now, with session names resolved to the ids of open sessions. */
  rules(): DecoderRule[] {
    this.cachedRules ??= this.readRules();
    return this.cachedRules;
  }

  private readRules(): DecoderRule[] {
    // Workspace-provided rules only count in a trusted workspace (a declared restricted configuration).
    const raw: unknown = this.config.get('decoders.rules');
    const rules: DecoderRule[] = [];
    for (const item of Array.isArray(raw) ? raw : []) {
      const rule = item as SettingsRule;
      if (typeof rule?.decoder !== 'string') continue;
      const sessionId = rule.session !== undefined ? this.sessions.findByName(rule.session)?.id : undefined;
      if (rule.session !== undefined && !sessionId) continue;
      rules.push({
        decoder: rule.decoder,
        ...(sessionId ? { sessionId } : {}),
        ...(typeof rule.topicPrefix === 'string' ? { topicPrefix: rule.topicPrefix } : {}),
        ...(Number.isInteger(rule.frameIndex) ? { frameIndex: rule.frameIndex } : {}),
        ...(typeof rule.messageType === 'string' ? { messageType: rule.messageType } : {}),
      });
    }
    for (const endpoint of readEndpointDefinitions(this.config.get('endpoints')).endpoints) {
      const session = endpoint.decoder ? this.sessions.findByName(endpoint.name) : undefined;
      if (session && endpoint.decoder) rules.push({ decoder: endpoint.decoder, sessionId: session.id });
    }
    return rules;
  }

  /** Saves a rule made in the inspector ("use for this topic/frame from now on"); sessions by name. */
  async addRule(rule: SettingsRule): Promise<void> {
    const existing = (this.config.get('decoders.rules') as SettingsRule[]).filter(
      (r) => !(r.topicPrefix === rule.topicPrefix && r.frameIndex === rule.frameIndex && r.session === rule.session),
    );
    const saved: SettingsRule = {
      decoder: rule.decoder,
      ...(rule.session !== undefined ? { session: rule.session } : {}),
      ...(rule.topicPrefix !== undefined ? { topicPrefix: rule.topicPrefix } : {}),
      ...(rule.frameIndex !== undefined ? { frameIndex: rule.frameIndex } : {}),
      ...(rule.messageType ? { messageType: rule.messageType } : {}),
    };
    await this.config.update('decoders.rules', [...existing, saved]);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private async loadProtos(): Promise<void> {
    const globs = this.config.get('protobuf.protoPaths');
    if (!vscode.workspace.isTrusted) {
      if (globs.length)
        this.log.warn('Restricted Mode: zeromq.protobuf.protoPaths is ignored; trust the workspace to load .proto schemas.');
      return;
    }
    if (!globs.length) {
      // An emptied setting unloads what an earlier one loaded.
      this.registry.protobuf.clear();
      return;
    }
    // Paths only: the schema set reads each file (and its imports) itself, once.
    const files = new Set<string>();
    for (const glob of globs) for (const uri of await vscode.workspace.findFiles(glob, undefined, MAX_PROTO_FILES)) files.add(uri.fsPath);
    const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const result = await this.registry.protobuf.loadSchemas([...files], roots);
    if (result.ok) this.log.info(`Loaded ${files.size} .proto file(s): ${result.messageTypes.join(', ')}`);
    else this.log.error(`Could not load .proto files: ${result.error}`);
  }
}
