// The capture-trial harness the capture, engine and diagnosis benchmarks share: a C publisher on Debian's
// libzmq that floods numbered messages (an 8-byte little-endian counter, then STOP_MARKERS negative ones)
// when told "go", the bare zeromq.js loop every capture path is measured against in the same run, a wait
// for a capture path's counter to reach the end, and the RESULT line bench/run.mjs collects.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import * as zmq from 'zeromq';
import type { CaptureSink } from '../src/core/session/session';
import { SessionManager } from '../src/core/session/sessionManager';

const PUBLISHER = 'bench/tmp/c_publisher';
/** The publisher sends this many markers (sequence -1) after its `count` messages. */
export const STOP_MARKERS = 10;

export const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Each benchmark has its own port range (they may run while tests hold others). */
export function addressesFrom(firstPort: number): () => string {
  let port = firstPort;
  return () => `tcp://127.0.0.1:${port++}`;
}

export function buildPublisher(): void {
  mkdirSync('bench/tmp', { recursive: true });
  const gcc = spawnSync('gcc', ['-O2', '-o', PUBLISHER, 'bench/peers/c_publisher.c', '-lzmq'], { stdio: 'inherit' });
  if (gcc.status !== 0) throw new Error('could not build the C publisher (is libzmq3-dev installed?)');
}

export interface Publisher {
  address: string;
  /** Starts the flood. */
  go(): void;
  finish(): Promise<void>;
}

/** The CPU publishers are started on while pinReaderAndPublisher is on. */
let publisherCpu: number | undefined;

/**
 * Pins this process (each of its threads; what it starts later inherits it) to the last CPU, and the
 * publishers it starts from now on to the first; or, with `pin` false, undoes both. Why: on a 2-core
 * machine three busy threads (the publisher, libzmq's I/O thread, the reader) are placed by the scheduler,
 * and a reader's rate at 4 KiB then jumps between about 35k and 70k msg/s from trial to trial, the bare
 * loop and pyzmq alike. Pinned, every trial measures the same thing: what the reading side costs on its
 * core, its I/O thread and any helper threads included. Returns false (nothing pinned) without `taskset`
 * or with one CPU.
 */
export function pinReaderAndPublisher(pin: boolean): boolean {
  const last = availableParallelism() - 1;
  if (last < 1) return false;
  const cpus = pin ? String(last) : `0-${last}`;
  const taskset = spawnSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { stdio: 'ignore' });
  if (taskset.error || taskset.status !== 0) return false;
  publisherCpu = pin ? 0 : undefined;
  return true;
}

/** Binds a C publisher (PUB, or PUSH with `mode` 'push') at `address`, ready to send `count` messages of `size` bytes. */
export async function startPublisher(address: string, count: number, size: number, mode: 'pub' | 'push' = 'pub'): Promise<Publisher> {
  const args = [address, String(count), String(size), mode];
  const child =
    publisherCpu === undefined
      ? spawn(PUBLISHER, args, { stdio: ['pipe', 'pipe', 'inherit'] })
      : spawn('taskset', ['-c', String(publisherCpu), PUBLISHER, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`publisher exited ${code}`)));
  });
  return {
    address,
    go: () => child.stdin!.write('go\n'),
    finish: async () => {
      child.stdin!.end('done\n');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

export function sequenceOf(frame: Uint8Array): number {
  return Number(Buffer.from(frame.buffer, frame.byteOffset, 8).readBigInt64LE(0));
}

export interface BareLoopOptions {
  copyFrames?: boolean;
  receiveHighWaterMark?: number;
}

export interface BareLoopResult {
  rate: number;
  received: number;
  peakRssGrowthMiB: number;
}

/**
 * The baseline: a bare zeromq.js `for await` SUB loop on `publisher`, timed from its first message. It never
 * reads a payload byte past the sequence number; with `copyFrames`, each frame is copied once into a reused
 * 4 MiB ring, the least any reader that keeps the data pays (reading the payload out of libzmq's queue).
 * `receiveHighWaterMark` is 0 (unbounded) unless given: then libzmq's queue takes the whole flood in memory,
 * which `peakRssGrowthMiB` shows.
 */
export async function bareLoop(publisher: Publisher, options: BareLoopOptions = {}): Promise<BareLoopResult> {
  const { copyFrames = false, receiveHighWaterMark = 0 } = options;
  const ring = new Uint8Array(copyFrames ? 4 * 1024 * 1024 : 0);
  let at = 0;
  const sub = new zmq.Subscriber({ receiveHighWaterMark, linger: 0 });
  sub.connect(publisher.address);
  sub.subscribe();
  await delay(300);
  const rssBefore = process.memoryUsage.rss();
  let peakRss = rssBefore;
  // Sampled between messages: zeromq.js yields to the event loop every 512 immediate receives.
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
  publisher.go();
  let received = 0;
  let start = 0;
  for await (const [frame] of sub) {
    if (received === 0) start = performance.now();
    if (sequenceOf(frame) < 0) break;
    received++;
    if (copyFrames) {
      if (at + frame.length > ring.length) at = 0;
      ring.set(frame, at);
      at += frame.length;
    }
  }
  const seconds = (performance.now() - start) / 1000;
  clearInterval(sampler);
  sub.close();
  await publisher.finish();
  return { rate: received / seconds, received, peakRssGrowthMiB: (peakRss - rssBefore) / 1024 / 1024 };
}

/**
 * bareLoop run in a fresh Node process of its own (out/bench/bareLoopChild.js, default flags, the CPUs this
 * process is pinned to), as the engine runs in one. Why not in this process: a bare loop's rate here depends
 * on what this process did before. After a trial with an unbounded receive queue had grown its heap by
 * 100-200 MiB, the same bare loop ran at 75-78k msg/s at 4 KiB in three rounds of four instead of 65-72k
 * (main thread 7.8-7.95 µs a message instead of 8.3-9.15; 2026-12-02, pinned), while the engine beside it
 * held 66-68k: the baseline then measured the benchmark's history, not zeromq.js.
 */
export async function bareLoopProcess(publisher: Publisher, options: BareLoopOptions = {}): Promise<BareLoopResult> {
  const child = spawn(process.execPath, [join(__dirname, 'bareLoopChild.js'), publisher.address, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  let started = false;
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (!started && out.includes('READY\n')) {
      started = true;
      publisher.go();
    }
  });
  // 'close', not 'exit': the result line may still be in the pipe when the process has exited.
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  await publisher.finish();
  const line = out.split('\n').find((l) => l.startsWith('BARE '));
  if (code !== 0 || !line) throw new Error(`the bare loop process exited ${code} without a result`);
  return JSON.parse(line.slice('BARE '.length)) as BareLoopResult;
}

/** The product's capture path on `publisher`: a SUB session (unlimited receive HWM) appending to `sink`. */
export async function openCaptureSession(sink: CaptureSink, publisher: Publisher) {
  const manager = new SessionManager(sink);
  const session = await manager.open({
    name: 'bench',
    type: 'SUB',
    mode: 'connect',
    addresses: [publisher.address],
    receiveHighWaterMark: 0,
  });
  return { manager, session };
}

/**
 * Starts the flood and waits until `counters.messagesIn` reaches `expected`, or nothing arrived for 2 s (the
 * rest was lost). Polls on a 1 ms timer, so polling itself costs little. Returns when the first and the last
 * message were counted.
 */
export function floodAndCount(
  counters: { readonly messagesIn: number },
  expected: number,
  publisher: Publisher,
): Promise<{ startMs: number; endMs: number }> {
  publisher.go();
  return new Promise((resolve) => {
    let startMs = 0;
    let lastCount = 0;
    let lastChange = performance.now();
    const poll = setInterval(() => {
      const now = performance.now();
      if (!startMs && counters.messagesIn > 0) startMs = now;
      if (counters.messagesIn !== lastCount) {
        lastCount = counters.messagesIn;
        lastChange = now;
      }
      if (counters.messagesIn >= expected || now - lastChange > 2000) {
        clearInterval(poll);
        resolve({ startMs, endMs: lastChange });
      }
    }, 1);
  });
}

/** One line bench/run.mjs collects into bench/results.json. */
export function result(name: string, value: number, unit: string, goal?: string, baseline?: number): void {
  console.log(`RESULT ${JSON.stringify({ name, value, unit, goal, ...(baseline !== undefined ? { baseline } : {}) })}`);
}
