// The engine process (dist/engine.js, forked by EngineClient as the extension does, crash spool on) with a SUB
// session flooded by a pyzmq publisher sending as fast as it can for a while, and the engine's resident memory
// sampled from /proc during the flood: what the capture budget holds the engine to. Shared by the integration
// test (a bound it asserts) and the memory bench (the figures in bench/results.json).
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newTestEngineClient } from './testEngine';
import type { CaptureStats } from '../../src/core/types';
import { delay, startPythonPeer } from './peers';

const MiB = 1024 * 1024;

export interface FloodMemory {
  size: number;
  seconds: number;
  maxBytes: number;
  /** Engine RSS once the session is open, before the flood. */
  idleRssMiB: number;
  peakRssMiB: number;
  /** RSS at the end of the flood (before the publisher stops). */
  endRssMiB: number;
  /** Messages the publisher sent (it drops on its own high-water mark when the engine falls behind). */
  sent: number;
  stats: CaptureStats;
}

/** VmRSS of a process, in bytes (Linux). */
export function residentBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/**
 * Floods a fresh engine's SUB session with `size`-byte messages for `seconds` against a capture budget of
 * `maxBytes`, sampling the engine's RSS every 50 ms.
 */
export async function floodEngineMemory(options: {
  enginePath: string;
  port: number;
  size: number;
  seconds: number;
  maxBytes: number;
  /** Run with the crash spool (as the extension does); default true. */
  spool?: boolean;
}): Promise<FloodMemory> {
  const { enginePath, port, size, seconds, maxBytes, spool = true } = options;
  const spoolDir = mkdtempSync(join(tmpdir(), 'zmq-engine-flood-'));
  const engine = newTestEngineClient({
    enginePath,
    spoolDir: spool ? spoolDir : undefined,
    maxBytes,
    refusal: 'not in a flood',
    log: (level, message) => {
      if (level === 'error') console.error(`[engine ${level}] ${message}`);
    },
  });
  // pyzmq at full speed, with its default send high-water mark: a flood that drops at the publisher, as a real
  // PUB does, rather than queueing gigabytes in the publisher's own memory.
  const publisher = await startPythonPeer(
    `
size, seconds = int(sys.argv[1]), float(sys.argv[2])
pub = zmq.Context().socket(zmq.PUB)
pub.bind("tcp://127.0.0.1:${port}")
print("READY", flush=True)
sys.stdin.readline()
body = b"x" * size
sent = 0
end = time.monotonic() + seconds
while time.monotonic() < end:
    for _ in range(1000):
        pub.send(body)
    sent += 1000
print("SENT", sent, flush=True)
sys.stdin.readline()
`,
    [String(size), String(seconds)],
  );
  try {
    await engine.start();
    await engine.call('session.open', {
      spec: { id: 'flood', name: 'flood', type: 'SUB', mode: 'connect', addresses: [`tcp://127.0.0.1:${port}`] },
    });
    await delay(500);
    const pid = engine.enginePid;
    const idle = residentBytes(pid);
    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, residentBytes(pid))), 50);
    publisher.process.stdin!.write('go\n');
    const sentLine = await publisher.waitForLine(/^SENT/, (seconds + 30) * 1000);
    const end = residentBytes(pid);
    peak = Math.max(peak, end);
    clearInterval(sampler);
    // Snapshots are pushed on a timer: the latest after a moment holds the flood's totals.
    await delay(1500);
    const stats = engine.snapshot!.stats;
    return {
      size,
      seconds,
      maxBytes,
      idleRssMiB: idle / MiB,
      peakRssMiB: peak / MiB,
      endRssMiB: end / MiB,
      sent: Number(sentLine.split(' ')[1]),
      stats,
    };
  } finally {
    await publisher.kill();
    await engine.dispose();
    rmSync(spoolDir, { recursive: true, force: true });
  }
}
