// Makes one .vsix per vsce target, each holding only its own zeromq prebuilt addon. vsce's ignore file
// is not gitignore (a file is left out if it matches any pattern and no `!` pattern), so each target gets
// its own ignore file: the base allow-list of .vscodeignore with the Linux x64 line swapped for the target's.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const TARGET_BINARIES = {
  'linux-x64': 'linux/x64/node/glibc-*/**',
  'linux-arm64': 'linux/arm64/node/glibc-*/**',
  'alpine-x64': 'linux/x64/node/musl-*/**',
  'alpine-arm64': 'linux/arm64/node/musl-*/**',
  'darwin-x64': 'darwin/x64/**',
  'darwin-arm64': 'darwin/arm64/**',
  'win32-x64': 'win32/x64/**',
  'win32-arm64': 'win32/arm64/**',
};

const requested = process.argv.slice(2);
const targets = requested.length ? requested : Object.keys(TARGET_BINARIES);
const base = readFileSync('.vscodeignore', 'utf8')
  .split('\n')
  .filter((line) => !line.startsWith('!node_modules/zeromq/build/linux/'));
mkdirSync('dist/ignore', { recursive: true });
execFileSync(process.execPath, ['esbuild.mjs', '--production'], { stdio: 'inherit' });
for (const target of targets) {
  const binaries = TARGET_BINARIES[target];
  if (!binaries) throw new Error(`Unknown target ${target}; known: ${Object.keys(TARGET_BINARIES).join(', ')}`);
  const ignoreFile = `dist/ignore/.vscodeignore.${target}`;
  writeFileSync(ignoreFile, [...base, `!node_modules/zeromq/build/${binaries}`, ''].join('\n'));
  const out = `dist/zeromq-inspector-${target}.vsix`;
  execFileSync('npx', ['vsce', 'package', '--target', target, '--ignoreFile', ignoreFile, '--out', out], { stdio: 'inherit' });
}
