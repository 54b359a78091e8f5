// Builds the extension host bundle (Node, CommonJS), the engine process bundle (dist/engine.js), the scan
// worker, the headless CLI (dist/cli.js), the webview bundle (browser, IIFE) and, with --tests, one bundle
// per test and benchmark file. `vscode` and `zeromq` stay external:
// zeromq finds its native addon relative to its own folder, so it ships in node_modules.
import * as esbuild from 'esbuild';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');
const withTests = args.has('--tests');

function findFiles(dir, suffix) {
  const found = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return found;
  }
  for (const name of entries) {
    const path = join(dir, name);
    if (name === 'fixtures' || name === 'node_modules') continue;
    if (statSync(path).isDirectory()) found.push(...findFiles(path, suffix));
    else if (name.endsWith(suffix)) found.push(path);
  }
  return found;
}

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
};

const builds = withTests
  ? []
  : [
      {
        ...common,
        entryPoints: ['src/extension.ts'],
        outfile: 'dist/extension.js',
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        external: ['vscode', 'zeromq'],
      },
      {
        // The workspace scan runs in a worker thread of its own (see src/core/scan/scanWorkerClient.ts).
        ...common,
        entryPoints: ['src/core/scan/scanWorker.ts'],
        outfile: 'dist/scanWorker.js',
        platform: 'node',
        format: 'cjs',
        target: 'node20',
      },
      {
        ...common,
        entryPoints: ['src/cli/cli.ts'],
        outfile: 'dist/cli.js',
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        external: ['zeromq'],
        banner: { js: '#!/usr/bin/env node' },
      },
      {
        ...common,
        entryPoints: ['src/engine/engineMain.ts'],
        outfile: 'dist/engine.js',
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        // The engine never loads vscode: marking it external would hide a stray import until runtime.
        external: ['zeromq'],
      },
      {
        ...common,
        entryPoints: ['src/webview/main.ts'],
        outfile: 'dist/webview.js',
        platform: 'browser',
        format: 'iife',
        target: 'chrome114',
        // The codicon font comes with its CSS (dist/webview.css).
        loader: { '.ttf': 'file' },
      },
      {
        ...common,
        entryPoints: ['src/webview/monitor/main.ts'],
        outfile: 'dist/monitor.js',
        platform: 'browser',
        format: 'iife',
        target: 'chrome114',
        loader: { '.ttf': 'file' },
      },
    ];

if (withTests) {
  const entryPoints = [
    ...findFiles('test', '.test.ts'),
    ...findFiles('bench', '.bench.ts'),
    ...findFiles('test', '.fuzz.ts'),
    // The engine benchmark runs its bare baseline in a process of its own (see bareLoopProcess).
    'bench/bareLoopChild.ts',
  ];
  // Tests and benchmarks start the scan worker from out/scanWorker.js.
  builds.push({
    ...common,
    sourcemap: 'inline',
    entryPoints: ['src/core/scan/scanWorker.ts'],
    outfile: 'out/scanWorker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  });
  // One build per test file, so one broken file does not stop the others from being built and run.
  for (const entry of entryPoints)
    builds.push({
      ...common,
      sourcemap: 'inline',
      minify: false,
      entryPoints: [entry],
      outdir: 'out',
      outbase: '.',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode', 'zeromq', 'playwright-core', 'fast-check'],
    });
}

const existing = builds.filter((b) =>
  b.entryPoints.every((p) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  }),
);

if (watch) {
  for (const options of existing) {
    const context = await esbuild.context(options);
    await context.watch();
  }
  console.log('esbuild: watching for changes');
} else {
  const results = await Promise.allSettled(existing.map((options) => esbuild.build(options)));
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length) {
    console.error(`esbuild: ${failed.length} of ${results.length} build(s) failed`);
    process.exit(1);
  }
}
