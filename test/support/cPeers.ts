// Real peers in C on Debian's libzmq (libzmq3-dev): compiled once per test run into out/peers, started
// as child processes that print READY once bound.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface CPeer {
  process: ChildProcess;
  kill(): Promise<void>;
}

const built = new Map<string, string>();

/** Compiles `source` (a path under test/fixtures/c) with -lzmq; returns the binary's path. */
export function buildCPeer(source: string): string {
  const cached = built.get(source);
  if (cached) return cached;
  mkdirSync(join('out', 'peers'), { recursive: true });
  const binary = join('out', 'peers', basename(source, '.c'));
  const gcc = spawnSync('gcc', ['-O2', '-Wall', '-o', binary, source, '-lzmq'], { encoding: 'utf8' });
  if (gcc.status !== 0) throw new Error(`could not build ${source} (is libzmq3-dev installed?): ${gcc.stderr}`);
  built.set(source, binary);
  return binary;
}

export async function startCPeer(source: string, args: string[]): Promise<CPeer> {
  const child = spawn(buildCPeer(source), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`${source} exited (${code}) before READY: ${stderr}`)));
  });
  return {
    process: child,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
