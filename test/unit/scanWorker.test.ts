// The scan worker thread (out/scanWorker.js, built from src/core/scan/scanWorker.ts) behind its client:
// it reads files from disk, gives the same verdicts as the in-process index, and when a file keeps it
// busy past the item limit or exhausts its heap, the worker is terminated and replaced, that one file is
// reported as skipped, and every other file is still scanned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanWorkerClient } from '../../src/core/scan/scanWorkerClient';
import { WorkspaceScanIndex } from '../../src/core/scan';

// Bundled to out/test/unit/; the worker is bundled to out/scanWorker.js.
const WORKER = join(__dirname, '..', '..', 'scanWorker.js');

function workspace(files: Record<string, string>): { root: string; paths: string[]; dispose(): void } {
  const root = mkdtempSync(join(tmpdir(), 'zmq-scan-worker-'));
  const paths = Object.entries(files).map(([name, text]) => {
    writeFileSync(join(root, name), text);
    return join(root, name);
  });
  return { root, paths, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

const server = 'import zmq\nfrom settings import ADDR\ns = zmq.Context().socket(zmq.REP)\ns.bind(ADDR)\n';
const client = 'import zmq\nc = zmq.Context().socket(zmq.REQ)\nc.connect("tcp://localhost:5555")\n';
const settings = 'ADDR = "tcp://*:5555"\n';

test('the worker reads and scans the files, resolves imports, and gives the verdicts the in-process index gives', async () => {
  const ws = workspace({ 'server.py': server, 'client.py': client, 'settings.py': settings });
  const worker = new ScanWorkerClient({ workerPath: WORKER });
  try {
    await worker.configure({ roots: [ws.root], maxFileBytes: 1 << 20 });
    await worker.setInventory(ws.paths);
    assert.equal(await worker.scan(ws.paths.map((path) => ({ path }))), true);
    const snapshot = await worker.verdicts();
    const index = new WorkspaceScanIndex();
    index.update(join(ws.root, 'server.py'), server.replace('ADDR)', '"tcp://*:5555")'));
    index.update(join(ws.root, 'client.py'), client);
    assert.deepEqual(
      snapshot.verdicts.map((v) => [v.endpoint, v.status, v.findings.map((f) => f.code)]),
      [['tcp://*:5555', 'valid', ['req-rep-lockstep', 'valid-pairing']]],
    );
    assert.deepEqual(
      snapshot.verdicts[0].findings.map((f) => f.message),
      index.verdicts()[0].findings.map((f) => f.message),
    );
    assert.equal(snapshot.files, 2);

    // Unsaved editor text wins over the file on disk; without text the disk is read again.
    await worker.scan([{ path: join(ws.root, 'client.py'), text: client.replace('zmq.REQ', 'zmq.SUB') }]);
    assert.equal((await worker.verdicts()).verdicts[0].status, 'error');
    await worker.scan([{ path: join(ws.root, 'client.py') }]);
    assert.equal((await worker.verdicts()).verdicts[0].status, 'valid');
    assert.equal(worker.restarts, 0);
  } finally {
    worker.dispose();
    ws.dispose();
  }
});

test('a file that keeps the worker busy past the item limit: the worker is replaced, the file skipped, the rest scanned', async () => {
  // Without a budget the scan of 1.5 million tokens takes far longer than the 150 ms item limit.
  const slow = 'import zmq\n' + 'a = b + c\n'.repeat(300_000);
  const ws = workspace({ 'a_server.py': server, 'settings.py': settings, 'b_slow.py': slow, 'c_client.py': client });
  const logs: string[] = [];
  const worker = new ScanWorkerClient({ workerPath: WORKER, itemTimeoutMs: 150, log: (m) => logs.push(m) });
  try {
    await worker.configure({ roots: [ws.root], maxFileBytes: 8 << 20, budget: { stepsPerChar: 1e9, baseSteps: 1e9, deadlineMs: 1e9 } });
    await worker.setInventory(ws.paths);
    await worker.scan(ws.paths.map((path) => ({ path })));
    const snapshot = await worker.verdicts();
    assert.equal(worker.restarts, 1);
    assert.deepEqual(snapshot.skipped, [
      { file: join(ws.root, 'b_slow.py'), reason: 'skipped: too complex (it spent more than 150 ms on one file)' },
    ]);
    assert.deepEqual(
      snapshot.verdicts.map((v) => [v.endpoint, v.status]),
      [['tcp://*:5555', 'valid']],
      'the server scanned before the culprit was given back to the new worker, the client after it was scanned',
    );
    assert.match(logs[0], /Scan worker replaced while scanning .*b_slow\.py: it spent more than 150 ms on one file/);

    // A full rescan leaves the culprit out (no second replacement); an edit of it gives it another try.
    await worker.scan(ws.paths.map((path) => ({ path })));
    assert.equal(worker.restarts, 1);
    await worker.scan([{ path: join(ws.root, 'b_slow.py'), text: 'import zmq\n' }], true);
    assert.deepEqual((await worker.verdicts()).skipped, []);
    assert.equal(worker.restarts, 1);
  } finally {
    worker.dispose();
    ws.dispose();
  }
});

test('a file that exhausts the worker heap: ERR_WORKER_OUT_OF_MEMORY ends the worker, not the process; the rest is scanned', async () => {
  const huge = 'import zmq\n' + 'x y z w '.repeat(400_000);
  const ws = workspace({ 'a_server.py': server, 'settings.py': settings, 'b_huge.py': huge, 'c_client.py': client });
  const worker = new ScanWorkerClient({
    workerPath: WORKER,
    itemTimeoutMs: 60_000,
    resourceLimits: { maxOldGenerationSizeMb: 24, maxYoungGenerationSizeMb: 4 },
  });
  try {
    await worker.configure({ roots: [ws.root], maxFileBytes: 8 << 20, budget: { stepsPerChar: 1e9, baseSteps: 1e9, deadlineMs: 1e9 } });
    await worker.setInventory(ws.paths);
    await worker.scan(ws.paths.map((path) => ({ path })));
    const snapshot = await worker.verdicts();
    assert.ok(worker.restarts >= 1);
    assert.deepEqual(snapshot.skipped, [{ file: join(ws.root, 'b_huge.py'), reason: 'skipped: too complex (it ran out of memory)' }]);
    assert.deepEqual(
      snapshot.verdicts.map((v) => [v.endpoint, v.status]),
      [['tcp://*:5555', 'valid']],
    );
  } finally {
    worker.dispose();
    ws.dispose();
  }
});
