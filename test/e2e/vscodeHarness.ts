// Runs the packaged extension inside a real VS Code (the server in code-server 4.100.3, installed by
// scripts/setup-vscode-server.mjs) driven by Debian's chromium through playwright-core, for e2e tests.
// Every run gets a fresh server data dir under .vscode-test/runs/<id>; close() leaves nothing running.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';
import {
  acceptFileDialog,
  editorText,
  findWebviewFrame,
  openFile,
  openView,
  pollUntil,
  quickInputOf,
  readNotifications,
  runCommand,
  viewPane,
  waitForNotification,
  type QuickInput,
  type WorkbenchNotification,
} from './workbenchPage';

import { demoEndpoints as demoEndpointsAt, startDemoTraffic as startDemoTrafficAt, DEMO_TEST_PORTS, type DemoTraffic } from './demoTraffic';

export type { QuickInput, WorkbenchNotification } from './workbenchPage';
export { DEMO_TEST_PORTS, type DemoTraffic } from './demoTraffic';

function findProjectRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    try {
      if (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name === 'zeromq-inspector') return dir;
    } catch {
      /* keep walking up */
    }
  }
  throw new Error(`No zeromq-inspector package.json above ${__dirname}`);
}

export const PROJECT_ROOT = findProjectRoot();
export const EXTENSION_ID = 'zeromq-inspector.zeromq-inspector';
export const SERVER_MAIN = join(PROJECT_ROOT, '.vscode-test/code-server/node_modules/code-server/lib/vscode/out/server-main.js');
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
/** The server takes a free port from this part of the e2e range; 17500-17999 is left for tests' own peers. */
export const SERVER_PORTS = '17000-17499';
const RUNS_DIR = join(PROJECT_ROOT, '.vscode-test', 'runs');
const SCREENSHOTS_DIR = join(PROJECT_ROOT, 'test-results', 'screenshots');
const RUNS_KEPT = 6;

/** User settings that keep a test workbench quiet: no welcome page, prompts, telemetry or network. */
export const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'always',
  'git.openRepositoryInParentFolders': 'never',
  'git.autoRepositoryDetection': false,
  'github.gitAuthentication': false,
  'npm.fetchOnlinePackageInfo': false,
  'window.restoreWindows': 'none',
  // A quick input closes when focus leaves it, and a webview (the inspector) takes focus back asynchronously
  // after each step of a multi-step command: under load the next step's input closed now and then. Tests
  // dismiss quick inputs with Escape (quickInput.cancel()), never by clicking away.
  'workbench.quickOpen.closeOnFocusLost': false,
};

/** Starts scripts/demo-traffic.mjs on test ports (17556-17558 by default); stop() it in a finally. */
export const startDemoTraffic = (ports = DEMO_TEST_PORTS, rate = 20): Promise<DemoTraffic> => startDemoTrafficAt(PROJECT_ROOT, ports, rate);
/** demo/workspace's saved endpoints pointed at `traffic`, for the workspaceSettings option. */
export const demoEndpoints = (traffic: Pick<DemoTraffic, 'pub' | 'rep' | 'push'>) => demoEndpointsAt(PROJECT_ROOT, traffic);

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

export interface StartOptions {
  /** Folder to open, absolute or relative to the project root (e.g. 'demo/workspace'). */
  workspace: string;
  /** User settings, merged over QUIET_SETTINGS. */
  settings?: Record<string, unknown>;
  /** Settings written into the workspace copy's .vscode/settings.json (merged over its own). */
  workspaceSettings?: Record<string, unknown>;
  /** False opens the folder in Restricted Mode. */
  trusted?: boolean;
  /** Open a copy of the workspace inside the run dir (default), so tests never edit the original. */
  copyWorkspace?: boolean;
  /** The .vsix to install; default: packageExtension(). */
  vsix?: string;
  viewport?: { width: number; height: number };
}

export interface VsCode {
  page: Page;
  browser: Browser;
  port: number;
  url: string;
  /** The folder opened (the copy, unless copyWorkspace is false). */
  workspace: string;
  runDir: string;
  serverLogPath: string;
  /** Milliseconds from startVsCode() to: server answering, workbench shown. */
  timings: { serverReadyMs: number; workbenchReadyMs: number };
  runCommand(title: string, timeoutMs?: number): Promise<void>;
  quickInput: QuickInput;
  readNotifications(): Promise<WorkbenchNotification[]>;
  /** Waits until a toast (or the open center) shows a notification whose message matches, without opening the center. */
  waitForNotification(match: string | RegExp, timeoutMs?: number): Promise<WorkbenchNotification>;
  /** Replaces the path in VS Code's simple file dialog (save or open) with `path` and accepts it. */
  acceptFileDialog(path: string, timeoutMs?: number): Promise<void>;
  openView(title: string): Promise<void>;
  viewPane: (title: string) => ReturnType<typeof viewPane>;
  findWebviewFrame(match: string | ((frame: Frame) => boolean | Promise<boolean>), timeoutMs?: number): Promise<Frame>;
  /** Opens a file of the workspace (path relative to the folder) in an editor. */
  openFile(relativePath: string): Promise<void>;
  /** Plain text (spaces, not U+00A0) of the active editor's visible lines, or of `editor` (an .editor-instance). */
  editorText(editor?: Locator): Promise<string>;
  /** Saves test-results/screenshots/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  /** Text of an extension's output channel log ("ZeroMQ" by default), '' until it is created. */
  extensionLog(channel?: string, extensionId?: string): string;
  /** The extension host's log (activation, errors thrown by extensions). */
  extensionHostLog(): string;
  /** Waits until the extension's output channel log matches `pattern` and returns the matching line. */
  waitForExtensionLog(pattern: RegExp, timeoutMs?: number, channel?: string): Promise<string>;
  serverLog(): string;
  /** Prints the tail of the server, extension host and extension logs (done by withVsCode on failure). */
  printDiagnostics(): void;
  close(): Promise<void>;
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
  const script = `process.stdin.resume();const kill=()=>{try{process.kill(-${serverPid},'SIGKILL')}catch{}process.exit(0)};process.stdin.on('end',kill);process.stdin.on('error',kill);`;
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

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function findFile(dir: string, test: (path: string) => boolean): string | undefined {
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

function tail(text: string, lines = 60): string {
  return text.split('\n').slice(-lines).join('\n');
}

function installExtension(dataDir: string, vsix: string, logPath: string): void {
  const result = spawnSync(process.execPath, [SERVER_MAIN, '--server-data-dir', dataDir, '--install-extension', vsix, '--force'], {
    encoding: 'utf8',
  });
  writeFileSync(logPath, `$ install-extension ${vsix}\n${result.stdout}${result.stderr}\n`, { flag: 'a' });
  if (result.status !== 0 || !/successfully installed/.test(result.stdout)) {
    throw new Error(`Installing ${vsix} into VS Code failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  }
}

function prepareWorkspace(options: StartOptions, runDir: string): string {
  const source = isAbsolute(options.workspace) ? options.workspace : resolve(PROJECT_ROOT, options.workspace);
  if (!existsSync(source)) throw new Error(`Workspace ${source} does not exist`);
  if (options.copyWorkspace === false) return source;
  const copy = join(runDir, 'workspace');
  cpSync(source, copy, { recursive: true });
  if (options.workspaceSettings) {
    const settingsPath = join(copy, '.vscode', 'settings.json');
    // settings.json is JSONC; whole-line comments are all this project's workspaces use.
    const current = existsSync(settingsPath) ? JSON.parse(readFileSync(settingsPath, 'utf8').replace(/^\s*\/\/.*$/gm, '')) : {};
    mkdirSync(dirname(settingsPath), { recursive: true });
    writeFileSync(settingsPath, JSON.stringify({ ...current, ...options.workspaceSettings }, null, 2));
  }
  return copy;
}

/** Starts a VS Code server with the extension installed and a browser showing the workspace. */
export async function startVsCode(options: StartOptions): Promise<VsCode> {
  const started = Date.now();
  if (!existsSync(SERVER_MAIN)) throw new Error(`${SERVER_MAIN} is missing: run node scripts/setup-vscode-server.mjs`);
  const vsix = options.vsix ?? (await packageExtension());
  pruneOldRuns();
  const runDir = join(
    RUNS_DIR,
    `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`,
  );
  const dataDir = join(runDir, 'server-data');
  const serverLogPath = join(runDir, 'server.log');
  mkdirSync(join(dataDir, 'data', 'User'), { recursive: true });
  writeFileSync(join(dataDir, 'data', 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...options.settings }, null, 2));
  const workspace = prepareWorkspace(options, runDir);
  installExtension(dataDir, vsix, serverLogPath);

  const trusted = options.trusted ?? true;
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

  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    browser = undefined;
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
    const serverReadyMs = Date.now() - started;

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 } });
    const page = await context.newPage();
    const url = `${base}/?folder=${encodeURIComponent(workspace)}`;
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ state: 'attached', timeout: 60_000 });
    const workbenchReadyMs = Date.now() - started;

    const logsDir = join(dataDir, 'data', 'logs');
    const extensionLog = (channel = 'ZeroMQ', extensionId = EXTENSION_ID) =>
      readText(findFile(logsDir, (p) => p.endsWith(join(extensionId, `${channel}.log`))) ?? '');
    const vscode: VsCode = {
      page,
      browser,
      port,
      url,
      workspace,
      runDir,
      serverLogPath,
      timings: { serverReadyMs, workbenchReadyMs },
      runCommand: (title, timeoutMs) => runCommand(page, title, timeoutMs),
      quickInput: quickInputOf(page),
      readNotifications: () => readNotifications(page),
      waitForNotification: (match, timeoutMs) => waitForNotification(page, match, timeoutMs),
      acceptFileDialog: (path, timeoutMs) => acceptFileDialog(page, path, timeoutMs),
      openView: (title) => openView(page, title),
      viewPane: (title) => viewPane(page, title),
      findWebviewFrame: (match, timeoutMs) => findWebviewFrame(page, match, timeoutMs),
      editorText: (editor) => editorText(page, editor),
      openFile: (relativePath) => openFile(page, relativePath),
      async screenshot(name) {
        mkdirSync(SCREENSHOTS_DIR, { recursive: true });
        const path = join(SCREENSHOTS_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
        await page.screenshot({ path });
        return path;
      },
      extensionLog,
      extensionHostLog: () => readText(findFile(logsDir, (p) => p.endsWith('remoteexthost.log')) ?? ''),
      waitForExtensionLog: (pattern, timeoutMs = 30_000, channel = 'ZeroMQ') =>
        pollUntil(
          `the ${channel} log to match ${pattern}`,
          timeoutMs,
          async () =>
            extensionLog(channel)
              .split('\n')
              .find((l) => pattern.test(l)),
          async () => `log so far:\n${tail(extensionLog(channel), 20)}`,
        ),
      serverLog: () => readText(serverLogPath),
      printDiagnostics() {
        console.log(`--- VS Code server log (${serverLogPath}) ---\n${tail(readText(serverLogPath))}`);
        console.log(`--- extension host log ---\n${tail(vscode.extensionHostLog())}`);
        console.log(`--- ZeroMQ output channel ---\n${tail(extensionLog())}`);
      },
      close,
    };
    return vscode;
  } catch (error) {
    console.log(`--- VS Code server log (${serverLogPath}) ---\n${tail(readText(serverLogPath))}`);
    await close();
    throw error;
  }
}

/**
 * Starts VS Code, runs `body`, and always closes it. On failure it saves a screenshot named
 * `<name>-failure` and prints the server, extension host and extension logs before rethrowing.
 */
export async function withVsCode<T>(name: string, options: StartOptions, body: (vscode: VsCode) => Promise<T>): Promise<T> {
  const vscode = await startVsCode(options);
  try {
    return await body(vscode);
  } catch (error) {
    const shot = await vscode.screenshot(`${name}-failure`).catch(() => undefined);
    if (shot) console.log(`Screenshot of the failure: ${shot}`);
    vscode.printDiagnostics();
    throw error;
  } finally {
    await vscode.close();
  }
}
