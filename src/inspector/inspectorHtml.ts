// The Message Inspector webview's HTML: a strict CSP (nonce'd script, styles and fonts only from the
// extension), no inline script or style. Free of `vscode` so the browser test serves the same page.
import { randomBytes } from 'node:crypto';

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

export function createNonce(): string {
  return randomBytes(18).toString('base64');
}

function attribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function inspectorHtml(options: InspectorHtmlOptions): string {
  const nonce = options.nonce ?? createNonce();
  const csp = [
    "default-src 'none'",
    `style-src ${options.cspSource}`,
    `font-src ${options.cspSource}`,
    `img-src ${options.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${options.iconStyleUri ? `<link rel="stylesheet" href="${attribute(options.iconStyleUri)}">\n` : ''}<link rel="stylesheet" href="${attribute(options.styleUri)}">
<title>ZeroMQ Inspector</title>
</head>
<body>
<div id="inspector-root"></div>
<script nonce="${attribute(nonce)}" src="${attribute(options.scriptUri)}"></script>
</body>
</html>
`;
}
