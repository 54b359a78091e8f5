// Runs every benchmark (out/bench/*.bench.js, built by `node esbuild.mjs --tests`), prints their output,
// and collects their `RESULT {...}` lines into bench/results.json (with the previous value as baseline).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv.slice(2);
const dir = join('out', 'bench');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.js') && (!only.length || only.some((o) => f.includes(o))))
  .sort();
const previous = existsSync('bench/results.json') ? JSON.parse(readFileSync('bench/results.json', 'utf8')) : [];
const previousByName = new Map(previous.map((r) => [r.name, r]));
const results = [];
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const run = spawnSync(process.execPath, ['--expose-gc', '--enable-source-maps', join(dir, file)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  process.stdout.write(run.stdout);
  process.stderr.write(run.stderr);
  if (run.status !== 0) console.error(`${file} exited with ${run.status}`);
  for (const line of run.stdout.split('\n')) {
    if (!line.startsWith('RESULT ')) continue;
    try {
      const result = JSON.parse(line.slice(7));
      const before = previousByName.get(result.name);
      if (before && result.baseline === undefined) result.previous = before.value;
      results.push(result);
    } catch {
      console.error(`unparsable result line: ${line}`);
    }
  }
}
const merged = only.length
  ? [...previous.filter((r) => !results.some((n) => n.name === r.name)).map(({ previous: _, ...r }) => r), ...results]
  : results;
writeFileSync('bench/results.json', JSON.stringify(merged, null, 2) + '\n');
console.log('\n| name | value | unit | goal |\n|---|---|---|---|');
for (const r of results)
  console.log(`| ${r.name} | ${typeof r.value === 'number' ? +r.value.toPrecision(4) : r.value} | ${r.unit} | ${r.goal ?? ''} |`);
