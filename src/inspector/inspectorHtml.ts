// The Message Inspector webview's page (the shell and its CSP: shared/webviewHtml.ts).
import { webviewHtml } from '../shared/webviewHtml';

export { createNonce } from '../shared/webviewHtml';

export interface InspectorHtmlOptions {
  /** Webview URI of dist/webview.js. */
  scriptUri: string;
  /** Webview URI of media/inspector.css. */
  styleUri: string;
  /** Webview URI of dist/webview.css (the codicon font's sheet, bundled with the script). */
  iconStyleUri?: string;
  /** `webview.cspSource`: the origin local resources are served from. */
  cspSource: string;
  nonce?: string;
}

export function inspectorHtml(options: InspectorHtmlOptions): string {
  return webviewHtml({
    title: 'ZeroMQ Inspector',
    rootId: 'inspector-root',
    scriptUri: options.scriptUri,
    styleUris: [...(options.iconStyleUri ? [options.iconStyleUri] : []), options.styleUri],
    cspSource: options.cspSource,
    images: true,
    nonce: options.nonce,
  });
}
