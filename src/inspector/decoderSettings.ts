// Decoder configuration from settings, handed to the engine (which decodes): `zeromq.decoders.rules` (by
// session name, topic, frame), each saved endpoint's `decoder`, and the .proto files of
// `zeromq.protobuf.protoPaths` (trusted workspaces only).
import * as vscode from 'vscode';
import { readEndpointDefinitions } from '../core/session/endpointConfig';
import type { EngineClient } from '../engine/engineClient';
import type { DecoderRuleSpec } from '../shared/engineProtocol';
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

  constructor(
    private readonly engine: EngineClient,
    private readonly config: Config,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      config.onDidChange((keys) => {
        if (keys.has('decoders.rules') || keys.has('endpoints')) void this.pushRules();
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
    void this.pushRules();
    void this.loadProtos();
  }

  /** The rules in force now, sessions by name (the engine resolves them to its open sessions, once per change). */
  rules(): DecoderRuleSpec[] {
    // Workspace-provided rules only count in a trusted workspace (a declared restricted configuration).
    const raw: unknown = this.config.get('decoders.rules');
    const rules: DecoderRuleSpec[] = [];
    for (const item of Array.isArray(raw) ? raw : []) {
      const rule = item as SettingsRule;
      if (typeof rule?.decoder !== 'string') continue;
      rules.push({
        decoder: rule.decoder,
        ...(typeof rule.session === 'string' ? { session: rule.session } : {}),
        ...(typeof rule.topicPrefix === 'string' ? { topicPrefix: rule.topicPrefix } : {}),
        ...(Number.isInteger(rule.frameIndex) ? { frameIndex: rule.frameIndex } : {}),
        ...(typeof rule.messageType === 'string' ? { messageType: rule.messageType } : {}),
      });
    }
    for (const endpoint of readEndpointDefinitions(this.config.get('endpoints')).endpoints)
      if (endpoint.decoder) rules.push({ decoder: endpoint.decoder, session: endpoint.name });
    return rules;
  }

  /** Sends the rules in force to the engine; resolves once it uses them. */
  async pushRules(): Promise<void> {
    const done = await this.engine.request('configure', { rules: this.rules() });
    if (!done.ok) this.log.warn(`Decoder rules not applied: ${done.error.message}`);
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
    // In force before the inspector redraws its rows (the configuration event may come later).
    await this.pushRules();
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
    // Paths only: the engine reads each file (and its imports) itself, once; none unloads what was loaded.
    const files = new Set<string>();
    for (const glob of globs) for (const uri of await vscode.workspace.findFiles(glob, undefined, MAX_PROTO_FILES)) files.add(uri.fsPath);
    const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const outcome = await this.engine.request('decoders.loadProtos', { files: [...files], roots });
    const result = outcome.ok ? outcome.value : ({ ok: false, error: outcome.error.message } as const);
    if (!files.size) return;
    if (result.ok) this.log.info(`Loaded ${files.size} .proto file(s): ${result.messageTypes.join(', ')}`);
    else this.log.error(`Could not load .proto files: ${result.error}`);
  }
}
