// The one place that reads `zeromq.*` settings: typed getters with defaults from SETTING_DEFAULTS, and one change
// event naming the settings that changed. Nothing else in the extension calls getConfiguration('zeromq').
import * as vscode from 'vscode';
import type { CaptureLimits } from '../core/capture/captureStore';
import { SETTING_DEFAULTS, type SettingKey, type SettingValue } from '../shared/settingDefaults';

const SECTION = 'zeromq';

export class Config implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ReadonlySet<SettingKey>>();
  /** Fires with the keys whose value may have changed (VS Code does not say which scope). */
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      const keys = new Set<SettingKey>();
      for (const key of Object.keys(SETTING_DEFAULTS) as SettingKey[]) if (e.affectsConfiguration(`${SECTION}.${key}`)) keys.add(key);
      if (keys.size) this.changed.fire(keys);
    });
  }

  get<K extends SettingKey>(key: K): SettingValue<K> {
    return vscode.workspace.getConfiguration(SECTION).get<SettingValue<K>>(key, SETTING_DEFAULTS[key]);
  }

  get captureLimits(): CaptureLimits {
    return {
      maxMessages: this.get('capture.maxMessages'),
      maxBytes: this.get('capture.maxBytes'),
      maxFrameBytes: this.get('capture.maxFrameBytes'),
    };
  }

  get receiveTimeoutMs(): number {
    return this.get('receiveTimeoutSeconds') * 1000;
  }

  get tapWatchesConnections(): boolean {
    return this.get('tap.watchConnections') !== false;
  }

  /** Writes a setting into the workspace when a folder is open, else into the user settings. */
  async update<K extends SettingKey>(key: K, value: SettingValue<K>): Promise<void> {
    const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration(SECTION).update(key, value, target);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
