// The one test command: bundles the tests with esbuild, then runs them with Node's built-in runner.
// Suites: unit, integration (real peers on 127.0.0.1, pyzmq and C), e2e (real VS Code + Chromium).
// `node test/run-all.mjs unit integration` runs only the named suites.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const allSuites = ['unit', 'integration', 'e2e'];
const requested = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const suites = requested.length ? requested : allSuites;

function run(cmd, args, env = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function findTests(dir) {
  const found = [];
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return found;
  }
  for (const name of names.sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith('.test.js')) found.push(path);
  }
  return found;
}

if (suites.some((s) => s !== 'unit')) run(process.execPath, ['scripts/install-debian-packages.mjs']);
// Lint and format first: a violation fails the run before any suite.
run('npx', ['eslint', '--max-warnings=0', '.']);
run('npx', ['prettier', '--check', '--log-level=warn', '.']);
// Types next: the bundles below are built by esbuild, which does not check them.
run('npx', ['tsc', '-p', '.', '--noEmit']);
run('npx', ['tsc', '-p', 'src/webview', '--noEmit']);
run(process.execPath, ['esbuild.mjs']);
run(process.execPath, ['esbuild.mjs', '--tests']);
if (suites.includes('e2e')) run(process.execPath, ['scripts/setup-vscode-server.mjs']);

for (const suite of suites) {
  const files = findTests(join('out', 'test', suite));
  if (!files.length) continue;
  console.log(`\n=== ${suite}: ${files.length} file(s) ===`);
  run(process.execPath, ['--enable-source-maps', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files]);
}
