// JSON Lines export and import through streams: the same bytes as the line format itself and the same
// results whatever the chunking, backpressure, cancel, messages evicted mid-export, lines and characters split across chunks, and
// the event loop getting turns while they run. No assertion depends on timing.
import assert from 'node:assert/strict';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { test } from 'node:test';
import { exportJsonLinesToStream, importJsonLinesFromStream, toCaptureLine } from '../../src/core/capture/captureJsonl';
import type { ExportOptions } from '../../src/core/capture/captureJsonl';
import { CaptureStore } from '../../src/core/capture/captureStore';
import { importText } from '../support/jsonLines';

const bytes = (s: string) => Buffer.from(s);
const decoderIdFor: ExportOptions['decoderIdFor'] = (_, i) => (i === 0 ? 'text' : 'hex');

/** The whole file an export must write: each retained message's line, oldest first, built without any stream. */
function expectedExport(store: CaptureStore, options: Pick<ExportOptions, 'decoderIdFor'> = {}): string {
  let text = '';
  for (const seq of store.matchingSeqs({})) {
    const record = store.get(seq)!;
    const decoders = options.decoderIdFor && record.frames.map((_, i) => options.decoderIdFor!(record, i) ?? '');
    text += JSON.stringify(toCaptureLine(record, decoders)) + '\n';
  }
  return text;
}

/** `count` small messages in two sessions, one with a name in several UTF-8 lengths. */
function filledStore(count: number, limits = { maxMessages: count, maxBytes: 1 << 30 }): CaptureStore {
  const store = new CaptureStore(limits);
  for (let i = 0; i < count; i++) {
    store.append(
      i % 3 ? 'tcp://127.0.0.1:5555' : 'café ☕ 𝄞 сессия',
      i % 2 ? 'out' : 'in',
      [bytes(`topic.${i % 7}`), bytes(`body ${i} ✓`)],
      { hasTopic: true, timeNs: 1_700_000_000_000_000_000n + BigInt(i) * 1_234_567n, tag: i % 5 ? undefined : 'tap "a"' },
    );
  }
  return store;
}

/** A writable that keeps what it gets; `delay` holds each write's callback back (setTimeout or never). */
function sink(options: { highWaterMark?: number; delay?: 'timeout' | 'never' | 'now'; fail?: Error } = {}) {
  const chunks: Buffer[] = [];
  const stats = { writes: 0, maxPending: 0 };
  const stream = new Writable({
    highWaterMark: options.highWaterMark,
    write(chunk: Buffer, _encoding, callback) {
      stats.writes++;
      stats.maxPending = Math.max(stats.maxPending, this.writableLength);
      chunks.push(chunk);
      if (options.fail) callback(options.fail);
      else if (options.delay === 'timeout') setTimeout(callback, 1);
      else if (options.delay !== 'never') callback();
    },
  });
  return { stream, stats, text: () => Buffer.concat(chunks).toString() };
}

/** The text as a stream of `size`-byte Buffers, splitting lines, CRLFs and characters anywhere. */
function chunked(text: string, size: number): Readable {
  const all = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < all.length; i += size) chunks.push(all.subarray(i, i + size));
  return Readable.from(chunks);
}

test('stream export to a file and streamed import back: byte for byte the line format, a multi-MB frame and UTF-8 names included', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'zeromq-jsonl-'));
  try {
    const limits = { maxMessages: 10_000, maxBytes: 1 << 30, maxFrameBytes: 8 << 20 };
    const store = filledStore(3000, limits);
    const big = Buffer.alloc(5 << 20);
    for (let i = 0; i < big.length; i++) big[i] = (i * 131) & 0xff;
    store.append('big ☕', 'in', [bytes('big'), big], { timeNs: 1_800_000_000_123_456_789n });
    for (let i = 0; i < 500; i++) store.append('after 𝄞', 'out', [bytes(`after ${i}`)]);

    const path = join(dir, 'capture.jsonl');
    const out = createWriteStream(path);
    const progress: number[] = [];
    const exported = await exportJsonLinesToStream(store, out, {
      decoderIdFor,
      onProgress: (written, total) => progress.push(written, total),
    });
    out.end();
    await finished(out);
    assert.deepEqual(exported, { written: 3501, missing: 0, cancelled: false });
    assert.deepEqual(progress.slice(-2), [3501, 3501]);
    assert.ok(progress.length >= 2 * 2, 'the small lines and the big one fill a chunk; the rest make another');
    const expected = expectedExport(store, { decoderIdFor });
    assert.ok((await readFile(path)).equals(Buffer.from(expected)), 'the file is the expected lines, byte for byte');

    const copy = new CaptureStore(limits);
    const read: number[] = [];
    const imported = await importJsonLinesFromStream(createReadStream(path, { highWaterMark: 64 * 1024 }), copy, {
      onProgress: (n) => read.push(n),
    });
    assert.deepEqual(imported, { imported: 3501, errors: [], skipped: 0, cancelled: false });
    assert.equal(read.at(-1), Buffer.byteLength(expected));
    assert.equal(expectedExport(copy, { decoderIdFor }), expected);
    assert.ok(Buffer.from(copy.get(3001)!.frames[1]).equals(big));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('stream export waits for drain: never more than about a chunk is pending in a slow stream', async () => {
  const store = filledStore(2000);
  const chunkBytes = 4096;
  const { stream, stats, text } = sink({ highWaterMark: chunkBytes, delay: 'timeout' });
  const result = await exportJsonLinesToStream(store, stream, { chunkBytes });
  assert.deepEqual(result, { written: 2000, missing: 0, cancelled: false });
  assert.ok(stats.writes > 20, `${stats.writes} writes`);
  assert.ok(stats.maxPending <= 2 * chunkBytes, `at most ${stats.maxPending} bytes were pending (a chunk is about ${chunkBytes})`);
  await new Promise<void>((resolve) => stream.end(resolve));
  assert.equal(text(), expectedExport(store));
});

test('stream export cancelled between chunks stops with a prefix of the lines written', async () => {
  const store = filledStore(2000);
  const abort = new AbortController();
  const { stream, text } = sink();
  const result = await exportJsonLinesToStream(store, stream, {
    chunkBytes: 2048,
    signal: abort.signal,
    onProgress: (written) => written >= 500 && abort.abort(),
  });
  assert.equal(result.cancelled, true);
  assert.ok(result.written >= 500 && result.written < 1000, `${result.written} written`);
  const lines = text().split('\n');
  assert.equal(lines.pop(), '', 'whole lines only');
  assert.equal(lines.length, result.written);
  assert.equal(lines.join('\n') + '\n', expectedExport(store).split('\n').slice(0, result.written).join('\n') + '\n');

  const already = new AbortController();
  already.abort();
  assert.deepEqual(await exportJsonLinesToStream(store, sink().stream, { signal: already.signal }), {
    written: 0,
    missing: 0,
    cancelled: true,
  });
});

test('stream export cancelled while the stream does not drain returns at once', async () => {
  const store = filledStore(2000);
  const abort = new AbortController();
  const { stream, stats } = sink({ highWaterMark: 1024, delay: 'never' });
  const exporting = exportJsonLinesToStream(store, stream, { chunkBytes: 1024, signal: abort.signal });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(stats.writes, 1, 'the export waits for the first chunk to drain');
  abort.abort();
  const result = await exporting;
  assert.equal(result.cancelled, true);
  assert.ok(result.written > 0 && result.written < 2000);
  stream.destroy();
});

test('stream export: messages evicted before their turn count as missing, not as others', async () => {
  // 120 bytes held a message (100 payload, 2 of headers, 18 of metadata), a budget of 1000 messages.
  const store = new CaptureStore({ maxMessages: 100_000, maxBytes: 120_000 });
  for (let i = 0; i < 1000; i++) store.append('s', 'in', [Buffer.alloc(100, i)]);
  const { stream, text } = sink();
  let firstChunk = 0;
  const result = await exportJsonLinesToStream(store, stream, {
    chunkBytes: 4096,
    onProgress: (written) => {
      if (firstChunk) return;
      firstChunk = written;
      for (let i = 0; i < 300; i++) store.append('s', 'out', [Buffer.alloc(100)]);
    },
  });
  assert.ok(firstChunk > 0 && firstChunk < 300, `${firstChunk} in the first chunk`);
  assert.deepEqual(result, { written: 1000 - (300 - firstChunk), missing: 300 - firstChunk, cancelled: false });
  const seqs = text()
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line).seq as number);
  assert.deepEqual(
    seqs,
    [...Array(firstChunk).keys()].map((i) => i + 1).concat([...Array(700).keys()].map((i) => i + 301)),
    'the matches of the start, not the new messages',
  );
});

test('stream export rejects on a stream error', async () => {
  const store = filledStore(100);
  await assert.rejects(exportJsonLinesToStream(store, sink({ fail: new Error('disk full') }).stream, { chunkBytes: 100 }), /disk full/);
  const closed = sink().stream;
  closed.destroy();
  await assert.rejects(exportJsonLinesToStream(store, closed), /closed before the export finished/);
});

test('stream export gives the event loop turns: callbacks scheduled before an export of 200k messages run before it ends', async () => {
  const store = new CaptureStore({ maxMessages: 200_000, maxBytes: 1 << 30 });
  for (let i = 0; i < 200_000; i++) store.append('s', 'in', [bytes(`message ${i}`)], { timeNs: BigInt(i) });
  let exported = false;
  let timerRanFirst: boolean | undefined;
  let immediateRanFirst: boolean | undefined;
  let turns = 0;
  setTimeout(() => (timerRanFirst = !exported), 0);
  setImmediate(() => (immediateRanFirst = !exported));
  const tick = () => {
    if (exported) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  const result = await exportJsonLinesToStream(store, sink().stream);
  exported = true;
  assert.equal(result.written, 200_000);
  assert.equal(immediateRanFirst, true);
  assert.equal(timerRanFirst, true);
  assert.ok(turns >= 10, `${turns} turns of the event loop during the export`);
});

/** Lines that put CRLFs, multi-byte characters, bad lines, blank lines and a last line without newline where tiny chunks split them. */
function trickyText(): string {
  const line = (fields: Record<string, unknown>) =>
    JSON.stringify({ session: 'ß☕𝄞 session', direction: 'in', frames: ['aGk='], time: '2026-11-25T08:44:07.123456789Z', ...fields });
  return (
    [
      line({ tag: 'é'.repeat(7) }),
      '{not json',
      '',
      line({ session: '𝄞'.repeat(40), direction: 'out' }),
      '   ',
      line({ direction: 'sideways' }),
      line({ frames: ['4pyT8J2Ens6x'], timeNs: '1700000000123456789' }),
      '[]',
      line({ tag: '☕'.repeat(3) }),
    ].join('\r\n') +
    '\r\n\r\n' +
    line({ tag: 'last, no newline 𝄞' })
  );
}

test('streamed import in tiny chunks equals the import of the text in one chunk, bad-line numbers included', async () => {
  const text = trickyText();
  const reference = new CaptureStore({ maxMessages: 100, maxBytes: 100_000 });
  const expected = await importText(text, reference);
  assert.deepEqual([expected.imported, expected.errors.map((e) => e.line)], [5, [2, 6, 8]]);
  for (const size of [1, 2, 3, 7, 64, 1 << 20]) {
    const store = new CaptureStore({ maxMessages: 100, maxBytes: 100_000 });
    const result = await importJsonLinesFromStream(chunked(text, size), store);
    assert.deepEqual(result, { ...expected, cancelled: false }, `${size}-byte chunks`);
    assert.equal(expectedExport(store), expectedExport(reference), `${size}-byte chunks`);
  }
  // Strings (a stream with an encoding set), split inside surrogate pairs too.
  const strings: string[] = [];
  for (let i = 0; i < text.length; i += 5) strings.push(text.slice(i, i + 5));
  const store = new CaptureStore({ maxMessages: 100, maxBytes: 100_000 });
  assert.deepEqual(await importJsonLinesFromStream(Readable.from(strings), store), { ...expected, cancelled: false });
  assert.equal(expectedExport(store), expectedExport(reference));
});

test('streamed import reports a line over the length limit, whole or split, and goes on', async () => {
  const good = JSON.stringify({ session: 's', direction: 'in', frames: [] });
  const long = JSON.stringify({ session: 's', direction: 'in', frames: ['A'.repeat(400)] });
  const text = [good, long, good, long].join('\n');
  for (const size of [7, 1 << 20]) {
    const store = new CaptureStore({ maxMessages: 100, maxBytes: 100_000 });
    const result = await importJsonLinesFromStream(chunked(text, size), store, { maxLineBytes: 100 });
    assert.equal(result.imported, 2, `${size}-byte chunks`);
    assert.deepEqual(
      result.errors.map((e) => e.line),
      [2, 4],
    );
    assert.match(result.errors[0].message, /longer than 100 bytes: skipped/);
  }
  const store = new CaptureStore({ maxMessages: 100, maxBytes: 100_000 });
  assert.equal(
    (await importJsonLinesFromStream(chunked(text, 7), store, { maxLineBytes: long.length })).imported,
    4,
    'a line at the limit is fine',
  );
});

test('streamed import cancelled mid-way keeps what it imported and destroys the stream', async () => {
  const text = expectedExport(filledStore(3000));
  const store = new CaptureStore({ maxMessages: 10_000, maxBytes: 1 << 30 });
  const abort = new AbortController();
  const input = chunked(text, 4096);
  const result = await importJsonLinesFromStream(input, store, {
    signal: abort.signal,
    onProgress: (bytesRead) => bytesRead >= 40_000 && abort.abort(),
  });
  assert.equal(result.cancelled, true);
  assert.ok(result.imported > 0 && result.imported < 3000, `${result.imported} imported`);
  assert.equal(store.size, result.imported);
  assert.equal(input.destroyed, true);
});

test('streamed import gives the event loop turns, even from a stream that never waits for I/O', async () => {
  const text = expectedExport(filledStore(50_000));
  let imported = false;
  let immediateRanFirst: boolean | undefined;
  setImmediate(() => (immediateRanFirst = !imported));
  const result = await importJsonLinesFromStream(chunked(text, 64 * 1024), new CaptureStore({ maxMessages: 50_000, maxBytes: 1 << 30 }));
  imported = true;
  assert.equal(result.imported, 50_000);
  assert.equal(immediateRanFirst, true);
});

test('a JSON Lines line over 16 MiB is skipped without being gathered: memory stays flat while 96 MiB stream past', async () => {
  const good = JSON.stringify({ session: 's', direction: 'in', frames: [Buffer.from('kept').toString('base64')] });
  const block = Buffer.alloc(1024 * 1024, 0x41);
  // One line of 96 MiB ("AAAA…", never a whole string here), between two good lines.
  async function* lines() {
    yield Buffer.from(`${good}\n{"session":"s","direction":"in","frames":["`);
    for (let i = 0; i < 96; i++) yield block;
    yield Buffer.from(`"]}\n${good}\n`);
  }
  globalThis.gc?.();
  const before = process.memoryUsage();
  let peak = 0;
  const store = new CaptureStore({ maxMessages: 100, maxBytes: 1 << 20 });
  const result = await importJsonLinesFromStream(Readable.from(lines()), store, {
    onProgress: () => {
      const now = process.memoryUsage();
      peak = Math.max(peak, now.heapUsed + now.arrayBuffers - before.heapUsed - before.arrayBuffers);
    },
  });
  assert.equal(result.imported, 2);
  assert.deepEqual(result.errors, [{ line: 2, message: 'the line is longer than 16 MiB: skipped' }]);
  assert.ok(peak < 48 * 1024 * 1024, `the import held ${(peak / 1048576).toFixed(0)} MiB more at its peak`);
});
