// An engine process for integration tests, as the extension starts it (dist/engine.js forked by
// EngineClient) but with no VS Code behind it: every host request is refused, and each engine gets its own
// spool folder. disposeTestEngines() stops them all and deletes the folders.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EngineClient } from '../../src/engine/engineClient';

const ENGINE = resolve(__dirname, '..', '..', '..', 'dist', 'engine.js');
const started: Array<{ client: EngineClient; spoolDir: string }> = [];

const refuse = async (): Promise<never> => {
  throw new Error('no VS Code host in this test');
};

export async function startTestEngine(maxMessages = 1_000_000): Promise<EngineClient> {
  const spoolDir = mkdtempSync(join(tmpdir(), 'zmq-test-engine-'));
  const client = new EngineClient({
    enginePath: ENGINE,
    spoolDir,
    helloParams: () => ({ limits: { maxMessages, maxBytes: 64 * 1024 * 1024, maxFrameBytes: 1024 * 1024 }, receiveTimeoutMs: 5000 }),
    hostHandlers: {
      'inspector.addRule': refuse,
      'inspector.replay': refuse,
      'inspector.replaySelected': refuse,
      'inspector.exportPath': refuse,
      'inspector.clipboard': refuse,
      'inspector.plotField': refuse,
      'monitor.openMessage': refuse,
      'monitor.filterInspector': refuse,
      'security.resolve': refuse,
    },
    log: () => undefined,
  });
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
