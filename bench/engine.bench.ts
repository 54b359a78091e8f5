// The engine process, measured as the extension runs it (EngineClient forking dist/engine.js, crash spool
// on), against same-run baselines:
// - capture rate through the engine vs a bare zeromq.js `for await` loop in one process, at 64 B and 4 KiB,
//   each bare trial in a fresh process of its own as each engine trial is (see bareLoopProcess), with a
//   pyzmq `recv_multipart` loop (what a ZeroMQ developer writes by hand) beside them; a C publisher
//   on Debian's libzmq floods each, pinned to one CPU while the readers are pinned to the other (see
//   pinReaderAndPublisher). The bare loop the goal compares with has the engine session's receive queue
//   (high-water mark), the same bound on memory; one with an unbounded queue, which may take the whole
//   flood into memory (the engine may not: its RSS is held to the capture budget), is measured beside, with
//   its memory. The goal is read on an engine in its steady state, its capture budget filled by an earlier
//   flood, as any engine is after its first 256 MiB; a fresh engine, which first takes every page of its
//   budget from the kernel, is measured beside, with what a first write to a page costs on this machine;
// - the extension host's event-loop delay during a full-speed flood with an inspector open (the engine
//   pushes snapshots and the inspector's summaries; this process asks for rows at 30 Hz like the webview);
// - engine restart to session running again after kill -9, with the capture restored from the spool.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as zmq from 'zeromq';
import { captureHighWaterMarkFor } from '../src/core/capture/queueBudget';
import { startEventLoopDelay } from '../src/core/eventLoopDelay';
import type { EngineClient } from '../src/engine/engineClient';
import { MessageType, type ToWebviewMessage } from '../src/shared/inspectorProtocol';
import { newTestEngineClient } from '../test/support/testEngine';
import {
  STOP_MARKERS,
  addressesFrom,
  bareLoopProcess,
  buildPublisher,
  delay,
  pinReaderAndPublisher,
  result,
  startPublisher,
} from './captureTrial';

const ENGINE = resolve('dist/engine.js');
// Seven alternating trials per side, read round by round (see the goal below; medians and best-of beside):
// pinned, the trials of one run agree far better than unpinned, though not always (one run's bare loop still
// ranged from 50k to 73k msg/s), and the machine drifts between runs (the same bare loop did 45k in one and
// 66k in the next).
const TRIALS = 7;
const nextAddress = addressesFrom(21400);

/** pyzmq's recv_multipart loop, timed by itself. */
async function pyzmqLoop(count: number, size: number): Promise<number> {
  const publisher = await startPublisher(nextAddress(), count, size);
  const script = `
import zmq, struct, time, sys
sub = zmq.Context().socket(zmq.SUB)
sub.setsockopt(zmq.RCVHWM, 0)
sub.connect(sys.argv[1])
sub.setsockopt(zmq.SUBSCRIBE, b"")
print("READY", flush=True)
n = 0
start = 0
while True:
    frames = sub.recv_multipart()
    if n == 0: start = time.perf_counter()
    if struct.unpack_from("<q", frames[0])[0] < 0: break
    n += 1
print(n / (time.perf_counter() - start), flush=True)
`;
  const child = spawn('/usr/bin/python3', ['-c', script, publisher.address], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  while (!out.includes('READY')) await delay(20);
  await delay(300);
  publisher.go();
  await new Promise((r) => child.once('exit', r));
  await publisher.finish();
  return Number(out.split('\n')[1]);
}

/** The capture budget of the engine under test: the default setting. */
const ENGINE_MAX_BYTES = 256 * 1024 * 1024;
/** The receive queue depth the engine gives a session at that budget, in messages. */
const ENGINE_RECEIVE_HWM = captureHighWaterMarkFor(ENGINE_MAX_BYTES);
/** The engine's message budget (newTestEngineClient's default). */
const ENGINE_MAX_MESSAGES = 1_000_000;

function newEngine(spoolDir: string | undefined): EngineClient {
  return newTestEngineClient({
    enginePath: ENGINE,
    spoolDir,
    maxBytes: ENGINE_MAX_BYTES,
    maxMessages: ENGINE_MAX_MESSAGES,
    receiveTimeoutMs: 30_000,
    refusal: 'not in a benchmark',
    log: (level, message) => {
      if (level === 'error' || level === 'warn') console.error(`[engine ${level}] ${message}`);
    },
  });
}

interface EngineRun {
  rate: number;
  lost: number;
  delay?: { p50: number; p99: number; max: number };
}

/**
 * One flood into a session of a fresh engine; with `inspector`, a panel is open and asks for rows at 30 Hz.
 * With `quietMs`, nothing is published: the same setup idles that long (the event-loop delay baseline).
 */
async function enginePath(
  count: number,
  size: number,
  inspector: boolean,
  options: { quietMs?: number; spool?: boolean; filledFirst?: boolean } = {},
): Promise<EngineRun & { ms: number; hostCpuPerSecondMs: number }> {
  const { quietMs, spool = true, filledFirst = false } = options;
  const spoolDir = mkdtempSync(join(tmpdir(), 'zmq-engine-bench-'));
  const engine = newEngine(spool ? spoolDir : undefined);
  await engine.start();
  const publisher = await startPublisher(nextAddress(), count, size);
  // With `filledFirst`, an unmeasured flood first fills the capture budget (bytes or messages, whichever
  // binds first), so the measured one runs in the steady state: every message evicts an old one, and the
  // store and the spool write over memory and file pages they already hold.
  const fillerCount = Math.ceil(1.1 * Math.min(ENGINE_MAX_MESSAGES, ENGINE_MAX_BYTES / size));
  const filler = filledFirst ? await startPublisher(nextAddress(), fillerCount, size) : undefined;
  try {
    const addresses = [publisher.address, ...(filler ? [filler.address] : [])];
    await engine.call('session.open', { spec: { id: 's1', name: 'bench', type: 'SUB', mode: 'connect', addresses } });
    await delay(300);
    if (filler) {
      const filled = engine.call(
        'session.awaitCount',
        { id: 's1', count: fillerCount + STOP_MARKERS, idleMs: 2000 },
        { timeoutMs: 600_000 },
      );
      filler.go();
      await filled;
      await delay(300);
    }
    let rowsAsked = 0;
    let timer: NodeJS.Timeout | undefined;
    if (inspector) {
      await engine.call('panel.open', { panelId: 'bench', kind: 'inspector', visible: true });
      let generation = 0;
      let matched = 0;
      engine.onEvent((event) => {
        if (event.event !== 'panel.post') return;
        for (const message of event.body.messages as ToWebviewMessage[])
          if (message.type === MessageType.Summary) [generation, matched] = [message.filterGeneration, message.matched + message.evicted];
      });
      await engine.call('panel.message', { panelId: 'bench', message: { type: MessageType.Ready } });
      // What the webview does while tailing: the last screenful of rows, thirty times a second.
      timer = setInterval(() => {
        rowsAsked++;
        const message = {
          type: MessageType.GetRows,
          requestId: rowsAsked,
          filterGeneration: generation,
          absStart: Math.max(0, matched - 50),
          count: 50,
        } as const;
        void engine.request('panel.message', { panelId: 'bench', message });
      }, 33);
    }
    const loopDelay = startEventLoopDelay(5);
    const began = performance.now();
    const cpuBefore = process.cpuUsage();
    const counted = quietMs
      ? delay(quietMs).then(() => ({ received: 0, firstMs: 0, lastMs: 1 }))
      : engine.call('session.awaitCount', { id: 's1', count: count + STOP_MARKERS, idleMs: 2000 }, { timeoutMs: 600_000 });
    if (!quietMs) publisher.go();
    const { received, firstMs, lastMs } = await counted;
    const lateness = loopDelay.stop();
    const measuredMs = performance.now() - began;
    const cpu = process.cpuUsage(cpuBefore);
    if (timer) clearInterval(timer);
    return {
      ms: measuredMs,
      // What this process (the extension host's part) spent on the CPU per second of the measurement.
      hostCpuPerSecondMs: (cpu.user + cpu.system) / 1000 / (measuredMs / 1000),
      rate: Math.max(0, Math.min(count, received - STOP_MARKERS)) / ((lastMs - firstMs) / 1000),
      lost: quietMs ? 0 : Math.max(0, count + STOP_MARKERS - received),
      delay: lateness,
    };
  } finally {
    await publisher.finish();
    await filler?.finish();
    await engine.dispose();
    rmSync(spoolDir, { recursive: true, force: true });
  }
}

/** kill -9 of an engine holding `messages` captured messages: time until the session receives again. */
async function restart(messages: number): Promise<{ noticedMs: number; startedMs: number; runningMs: number; restored: number }> {
  const spoolDir = mkdtempSync(join(tmpdir(), 'zmq-engine-bench-'));
  const engine = newEngine(spoolDir);
  await engine.start();
  const feed = new zmq.Publisher({ sendHighWaterMark: 0, linger: 0 });
  const address = nextAddress();
  await feed.bind(address);
  try {
    await engine.call('session.open', { spec: { id: 's1', name: 'bench', type: 'SUB', mode: 'connect', addresses: [address] } });
    await delay(300);
    const payload = Buffer.alloc(64, 7);
    for (let i = 0; i < messages; i++) await feed.send(payload);
    await engine.call('session.awaitCount', { id: 's1', count: messages, idleMs: 2000 }, { timeoutMs: 120_000 });
    // The spool writes what arrived within a second.
    await delay(1200);
    let keepSending = true;
    const sending = (async () => {
      while (keepSending) {
        await feed.send(payload);
        await delay(2);
      }
    })();
    const killedAt = performance.now();
    let noticedMs = 0;
    engine.onDidCrash(() => (noticedMs = performance.now() - killedAt));
    const started = new Promise<{ restored: number }>((r) => engine.onDidStart((s) => r({ restored: s.restored?.messages ?? 0 })));
    process.kill(engine.enginePid, 'SIGKILL');
    const { restored } = await started;
    const startedMs = performance.now() - killedAt;
    await engine.call('session.awaitCount', { id: 's1', count: 1, idleMs: 5000 });
    const runningMs = performance.now() - killedAt;
    keepSending = false;
    await sending;
    return { noticedMs, startedMs, runningMs, restored };
  } finally {
    feed.close();
    await engine.dispose();
    rmSync(spoolDir, { recursive: true, force: true });
  }
}

/**
 * What a first write to a memory page costs here against a write to a page written before, in µs a page:
 * the price of a store's first fill. (On this project's virtual machines a fresh page costs tens of times
 * what it does on a laptop, so a fresh engine's first 256 MiB is measured apart from its steady state.)
 */
function pageTouchCost(): { freshUs: number; writtenUs: number } {
  const pages = 16_384;
  const memory = new Uint8Array(pages * 4096);
  const timeTouch = () => {
    const started = performance.now();
    for (let page = 0; page < pages; page++) memory[page * 4096] = 1;
    return ((performance.now() - started) * 1000) / pages;
  };
  const freshUs = timeTouch();
  return { freshUs, writtenUs: timeTouch() };
}

async function main(): Promise<void> {
  buildPublisher();
  // ENGINE_BENCH_SIZES=64 runs only that size's capture trials; ENGINE_BENCH_FLOOD_ONLY=1 only the flood and restart.
  const floodOnly = process.env.ENGINE_BENCH_FLOOD_ONLY === '1';
  const sizes = floodOnly ? [] : process.env.ENGINE_BENCH_SIZES?.split(',').map(Number);
  const pinned = sizes?.length !== 0 && pinReaderAndPublisher(true);
  if (sizes?.length !== 0) {
    console.log(
      pinned ? 'capture trials: publishers on CPU 0, readers on the last CPU' : 'capture trials: not pinned (no taskset, or one CPU)',
    );
    const touch = pageTouchCost();
    console.log(
      `a first write to a fresh memory page costs ${touch.freshUs.toFixed(2)} µs here, to a page written before ` +
        `${touch.writtenUs.toFixed(2)} µs (a fresh engine's 256 MiB budget is 65,536 pages)`,
    );
    result('first write to a fresh memory page (this machine)', +touch.freshUs.toFixed(2), 'µs', undefined, +touch.writtenUs.toFixed(2));
  }
  for (const [size, count] of (
    [
      [64, 1_000_000],
      [4096, 200_000],
    ] as const
  ).filter(([s]) => !sizes || sizes.includes(s))) {
    // Alternate the sides so drift on a busy machine hits all alike.
    const bare: number[] = [];
    const unbounded: Array<{ rate: number; peakRssGrowthMiB: number }> = [];
    const steady: EngineRun[] = [];
    const fresh: EngineRun[] = [];
    const pyzmq: number[] = [];
    const unspooled: number[] = [];
    const copying: number[] = [];
    // The goal's trials first, alternating (bare loop, engine in its steady state, the engine without its
    // spool), then the informative ones. Why apart: a fresh engine takes 65,536 fresh pages from the kernel
    // and an unbounded bare loop 100-200 MiB, and the goal's two sides should have the same kind of trial
    // around them; interleaved, one side or the other followed those. (Not shown to move the reading: the
    // first run so ordered read 0.886, within the earlier runs' spread.)
    for (let trial = 0; trial < TRIALS; trial++) {
      bare.push(
        (await bareLoopProcess(await startPublisher(nextAddress(), count, size), { receiveHighWaterMark: ENGINE_RECEIVE_HWM })).rate,
      );
      steady.push(await enginePath(count, size, false, { filledFirst: true }));
      unspooled.push((await enginePath(count, size, false, { spool: false, filledFirst: true })).rate);
    }
    for (let trial = 0; trial < TRIALS; trial++) {
      unbounded.push(await bareLoopProcess(await startPublisher(nextAddress(), count, size)));
      fresh.push(await enginePath(count, size, false));
      copying.push(
        (
          await bareLoopProcess(await startPublisher(nextAddress(), count, size), {
            copyFrames: true,
            receiveHighWaterMark: ENGINE_RECEIVE_HWM,
          })
        ).rate,
      );
      pyzmq.push(await pyzmqLoop(count, size));
    }
    const rates = (xs: number[]) => xs.map(Math.round).join(', ');
    const best = (xs: number[]) => Math.max(...xs);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    const steadyRates = steady.map((r) => r.rate);
    const freshRates = fresh.map((r) => r.rate);
    const unboundedRates = unbounded.map((r) => r.rate);
    /** The median of `rates` over the median of `baseline`: the same-run ratio the trials are read by. */
    const medianRatio = (rates: number[], baseline: number[]) => +(median(rates) / median(baseline)).toFixed(3);
    const lost = (runs: EngineRun[]) => runs.reduce((sum, r) => sum + r.lost, 0);
    console.log(
      `${size} B trials (msg/s): bare zeromq.js, receive HWM ${ENGINE_RECEIVE_HWM} as the engine's ${rates(bare)}; engine, ` +
        `steady state ${rates(steadyRates)}; engine, fresh ${rates(freshRates)}; engine, steady state without crash spool ` +
        `${rates(unspooled)}; bare zeromq.js, unbounded receive queue ${rates(unboundedRates)} (peak RSS growth ` +
        `${unbounded.map((r) => Math.round(r.peakRssGrowthMiB)).join(', ')} MiB); bare zeromq.js copying each frame once ` +
        `${rates(copying)}; pyzmq recv_multipart ${rates(pyzmq)}`,
    );
    result(
      `engine capture rate ${size} B, steady state (median)`,
      Math.round(median(steadyRates)),
      'msg/s',
      undefined,
      Math.round(median(bare)),
    );
    result(`bare zeromq.js rate ${size} B (median, the engine's receive HWM)`, Math.round(median(bare)), 'msg/s');
    result(`pyzmq recv_multipart rate ${size} B (median)`, Math.round(median(pyzmq)), 'msg/s');
    result(
      `engine capture ratio ${size} B, steady state, medians of ${TRIALS} alternating trials (engine / bare zeromq.js in one process, same receive HWM)`,
      medianRatio(steadyRates, bare),
      'ratio',
    );
    // The goal: each round's engine trial over the bare trial just before it, the median of those. Why not the
    // ratio of medians above: the machine's speed drifts from round to round by more than the gap measured (one
    // run's bare loop went 44k, 60k, 52k, 51k, 66k, 66k, 63k msg/s at 4 KiB, the engine's trials beside them
    // following), and which trials the drift catches moves the ratio of medians (that run: 0.846, while every
    // round's own ratio was 0.846 to 1.003, 0.953 at the median). The paired ratio cancels the drift. It did not
    // flatter the engine: before its received frames were copies (copiedFrames.ts) it read 0.862 to 0.908 over
    // nine runs, below the goal in eight.
    const pairedRatios = steadyRates.map((rate, i) => rate / bare[i]);
    console.log(`${size} B engine / bare, round by round: ${pairedRatios.map((r) => r.toFixed(3)).join(', ')}`);
    result(
      `engine capture ratio ${size} B, steady state, median of the ${TRIALS} rounds' ratios (engine / the bare trial before it)`,
      +median(pairedRatios).toFixed(3),
      'ratio',
      '>= 0.9',
    );
    result(
      `engine capture ratio ${size} B, steady state, best of ${TRIALS} (engine / bare zeromq.js in one process, same receive HWM)`,
      +(best(steadyRates) / best(bare)).toFixed(3),
      'ratio',
    );
    // Informative: a fresh engine's flood, which first fills its budget with pages new to the process.
    result(
      `engine capture ratio ${size} B, fresh engine, medians (engine / bare zeromq.js, same receive HWM)`,
      medianRatio(freshRates, bare),
      'ratio',
    );
    // Informative: what an unbounded receive queue buys a reader that may hold the flood in memory, and costs.
    result(
      `engine capture ratio ${size} B, steady state, medians (engine / bare zeromq.js with an unbounded receive queue)`,
      medianRatio(steadyRates, unboundedRates),
      'ratio',
    );
    result(
      `bare zeromq.js peak RSS growth ${size} B with an unbounded receive queue (largest of ${TRIALS} trials)`,
      Math.round(best(unbounded.map((r) => r.peakRssGrowthMiB))),
      'MiB',
    );
    // Informative: the bare loop never reads the payload; this one reads it once, as any capture must.
    result(
      `engine capture ratio ${size} B, steady state, medians (engine / bare zeromq.js copying each frame once, same receive HWM)`,
      medianRatio(steadyRates, copying),
      'ratio',
    );
    result(
      `engine capture ratio ${size} B, steady state, medians (engine / pyzmq recv_multipart)`,
      medianRatio(steadyRates, pyzmq),
      'ratio',
    );
    result(`messages lost ${size} B (engine, steady state, all ${TRIALS} trials)`, lost(steady), 'messages', '0');
    result(`messages lost ${size} B (engine, fresh, all ${TRIALS} trials)`, lost(fresh), 'messages', '0');
    result(
      `engine capture rate ${size} B, steady state without the crash spool (median; what the spool costs)`,
      Math.round(median(unspooled)),
      'msg/s',
      undefined,
      Math.round(median(steadyRates)),
    );
  }
  if (pinned) pinReaderAndPublisher(false);
  if (!sizes || floodOnly) {
    const flood = await enginePath(1_000_000, 64, true);
    // The same setup without the flood, as long: what this machine's scheduler alone does to the delay.
    const quiet = await enginePath(1_000_000, 64, true, { quietMs: Math.max(3000, flood.ms) });
    const line = (d: EngineRun['delay']) => `p50 ${d!.p50.toFixed(1)} ms, p99 ${d!.p99.toFixed(1)} ms, max ${d!.max.toFixed(1)} ms`;
    console.log(
      `extension host event-loop delay (how late a timer due every 5 ms ran), inspector open and rows asked at 30 Hz: during a 64 B flood ` +
        `(${Math.round(flood.rate)} msg/s into the engine) ${line(flood.delay)}; same run, no flood: ` +
        `${line(quiet.delay)}`,
    );
    result('extension host event-loop delay p50 during flood (engine)', +flood.delay!.p50.toFixed(2), 'ms');
    result(
      'extension host event-loop delay p99 during flood (engine)',
      +flood.delay!.p99.toFixed(2),
      'ms',
      '< 10',
      +quiet.delay!.p99.toFixed(2),
    );
    result('extension host event-loop delay max during flood (engine)', +flood.delay!.max.toFixed(2), 'ms');
    result('extension host event-loop delay p99 without flood (baseline)', +quiet.delay!.p99.toFixed(2), 'ms');
    console.log(
      `extension host CPU time: ${flood.hostCpuPerSecondMs.toFixed(1)} ms per second during the flood, ` +
        `${quiet.hostCpuPerSecondMs.toFixed(1)} ms per second without it`,
    );
    result(
      'extension host CPU per second during flood (engine)',
      +flood.hostCpuPerSecondMs.toFixed(1),
      'ms/s',
      undefined,
      +quiet.hostCpuPerSecondMs.toFixed(1),
    );
    for (const messages of [10_000, 200_000]) {
      const run = await restart(messages);
      console.log(
        `restart after kill -9 holding ${messages} messages: noticed ${Math.round(run.noticedMs)} ms, new ` +
          `engine ready (spool restored, session reopened) ${Math.round(run.startedMs)} ms, session receiving ` +
          `${Math.round(run.runningMs)} ms; restored ${run.restored}`,
      );
      result(`engine restart to session receiving (${messages} messages restored)`, Math.round(run.runningMs), 'ms', '< 3000');
      result(`engine crash noticed (${messages} messages)`, Math.round(run.noticedMs), 'ms', '< 1000');
    }
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
