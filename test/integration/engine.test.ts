// The engine process as the extension runs it, in plain Node with real sockets: EngineClient forks
// dist/engine.js, a session captures from a pyzmq publisher, and the engine is killed (kill -9, SIGABRT):
// the client notices within a second, a new engine restores the capture from the spool and reopens the
// session within 3 s; three crashes in a minute stop the retries; dispose leaves no process and no port.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { EngineClient, EngineCrash, EngineStart } from '../../src/engine/engineClient';
import { ENGINE_PROTOCOL_VERSION, type EngineSnapshot } from '../../src/shared/engineProtocol';
import { ENGINE_PATH, newTestEngineClient } from '../support/testEngine';
import { delay, processAlive, startPythonPeer, waitUntil, type PythonPeer } from '../support/peers';

const PUB_PORT = 17640;
const BIND_PORT = 17641;
const LOOP_PORT = 17642;

const peers: PythonPeer[] = [];
const clients: EngineClient[] = [];
const dirs: string[] = [];
after(async () => {
  for (const client of clients) await client.dispose();
  for (const peer of peers) await peer.kill();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function newClient(options: { maxCrashes?: number } = {}): { client: EngineClient; logs: string[] } {
  const spoolDir = mkdtempSync(join(tmpdir(), 'zmq-engine-'));
  dirs.push(spoolDir);
  const logs: string[] = [];
  const client = newTestEngineClient({
    spoolDir,
    refusal: 'not in this test',
    log: (level, message) => logs.push(`${level}: ${message}`),
    ...options,
  });
  clients.push(client);
  return { client, logs };
}

function next<T>(subscribe: (listener: (value: T) => void) => { dispose(): void }): Promise<T> {
  return new Promise((resolve) => {
    const subscription = subscribe((value) => {
      subscription.dispose();
      resolve(value);
    });
  });
}

async function waitForSnapshot(
  client: EngineClient,
  what: string,
  test: (s: EngineSnapshot) => boolean,
  timeoutMs = 10_000,
): Promise<void> {
  await waitUntil(() => !!client.snapshot && test(client.snapshot), what, timeoutMs);
}

/** Every retained seq from `from` through `to`, read in pages as the inspector would. */
async function seqsBetween(client: EngineClient, from: number, to: number): Promise<number[]> {
  const seqs: number[] = [];
  for (let at = from; at <= to;) {
    const { records } = await client.call('capture.records', { fromSeq: at, count: 1000 });
    if (!records.length) break;
    for (const record of records) if (record.seq <= to) seqs.push(record.seq);
    at = records[records.length - 1].seq + 1;
  }
  return seqs;
}

test(
  'kill -9 and SIGABRT: the engine is back within 3 s, the session captures again, earlier messages are still there',
  { timeout: 90_000 },
  async () => {
    peers.push(
      await startPythonPeer(`
pub = zmq.Context().socket(zmq.PUB)
pub.bind("tcp://127.0.0.1:${PUB_PORT}")
print("READY", flush=True)
n = 0
while True:
    pub.send_multipart([b"tick", json.dumps({"n": n}).encode()])
    n += 1
    time.sleep(0.002)
`),
    );
    const { client, logs } = newClient();
    const first = await client.start();
    assert.ok(processAlive(first.pid));
    await client.call('session.open', {
      spec: { id: 's1', name: 'ticks', type: 'SUB', mode: 'connect', addresses: [`tcp://127.0.0.1:${PUB_PORT}`] },
    });
    await waitForSnapshot(client, '200 captured messages', (s) => s.stats.retained >= 200);

    for (const signal of ['SIGKILL', 'SIGABRT'] as const) {
      const pid = client.enginePid;
      // Everything captured a second before the crash must come back.
      const capturedBefore = client.snapshot!.stats.lastSeq;
      await delay(1000);
      const crashed = next<EngineCrash>((l) => client.onDidCrash(l));
      const started = next<EngineStart>((l) => client.onDidStart(l));
      const killedAt = performance.now();
      process.kill(pid, signal);
      const crash = await crashed;
      const noticedMs = performance.now() - killedAt;
      assert.equal(crash.cause, `signal ${signal}`);
      assert.ok(crash.restarting);
      assert.ok(noticedMs < 1000, `the crash was noticed after ${Math.round(noticedMs)} ms`);
      const start = await started;
      assert.notEqual(start.pid, pid);
      assert.equal(processAlive(pid), false, 'the old engine is gone');
      assert.equal(start.reopened?.sessions, 1, `reopened: ${JSON.stringify(start.reopened)}`);
      assert.ok((start.restored?.messages ?? 0) >= capturedBefore - 1, `restored ${start.restored?.messages} of ${capturedBefore}`);
      // Running again: the reopened session (same id) receives new messages after the restored ones.
      await waitForSnapshot(
        client,
        'the session capturing again',
        (s) => s.sessions.some((x) => x.id === 's1' && x.counters.messagesIn > 0) && s.stats.lastSeq > (start.restored?.lastSeq ?? 0),
      );
      const runningMs = performance.now() - killedAt;
      console.log(
        `${signal}: noticed after ${Math.round(noticedMs)} ms, engine restarted in ` +
          `${Math.round(start.startMs)} ms, session capturing again ${Math.round(runningMs)} ms after the kill`,
      );
      assert.ok(runningMs < 3000, `running again ${Math.round(runningMs)} ms after the kill`);
      const seqs = await seqsBetween(client, 1, capturedBefore);
      assert.equal(seqs.length, capturedBefore, 'every message captured a second before the crash is listed');
      const sample = (await client.call('capture.records', { fromSeq: capturedBefore, count: 1 })).records[0];
      assert.equal(sample.sessionId, 's1');
      assert.match(Buffer.from(sample.frames[1]).toString(), /^\{"n": \d+\}$/);
    }
    assert.match(logs.join('\n'), /restored \d+ captured messages/);
  },
);

test(
  'a crash loop (3 crashes within a minute) stops the retries and says why; Restart Engine starts one without the sessions',
  { timeout: 60_000 },
  async () => {
    const { client } = newClient();
    await client.start();
    await client.call('session.open', {
      spec: { id: 's1', name: 'suspect', type: 'PUSH', mode: 'bind', addresses: [`tcp://127.0.0.1:${LOOP_PORT + 2}`] },
    });
    const crashes: EngineCrash[] = [];
    client.onDidCrash((crash) => crashes.push(crash));
    for (let i = 1; i <= 3; i++) {
      const started = i < 3 ? next<EngineStart>((l) => client.onDidStart(l)) : undefined;
      process.kill(client.enginePid, 'SIGKILL');
      await waitUntil(() => crashes.length === i, `crash ${i}`, 5000);
      await started;
    }
    assert.deepEqual(
      crashes.map((c) => c.restarting),
      [true, true, false],
    );
    assert.match(crashes[2].reason ?? '', /stopped 3 times within 60 s \(last: signal SIGKILL\), so it is not restarted again/);
    await delay(500);
    const outcome = await client.request('ping', {});
    assert.deepEqual(outcome.ok ? 'answered' : outcome.error.code, 'ENGINE_DOWN');
    // The user asks again: a new engine, which reopens none of the sessions one of which may be the killer.
    const again = await client.restart();
    assert.equal(again.reopened?.sessions, 0);
    assert.ok((await client.request('ping', {})).ok);
    assert.deepEqual(client.snapshot?.sessions, []);
  },
);

test('dispose closes every socket and ends the engine: no process, no bound port', { timeout: 30_000 }, async () => {
  const { client } = newClient();
  const { pid } = await client.start();
  await client.call('session.open', {
    spec: { id: 's1', name: 'bound', type: 'PULL', mode: 'bind', addresses: [`tcp://127.0.0.1:${BIND_PORT}`] },
  });
  await client.call('tap.start', {
    id: 'tap1',
    name: 'tap',
    pattern: 'pipeline-sink',
    listen: `tcp://127.0.0.1:${LOOP_PORT}`,
    upstream: 'tcp://127.0.0.1:17643',
    replyTimeoutMs: 5000,
  });
  await client.dispose();
  assert.equal(processAlive(pid), false, 'the engine process is gone');
  for (const port of [BIND_PORT, LOOP_PORT]) {
    await new Promise<void>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
    });
  }
});

test('the engine dies with its parent: a host killed with kill -9 leaves no engine behind', { timeout: 30_000 }, async () => {
  // A stand-in extension host: forks the engine, says hello, prints the engine's pid, then waits.
  const host = spawn(
    process.execPath,
    [
      '-e',
      `const { fork } = require('node:child_process');
const engine = fork(${JSON.stringify(ENGINE_PATH)}, [], { execArgv: [], serialization: 'advanced', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
engine.on('message', (m) => { if (m.kind === 'reply') console.log('ENGINE ' + m.result.pid); });
const limits = { maxMessages: 1000, maxBytes: 1048576, maxFrameBytes: 1024 };
engine.send({ kind: 'request', id: 1, method: 'hello', params: { protocolVersion: ${ENGINE_PROTOCOL_VERSION}, limits, receiveTimeoutMs: 1000 } });
setInterval(() => {}, 1000);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  host.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await waitUntil(() => /ENGINE \d+/.test(out), 'the engine to answer hello', 15_000);
  const enginePid = Number(/ENGINE (\d+)/.exec(out)![1]);
  assert.ok(processAlive(enginePid));
  host.kill('SIGKILL');
  const killedAt = performance.now();
  await waitUntil(() => !processAlive(enginePid), 'the engine to exit after its parent died', 5000);
  console.log(`the engine exited ${Math.round(performance.now() - killedAt)} ms after its parent was killed`);
});

test('malformed requests get an error reply and the engine keeps answering', { timeout: 30_000 }, async () => {
  const { client } = newClient();
  await client.start();
  const bad = await client.request('session.open', { spec: 42 } as never);
  assert.equal(bad.ok ? 'answered' : bad.error.code, 'EPROTO');
  assert.match(bad.ok ? '' : bad.error.message, /params\.spec must be an object/);
  const unknown = await client.request('no.such.method' as never, {} as never);
  assert.equal(unknown.ok ? 'answered' : unknown.error.code, 'EPROTO');
  const missing = await client.request('session.send', { id: 'nope', frames: [new Uint8Array([1])] });
  assert.match(missing.ok ? '' : missing.error.message, /No open session "nope"/);
  assert.ok((await client.request('ping', {})).ok);
});
