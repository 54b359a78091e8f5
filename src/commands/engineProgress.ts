// A long engine request (export, import, replay, a pcap read) under a notification with a progress bar:
// Cancel aborts the request, and progress shows to the whole percent (a report per chunk would flood the UI).
import * as vscode from 'vscode';
import type { RequestOptions } from '../engine/engineClient';

/** What the request passes on to the engine: the cancel signal and the progress callback. */
export type ProgressTracking = Required<Pick<RequestOptions, 'signal' | 'onProgress'>>;

export function withEngineProgress<T>(title: string, request: (tracking: ProgressTracking) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const cancellation = token.onCancellationRequested(() => abort.abort());
      let reported = 0;
      const onProgress: ProgressTracking['onProgress'] = ({ done, total, message }) => {
        const percent = Math.floor(Math.min(1, Math.max(0, total ? done / total : 1)) * 100);
        if (percent <= reported) return;
        progress.report({ message, increment: percent - reported });
        reported = percent;
      };
      try {
        return await request({ signal: abort.signal, onProgress });
      } finally {
        cancellation.dispose();
      }
    },
  );
}
