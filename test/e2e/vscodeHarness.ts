// Runs the packaged extension inside a real VS Code (the server in code-server 4.100.3, installed by
// scripts/setup-vscode-server.mjs) driven by Debian's chromium through playwright-core, for e2e tests.
// Every run gets a fresh server data dir under .vscode-test/runs/<id>; close() leaves nothing running.
// The server process: vscodeServer.ts; the package: extensionPackage.ts; workbench actions: workbenchPage.ts.
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
import { packageExtension } from './extensionPackage';
import { PROJECT_ROOT } from './projectRoot';
import { SERVER_MAIN, findFile, installExtension, newRunDir, readText, startServer, tail } from './vscodeServer';

export type { QuickInput, WorkbenchNotification } from './workbenchPage';
export { DEMO_TEST_PORTS, type DemoTraffic } from './demoTraffic';
export { packageExtension } from './extensionPackage';
export { PROJECT_ROOT } from './projectRoot';
export { SERVER_MAIN, SERVER_PORTS } from './vscodeServer';

export const EXTENSION_ID = 'zeromq-inspector.zeromq-inspector';
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
const SCREENSHOTS_DIR = join(PROJECT_ROOT, 'test-results', 'screenshots');

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
  const runDir = newRunDir();
  const dataDir = join(runDir, 'server-data');
  const serverLogPath = join(runDir, 'server.log');
  mkdirSync(join(dataDir, 'data', 'User'), { recursive: true });
  writeFileSync(join(dataDir, 'data', 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...options.settings }, null, 2));
  const workspace = prepareWorkspace(options, runDir);
  installExtension(dataDir, vsix, serverLogPath);
  const server = await startServer(dataDir, serverLogPath, runDir, options.trusted ?? true);
  const { port, base } = server;
  const serverReadyMs = Date.now() - started;

  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    browser = undefined;
    await server.stop();
  };

  try {
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
