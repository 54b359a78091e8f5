// An engine process for integration tests, as the extension starts it (dist/engine.js forked by
// EngineClient) but with no VS Code behind it: every host request is refused, and each engine gets its own
// spool folder. disposeTestEngines() stops them all and deletes the folders.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EngineClient } from '../../src/engine/engineClient';
import type { EngineClientOptions } from '../../src/engine/engineClientTypes';
import { refusingHostHandlers } from './engineHandlers';

export const ENGINE_PATH = resolve(__dirname, '..', '..', '..', 'dist', 'engine.js');
const started: Array<{ client: EngineClient; spoolDir: string }> = [];

/**
 * An EngineClient with no VS Code behind it (every host request refused, with `refusal` as the reason): the one
 * construction the engine tests, the flood and the engine bench share; they differ only in limits and logging.
 */
export function newTestEngineClient(
  options: Partial<Omit<EngineClientOptions, 'helloParams' | 'hostHandlers'>> & {
    refusal: string;
    maxMessages?: number;
    maxBytes?: number;
    receiveTimeoutMs?: number;
  },
): EngineClient {
  const { refusal, maxMessages = 1_000_000, maxBytes = 64 * 1024 * 1024, receiveTimeoutMs = 5000, ...rest } = options;
  return new EngineClient({
    enginePath: ENGINE_PATH,
    log: () => undefined,
    ...rest,
    helloParams: () => ({ limits: { maxMessages, maxBytes, maxFrameBytes: 1024 * 1024 }, receiveTimeoutMs }),
    hostHandlers: refusingHostHandlers(refusal),
  });
}

export async function startTestEngine(maxMessages = 1_000_000): Promise<EngineClient> {
  const spoolDir = mkdtempSync(join(tmpdir(), 'zmq-test-engine-'));
  const client = newTestEngineClient({ spoolDir, maxMessages, refusal: 'no VS Code host in this test' });
  started.push({ client, spoolDir });
  await client.start();
  return client;
}

export async function disposeTestEngines(): Promise<void> {
  for (const { client, spoolDir } of started.splice(0)) {
    await client.dispose();
    rmSync(spoolDir, { recursive: true, force: true });
  }
}
