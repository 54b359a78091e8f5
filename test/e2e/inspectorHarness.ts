// Runs the inspector webview (dist/webview.js + media/inspector.css, under the panel's own HTML and CSP)
// in headless Chromium, with `acquireVsCodeApi` bridged to a real InspectorBackend in this Node process.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { InspectorBackend, type InspectorDeps } from '../../src/inspector/inspectorBackend';
import { createNonce, inspectorHtml } from '../../src/inspector/inspectorHtml';
import type { FromWebviewMessage, ToWebviewMessage } from '../../src/shared/inspectorProtocol';
import { themeCss, type InspectorTheme } from './inspectorTheme';
import { CHROMIUM_ARGS } from './vscodeHarness';

// Code inside page.evaluate runs in the browser; the root tsconfig has no DOM lib, so name what it uses.
declare const window: { dispatchEvent(event: unknown): boolean } & Record<string, unknown>;

/** The repository root (tests run from out/test/e2e/). */
export const repoRoot = resolve(__dirname, '..', '..', '..');

export interface InspectorPageOptions {
  /** First port tried for the page's HTTP server. */
  port: number;
  theme?: InspectorTheme;
  width?: number;
  height?: number;
  /** Webview state as a reload would hand it back. */
  state?: unknown;
}

export interface InspectorPage {
  page: Page;
  backend: InspectorBackend;
  clipboard: string[];
  /** alert/confirm dialogs the page opened: any is a script the page should never have run. */
  dialogs: string[];
  /** Console errors and page errors (CSP violations show up here too). */
  errors: string[];
  /** The last state the webview saved with setState. */
  savedState(): Promise<unknown>;
  /** Milliseconds since navigation: first message each way, first row painted with data. */
  timing(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

/** Ports tried from the one asked for: another run of the suite may hold it. */
const PORT_TRIES = 20;

function listen(server: Server, port: number): Promise<boolean> {
  return new Promise((resolvePromise, reject) => {
    const failed = (error: NodeJS.ErrnoException): void => (error.code === 'EADDRINUSE' ? resolvePromise(false) : reject(error));
    server.once('error', failed);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', failed);
      resolvePromise(true);
    });
  });
}

async function serve(firstPort: number, theme: InspectorTheme): Promise<{ server: Server; origin: string }> {
  let origin = '';
  const files: Record<string, { path: string; type: string }> = {
    '/dist/webview.js': { path: join(repoRoot, 'dist', 'webview.js'), type: 'text/javascript' },
    '/media/inspector.css': { path: join(repoRoot, 'media', 'inspector.css'), type: 'text/css' },
    '/dist/webview.css': { path: join(repoRoot, 'dist', 'webview.css'), type: 'text/css' },
  };
  // The codicon font esbuild copied beside the bundle (its name carries a content hash).
  for (const name of readdirSync(join(repoRoot, 'dist')).filter((n) => n.endsWith('.ttf')))
    files[`/dist/${name}`] = { path: join(repoRoot, 'dist', name), type: 'font/ttf' };
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', origin);
    if (url.pathname === '/') {
      // The panel's own HTML, plus the theme stylesheet the workbench would inject.
      const html = inspectorHtml({
        scriptUri: `${origin}/dist/webview.js`,
        styleUri: `${origin}/media/inspector.css`,
        iconStyleUri: `${origin}/dist/webview.css`,
        cspSource: origin,
        nonce: createNonce(),
      })
        .replace('<link rel="stylesheet"', `<link rel="stylesheet" href="${origin}/theme.css">\n<link rel="stylesheet"`)
        .replace('<body>', `<body class="vscode-${theme}">`);
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    if (url.pathname === '/theme.css') {
      response.writeHead(200, { 'content-type': 'text/css' }).end(themeCss(theme));
      return;
    }
    const file = files[url.pathname];
    if (url.pathname === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': file.type }).end(readFileSync(file.path));
  });
  for (let port = firstPort; port < firstPort + PORT_TRIES; port++) {
    origin = `http://127.0.0.1:${port}`;
    if (await listen(server, port)) return { server, origin };
  }
  throw new Error(`ports ${firstPort}-${firstPort + PORT_TRIES - 1} are all in use`);
}

let browser: Browser | undefined;

export async function launchChromium(): Promise<Browser> {
  browser ??= await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, ...(process.env.EXTRA_CHROMIUM_ARGS ? process.env.EXTRA_CHROMIUM_ARGS.split(' ') : [])],
    headless: true,
  });
  return browser;
}

export async function closeChromium(): Promise<void> {
  await browser?.close();
  browser = undefined;
}

export async function openInspectorPage(deps: InspectorDeps, options: InspectorPageOptions): Promise<InspectorPage> {
  const { server, origin } = await serve(options.port, options.theme ?? 'dark');
  const context = await (await launchChromium()).newContext({ viewport: { width: options.width ?? 1200, height: options.height ?? 800 } });
  const page = await context.newPage();
  const clipboard: string[] = [];
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });

  // The bridge is raw CDP (a binding one way, Runtime.evaluate the other): Playwright's evaluate costs
  // 5-80 ms a message, VS Code's postMessage under 1 ms, and the scroll measurements should see the latter.
  // Messages are JSON, as VS Code sends them; CDP runs one session's commands in order.
  const cdp = await context.newCDPSession(page);
  let closed = false;
  const backend = new InspectorBackend(deps, {
    post: (message: ToWebviewMessage) => {
      if (closed) return;
      cdp.send('Runtime.evaluate', { expression: `window.__inspectorDeliver(${JSON.stringify(message)})` }).catch(() => undefined);
    },
    writeClipboard: async (text) => {
      clipboard.push(text);
    },
  });
  cdp.on('Runtime.bindingCalled', (event) => {
    if (event.name !== '__inspectorPost') return;
    backend.handle(JSON.parse(event.payload) as FromWebviewMessage).catch((error: unknown) => errors.push(String(error)));
  });
  await cdp.send('Runtime.enable');
  await cdp.send('Runtime.addBinding', { name: '__inspectorPost' });
  await page.addInitScript((initial) => {
    let state: unknown = initial ?? undefined;
    const host = window as unknown as {
      __inspectorPost(payload: string): void;
      __inspectorState: unknown;
      __inspectorDeliver(data: unknown): void;
      acquireVsCodeApi(): unknown;
    };
    // Paint timing, taken in the page so no test round trip is counted.
    const timing: Record<string, number> = {};
    (window as unknown as { __inspectorTiming: Record<string, number> }).__inspectorTiming = timing;
    const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document;
    const Observer = (
      globalThis as unknown as { MutationObserver: new (f: () => void) => { observe(n: unknown, o: unknown): void; disconnect(): void } }
    ).MutationObserver;
    const observer = new Observer(() => {
      if (timing.firstRows === undefined && doc.querySelector('.list-rows .row:not(.loading):not([hidden]) .c-seq')) {
        timing.firstRows = performance.now();
        observer.disconnect();
      }
    });
    // The document itself: at this point it has no <html> element yet.
    observer.observe(doc, { childList: true, subtree: true, characterData: true, attributes: true });
    host.__inspectorDeliver = (data) => {
      timing.firstHostMessage ??= performance.now();
      window.dispatchEvent(new MessageEvent('message', { data }));
    };
    host.acquireVsCodeApi = () => ({
      postMessage: (message: unknown) => {
        timing.firstWebviewMessage ??= performance.now();
        host.__inspectorPost(JSON.stringify(message));
      },
      getState: () => state,
      setState: (next: unknown) => {
        state = next;
        host.__inspectorState = next;
      },
    });
  }, options.state ?? null);
  await page.goto(`${origin}/`);
  return {
    page,
    backend,
    clipboard,
    dialogs,
    errors,
    savedState: () => page.evaluate(() => (window as unknown as { __inspectorState: unknown }).__inspectorState),
    timing: () =>
      page.evaluate(() => {
        const timing = (window as unknown as { __inspectorTiming: Record<string, number> }).__inspectorTiming;
        const navigation = (
          performance as unknown as { getEntriesByType(t: string): Array<{ domContentLoadedEventEnd: number }> }
        ).getEntriesByType('navigation')[0];
        const rounded: Record<string, number> = { pageLoaded: Math.round(navigation.domContentLoadedEventEnd) };
        for (const [key, value] of Object.entries(timing)) rounded[key] = Math.round(value);
        return rounded;
      }),
    async close() {
      closed = true;
      backend.dispose();
      await context.close();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

export interface FrameTimes {
  frames: number;
  p50: number;
  p95: number;
  max: number;
  /** Frames in which some visible row was still a placeholder (its window not yet arrived). */
  framesWithPlaceholders: number;
  /** Intervals over 1.5 frames at 60 Hz: at least one frame was dropped there. */
  dropped: number;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 10) / 10;
}

function summarize(intervals: number[], withPlaceholders: number): FrameTimes {
  return {
    frames: intervals.length,
    p50: quantile(intervals, 0.5),
    p95: quantile(intervals, 0.95),
    max: quantile(intervals, 1),
    framesWithPlaceholders: withPlaceholders,
    dropped: intervals.filter((t) => t > 25).length,
  };
}

export interface JumpTimes {
  jumps: number;
  /** Time from setting scrollTop to the first frame with every visible row filled. */
  fillP50: number;
  fillP95: number;
  fillMax: number;
}

/**
 * Jumps the scrollbar through the whole list in `steps` positions (a scrollbar drag, each step far
 * outside the loaded rows) and times how long until the rows at each position are painted.
 */
export async function measureScrollbarJumps(page: Page, steps: number): Promise<JumpTimes> {
  const fills = await page.evaluate(async (count) => {
    const doc = (
      globalThis as unknown as {
        document: {
          querySelector(s: string): { scrollTop: number; scrollHeight: number; clientHeight: number };
          querySelectorAll(s: string): { length: number };
        };
      }
    ).document;
    const raf = (globalThis as unknown as { requestAnimationFrame(cb: (t: number) => void): void }).requestAnimationFrame;
    const viewport = doc.querySelector('.list-viewport');
    const max = viewport.scrollHeight - viewport.clientHeight;
    const times: number[] = [];
    for (let i = 1; i <= count; i++) {
      const started = performance.now();
      viewport.scrollTop = (max * i) / count;
      for (let frame = 0; frame < 60; frame++) {
        await new Promise<void>((done) => raf(() => done()));
        if (!doc.querySelectorAll('.list-rows .row.loading:not([hidden])').length) break;
      }
      times.push(performance.now() - started);
    }
    return times;
  }, steps);
  return { jumps: fills.length, fillP50: quantile(fills, 0.5), fillP95: quantile(fills, 0.95), fillMax: quantile(fills, 1) };
}

/** Scrolls with the mouse wheel (as a user would) while timing animation frames in the page. */
export async function measureWheel(page: Page, ticks: number, deltaY: number): Promise<FrameTimes> {
  await page.evaluate(() => {
    const g = globalThis as unknown as Record<string, unknown> & {
      requestAnimationFrame(cb: (t: number) => void): void;
      document: { querySelectorAll(s: string): { length: number } };
    };
    const record = { times: [] as number[], placeholders: 0, running: true, last: performance.now() };
    g.__frameRecord = record;
    const tick = (): void => {
      const now = performance.now();
      record.times.push(now - record.last);
      record.last = now;
      if (g.document.querySelectorAll('.list-rows .row.loading:not([hidden])').length) record.placeholders++;
      if (record.running) g.requestAnimationFrame(tick);
    };
    g.requestAnimationFrame(tick);
  });
  const box = await page.locator('.list-viewport').boundingBox();
  if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < ticks; i++) await page.mouse.wheel(0, deltaY);
  await page.waitForTimeout(100);
  const { times, placeholders } = await page.evaluate(() => {
    const record = (globalThis as unknown as { __frameRecord: { times: number[]; placeholders: number; running: boolean } }).__frameRecord;
    record.running = false;
    return { times: record.times.slice(1), placeholders: record.placeholders };
  });
  return summarize(times, placeholders);
}

/**
 * Main-thread work per frame, read from a Chromium trace: for each interval between two
 * BeginMainThreadFrame events, the summed duration of the renderer main thread's top-level tasks
 * that started in it (input, messages from the host, rAF, style, layout, paint, commit).
 *
 * Why not animation-frame intervals: headless Chromium paces frames at 60 Hz, so the interval is
 * never under 16.7 ms, idle or busy. The work per frame is what must stay under the 16 ms budget
 * for no frame to be dropped; tracing adds some cost of its own, so these figures err high.
 */
export interface FrameWork {
  frames: number;
  p50: number;
  p95: number;
  max: number;
  /** Frames whose main-thread work went over 16 ms (each one a dropped frame at 60 Hz). */
  over16: number;
}

const TRACE_CATEGORIES = ['toplevel', 'disabled-by-default-devtools.timeline.frame'];
/** With INSPECTOR_TRACE_DIR set, each trace is saved there too (DevTools' timeline categories: chrome://tracing, or DevTools' Performance). */
const PROFILE_CATEGORIES = [...TRACE_CATEGORIES, 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'cc'];
let traceCount = 0;

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string };
}

export async function traceFrameWork<T>(page: Page, action: () => Promise<T>): Promise<{ result: T; work: FrameWork }> {
  const browserHandle = page.context().browser();
  if (!browserHandle) throw new Error('tracing needs a launched browser');
  const saveDir = process.env.INSPECTOR_TRACE_DIR;
  await browserHandle.startTracing(page, {
    categories: saveDir ? PROFILE_CATEGORIES : TRACE_CATEGORIES,
    ...(saveDir ? { path: join(saveDir, `inspector-trace-${++traceCount}.json`) } : {}),
  });
  let result: T;
  try {
    result = await action();
  } catch (error) {
    await browserHandle.stopTracing();
    throw error;
  }
  return { result, work: frameWorkFromTrace(await browserHandle.stopTracing()) };
}

export function frameWorkFromTrace(trace: Buffer): FrameWork {
  const parsed = JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) throw new Error('the trace has no renderer main thread');
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid);
  const frameStarts = onMain
    .filter((e) => e.name === 'BeginMainThreadFrame')
    .map((e) => e.ts)
    .sort((a, b) => a - b);
  const tasks = onMain.filter((e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask').sort((a, b) => a.ts - b.ts);
  const work: number[] = [];
  let t = 0;
  for (let f = 0; f + 1 < frameStarts.length; f++) {
    let busy = 0;
    while (t < tasks.length && tasks[t].ts < frameStarts[f]) t++;
    for (; t < tasks.length && tasks[t].ts < frameStarts[f + 1]; t++) busy += tasks[t].dur ?? 0;
    work.push(busy / 1000);
  }
  if (!work.length) return { frames: 0, p50: 0, p95: 0, max: 0, over16: 0 };
  return {
    frames: work.length,
    p50: quantile(work, 0.5),
    p95: quantile(work, 0.95),
    max: quantile(work, 1),
    over16: work.filter((w) => w > 16).length,
  };
}
