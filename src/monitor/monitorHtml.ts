// The monitoring panel's page (the shell and its CSP: shared/webviewHtml.ts).
import { webviewHtml } from '../shared/webviewHtml';

export interface MonitorHtmlOptions {
  scriptUri: string;
  /** dist/monitor.css (uPlot's styles) and media/monitor.css. */
  styleUris: string[];
  cspSource: string;
  nonce?: string;
}

export function monitorHtml(options: MonitorHtmlOptions): string {
  return webviewHtml({ title: 'ZeroMQ Monitor', rootId: 'monitor-root', ...options });
}
