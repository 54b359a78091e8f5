// The monitoring panel's webview in headless Chromium: its real HTML and bundle, served over HTTP, with
// acquireVsCodeApi bridged to a real MonitorBackend (as the panel does in VS Code).
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createNonce } from '../../src/inspector/inspectorHtml';
import { MonitorBackend, type MonitorDeps } from '../../src/monitor/monitorBackend';
import { monitorHtml } from '../../src/monitor/monitorHtml';
import type { FromMonitorMessage } from '../../src/shared/monitorProtocol';
import { launchChromium, repoRoot } from './inspectorHarness';
import { themeCss } from './inspectorTheme';

// Page functions run in the browser; this project's Node types have no DOM.
declare const window: { dispatchEvent(event: unknown): void };
declare const MessageEvent: new (type: string, init: { data: unknown }) => unknown;

export interface MonitorPage {
  page: Page;
  backend: MonitorBackend;
  errors: string[];
  close(): Promise<void>;
}

export async function openMonitorPage(deps: MonitorDeps, port: number): Promise<MonitorPage> {
  const files: Record<string, { path: string; type: string }> = {
    '/dist/monitor.js': { path: join(repoRoot, 'dist', 'monitor.js'), type: 'text/javascript' },
    '/dist/monitor.css': { path: join(repoRoot, 'dist', 'monitor.css'), type: 'text/css' },
    '/media/monitor.css': { path: join(repoRoot, 'media', 'monitor.css'), type: 'text/css' },
  };
  for (const name of readdirSync(join(repoRoot, 'dist')).filter((n) => n.endsWith('.ttf')))
    files[`/dist/${name}`] = { path: join(repoRoot, 'dist', name), type: 'font/ttf' };
  let origin = '';
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', origin);
    if (url.pathname === '/') {
      const html = monitorHtml({
        scriptUri: `${origin}/dist/monitor.js`,
        styleUris: [`${origin}/dist/monitor.css`, `${origin}/media/monitor.css`],
        cspSource: origin,
        nonce: createNonce(),
      })
        .replace('<link rel="stylesheet"', `<link rel="stylesheet" href="${origin}/theme.css">\n<link rel="stylesheet"`)
        .replace('<body>', '<body class="vscode-dark">');
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    if (url.pathname === '/theme.css') return void response.writeHead(200, { 'content-type': 'text/css' }).end(themeCss('dark'));
    const file = files[url.pathname];
    if (!file) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': file.type }).end(readFileSync(file.path));
  });
  for (let p = port; ; p++) {
    origin = `http://127.0.0.1:${p}`;
    const ok = await new Promise<boolean>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' ? resolve(false) : reject(e)));
      server.listen(p, '127.0.0.1', () => resolve(true));
    });
    if (ok) break;
    if (p > port + 20) throw new Error('no free port');
  }
  const context = await (await launchChromium()).newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  let closed = false;
  // Sent as one JSON string, parsed in the page, as VS Code sends a webview its messages. Playwright's own
  // argument serialization walks the object value by value in the page: an update with 2,000 plotted points
  // took 110-200 ms there ("Receive mojo message" long tasks every second), which the real panel never pays.
  const backend = new MonitorBackend(deps, (message) => {
    if (closed) return;
    const json = JSON.stringify(message);
    void page
      .evaluate((text) => window.dispatchEvent(new MessageEvent('message', { data: JSON.parse(text) as unknown })), json)
      .catch(() => undefined);
  });
  await page.exposeBinding('__monitorPost', (_source, payload: string) => backend.handle(JSON.parse(payload) as FromMonitorMessage));
  await page.addInitScript(() => {
    const host = globalThis as unknown as { __monitorPost(p: string): void; acquireVsCodeApi(): unknown };
    host.acquireVsCodeApi = () => ({ postMessage: (message: unknown) => host.__monitorPost(JSON.stringify(message)) });
  });
  await page.goto(`${origin}/`);
  return {
    page,
    backend,
    errors,
    async close() {
      closed = true;
      backend.dispose();
      await context.close();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
