// Decoder configuration from settings, handed to the engine (which decodes): `zeromq.decoders.rules` (by
// session name, topic, frame), each saved endpoint's `decoder`, and the .proto files of
// `zeromq.protobuf.protoPaths` (trusted workspaces only).
import * as vscode from 'vscode';
import { readEndpointDefinitions } from '../core/session/endpointConfig';
import type { EngineClient } from '../engine/engineClient';
import type { DecoderRuleSpec } from '../shared/engineProtocol';

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
  private protoStatus = 'no .proto files configured';

  constructor(
    private readonly engine: EngineClient,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('zeromq.protobuf.protoPaths')) void this.loadProtos();
        if (e.affectsConfiguration('zeromq.decoders.rules') || e.affectsConfiguration('zeromq.endpoints')) void this.pushRules();
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

  get protobufStatus(): string {
    return this.protoStatus;
  }

  /** The rules in force now, sessions by name (the engine resolves them to its open sessions). */
  rules(): DecoderRuleSpec[] {
    const config = vscode.workspace.getConfiguration('zeromq');
    // Workspace-provided rules only count in a trusted workspace (a declared restricted configuration).
    const raw = config.get<unknown>('decoders.rules');
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
    for (const endpoint of readEndpointDefinitions(config.get('endpoints')).endpoints)
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
    const config = vscode.workspace.getConfiguration('zeromq');
    const existing = (config.get<SettingsRule[]>('decoders.rules') ?? []).filter(
      (r) => !(r.topicPrefix === rule.topicPrefix && r.frameIndex === rule.frameIndex && r.session === rule.session),
    );
    const saved: SettingsRule = {
      decoder: rule.decoder,
      ...(rule.session !== undefined ? { session: rule.session } : {}),
      ...(rule.topicPrefix !== undefined ? { topicPrefix: rule.topicPrefix } : {}),
      ...(rule.frameIndex !== undefined ? { frameIndex: rule.frameIndex } : {}),
      ...(rule.messageType ? { messageType: rule.messageType } : {}),
    };
    const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await config.update('decoders.rules', [...existing, saved], target);
    // In force before the inspector redraws its rows (the configuration event may come later).
    await this.pushRules();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private async loadProtos(): Promise<void> {
    const globs = vscode.workspace.getConfiguration('zeromq').get<string[]>('protobuf.protoPaths') ?? [];
    if (!vscode.workspace.isTrusted) {
      this.protoStatus = 'Restricted Mode: .proto files are not loaded';
      if (globs.length)
        this.log.warn('Restricted Mode: zeromq.protobuf.protoPaths is ignored; trust the workspace to load .proto schemas.');
      return;
    }
    if (!globs.length) return;
    // Only the paths: the engine reads and parses the files (their content is workspace input).
    const files = new Set<string>();
    for (const glob of globs) for (const uri of await vscode.workspace.findFiles(glob, undefined, MAX_PROTO_FILES)) files.add(uri.fsPath);
    const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const outcome = await this.engine.request('decoders.loadProtos', { files: [...files], roots });
    const result = outcome.ok ? outcome.value : ({ ok: false, error: outcome.error.message } as const);
    this.protoStatus = result.ok ? `${files.size} .proto file(s), ${result.messageTypes.length} message types` : result.error;
    if (result.ok) this.log.info(`Loaded ${files.size} .proto file(s): ${result.messageTypes.join(', ')}`);
    else this.log.error(`Could not load .proto files: ${result.error}`);
  }
}
