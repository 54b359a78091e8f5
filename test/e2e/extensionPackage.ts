// The .vsix the e2e tests install: built once per process with `npm run package`, reused while no source is
// newer (each e2e file runs in a process of its own).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from './projectRoot';

let packaged: Promise<string> | undefined;

/**
 * Builds dist/zeromq-inspector.vsix with `npm run package` (once per process) and returns its path.
 * E2E_VSIX=/path/to.vsix skips the build and uses that package (for iterating on a test).
 */
export function packageExtension(): Promise<string> {
  const given = process.env.E2E_VSIX;
  if (given) return existsSync(given) ? Promise.resolve(resolve(given)) : Promise.reject(new Error(`E2E_VSIX=${given} does not exist`));
  packaged ??= new Promise<string>((resolvePath, reject) => {
    const vsix = join(PROJECT_ROOT, 'dist', 'zeromq-inspector.vsix');
    // Each e2e file runs in its own process: the first packages, the others reuse it while nothing changed.
    if (vsixIsNewerThanSources(vsix)) {
      console.log(`[vscode-harness] reusing ${vsix} (newer than every source)`);
      resolvePath(vsix);
      return;
    }
    const started = Date.now();
    const result = spawnSync('npm', ['run', 'package'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    if (result.status !== 0 || !existsSync(vsix)) {
      reject(new Error(`npm run package failed (exit ${result.status}):\n${(result.stdout + result.stderr).slice(-4000)}`));
      return;
    }
    console.log(`[vscode-harness] packaged ${vsix} in ${Date.now() - started} ms`);
    resolvePath(vsix);
  });
  return packaged;
}

/** What goes into the package: a change to any of these makes packageExtension() build again. */
const PACKAGE_INPUTS = ['src', 'media', 'package.json', 'package-lock.json', '.vscodeignore', 'esbuild.mjs', 'README.md', 'LICENSE'];

function newestMtime(path: string): number {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted file changes its folder's mtime
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

function vsixIsNewerThanSources(vsix: string): boolean {
  let built: number;
  try {
    built = statSync(vsix).mtimeMs;
  } catch {
    return false;
  }
  return PACKAGE_INPUTS.every((input) => newestMtime(join(PROJECT_ROOT, input)) < built);
}
