// `npm run fuzz`: every target with many inputs (FUZZ_RUNS, default 20,000) and a seed (FUZZ_SEED, default
// the time); prints inputs and time per target and any crash with its counterexample.
import { runFuzz } from './fuzzTargets';

const runs = Number(process.env.FUZZ_RUNS ?? 20_000);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
console.log(`fuzz: ${runs} inputs per target, seed ${seed}`);
runFuzz(runs, seed, (line) => console.log(line)).then((report) => {
  const failed = report.filter((r) => r.failure);
  console.log(failed.length ? `${failed.length} target(s) failed` : 'no crash, no hang');
  process.exit(failed.length ? 1 : 0);
});
