// The status bar item: the total message rate across sessions and the capture's fill, updated once a second.
import * as vscode from 'vscode';
import type { CaptureStore } from '../core/capture/captureStore';
import { captureShedding, describeShedding } from '../core/capture/shedding';
import type { SessionManager } from '../core/session/sessionManager';
import { formatRate } from './formatRate';

export class RateStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('zeromq.rate', vscode.StatusBarAlignment.Left, 50);
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly sessions: SessionManager,
    private readonly store: CaptureStore,
  ) {
    this.item.name = 'ZeroMQ message rate';
    this.item.command = 'zeromq.openInspector';
    this.timer = setInterval(() => this.update(), 1000);
    this.update();
  }

  private update(): void {
    const sessions = this.sessions.list();
    if (!sessions.length && !this.store.size) {
      this.item.hide();
      return;
    }
    const rate = sessions.reduce((sum, s) => sum + s.monitor.rate1s, 0);
    const stats = this.store.stats();
    const shed = captureShedding(stats);
    this.item.text = `$(pulse) ZeroMQ ${formatRate(rate)}`;
    this.item.tooltip = [
      `${sessions.length} session${sessions.length === 1 ? '' : 's'}, ${formatRate(rate)} in total`,
      `Capture: ${stats.retained.toLocaleString('en-US')} messages, ${(stats.retainedBytes / 1048576).toFixed(1)} MiB`,
      ...(shed.length ? shed.map(describeShedding) : ['Nothing dropped']),
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
