// The VS Code server process of one e2e run: its run folder (the last few kept), the extension installed
// into its data dir, started on a free port of SERVER_PORTS, and stopped with everything it spawned, even
// when the test process dies (a watchdog kills the server's process group).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './projectRoot';
import { pollUntil } from './workbenchPage';

export const SERVER_MAIN = join(PROJECT_ROOT, '.vscode-test/code-server/node_modules/code-server/lib/vscode/out/server-main.js');
/** The server takes a free port from this part of the e2e range; 17500-17999 is left for tests' own peers. */
export const SERVER_PORTS = '17000-17499';
const RUNS_DIR = join(PROJECT_ROOT, '.vscode-test', 'runs');
const RUNS_KEPT = 6;

/** A fresh folder name under .vscode-test/runs for one run; older runs beyond the last few are removed. */
export function newRunDir(): string {
  pruneOldRuns();
  return join(RUNS_DIR, `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`);
}

export interface ServerProcess {
  port: number;
  /** http://127.0.0.1:<port> */
  base: string;
  /** SIGTERM, SIGKILL after 5 s, then SIGKILL to the whole group (the extension host and what it spawned). */
  stop(): Promise<void>;
}

/**
 * Starts the server on `dataDir` and waits until it answers /version. On failure it prints the log's tail,
 * stops the server and rethrows.
 */
export async function startServer(dataDir: string, serverLogPath: string, runDir: string, trusted: boolean): Promise<ServerProcess> {
  const args = [
    SERVER_MAIN,
    '--host',
    '127.0.0.1',
    '--port',
    SERVER_PORTS,
    '--without-connection-token',
    '--accept-server-license-terms',
    '--server-data-dir',
    dataDir,
    '--telemetry-level',
    'off',
    ...(trusted ? ['--disable-workspace-trust'] : []),
  ];
  const logFd = openSync(serverLogPath, 'a');
  const server = spawn(process.execPath, args, { detached: true, stdio: ['ignore', logFd, logFd], cwd: runDir });
  closeSync(logFd);
  liveServers.add(server);
  const watchdog = startWatchdog(server.pid!);
  let exited = false;
  server.once('exit', () => {
    exited = true;
    liveServers.delete(server);
  });
  const stop = async () => {
    if (!exited) {
      killGroup(server, 'SIGTERM');
      const deadline = Date.now() + 5000;
      while (!exited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    }
    killGroup(server, 'SIGKILL'); // the extension host and anything it spawned
    liveServers.delete(server);
    watchdog.stdin?.end();
  };

  try {
    const port = await pollUntil('the VS Code server to bind a port', 30_000, async () => {
      if (exited) throw new Error(`The VS Code server exited:\n${tail(readText(serverLogPath))}`);
      const bound = /Server bound to 127\.0\.0\.1:(\d+)/.exec(readText(serverLogPath));
      return bound ? Number(bound[1]) : undefined;
    }).catch((error) => {
      throw exited ? new Error(`The VS Code server exited:\n${tail(readText(serverLogPath))}`) : error;
    });
    const base = `http://127.0.0.1:${port}`;
    await pollUntil(`${base}/version to answer`, 30_000, async () => ((await fetch(`${base}/version`)).ok ? true : undefined));
    return { port, base, stop };
  } catch (error) {
    console.log(`--- VS Code server log (${serverLogPath}) ---\n${tail(readText(serverLogPath))}`);
    await stop();
    throw error;
  }
}

const liveServers = new Set<ChildProcess>();
process.on('exit', () => {
  for (const server of liveServers) killGroup(server, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

/**
 * If this process dies without running exit handlers (SIGKILL, a crash), the pipe to this watchdog
 * closes and it kills the server's process group.
 */
function startWatchdog(serverPid: number): ChildProcess {
  const script =
    'process.stdin.resume();const ' +
    `kill=()=>{try{process.kill(-${serverPid},'SIGKILL')}catch{}process.exit(0)};process.stdin.on('end',kill);process.stdin.on('error',kill);`;
  const watchdog = spawn(process.execPath, ['-e', script], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void }).unref?.();
  return watchdog;
}

function pruneOldRuns(): void {
  let runs: string[];
  try {
    runs = readdirSync(RUNS_DIR);
  } catch {
    return;
  }
  const byAge = runs.map((name) => ({ name, time: statSync(join(RUNS_DIR, name)).mtimeMs })).sort((a, b) => b.time - a.time);
  for (const old of byAge.slice(RUNS_KEPT)) rmSync(join(RUNS_DIR, old.name), { recursive: true, force: true });
}

export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export function findFile(dir: string, test: (path: string) => boolean): string | undefined {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  for (const name of names.sort().reverse()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      const found = findFile(path, test);
      if (found) return found;
    } else if (test(path)) return path;
  }
  return undefined;
}

export function tail(text: string, lines = 60): string {
  return text.split('\n').slice(-lines).join('\n');
}

export function installExtension(dataDir: string, vsix: string, logPath: string): void {
  const result = spawnSync(process.execPath, [SERVER_MAIN, '--server-data-dir', dataDir, '--install-extension', vsix, '--force'], {
    encoding: 'utf8',
  });
  writeFileSync(logPath, `$ install-extension ${vsix}\n${result.stdout}${result.stderr}\n`, { flag: 'a' });
  if (result.status !== 0 || !/successfully installed/.test(result.stdout)) {
    throw new Error(`Installing ${vsix} into VS Code failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  }
}
