// The monitoring panel beside the Message Inspector, both open in headless Chromium and tailing 50,000
// messages/s (with a plotted field), over a store of 200,000 messages: main-thread work per frame of each
// webview, and this process's event-loop delay (it runs both backends and the appends, as the engine
// does), each against the same run's idle pages and a flood with no panel open.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CaptureStore } from '../src/core/capture/captureStore';
import { createDefaultRegistry } from '../src/core/decoders';
import { SessionManager } from '../src/core/session/sessionManager';
import type { InspectorDeps } from '../src/inspector/inspectorBackend';
import type { Page } from 'playwright-core';
import { closeChromium, frameWorkFromTrace, openInspectorPage, type FrameWork, type InspectorPage } from '../test/e2e/inspectorHarness';
import { openMonitorPage, type MonitorPage } from '../test/e2e/monitorHarness';
import { startEventLoopDelay } from '../src/core/eventLoopDelay';

const INSPECTOR_PORT = 18600;
const MONITOR_PORT = 18620;
const IDLE_PEER = 'tcp://127.0.0.1:18991';
const PREFILL = 200_000;
const LIVE_RATE = 50_000;
const LIVE_BATCH = 2_500;
const LIVE_SECONDS = 5;
const IDLE_MS = 2_000;
const FRAME_GOAL = '< 16 ms';
const LOOP_GOAL = '< 10 ms';

/** The harnesses find dist/ three folders above their bundle: run a copy of this file from out/bench/monitor/. */
function relocated(): boolean {
  if (basename(__dirname) !== 'bench') return false;
  const dir = join(__dirname, 'monitor');
  mkdirSync(dir, { recursive: true });
  const copy = join(dir, 'monitor.run.js');
  copyFileSync(__filename, copy);
  const run = spawnSync(process.execPath, [...process.execArgv, copy], { stdio: 'inherit' });
  process.exitCode = run.status ?? 1;
  return true;
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const tick = (i: number): Uint8Array[] => [
  utf8(i % 5 ? 'prices.EURUSD' : 'prices.GBPUSD'),
  utf8(`{"seq":${i},"px":${(1.08 + (i % 1000) / 1e5).toFixed(5)}}`),
];

function result(name: string, value: number, unit: string, goal?: string, baseline?: number): void {
  console.log(
    `RESULT ${JSON.stringify({ name, value, unit, ...(goal ? { goal } : {}), ...(baseline !== undefined ? { baseline } : {}) })}`,
  );
}

/** Appends LIVE_RATE messages a second for LIVE_SECONDS, in batches every 50 ms; returns this loop's delay p99. */
async function flood(store: CaptureStore, sessionId: string, from: number): Promise<{ p99: number; max: number }> {
  const loopDelay = startEventLoopDelay(1);
  let sent = 0;
  await new Promise<void>((done) => {
    const timer = setInterval(
      () => {
        for (let i = 0; i < LIVE_BATCH; i++) store.append(sessionId, 'in', tick(from + sent + i), { hasTopic: true });
        sent += LIVE_BATCH;
        if (sent >= LIVE_RATE * LIVE_SECONDS) {
          clearInterval(timer);
          done();
        }
      },
      (1000 * LIVE_BATCH) / LIVE_RATE,
    );
  });
  const { p99, max } = loopDelay.stop();
  return { p99: Math.round(p99 * 100) / 100, max: Math.round(max * 100) / 100 };
}

interface TraceEvent {
  pid: number;
  name: string;
  args?: { data?: { frames?: Array<{ url?: string; processId?: number }>; url?: string; processId?: number } };
}

/**
 * Main-thread work per frame of `page`'s own renderer while `action` runs. Both pages' renderers are in the
 * browser-wide trace: the one that loaded this page's URL is picked (not the first renderer listed).
 */
async function traceFrameWork<T>(page: Page, action: () => Promise<T>): Promise<{ result: T; work: FrameWork }> {
  const browser = page.context().browser()!;
  await browser.startTracing(page, {
    categories: ['toplevel', 'disabled-by-default-devtools.timeline.frame', 'disabled-by-default-devtools.timeline', 'devtools.timeline'],
  });
  const result = await action();
  const parsed = JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const origin = new URL(page.url()).origin;
  let pid: number | undefined;
  for (const e of events) {
    const data = e.args?.data;
    pid ??= data?.frames?.find((f) => f.url?.startsWith(origin) && f.processId)?.processId;
    if (pid === undefined && e.name === 'FrameCommittedInBrowser' && data?.url?.startsWith(origin)) pid = data.processId;
  }
  if (pid === undefined) throw new Error(`no renderer of ${origin} in the trace`);
  return { result, work: frameWorkFromTrace(Buffer.from(JSON.stringify(events.filter((e) => e.pid === pid)))) };
}

function workResults(page: string, work: FrameWork, idle: FrameWork): void {
  result(`monitor bench: ${page} main-thread work per frame p95, tailing 50k/s with both panels`, work.p95, 'ms', FRAME_GOAL, idle.p95);
  result(`monitor bench: ${page} frames over 16 ms of work, tailing 50k/s`, work.over16, `of ${work.frames} frames`);
}

async function main(): Promise<void> {
  const store = new CaptureStore({ maxMessages: PREFILL + 2 * LIVE_RATE * LIVE_SECONDS * 3, maxBytes: 1024 * 1024 * 1024 });
  const sessions = new SessionManager(store);
  const decoders = createDefaultRegistry();
  const session = await sessions.open({ name: 'prices', type: 'SUB', mode: 'connect', addresses: [IDLE_PEER], subscriptions: [''] });
  const start = BigInt(Date.now() - 600_000) * 1_000_000n;
  for (let i = 0; i < PREFILL; i++) store.append(session.id, 'in', tick(i), { timeNs: start + BigInt(i) * 3_000_000n, hasTopic: true });
  let sent = PREFILL;

  // Baseline: the same flood with no panel open.
  const bare = await flood(store, session.id, sent);
  sent += LIVE_RATE * LIVE_SECONDS;
  console.log(`flood without panels: event-loop delay p99 ${bare.p99} ms, max ${bare.max} ms`);

  let monitor: MonitorPage | undefined;
  let inspector: InspectorPage | undefined;
  try {
    monitor = await openMonitorPage(
      {
        store,
        sessions: { name: (id) => sessions.describe(id)?.name ?? id, socketType: (id) => sessions.describe(id)?.type },
        decodeTree: (frame, index, view) => {
          const decoded = decoders.decodeFrame(frame, { frameIndex: index, frameCount: view.frameCount });
          return decoded.ok ? decoded.tree : undefined;
        },
        openMessage: () => undefined,
        filterInspector: () => undefined,
        log: () => undefined,
        sessionHealth: () =>
          sessions.list().map((s) => ({
            id: s.id,
            name: s.name,
            type: s.type,
            mode: s.mode,
            state: s.state,
            rate1s: s.monitor.rate1s,
            timeline: s.monitor.timeline(),
            connections: s.monitor.connections,
            routingPeerCount: s.monitor.routingPeers.size,
          })),
      },
      MONITOR_PORT,
    );
    if (!process.env.NO_PLOT) monitor.backend.plot({ topic: 'prices.EURUSD', path: '$.px' });
    const deps: InspectorDeps = { store, sessions, decoders, getRules: () => [], addRule: async () => undefined, log: () => undefined };
    inspector = await openInspectorPage(deps, { port: INSPECTOR_PORT });
    await inspector.page.waitForSelector('.list-rows .row:not(.loading) .c-seq');
    await monitor.page.waitForSelector('.chart-sessions canvas');
    await inspector.page.locator('.list').focus();
    await inspector.page.keyboard.press('End');
    await new Promise((r) => setTimeout(r, 1500));

    // Idle baselines of each page, both open.
    const idleInspector = (await traceFrameWork(inspector.page, () => inspector!.page.waitForTimeout(IDLE_MS))).work;
    const idleMonitor = (await traceFrameWork(monitor.page, () => monitor!.page.waitForTimeout(IDLE_MS))).work;
    console.log(`idle: inspector ${JSON.stringify(idleInspector)}, monitor ${JSON.stringify(idleMonitor)}`);

    // How long the panel's handling of one update takes (its listener runs between these two).
    await monitor.page.evaluate(() => {
      const g = globalThis as unknown as {
        addEventListener(type: string, f: () => void, capture?: boolean): void;
        __updateMs: number[];
        __updateStart: number;
      };
      g.__updateMs = [];
      g.addEventListener('message', () => (g.__updateStart = performance.now()), true);
      g.addEventListener('message', () => g.__updateMs.push(performance.now() - g.__updateStart));
    });
    // Frame intervals of the panel while it runs (a rAF loop, as a user's pointer over a chart would cause), and its long tasks.
    await monitor.page.evaluate(() => {
      const g = globalThis as unknown as {
        requestAnimationFrame(f: () => void): void;
        __intervals: number[];
        __longTasks: number[];
        PerformanceObserver: new (f: (list: { getEntries(): Array<{ duration: number }> }) => void) => { observe(o: unknown): void };
      };
      g.__intervals = [];
      g.__longTasks = [];
      new g.PerformanceObserver((list) => g.__longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
      let last = performance.now();
      const frame = () => {
        const now = performance.now();
        g.__intervals.push(now - last);
        last = now;
        g.requestAnimationFrame(frame);
      };
      g.requestAnimationFrame(frame);
    });
    // One tracing session at a time: the flood runs once with each page traced, both pages open.
    const onMonitor = await traceFrameWork(monitor.page, () => flood(store, session.id, sent));
    sent += LIVE_RATE * LIVE_SECONDS;
    const onInspector = await traceFrameWork(inspector.page, () => flood(store, session.id, sent));
    sent += LIVE_RATE * LIVE_SECONDS;
    console.log(`tailing: monitor ${JSON.stringify(onMonitor.work)}, inspector ${JSON.stringify(onInspector.work)}`);
    workResults('monitor panel', onMonitor.work, idleMonitor);
    workResults('inspector', onInspector.work, idleInspector);
    const loop = Math.max(onMonitor.result.p99, onInspector.result.p99);
    console.log(`flood with both panels: event-loop delay p99 ${onMonitor.result.p99} / ${onInspector.result.p99} ms`);
    result('monitor bench: backends process event-loop delay p99, tailing 50k/s with both panels', loop, 'ms', LOOP_GOAL, bare.p99);
    const frames = await monitor.page.evaluate(() => {
      const g = globalThis as unknown as { __intervals: number[]; __longTasks: number[] };
      return { intervals: g.__intervals, longTasks: g.__longTasks };
    });
    const intervals = [...frames.intervals].sort((a, b) => a - b);
    console.log(
      `monitor panel frames: ${intervals.length}, interval p50 ` +
        `${intervals[Math.floor(intervals.length / 2)]?.toFixed(1)} p95 ` +
        `${intervals[Math.floor(intervals.length * 0.95)]?.toFixed(1)} max ${intervals.at(-1)?.toFixed(1)} ` +
        `ms; long tasks ${JSON.stringify(frames.longTasks.map(Math.round))}`,
    );
    const updates = await monitor.page.evaluate(() => (globalThis as unknown as { __updateMs: number[] }).__updateMs);
    console.log(`monitor panel: handling one update took ${JSON.stringify(updates.map((ms) => Math.round(ms)))} ms`);
    const fields = await monitor.page.locator('.field-list').innerText();
    console.log(`plotted: ${fields}`);
    if (monitor.errors.length || inspector.errors.length)
      console.log(`page errors: ${JSON.stringify([...monitor.errors, ...inspector.errors])}`);
  } finally {
    await inspector?.close();
    await monitor?.close();
    await closeChromium();
    await sessions.dispose();
  }
}

if (!relocated()) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
