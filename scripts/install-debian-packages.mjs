// Installs the Debian packages the tests need, when missing: real peers nobody here wrote (pyzmq on
// Debian's libzmq, C on libzmq3-dev) and a browser. Idempotent and quick when all are present.
import { spawnSync } from 'node:child_process';

export const DEBIAN_PACKAGES = ['python3-zmq', 'libzmq3-dev', 'chromium', 'libkrb5-dev', 'pkg-config', 'ripgrep'];

export function installDebianPackages(packages = DEBIAN_PACKAGES) {
  const missing = packages.filter((name) => spawnSync('dpkg', ['-s', name], { stdio: 'ignore' }).status !== 0);
  if (!missing.length) return;
  console.log(`Installing Debian packages: ${missing.join(' ')}`);
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => {
    const cmd = [...sudo, ...args];
    const result = spawnSync(cmd[0], cmd.slice(1), { stdio: 'inherit', env });
    if (result.status !== 0) throw new Error(`${cmd.join(' ')} failed (${result.status})`);
  };
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', ...missing]);
}

if (import.meta.url === `file://${process.argv[1]}`) installDebianPackages();
