// Runs scripts/demo-traffic.mjs (PUB ticks, REP echo, PUSH work) on test ports for e2e tests, and
// gives the demo workspace's saved endpoints pointed at those ports.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DemoTraffic {
  pub: string;
  rep: string;
  push: string;
  /** What the generator printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Default test ports: the upper half of the e2e range (the VS Code server uses the lower half). */
export const DEMO_TEST_PORTS = { pub: 17556, rep: 17557, push: 17558 };

export async function startDemoTraffic(projectRoot: string, ports = DEMO_TEST_PORTS, rate = 20): Promise<DemoTraffic> {
  const child = spawn(process.execPath, [join(projectRoot, 'scripts', 'demo-traffic.mjs')], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DEMO_PUB_PORT: String(ports.pub),
      DEMO_REP_PORT: String(ports.rep),
      DEMO_PUSH_PORT: String(ports.push),
      DEMO_RATE: String(rate),
    },
  });
  let output = '';
  let exited = false;
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const killed = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exit;
    clearTimeout(killed);
  };
  process.once('exit', () => {
    if (!exited) child.kill('SIGKILL');
  });
  const deadline = Date.now() + 10_000;
  while (!output.includes('demo-traffic ready')) {
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`The demo traffic generator did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const at = (port: number) => `tcp://127.0.0.1:${port}`;
  return { pub: at(ports.pub), rep: at(ports.rep), push: at(ports.push), output: () => output, stop };
}

/**
 * demo/workspace's saved endpoints (`zeromq.endpoints`) with their addresses moved to the traffic's ports,
 * for `startVsCode({ workspaceSettings: { 'zeromq.endpoints': ... } })`.
 */
export function demoEndpoints(projectRoot: string, traffic: Pick<DemoTraffic, 'pub' | 'rep' | 'push'>): Array<Record<string, unknown>> {
  const text = readFileSync(join(projectRoot, 'demo', 'workspace', '.vscode', 'settings.json'), 'utf8');
  // settings.json is JSONC: drop the // comment lines.
  const settings = JSON.parse(text.replace(/^\s*\/\/.*$/gm, '')) as { 'zeromq.endpoints': Array<Record<string, unknown>> };
  const moved: Record<string, string> = {
    'tcp://127.0.0.1:5556': traffic.pub,
    'tcp://127.0.0.1:5557': traffic.rep,
    'tcp://127.0.0.1:5558': traffic.push,
  };
  return settings['zeromq.endpoints'].map((endpoint) => ({ ...endpoint, address: moved[endpoint.address as string] ?? endpoint.address }));
}
