// The monitoring panel's HTML: the same strict CSP as the inspector (nonce'd script, styles and fonts
// only from the extension). Free of `vscode`.
import { createNonce } from '../inspector/inspectorHtml';

export interface MonitorHtmlOptions {
  scriptUri: string;
  /** dist/monitor.css (uPlot's styles) and media/monitor.css. */
  styleUris: string[];
  cspSource: string;
  nonce?: string;
}

function attribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function monitorHtml(options: MonitorHtmlOptions): string {
  const nonce = options.nonce ?? createNonce();
  const csp = ["default-src 'none'", `style-src ${options.cspSource}`, `font-src ${options.cspSource}`, `script-src 'nonce-${nonce}'`].join(
    '; ',
  );
  const styles = options.styleUris.map((uri) => `<link rel="stylesheet" href="${attribute(uri)}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
<title>ZeroMQ Monitor</title>
</head>
<body>
<div id="monitor-root"></div>
<script nonce="${attribute(nonce)}" src="${attribute(options.scriptUri)}"></script>
</body>
</html>
`;
}
