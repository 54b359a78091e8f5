// The engine's resident memory during a 20 s full-speed flood (pyzmq publisher) of 64 B and of 8 KiB messages
// against a 64 MiB capture budget, with the engine idle as the same-run baseline. Goal (issue 11): peak RSS
// ≤ capture budget + 150 MiB. test/integration/engineMemory.test.ts asserts a looser bound in `npm test`.
import { resolve } from 'node:path';
import { floodEngineMemory } from '../test/support/engineFlood';

const ENGINE = resolve('dist/engine.js');
const MiB = 1024 * 1024;
const BUDGET_MIB = 64;

function result(name: string, value: number, unit: string, goal?: string, baseline?: number): void {
  console.log(`RESULT ${JSON.stringify({ name, value, unit, goal, ...(baseline !== undefined ? { baseline } : {}) })}`);
}

async function main(): Promise<void> {
  let port = 21600;
  for (const size of [64, 8192]) {
    const run = await floodEngineMemory({ enginePath: ENGINE, port: port++, size, seconds: 20, maxBytes: BUDGET_MIB * MiB });
    const label = size === 64 ? '64 B' : '8 KiB';
    console.log(
      `${label}: engine RSS idle ${run.idleRssMiB.toFixed(1)} MiB, peak ${run.peakRssMiB.toFixed(1)} MiB, end ${run.endRssMiB.toFixed(1)} MiB; ` +
        `publisher sent ${run.sent} in ${run.seconds} s, engine received ${run.stats.total}, retained ${run.stats.retained} ` +
        `(${(run.stats.retainedBytes / MiB).toFixed(1)} MiB), dropped ${run.stats.dropped}`,
    );
    result(
      `engine peak RSS, 20 s flood of ${label} messages, 64 MiB capture budget`,
      +run.peakRssMiB.toFixed(1),
      'MiB',
      `<= ${BUDGET_MIB + 150}`,
      +run.idleRssMiB.toFixed(1),
    );
    result(`engine messages received, 20 s flood of ${label} messages`, run.stats.total, 'messages', undefined, run.sent);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
