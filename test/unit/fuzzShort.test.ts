// A short, seeded run of every fuzz target (the long run is `npm run fuzz`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runFuzz } from '../fuzz/fuzzTargets';

test('every hostile-input parser survives a seeded fuzz run (300 inputs each)', async () => {
  const report = await runFuzz(300, 20261125, () => undefined);
  for (const target of report) assert.equal(target.failure, undefined, `${target.name}: ${target.failure}`);
});
