// The extension host's event loop while the workspace is scanned: the generated 10,000-file workspace
// scanned through the scan worker (as the shell does: file paths posted in batches of 250, verdicts
// requested at the end) with the main thread's event loop delay sampled every millisecond; the same
// scan done on the main thread in batches of 200 with a yield between them (how the shell scanned
// before the worker) is the baseline, and the same sampling with nothing running is the machine's noise
// floor. Goal: p99 delay under 10 ms during a full scan.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkspaceScanIndex } from '../src/core/scan';
import { ScanWorkerClient } from '../src/core/scan/scanWorkerClient';
import { generateWorkspace } from './scanWorkspace';
import { startEventLoopDelay } from '../src/core/eventLoopDelay';

// Bundled to out/bench/; the worker to out/scanWorker.js.
const WORKER = join(__dirname, '..', 'scanWorker.js');

function result(name: string, value: number, unit: string, goal?: string, baseline?: number): void {
  console.log(`RESULT ${JSON.stringify({ name, value, unit, goal, ...(baseline !== undefined ? { baseline } : {}) })}`);
}

async function measure(label: string, body: () => Promise<void>): Promise<{ p99: number; max: number; ms: number }> {
  const loopDelay = startEventLoopDelay(1);
  // A timer keeps the loop turning, as the extension host's own work does.
  const tick = setInterval(() => undefined, 1);
  const start = performance.now();
  await body();
  const ms = performance.now() - start;
  const { p99, max } = loopDelay.stop();
  clearInterval(tick);
  console.log(`${label}: ${ms.toFixed(0)} ms; event loop delay p99 ${p99.toFixed(2)} ms, max ${max.toFixed(1)} ms`);
  return { p99, max, ms };
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'zmq-scan-worker-bench-'));
  try {
    const paths = generateWorkspace(root);
    for (const path of paths) readFileSync(path); // warm the page cache

    // The machine's own noise: the same sampling with nothing to do, for as long as a scan takes.
    const idle = await measure('idle (no scan)', () => new Promise((resolve) => setTimeout(resolve, 2000)));
    const onMainThread = await measure('main thread (batches of 200, yielding between them)', async () => {
      const index = new WorkspaceScanIndex();
      for (let i = 0; i < paths.length; i += 200) {
        for (const path of paths.slice(i, i + 200)) index.update(path, readFileSync(path, 'utf8'));
        await new Promise((resolve) => setImmediate(resolve));
      }
      index.verdicts();
    });

    const client = new ScanWorkerClient({ workerPath: WORKER });
    let endpoints = 0;
    const inWorker = await measure('scan worker (batches of 250)', async () => {
      await client.configure({ roots: [root], maxFileBytes: 2 << 20 });
      await client.setInventory(paths);
      for (let i = 0; i < paths.length; i += 250) await client.scan(paths.slice(i, i + 250).map((path) => ({ path })));
      endpoints = (await client.verdicts()).verdicts.length;
    });
    client.dispose();
    console.log(`${paths.length} files, ${endpoints} endpoint verdicts`);

    result('event loop delay p99 with nothing running (noise floor)', +idle.p99.toFixed(2), 'ms');
    result('workspace scan 10k files on the main thread: event loop delay p99 (baseline)', +onMainThread.p99.toFixed(2), 'ms');
    result(
      'workspace scan 10k files in the scan worker: event loop delay p99',
      +inWorker.p99.toFixed(2),
      'ms',
      '< 10',
      +onMainThread.p99.toFixed(2),
    );
    result('workspace scan 10k files in the scan worker: total', +inWorker.ms.toFixed(0), 'ms', '< 3000', +onMainThread.ms.toFixed(0));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

void main();
