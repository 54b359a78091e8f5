// The crash spool: what a store held is read back into a new store with the same numbers, times, sessions,
// tags, truncation and removals; it stays within the capture budget; damaged or incomplete files are read
// up to the damage.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  CaptureSpoolWriter,
  RECORD_HEADER_BYTES,
  RECORD_TRAILER_BYTES,
  SEGMENT_FILE,
  SEGMENT_RECYCLED,
  SPOOL_MAGIC,
  SpoolRecord,
} from '../../src/core/capture/captureSpool';
import { restoreSpool } from '../../src/core/capture/captureSpoolReader';
import { CaptureStore } from '../../src/core/capture/captureStore';
import type { CaptureRecord } from '../../src/core/types';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function spoolDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'zmq-spool-'));
  dirs.push(dir);
  return dir;
}

const limits = { maxMessages: 100_000, maxBytes: 64 * 1024 * 1024, maxFrameBytes: 1024 };
const history: Array<[string, string, string]> = [
  ['s1', 'prices', 'SUB'],
  ['s2', 'orders', 'ROUTER'],
];

function restored(dir: string, storeLimits = limits): { store: CaptureStore; names: Array<[string, string, string]>; problems: string[] } {
  const store = new CaptureStore(storeLimits);
  let names: Array<[string, string, string]> = [];
  const result = restoreSpool(dir, store, (h) => (names = h));
  return { store, names, problems: result.problems };
}

function plain(record: CaptureRecord | undefined) {
  if (!record) return undefined;
  return { ...record, frames: record.frames.map((f) => Buffer.from(f).toString('hex')) };
}

test('a spooled store comes back whole: seqs, times, sessions, directions, flags, tags, truncated frames', async () => {
  const dir = spoolDir();
  const store = new CaptureStore(limits);
  const spool = new CaptureSpoolWriter(store, dir, { history: () => history });
  store.append('s1', 'in', [Buffer.from('prices.EUR'), Buffer.from('{"bid":1}')], { hasTopic: true });
  store.append('s2', 'in', [Buffer.from([0, 1, 2]), Buffer.alloc(0), Buffer.alloc(5000, 7)], { hasRoutingId: true, tag: 'tap A' });
  spool.flush();
  store.append('s2', 'out', [Buffer.from([0, 1, 2]), Buffer.alloc(0), Buffer.from('reply')], { hasRoutingId: true, tag: 'tap A' });
  store.append('s1', 'in', [], { timeNs: 1_700_000_000_123_456_789n });
  await spool.close();

  const back = restored(dir);
  assert.deepEqual(back.problems, []);
  assert.deepEqual(back.names, history);
  assert.equal(back.store.size, 4);
  for (let seq = 1; seq <= 4; seq++) assert.deepEqual(plain(back.store.get(seq)), plain(store.get(seq)), `#${seq}`);
  assert.equal(back.store.get(2)!.frameSizes[2], 5000, 'the true size of a truncated frame survives');
  assert.equal(back.store.append('s1', 'in', [Buffer.from('next')]), 5, 'numbering goes on after the restored messages');
});

test("removed sessions stay removed, holes keep every message's number, later messages come back too", async () => {
  const dir = spoolDir();
  const store = new CaptureStore(limits);
  const spool = new CaptureSpoolWriter(store, dir, { history: () => history });
  for (let i = 0; i < 10; i++) store.append(i % 2 ? 's2' : 's1', 'in', [Buffer.from(`m${i}`)]);
  spool.flush();
  store.removeSession('s2');
  spool.onRemoveSession('s2');
  store.append('s2', 'in', [Buffer.from('after removal')]);
  await spool.close();

  const back = restored(dir).store;
  assert.deepEqual(
    back.range(1, 100).map((r) => [r.seq, Buffer.from(r.frames[0]).toString()]),
    [
      [1, 'm0'],
      [3, 'm2'],
      [5, 'm4'],
      [7, 'm6'],
      [9, 'm8'],
      [11, 'after removal'],
    ],
  );
});

test('a clear empties the spool at once: nothing cleared comes back', async () => {
  const dir = spoolDir();
  const store = new CaptureStore(limits);
  const spool = new CaptureSpoolWriter(store, dir, { history: () => history });
  for (let i = 0; i < 100; i++) store.append('s1', 'in', [Buffer.from(`old ${i}`)]);
  spool.flush();
  await spool.whenDrained();
  store.clear();
  spool.onClear();
  store.append('s1', 'in', [Buffer.from('new')]);
  await spool.close();
  const back = restored(dir).store;
  assert.deepEqual(
    back.range(1, 1000).map((r) => [r.seq, Buffer.from(r.frames[0]).toString()]),
    [[101, 'new']],
  );
});

test('the spool on disk stays within the byte budget while old messages are evicted', async () => {
  const dir = spoolDir();
  const budget = { maxMessages: 1_000_000, maxBytes: 2 * 1024 * 1024, maxFrameBytes: 1024 * 1024 };
  const store = new CaptureStore(budget);
  const spool = new CaptureSpoolWriter(store, dir, { history: () => history, segmentBytes: 256 * 1024 });
  const payload = Buffer.alloc(1000, 1);
  let largest = 0;
  for (let round = 0; round < 400; round++) {
    for (let i = 0; i < 100; i++) store.append('s1', 'in', [payload]);
    spool.flush();
    await spool.whenDrained();
    await new Promise((r) => setImmediate(r));
    const onDisk = readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
    largest = Math.max(largest, onDisk);
  }
  await spool.close();
  // 40 MB went through a 2 MiB budget: the files hold the budget and its metadata, the oldest segment's
  // evicted part, the spare segments waiting to be recycled, and what a segment's last flush overran.
  const segmentLimit = 256 * 1024;
  assert.ok(largest < budget.maxBytes * 1.05 + 3 * segmentLimit, `at most ${largest} bytes on disk`);
  assert.ok(spool.status().recycledSegments > 100, `${spool.status().recycledSegments} segment files were recycled`);
  const back = restored(dir, budget);
  assert.deepEqual(back.problems, [], 'recycled files end quietly where their new life ends');
  assert.equal(back.store.lastSeq, store.lastSeq);
  assert.ok(back.store.size >= store.size - 300, `${back.store.size} of the ${store.size} retained messages come back`);
});

test('in a steady flood the spool writes over files it already has, not into new ones', async () => {
  // A new file's pages are fresh memory to the kernel, and on virtual machines a fresh page costs 10-40
  // times a cached one: a 32 MiB segment written into a new file cost the engine ~100 ms of CPU, 1-1.5 µs a
  // message in the 4 KiB capture benchmark. So once the store is full, every new segment must be a recycled
  // file. Flushes vary in size as real ones do (what arrived in 25 ms, here up to half a segment), so
  // segments age in bursts: with one spare file, the second of two segments aging together was deleted and a
  // new file made later.
  const dir = spoolDir();
  const budget = { maxMessages: 1_000_000, maxBytes: 2 * 1024 * 1024, maxFrameBytes: 1024 * 1024 };
  const store = new CaptureStore(budget);
  const segmentLimit = 256 * 1024;
  const spool = new CaptureSpoolWriter(store, dir, { history: () => history, segmentBytes: segmentLimit });
  const payload = Buffer.alloc(1000, 1);
  // Segment files made so far: every segment opened (numbered from 0) that was not a recycled file.
  const newFiles = () => {
    const highest = Math.max(...readdirSync(dir).map((name) => Number(SEGMENT_FILE.exec(name)?.[2] ?? -1)));
    return highest + 1 - spool.status().recycledSegments;
  };
  let newFilesWhenFull = 0;
  let random = 1;
  for (let round = 0; round < 2000; round++) {
    random = (random * 1103515245 + 12345) % 2 ** 31;
    for (let i = 0, count = 10 + (random % 120); i < count; i++) store.append('s1', 'in', [payload]);
    spool.flush();
    await spool.whenDrained();
    if (round === 100) newFilesWhenFull = newFiles();
  }
  await spool.close();
  assert.ok(spool.status().recycledSegments > 100, `${spool.status().recycledSegments} segment files were recycled`);
  assert.equal(newFiles() - newFilesWhenFull, 0, `${newFiles() - newFilesWhenFull} new files made after the store was full`);
});

test('a record cut short by a crash: everything before it comes back, and the damage is named', async () => {
  const dir = spoolDir();
  const store = new CaptureStore(limits);
  const spool = new CaptureSpoolWriter(store, dir, { history: () => history });
  for (let i = 0; i < 50; i++) store.append('s1', 'in', [Buffer.from(`first ${i}`)]);
  spool.flush();
  for (let i = 0; i < 50; i++) store.append('s1', 'in', [Buffer.from(`second ${i}`)]);
  await spool.close();
  const segment = readdirSync(dir).find((n) => n.endsWith('.spool'))!;
  truncateSync(join(dir, segment), statSync(join(dir, segment)).size - 10);
  const back = restored(dir);
  assert.equal(back.store.size, 50);
  assert.match(back.problems.join('\n'), /cut at byte \d+ \(the engine died while writing it\)/);
});

test('a generation whose first flush never completed is ignored for the complete one before it', async () => {
  const dir = spoolDir();
  const store = new CaptureStore(limits);
  const spool = new CaptureSpoolWriter(store, dir, { history: () => history });
  store.append('s1', 'in', [Buffer.from('kept')]);
  await spool.close();
  // A restart began a new generation and died before writing anything.
  const restarted = new CaptureStore(limits);
  restoreSpool(dir, restarted, () => undefined);
  const next = new CaptureSpoolWriter(restarted, dir, { history: () => history });
  assert.ok(
    readdirSync(dir).some((n) => n.startsWith('g000002-')),
    'the restart opened generation 2',
  );
  const back = restored(dir).store;
  assert.deepEqual(
    back.range(1, 10).map((r) => Buffer.from(r.frames[0]).toString()),
    ['kept'],
  );
  await next.destroy();
});

test('a slab pinned by a write in flight is never reused, while any write still holds it', () => {
  const store = new CaptureStore({ maxMessages: 1_000_000, maxBytes: 5 * 1024 * 1024, maxFrameBytes: 1024 * 1024 });
  for (let i = 0; i < 60; i++) store.append('s1', 'in', [Buffer.alloc(64 * 1024, i)]);
  const [run] = store.rawRuns(1);
  const before = Uint8Array.from(run.payload);
  // Two writes of the same slab; the first one finishes.
  store.pinSlab(run.slab);
  store.pinSlab(run.slab);
  store.unpinSlab(run.slab);
  // Enough to evict every message of that slab and to cycle the spare slabs many times.
  for (let i = 0; i < 400; i++) store.append('s1', 'in', [Buffer.alloc(64 * 1024, 0xab)]);
  assert.ok(store.firstSeq > 60, 'the pinned messages were evicted');
  assert.deepEqual(run.payload, before, 'the bytes the write reads stayed as they were');
  store.unpinSlab(run.slab);
});

test("a recycled segment file is read only as far as its new life wrote, even where its earlier life's records line up", async () => {
  const dir = spoolDir();
  const budget = { maxMessages: 1_000_000, maxBytes: 64 * 1024, maxFrameBytes: 1024 * 1024 };
  const store = new CaptureStore(budget);
  const spool = new CaptureSpoolWriter(store, dir, { history: () => history, segmentBytes: 1024 });
  const message = (session: string, fill: number) => store.append(session, 'in', [Buffer.alloc(100, fill)]);
  // Segment 0's first life: a run of one s1 and one s2 message, then the removal of s2.
  message('s1', 1);
  message('s2', 2);
  spool.flush();
  store.removeSession('s2');
  spool.onRemoveSession('s2');
  await spool.whenDrained();
  // Bigger messages roll a segment per flush, until segment 0's messages are evicted and its file waits as the spare.
  while (store.firstSeq <= 2) {
    store.append('s1', 'in', [Buffer.alloc(1000, 3)]);
    spool.flush();
    await spool.whenDrained();
  }
  assert.equal(spool.status().recycledSegments, 0);
  // Its second life: the same records, byte for byte as long, so the earlier life's removal of s2 starts
  // exactly where this life ends.
  message('s1', 4);
  const kept = message('s2', 5);
  spool.flush();
  await spool.close();
  assert.equal(spool.status().recycledSegments, 1);

  const recycled = readdirSync(dir)
    .filter((n) => n.endsWith('.spool'))
    .map((n) => readFileSync(join(dir, n)))
    .find((bytes) => bytes.length > 0 && bytes.readUInt32LE(RECORD_HEADER_BYTES) === SEGMENT_RECYCLED)!;
  let end = 0;
  const stamp = recycled.readUInt32LE(4) >>> 8;
  while (recycled.readUInt32LE(end + 4) >>> 8 === stamp) end += RECORD_HEADER_BYTES + recycled.readUInt32LE(end + 8) + RECORD_TRAILER_BYTES;
  assert.equal(recycled.readUInt32LE(end), SPOOL_MAGIC, 'an earlier record starts where the new life ends');
  assert.equal(recycled[end + 4], SpoolRecord.RemoveSession, 'and it is the removal of s2');

  const back = restored(dir, budget);
  assert.deepEqual(back.problems, []);
  assert.equal(back.store.get(kept)?.sessionId, 's2', "s2's new message is not removed by the earlier life's record");
  assert.equal(back.store.lastSeq, store.lastSeq);
});
