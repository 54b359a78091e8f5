// The HTML shell of every webview (the Message Inspector, the monitoring panel): a strict CSP (a nonce'd
// script; styles, fonts and images only from the extension), no inline script or style. Free of `vscode`,
// so the browser tests serve the same pages.
import { randomBytes } from 'node:crypto';

export interface WebviewPage {
  title: string;
  /** The id of the element the page's script renders into. */
  rootId: string;
  scriptUri: string;
  /** Style sheets, in order. */
  styleUris: string[];
  /** `webview.cspSource`: the origin local resources are served from. */
  cspSource: string;
  /** Let the page show images from the extension. */
  images?: boolean;
  nonce?: string;
}

export function createNonce(): string {
  return randomBytes(18).toString('base64');
}

function attribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function webviewHtml(page: WebviewPage): string {
  const nonce = page.nonce ?? createNonce();
  const csp = [
    "default-src 'none'",
    `style-src ${page.cspSource}`,
    `font-src ${page.cspSource}`,
    ...(page.images ? [`img-src ${page.cspSource}`] : []),
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const styles = page.styleUris.map((uri) => `<link rel="stylesheet" href="${attribute(uri)}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
<title>${attribute(page.title)}</title>
</head>
<body>
<div id="${attribute(page.rootId)}"></div>
<script nonce="${attribute(nonce)}" src="${attribute(page.scriptUri)}"></script>
</body>
</html>
`;
}
