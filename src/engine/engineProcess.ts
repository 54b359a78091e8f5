// How the engine process is started and watched from the outside: fork with the runtime the extension host
// runs on, its stderr passed on line by line, and the crash window that tells a crash loop from bad luck.
import { fork, type ChildProcess } from 'node:child_process';

/**
 * V8's young generation, capped at 1 MiB (Node's default grows it to 16 MiB). Why: every frame zeromq.js
 * hands the engine is a Buffer over libzmq's own memory, dead as soon as the store has copied it, and
 * freed only when a scavenge finds it. With 16 MiB between scavenges the engine streams through memory
 * long out of the CPU's caches and holds tens of MiB of libzmq buffers awaiting collection; with 1 MiB
 * those buffers are freed, and reused by libzmq, while still in the caches. Measured (2026-12-02, pinned,
 * 4 KiB flood into an engine in its steady state, two runs of 7 alternating trials): libzmq's I/O thread
 * in the engine spent 0.85 s of CPU on 200,000 messages instead of 1.10, the whole engine 3.10 and 3.31 s
 * instead of 3.39 and 3.45; a 20 s flood of 8 KiB messages with a 64 MiB budget peaked at 168 MiB RSS
 * instead of 191-202.
 */
export const ENGINE_EXEC_ARGV = ['--max-semi-space-size=1'];

/**
 * Starts dist/engine.js with this process's runtime: in desktop VS Code that is Electron, which
 * ELECTRON_RUN_AS_NODE turns into a plain Node (language servers are started the same way). IPC uses the
 * structured clone serialization, so bytes and BigInts cross as they are.
 */
export function forkEngine(
  enginePath: string,
  env: Record<string, string> | undefined,
  onStderrLine: (line: string) => void,
): ChildProcess {
  const child = fork(enginePath, [], {
    execPath: process.execPath,
    execArgv: ENGINE_EXEC_ARGV,
    env: { ...process.env, ...env, ELECTRON_RUN_AS_NODE: '1' },
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  forwardLines(child, onStderrLine);
  return child;
}

/** Crashes counted over a sliding window: `maxCrashes` within `windowMs` make a loop. */
export class CrashWindow {
  private crashes: number[] = [];

  constructor(
    readonly maxCrashes: number,
    readonly windowMs: number,
  ) {}

  /** Counts one crash now; returns how many fell in the window and whether that is a loop. */
  count(now = Date.now()): { inWindow: number; loop: boolean } {
    this.crashes = this.crashes.filter((at) => now - at < this.windowMs);
    this.crashes.push(now);
    return { inWindow: this.crashes.length, loop: this.crashes.length >= this.maxCrashes };
  }

  reset(): void {
    this.crashes = [];
  }
}

/** Passes the engine's stderr on, a line at a time (at most 100 lines a second, each cut at 2000 characters). */
function forwardLines(child: ChildProcess, line: (text: string) => void): void {
  let buffered = '';
  let second = 0;
  let lines = 0;
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const text = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      const now = Math.floor(Date.now() / 1000);
      if (now !== second) [second, lines] = [now, 0];
      if (++lines <= 100 && text.trim()) line(text.length > 2000 ? `${text.slice(0, 2000)}…` : text);
    }
    if (buffered.length > 64 * 1024) buffered = buffered.slice(-2000);
  });
}
