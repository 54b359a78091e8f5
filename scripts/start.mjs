// `npm start`: the product running for a new user on a machine without VS Code. Sets up code-server's
// VS Code server, builds and packages the extension, installs it, serves VS Code on 127.0.0.1:PORT
// (default 8080) with demo/workspace open and trusted, runs the demo traffic generator, and prints the URL.
// Runs until Ctrl-C, then stops everything. DEMO_TRAFFIC=0 skips the generator.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { PROJECT_ROOT, SERVER_MAIN, setupVsCodeServer } from './setup-vscode-server.mjs';

const port = Number(process.env.PORT ?? 8080);
const host = '127.0.0.1'; // no connection token: never listen beyond this machine
const workspace = join(PROJECT_ROOT, 'demo', 'workspace');
const stateDir = join(PROJECT_ROOT, '.vscode-test', 'start');
const dataDir = join(stateDir, 'server-data');
const serverLog = join(stateDir, 'server.log');
const vsix = join(PROJECT_ROOT, 'dist', 'zeromq-inspector.vsix');

const say = (message) => console.log(`[start] ${message}`);
const fail = (message) => {
  console.error(`[start] ${message}`);
  process.exit(1);
};

function run(cmd, args) {
  const result = spawnSync(cmd, args, { cwd: PROJECT_ROOT, stdio: 'inherit' });
  if (result.status !== 0) fail(`${cmd} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
}

function portIsFree(candidate) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(candidate, host, () => probe.close(() => resolve(true)));
  });
}

/** First-run user settings; later edits by the user are kept. */
function writeUserSettings() {
  const settingsPath = join(dataDir, 'data', 'User', 'settings.json');
  if (existsSync(settingsPath)) return;
  mkdirSync(join(dataDir, 'data', 'User'), { recursive: true });
  writeFileSync(
    settingsPath,
    JSON.stringify(
      {
        'workbench.startupEditor': 'readme',
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoCheckUpdates': false,
        'extensions.ignoreRecommendations': true,
        'git.openRepositoryInParentFolders': 'never',
      },
      null,
      2,
    ),
  );
}

if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`PORT must be a TCP port, got ${process.env.PORT}`);
if (!(await portIsFree(port))) fail(`Port ${port} on ${host} is in use. Choose another one: PORT=8081 npm start`);

try {
  setupVsCodeServer();
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
say('building and packaging the extension (npm run package)');
run('npm', ['run', 'package', '--silent']);

writeUserSettings();
say(`installing ${vsix}`);
run(process.execPath, [SERVER_MAIN, '--server-data-dir', dataDir, '--install-extension', vsix, '--force']);

mkdirSync(stateDir, { recursive: true });
const logFd = openSync(serverLog, 'w');
const server = spawn(
  process.execPath,
  [
    SERVER_MAIN,
    '--host',
    host,
    '--port',
    String(port),
    '--without-connection-token',
    '--accept-server-license-terms',
    '--disable-workspace-trust',
    '--telemetry-level',
    'off',
    '--server-data-dir',
    dataDir,
  ],
  { cwd: PROJECT_ROOT, detached: true, stdio: ['ignore', logFd, logFd] },
);
closeSync(logFd);

let demo;
let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  say('stopping the VS Code server and the demo traffic');
  demo?.kill('SIGTERM');
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
  setTimeout(() => {
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    demo?.kill('SIGKILL');
    process.exit(code);
  }, 1500);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
process.on('exit', () => {
  try {
    process.kill(-server.pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
});
server.once('exit', (code) => {
  if (stopping) return;
  console.error(readFileSync(serverLog, 'utf8').split('\n').slice(-30).join('\n'));
  say(`the VS Code server exited (${code}); its log: ${serverLog}`);
  stop(1);
});

const base = `http://${host}:${port}`;
const deadline = Date.now() + 60_000;
for (;;) {
  try {
    if ((await fetch(`${base}/version`)).ok) break;
  } catch {
    /* not listening yet */
  }
  if (stopping) await new Promise(() => {});
  if (Date.now() > deadline) {
    say(`the VS Code server did not answer within 60 s; its log: ${serverLog}`);
    stop(1);
    await new Promise(() => {});
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
}

if (process.env.DEMO_TRAFFIC !== '0') {
  demo = spawn(process.execPath, [join(PROJECT_ROOT, 'scripts', 'demo-traffic.mjs')], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  demo.once('exit', (code) => {
    if (!stopping)
      say(`the demo traffic generator stopped (${code}); VS Code keeps running. Restart it with: node scripts/demo-traffic.mjs`);
  });
}

console.log(`
  ZeroMQ Inspector is running in VS Code. Open this in your browser:

      ${base}/?folder=${encodeURI(workspace)}

  The demo workspace is open and trusted; the "ticks" endpoint starts by itself (ZeroMQ view in the
  activity bar). From another machine: ssh -L ${port}:127.0.0.1:${port} <this host>, then open the same URL.
  Server log: ${serverLog}
  Press Ctrl-C to stop.
`);
