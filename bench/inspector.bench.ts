// Message Inspector webview in headless Chromium over a million captured messages: first paint,
// frame times while wheel-scrolling and while tailing 50,000 messages/s, and new-message latency,
// each against the same page's idle frame times measured in this run.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Page } from 'playwright-core';
import { CaptureStore } from '../src/core/capture/captureStore';
import { createDefaultRegistry } from '../src/core/decoders';
import { SessionManager } from '../src/core/session/sessionManager';
import type { InspectorDeps } from '../src/inspector/inspectorBackend';
import {
  closeChromium,
  measureWheel,
  openInspectorPage,
  traceFrameWork,
  type FrameWork,
  type InspectorPage,
} from '../test/e2e/inspectorHarness';

const HTTP_PORT = 18500;
// Nobody listens here: the session only has to exist so rows carry a session name.
const IDLE_PEER = 'tcp://127.0.0.1:18990';
const MESSAGES = 1_000_000;
const LIVE_RATE = 50_000;
const LIVE_BATCH = 2_500;
const LIVE_SECONDS = 3;
const IDLE_MS = 2_000;
const WHEEL_TICKS = 200;
const WHEEL_DELTA = 240;
const LATENCY_SAMPLES = 20;
const FRAME_GOAL = '< 16 ms';
/** Frames are paced at 60 Hz: an interval over 1.5 frames means at least one frame was dropped. */
const VSYNC_MS = 1000 / 60;
const DROPPED_OVER_MS = 1.5 * VSYNC_MS;

// Code inside page.evaluate runs in the browser; the root tsconfig has no DOM lib.
interface FrameRecorder {
  times: number[];
  ends: number[];
  maxSeq: number[];
  running: boolean;
  last: number;
}
type PageGlobal = Record<string, unknown> & {
  requestAnimationFrame(cb: () => void): void;
  document: { querySelectorAll(s: string): ArrayLike<{ getAttribute(n: string): string | null }>; querySelector(s: string): unknown };
  MutationObserver: new (f: () => void) => { observe(n: unknown, o: unknown): void; disconnect(): void };
};

/**
 * The harness finds dist/ three folders above its bundle (out/test/e2e); this bundle is built to
 * out/bench, so it runs a copy of itself from out/bench/inspector/ where that holds.
 */
function relocated(): boolean {
  if (basename(__dirname) !== 'bench') return false;
  const dir = join(__dirname, 'inspector');
  mkdirSync(dir, { recursive: true });
  const copy = join(dir, 'inspector.run.js');
  copyFileSync(__filename, copy);
  const run = spawnSync(process.execPath, [...process.execArgv, copy], { stdio: 'inherit' });
  process.exitCode = run.status ?? 1;
  return true;
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A topic and a JSON tick: 64 bytes give or take a few. */
function tick(i: number): Uint8Array[] {
  return [utf8('prices.EURUSD'), utf8(`{"seq":${i},"px":${(1.08 + (i % 100_000) / 1e7).toFixed(6)},"side":"b"}`)];
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 10) / 10;
}

function result(name: string, value: number, unit: string, goal?: string, baseline?: number): void {
  console.log(
    `RESULT ${JSON.stringify({ name, value, unit, ...(goal ? { goal } : {}), ...(baseline !== undefined ? { baseline } : {}) })}`,
  );
}

/** Starts timing animation frames in the page; each frame also notes the newest seq painted. */
async function startFrames(page: Page): Promise<void> {
  await page.evaluate(() => {
    const g = globalThis as unknown as PageGlobal;
    const record: FrameRecorder = { times: [], ends: [], maxSeq: [], running: true, last: performance.now() };
    g.__benchFrames = record;
    const frame = (): void => {
      const now = performance.now();
      record.times.push(now - record.last);
      record.last = now;
      const rows = g.document.querySelectorAll('.list-rows .row:not([hidden]):not(.loading)');
      record.ends.push(Date.now());
      record.maxSeq.push(rows.length ? Number(rows[rows.length - 1].getAttribute('data-seq')) : -1);
      if (record.running) g.requestAnimationFrame(frame);
    };
    g.requestAnimationFrame(frame);
  });
}

async function stopFrames(page: Page): Promise<{ times: number[]; ends: number[]; maxSeq: number[] }> {
  return page.evaluate(() => {
    const record = (globalThis as unknown as { __benchFrames: FrameRecorder }).__benchFrames;
    record.running = false;
    return { times: record.times.slice(1), ends: record.ends.slice(1), maxSeq: record.maxSeq.slice(1) };
  });
}

/** Appends one marked message and times (wall clock, both sides) until its row is in the DOM. */
async function newMessageLatency(page: Page, store: CaptureStore, sessionId: string, n: number): Promise<number> {
  const seq = store.stats().lastSeq + 1;
  await page.evaluate((wanted) => {
    const g = globalThis as unknown as PageGlobal;
    g.__benchSeen = undefined;
    const observer = new g.MutationObserver(() => {
      if (g.document.querySelector(`.list-rows .row[data-seq="${wanted}"]:not(.loading):not([hidden])`)) {
        g.__benchSeen = Date.now();
        observer.disconnect();
      }
    });
    observer.observe(g.document, { childList: true, subtree: true, attributes: true, characterData: true });
  }, seq);
  // A random phase against the backend's 33 ms push timer.
  await new Promise((r) => setTimeout(r, Math.random() * 40));
  const sent = Date.now();
  const appended = store.append(sessionId, 'in', [utf8('marker'), utf8(`{"marker":${n}}`)], { hasTopic: true });
  if (appended !== seq) throw new Error(`expected seq ${seq}, the store gave ${appended}`);
  const seen = await page.waitForFunction(() => (globalThis as unknown as PageGlobal).__benchSeen as number | undefined, undefined, {
    timeout: 5_000,
  });
  return Number(await seen.jsonValue()) - sent;
}

/** Main-thread work per frame while `what` ran, against the idle page's. */
function workResults(what: string, work: FrameWork, idle: FrameWork): void {
  result(`inspector: ${what} main-thread work per frame p50`, work.p50, 'ms', undefined, idle.p50);
  result(`inspector: ${what} main-thread work per frame p95`, work.p95, 'ms', FRAME_GOAL, idle.p95);
  result(`inspector: ${what} frames over 16 ms of work`, work.over16, `of ${work.frames} frames`);
}

async function main(): Promise<void> {
  const store = new CaptureStore({ maxMessages: MESSAGES + 400_000, maxBytes: 1024 * 1024 * 1024 });
  const sessions = new SessionManager(store);
  const deps: InspectorDeps = {
    store,
    sessions,
    decoders: createDefaultRegistry(),
    getRules: () => [],
    addRule: async () => undefined,
    log: () => undefined,
  };
  const session = await sessions.open({ name: 'prices', type: 'SUB', mode: 'connect', addresses: [IDLE_PEER], subscriptions: [''] });
  const start = BigInt(Date.now() - 3_600_000) * 1_000_000n;
  for (let i = 0; i < MESSAGES; i++) store.append(session.id, 'in', tick(i), { timeNs: start + BigInt(i) * 3_000_000n, hasTopic: true });

  let inspector: InspectorPage | undefined;
  try {
    inspector = await openInspectorPage(deps, { port: HTTP_PORT });
    const { page } = inspector;
    await page.waitForSelector('.list-rows .row:not(.loading) .c-seq');
    const timing = await inspector.timing();
    console.log(`first paint timing (ms since navigation): ${JSON.stringify(timing)}`);
    result('inspector: first rows painted, 1M messages', timing.firstRows, 'ms since navigation');

    // Baseline: the same page, tailing, with nothing happening.
    await page.waitForTimeout(500);
    await startFrames(page);
    const { work: idleWork } = await traceFrameWork(page, () => page.waitForTimeout(IDLE_MS));
    const idle = (await stopFrames(page)).times;
    const idleP50 = quantile(idle, 0.5);
    const idleP95 = quantile(idle, 0.95);
    console.log(`idle: ${idle.length} frames, p50 ${idleP50} p95 ${idleP95} max ${quantile(idle, 1)} ms`);
    result('inspector: idle frame p50 (baseline)', idleP50, 'ms');
    result('inspector: idle frame p95 (baseline)', idleP95, 'ms');
    console.log(`idle main-thread work per frame: ${JSON.stringify(idleWork)}`);
    result('inspector: idle main-thread work per frame p95 (baseline)', idleWork.p95, 'ms');

    const latencies: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) latencies.push(await newMessageLatency(page, store, session.id, i));
    console.log(`new message visible (idle, tailing): ${JSON.stringify(latencies)} ms`);
    result('inspector: new message visible p50', quantile(latencies, 0.5), 'ms', '< 200 ms');
    result('inspector: new message visible max', quantile(latencies, 1), 'ms', '< 200 ms');

    // Wheel through the list from the top, as a user reading it would.
    await page.locator('.list').focus();
    await page.keyboard.press('Home');
    await page.waitForSelector(`.list-rows .row[data-seq="${store.stats().firstSeq}"]:not(.loading)`);
    const { result: wheel, work: wheelWork } = await traceFrameWork(page, () => measureWheel(page, WHEEL_TICKS, WHEEL_DELTA));
    console.log(
      `wheel (${WHEEL_TICKS} x ${WHEEL_DELTA}px): intervals ${JSON.stringify(wheel)}, main-thread work ${JSON.stringify(wheelWork)}`,
    );
    workResults('wheel scroll', wheelWork, idleWork);
    result('inspector: wheel scroll frame interval p50', wheel.p50, 'ms', undefined, idleP50);
    result(
      'inspector: wheel scroll frame interval p95',
      wheel.p95,
      'ms',
      `<= ${DROPPED_OVER_MS.toFixed(1)} ms (no dropped frame at p95; 60 Hz pacing)`,
      idleP95,
    );
    result('inspector: wheel scroll frame interval max', wheel.max, 'ms');
    result('inspector: wheel scroll dropped frames', wheel.dropped, `of ${wheel.frames} frames`);
    result('inspector: wheel scroll frames with placeholder rows', wheel.framesWithPlaceholders, `of ${wheel.frames} frames`);

    // Tailing live traffic: back to the end, then 2,500 messages every 50 ms from this process.
    await page.keyboard.press('End');
    await page.waitForSelector(`.list-rows .row[data-seq="${store.stats().lastSeq}"]:not(.loading)`);
    await page.waitForTimeout(300);
    await startFrames(page);
    const tracing = traceFrameWork(page, async () => {
      const batches: Array<{ at: number; lastSeq: number }> = [];
      let sent = 0;
      await new Promise<void>((done) => {
        const timer = setInterval(
          () => {
            for (let i = 0; i < LIVE_BATCH; i++) store.append(session.id, 'in', tick(MESSAGES + sent + i), { hasTopic: true });
            sent += LIVE_BATCH;
            batches.push({ at: Date.now(), lastSeq: store.stats().lastSeq });
            if (sent >= LIVE_RATE * LIVE_SECONDS) {
              clearInterval(timer);
              done();
            }
          },
          (1000 * LIVE_BATCH) / LIVE_RATE,
        );
      });
      await page.waitForTimeout(300);
      return batches;
    });
    const { result: batches, work: liveWork } = await tracing;
    const live = await stopFrames(page);
    // Each batch: wall time from its append to the first frame painting its last message (or a newer one).
    const caughtUp = batches
      .map((b) => {
        const i = live.maxSeq.findIndex((seq, k) => seq >= b.lastSeq && live.ends[k] >= b.at);
        return i < 0 ? Infinity : live.ends[i] - b.at;
      })
      .filter(Number.isFinite);
    const liveP50 = quantile(live.times, 0.5);
    const liveP95 = quantile(live.times, 0.95);
    console.log(
      `tailing ${LIVE_RATE}/s for ${LIVE_SECONDS} s: ${live.times.length} frames, p50 ${liveP50} p95 ${liveP95} max ${quantile(live.times, 1)} ms; ` +
        `batch visible: ${caughtUp.length}/${batches.length} batches, p50 ${quantile(caughtUp, 0.5)} p95 ` +
        `${quantile(caughtUp, 0.95)} max ${quantile(caughtUp, 1)} ms`,
    );
    console.log(`tailing main-thread work per frame: ${JSON.stringify(liveWork)}`);
    workResults('tailing 50k/s', liveWork, idleWork);
    result('inspector: tailing 50k/s frame interval p50', liveP50, 'ms', undefined, idleP50);
    result(
      'inspector: tailing 50k/s frame interval p95',
      liveP95,
      'ms',
      `<= ${DROPPED_OVER_MS.toFixed(1)} ms (no dropped frame at p95; 60 Hz pacing)`,
      idleP95,
    );
    result(
      'inspector: tailing 50k/s dropped frames',
      live.times.filter((t) => t > DROPPED_OVER_MS).length,
      `of ${live.times.length} frames`,
    );
    result('inspector: tailing 50k/s newest batch visible p95', quantile(caughtUp, 0.95), 'ms', '< 200 ms');
    result('inspector: wheel interval p95 / idle p95', Math.round((wheel.p95 / idleP95) * 100) / 100, 'ratio');
    result('inspector: tailing interval p95 / idle p95', Math.round((liveP95 / idleP95) * 100) / 100, 'ratio');
    if (inspector.errors.length) console.log(`page errors: ${JSON.stringify(inspector.errors)}`);
  } finally {
    await inspector?.close();
    await closeChromium();
    sessions.dispose();
  }
}

if (!relocated()) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
