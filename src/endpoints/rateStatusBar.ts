// The status bar item: the total message rate across sessions and the capture's fill, from the engine's
// snapshots (updated at most once a second).
import * as vscode from 'vscode';
import { captureShedding, describeShedding } from '../core/capture/shedding';
import type { EngineClient } from '../engine/engineClient';
import type { EngineSnapshot } from '../shared/engineProtocol';
import { formatRate } from './formatRate';

const UPDATE_INTERVAL_MS = 1000;

export class RateStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('zeromq.rate', vscode.StatusBarAlignment.Left, 50);
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly engine: EngineClient) {
    this.item.name = 'ZeroMQ message rate';
    this.item.command = 'zeromq.openInspector';
    this.timer = setInterval(() => this.update(), UPDATE_INTERVAL_MS);
    this.update();
  }

  private update(): void {
    const snapshot: EngineSnapshot | undefined = this.engine.snapshot;
    const sessions = snapshot?.sessions ?? [];
    const stats = snapshot?.stats;
    if (!stats || (!sessions.length && !stats.retained)) {
      this.item.hide();
      return;
    }
    const rate = sessions.reduce((sum, s) => sum + s.rate1s, 0);
    const shed = captureShedding(stats);
    this.item.text = `$(pulse) ZeroMQ ${formatRate(rate)}`;
    const spool = snapshot?.spool;
    this.item.tooltip = [
      `${sessions.length} session${sessions.length === 1 ? '' : 's'}, ${formatRate(rate)} in total`,
      `Capture: ${stats.retained.toLocaleString('en-US')} messages, ${(stats.retainedBytes / 1048576).toFixed(1)} MiB`,
      ...(shed.length ? shed.map(describeShedding) : ['Nothing dropped']),
      ...(spool?.unspooled ? [`Not in the crash spool (the disk fell behind): ${spool.unspooled.toLocaleString('en-US')} messages`] : []),
      'Click to open the Message Inspector',
    ].join('\n');
    this.item.backgroundColor = stats.dropped ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    clearInterval(this.timer);
    this.item.dispose();
  }
}
