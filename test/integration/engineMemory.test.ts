// The engine's resident memory during a 20 s full-speed flood from a pyzmq publisher, against a 64 MiB capture
// budget, at 64 B and 8 KiB: libzmq's receive queue (its high-water mark sized from the budget), the store and
// the crash spool together stay near the budget instead of growing with the flood (2.2 GB before the engine).
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { floodEngineMemory } from '../support/engineFlood';

const ENGINE = resolve(__dirname, '..', '..', '..', 'dist', 'engine.js');
const MiB = 1024 * 1024;
const BUDGET = 64 * MiB;
/** The goal: budget + 150 MiB (the engine's own Node heap, code and zeromq.js buffers awaiting a GC are ~90 MiB of it). */
const BOUND_MIB = 64 + 150;

for (const [size, port] of [
  [64, 17750],
  [8192, 17751],
] as const) {
  test(
    `a 20 s flood of ${size} B messages keeps the engine under ${BOUND_MIB} MiB RSS with a 64 MiB budget`,
    { timeout: 120_000 },
    async (t) => {
      const run = await floodEngineMemory({
        enginePath: ENGINE,
        port,
        size,
        seconds: 20,
        maxBytes: BUDGET,
      });
      t.diagnostic(
        `${size} B: RSS idle ${run.idleRssMiB.toFixed(0)} MiB, peak ${run.peakRssMiB.toFixed(0)} MiB, end ${run.endRssMiB.toFixed(0)} MiB; ` +
          `publisher sent ${run.sent}, engine received ${run.stats.total}, retained ${run.stats.retained} ` +
          `(${(run.stats.retainedBytes / MiB).toFixed(1)} MiB), dropped ${run.stats.dropped}`,
      );
      // The flood reached the engine (at 8 KiB it fills the budget; at 64 B a busy machine may not in 20 s).
      assert.ok(run.stats.total > 10_000, `received ${run.stats.total}`);
      if (size > 1024) assert.ok(run.stats.dropped > 0, `dropped ${run.stats.dropped}`);
      assert.ok(run.stats.retainedBytes <= BUDGET, `retained ${run.stats.retainedBytes} bytes`);
      assert.ok(run.peakRssMiB < BOUND_MIB, `peak RSS ${run.peakRssMiB.toFixed(0)} MiB`);
    },
  );
}
