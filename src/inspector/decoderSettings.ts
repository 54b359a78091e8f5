// Decoder configuration from settings: `zeromq.decoders.rules` (by session name, topic, frame), each saved
// endpoint's `decoder`, and the .proto files of `zeromq.protobuf.protoPaths` (trusted workspaces only).
import * as vscode from 'vscode';
import type { DecoderRegistry, DecoderRule } from '../core/decoders';
import type { SessionManager } from '../core/session/sessionManager';
import { readEndpointDefinitions } from '../core/session/endpointConfig';

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
    private readonly registry: DecoderRegistry,
    private readonly sessions: SessionManager,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('zeromq.protobuf.protoPaths')) void this.loadProtos();
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

  get protobufStatus(): string {
    return this.protoStatus;
  }

  /** The rules in force now, with session names resolved to the ids of open sessions. */
  rules(): DecoderRule[] {
    const config = vscode.workspace.getConfiguration('zeromq');
    // Workspace-provided rules only count in a trusted workspace (a declared restricted configuration).
    const raw = config.get<unknown>('decoders.rules');
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
    for (const endpoint of readEndpointDefinitions(config.get('endpoints')).endpoints) {
      const session = endpoint.decoder ? this.sessions.findByName(endpoint.name) : undefined;
      if (session && endpoint.decoder) rules.push({ decoder: endpoint.decoder, sessionId: session.id });
    }
    return rules;
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
    const files = new Map<string, string>();
    for (const glob of globs) {
      for (const uri of await vscode.workspace.findFiles(glob, undefined, MAX_PROTO_FILES)) {
        files.set(uri.fsPath, new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
      }
    }
    const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const result = await this.registry.protobuf.loadSchemas([...files.keys()], roots);
    this.protoStatus = result.ok ? `${files.size} .proto file(s), ${result.messageTypes.length} message types` : result.error;
    if (result.ok) this.log.info(`Loaded ${files.size} .proto file(s): ${result.messageTypes.join(', ')}`);
    else this.log.error(`Could not load .proto files: ${result.error}`);
  }
}
