// The capture store against a plain-array model (eviction, accounting, contents across slabs and ring
// wrap-around), its filters, and JSON Lines export/import.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { importedSessionIds, isoTimeNs, MAX_IMPORT_ERRORS, MAX_IMPORTED_SESSIONS } from '../../src/core/capture/captureJsonl';
import { captureShedding, describeShedding } from '../../src/core/capture/shedding';
import { CaptureStore } from '../../src/core/capture/captureStore';
import { SessionManager } from '../../src/core/session/sessionManager';
import { exportLines, importText } from '../support/jsonLines';

const bytes = (s: string) => Buffer.from(s);
const text = (f: Uint8Array) => Buffer.from(f).toString();
const hex = (f: Uint8Array) => Buffer.from(f).toString('hex');

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number): (n: number) => number {
  return (n) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

test('append and get round-trip frames, flags, tag and time to the nanosecond', () => {
  const store = new CaptureStore({ maxMessages: 10, maxBytes: 1000 });
  const seq = store.append('s1', 'in', [bytes('topic'), bytes(''), bytes('body')], {
    hasTopic: true,
    tag: 'tap A',
    timeNs: 1_700_000_000_123_456_789n,
  });
  const record = store.get(seq)!;
  assert.equal(seq, 1);
  assert.deepEqual(record.frames.map(text), ['topic', '', 'body']);
  assert.deepEqual(record.frameSizes, [5, 0, 4]);
  assert.deepEqual(
    [record.hasTopic, record.hasRoutingId, record.tag, record.sessionId, record.direction],
    [true, false, 'tap A', 's1', 'in'],
  );
  assert.equal(record.timeNs, 1_700_000_000_123_456_789n);
  assert.equal(store.get(2), undefined);
  assert.equal(store.get(0), undefined);
  assert.equal(store.get(1.5), undefined);
});

test('interleaved sessions and tags each keep their own name', () => {
  const store = new CaptureStore({ maxMessages: 10, maxBytes: 1000 });
  const plan: [string, string | undefined][] = [
    ['a', 'x'],
    ['b', 'y'],
    ['a', 'y'],
    ['a', undefined],
    ['c', 'x'],
    ['b', 'x'],
  ];
  for (const [session, tag] of plan) store.append(session, 'in', [], tag === undefined ? undefined : { tag });
  assert.deepEqual(
    store.range(1, 10).map((r) => [r.sessionId, r.tag]),
    plan,
  );
});

test('without a given time, the time is now (wall clock)', () => {
  const store = new CaptureStore({ maxMessages: 10, maxBytes: 1000 });
  const before = BigInt(Date.now()) * 1_000_000n;
  const time = store.get(store.append('s', 'out', [bytes('x')]))!.timeNs;
  const after = BigInt(Date.now() + 1) * 1_000_000n;
  assert.ok(time >= before - 5_000_000n && time <= after + 5_000_000n, `${time} within [${before}, ${after}]`);
});

test('records are copies: they survive the eviction of their message and the reuse of its slab', () => {
  const store = new CaptureStore({ maxMessages: 2, maxBytes: 1000 });
  const record = store.get(store.append('s', 'in', [bytes('first')]))!;
  for (let i = 0; i < 10; i++) store.append('s', 'in', [bytes('XXXXX')]);
  assert.equal(text(record.frames[0]), 'first');
});

test('eviction by message count drops the oldest and counts them', () => {
  const store = new CaptureStore({ maxMessages: 3, maxBytes: 1_000_000 });
  for (let i = 1; i <= 5; i++) store.append('s', 'in', [bytes(`m${i}`)]);
  const stats = store.stats();
  // m1 and m2 held 22 bytes each: 1 (frame count) + 1 (frame header) + 2 (payload) + 18 (metadata slot).
  assert.deepEqual([stats.total, stats.retained, stats.dropped, stats.droppedBytes, stats.firstSeq, stats.lastSeq], [5, 3, 2, 44, 3, 5]);
  assert.equal(store.get(2), undefined);
  assert.deepEqual(
    store.range(0, 10).map((r) => text(r.frames[0])),
    ['m3', 'm4', 'm5'],
  );
});

test('eviction by byte budget keeps retained bytes exact; a message over the whole budget is dropped alone', () => {
  const store = new CaptureStore({ maxMessages: 1000, maxBytes: 100 });
  // A 30-byte frame holds 50 bytes: 1 (frame count) + 1 (frame header) + 30 + 18 (metadata slot).
  for (let i = 0; i < 10; i++) store.append('s', 'out', [Buffer.alloc(30, i)]);
  assert.deepEqual(pick(store.stats()), { retained: 2, retainedBytes: 100, dropped: 8, droppedBytes: 400 });
  const oversized = store.append('s', 'out', [Buffer.alloc(60), Buffer.alloc(41)]);
  assert.deepEqual(pick(store.stats()), { retained: 2, retainedBytes: 100, dropped: 9, droppedBytes: 522 });
  assert.equal(store.get(oversized), undefined);
  const next = store.append('s', 'out', [bytes('after')]);
  assert.equal(text(store.get(next)!.frames[0]), 'after');
  assert.equal(store.get(next - 2)!.frames[0][0], 9);
  assert.deepEqual(pick(store.stats()), { retained: 2, retainedBytes: 75, dropped: 10, droppedBytes: 572 });
  assert.equal(store.size, 2);
});

test('shrinking the limits evicts at once', () => {
  const store = new CaptureStore({ maxMessages: 100, maxBytes: 10_000 });
  for (let i = 0; i < 50; i++) store.append('s', 'in', [Buffer.alloc(10)]);
  // A 10-byte frame holds 30 bytes: 1 (frame count) + 1 (frame header) + 10 + 18 (metadata slot).
  store.setLimits({ maxMessages: 20, maxBytes: 10_000 });
  assert.deepEqual(pick(store.stats()), { retained: 20, retainedBytes: 600, dropped: 30, droppedBytes: 900 });
  store.setLimits({ maxMessages: 20, maxBytes: 155 });
  assert.deepEqual(pick(store.stats()), { retained: 5, retainedBytes: 150, dropped: 45, droppedBytes: 1350 });
  assert.equal(store.firstSeq, 46);
  for (let i = 0; i < 30; i++) store.append('s', 'in', [Buffer.alloc(10)]);
  assert.equal(store.size, 5);
});

test('against a plain-array model: contents, eviction and accounting over many slabs, sizes and limit changes', () => {
  const rand = random(7);
  let limits = { maxMessages: 300, maxBytes: 6 * 1024 * 1024, maxFrameBytes: 3 * 1024 * 1024 };
  const store = new CaptureStore(limits);
  type Model = { seq: number; frames: Buffer[]; stored: number; gone: boolean };
  const model: Model[] = [];
  let dropped = 0;
  let droppedBytes = 0;
  const bytesOf = () => model.reduce((sum, m) => sum + (m.gone ? 0 : m.stored), 0);
  const evict = (extra: number, extraBytes: number) => {
    while (model.length && (model.length + extra > limits.maxMessages || bytesOf() + extraBytes > limits.maxBytes)) {
      const oldest = model.shift()!;
      if (!oldest.gone) {
        dropped++;
        droppedBytes += oldest.stored;
      }
    }
  };
  const sizes = [0, 1, 16, 17, 127, 128, 300, 16_383, 16_384, 70_000, 200_000, 1_500_000, 5_000_000];
  for (let i = 0; i < 1500; i++) {
    if (i % 400 === 399) {
      limits = { ...limits, maxMessages: 50 + rand(400), maxBytes: (1 + rand(8)) * 1024 * 1024 };
      store.setLimits(limits);
      evict(0, 0);
    }
    // Now and then two frames that need a slab bigger than the usual 4 MiB.
    const frameCount = i % 97 === 50 ? 2 : rand(20) === 0 ? 130 : 1 + rand(3);
    const frames = Array.from({ length: frameCount }, () => {
      const size = i % 97 === 50 ? 2_500_000 : frameCount < 100 && rand(10) === 0 ? sizes[rand(sizes.length)] : rand(100);
      const frame = Buffer.allocUnsafe(size);
      frame.fill(rand(256));
      if (size) frame[size - 1] = rand(256);
      return frame;
    });
    const stored = heldBytes(frames, limits.maxFrameBytes);
    const seq = store.append(`s${rand(3)}`, 'in', frames);
    assert.equal(seq, i + 1);
    if (stored > limits.maxBytes) {
      dropped++;
      droppedBytes += stored;
      evict(1, 0);
      model.push({ seq, frames, stored, gone: true });
    } else {
      evict(1, stored);
      model.push({ seq, frames, stored, gone: false });
    }
    const stats = store.stats();
    assert.deepEqual(
      [stats.retained, stats.retainedBytes, stats.dropped, stats.droppedBytes, stats.firstSeq, stats.lastSeq],
      [model.filter((m) => !m.gone).length, bytesOf(), dropped, droppedBytes, model[0]?.seq ?? seq + 1, seq],
      `after append ${seq}`,
    );
  }
  for (const m of model) {
    const record = store.get(m.seq);
    if (m.gone) {
      assert.equal(record, undefined);
      continue;
    }
    assert.ok(record, `seq ${m.seq} retained`);
    assert.deepEqual(
      record.frameSizes,
      m.frames.map((f) => f.length),
    );
    assert.ok(
      record.frames.every((f, i) => Buffer.compare(f, m.frames[i].subarray(0, limits.maxFrameBytes)) === 0),
      `frames of ${m.seq}`,
    );
  }
  const live = model.filter((m) => !m.gone);
  assert.deepEqual(
    store.filter({}),
    live.map((m) => m.seq),
  );
  // Byte searches against a brute-force search of the model, with needles cut from retained frames.
  const kept = (f: Buffer) => f.subarray(0, limits.maxFrameBytes);
  for (let n = 0; n < 20; n++) {
    const source = live[rand(live.length)].frames.find((f) => f.length >= 2) ?? Buffer.from([1, 2]);
    const at = rand(Math.min(source.length, limits.maxFrameBytes) - 1);
    const needle = Buffer.from(source.subarray(at, at + 2 + rand(2)));
    const expected = live.filter((m) => m.frames.some((f) => kept(f).includes(needle))).map((m) => m.seq);
    assert.deepEqual(store.filter({ contains: needle }), expected, `contains ${needle.toString('hex')}`);
    const prefixExpected = live
      .filter((m) => m.frames.length > 0 && kept(m.frames[0]).subarray(0, needle.length).equals(needle))
      .map((m) => m.seq);
    assert.deepEqual(store.filter({ topicPrefix: needle }), prefixExpected, `prefix ${needle.toString('hex')}`);
  }
});

test('a 100 MB frame is kept truncated with its true size, and is not retained whole', () => {
  const gc = exposeGc();
  const store = new CaptureStore({ maxMessages: 10, maxBytes: 10 * 1024 * 1024, maxFrameBytes: 1024 });
  gc();
  const before = process.memoryUsage().arrayBuffers;
  // Allocated in a function of its own, so no slot of this frame still points at it.
  const seq = ((): number => store.append('s', 'in', [bytes('t'), Buffer.alloc(100 * 1024 * 1024, 7)]))();
  gc();
  const kept = process.memoryUsage().arrayBuffers - before;
  assert.ok(kept < 8 * 1024 * 1024, `${kept} bytes kept`);
  const record = store.get(seq)!;
  assert.equal(record.frames[1].length, 1024);
  assert.ok(record.frames[1].every((b) => b === 7));
  assert.deepEqual(record.frameSizes, [1, 100 * 1024 * 1024]);
  // Held: frame count 1, frame 0 (1 + true size 1 + 't'), frame 1 (2 + true size 4 + 1024 bytes), metadata 18.
  assert.deepEqual([store.stats().truncatedFrames, store.stats().retainedBytes], [1, 1 + 3 + 1030 + 18]);
});

test('sequence numbers stay monotonic across clear, and range() reads across the ring wrap-around', () => {
  const store = new CaptureStore({ maxMessages: 1500, maxBytes: 1_000_000 });
  for (let i = 0; i < 4000; i++) store.append('s', 'in', [bytes(String(i))]);
  assert.equal(store.firstSeq, 2501);
  assert.deepEqual(
    store.range(2990, 20).map((r) => text(r.frames[0])),
    Array.from({ length: 20 }, (_, i) => String(2989 + i)),
  );
  assert.deepEqual(
    store.range(3998, 10).map((r) => r.seq),
    [3998, 3999, 4000],
  );
  store.clear();
  assert.deepEqual([store.size, store.stats().retainedBytes, store.get(4000)], [0, 0, undefined]);
  assert.equal(store.append('s', 'in', [bytes('after')]), 4001);
  assert.equal(text(store.get(4001)!.frames[0]), 'after');
  assert.equal(store.stats().dropped, 2500, 'clearing is not dropping');
});

test('filters: session, direction, topic prefix, bytes inside any frame, case-insensitive text', () => {
  const store = new CaptureStore({ maxMessages: 100, maxBytes: 100_000 });
  store.append('a', 'in', [bytes('ticks.AAPL'), bytes('{"price":1}')], { hasTopic: true });
  store.append('a', 'out', [bytes('cmd'), bytes('Hello World')]);
  store.append('b', 'in', [bytes('ticks.MSFT'), Buffer.from([0, 1, 2, 255])], { hasTopic: true });
  store.append('b', 'in', [bytes('other')]);
  store.append('c', 'in', [Buffer.concat([Buffer.alloc(1000, 0x61), bytes('NEEDLE in a big frame')])]);
  store.append('c', 'in', []);
  assert.deepEqual(store.filter({ sessionIds: ['a'] }), [1, 2]);
  assert.deepEqual(store.filter({ sessionIds: ['nope'] }), []);
  assert.deepEqual(store.filter({ sessionIds: ['nope', 'b'] }), [3, 4]);
  assert.deepEqual(store.filter({ direction: 'out' }), [2]);
  assert.deepEqual(store.filter({ direction: 'in' }), [1, 3, 4, 5, 6]);
  assert.deepEqual(store.filter({ topicPrefix: bytes('ticks.') }), [1, 3]);
  assert.deepEqual(store.filter({ topicPrefix: bytes('ticks.AAPL.longer') }), []);
  assert.deepEqual(store.filter({ contains: Buffer.from([1, 2, 255]) }), [3]);
  assert.deepEqual(store.filter({ contains: bytes('hello world') }), []);
  assert.deepEqual(store.filter({ contains: bytes('hello WORLD'), ignoreCase: true }), [2]);
  assert.deepEqual(store.filter({ contains: bytes('NEEDLE in') }), [5]);
  assert.deepEqual(store.filter({ contains: bytes('needle IN'), ignoreCase: true }), [5]);
  assert.deepEqual(store.filter({ contains: bytes('dWorld') }), [], 'a match never spans two frames');
  assert.deepEqual(store.filter({ sessionIds: ['b'], direction: 'in', topicPrefix: bytes('ticks') }), [3]);
  assert.deepEqual(store.filter({}, 2, 2), [2, 3]);
  assert.deepEqual(store.filter({ contains: bytes('') }), [1, 2, 3, 4, 5, 6], 'empty text matches all');
  const seqs = store.matchingSeqs({ topicPrefix: bytes('ticks.') });
  assert.ok(seqs instanceof Float64Array);
  assert.deepEqual([...seqs], [1, 3]);
});

test('a byte search never matches across frame boundaries or slab headers, and finds a later real match', () => {
  const store = new CaptureStore({ maxMessages: 100, maxBytes: 100_000 });
  // A 99-byte frame has the header byte 99, 'c': "ab" + header forms "abc" in the slab, not in a frame.
  const frame99 = (body: string) => Buffer.concat([bytes(body), Buffer.alloc(99 - body.length, 0x2e)]);
  store.append('s', 'in', [bytes('zzab'), frame99('x')]);
  store.append('s', 'in', [bytes('zzab'), frame99('xabc')]);
  store.append('s', 'in', [bytes('ab')]);
  store.append('s', 'in', [bytes('c')]);
  store.append('s', 'in', [bytes('..abc')]);
  assert.deepEqual(store.filter({ contains: bytes('abc') }), [2, 5]);
  assert.deepEqual(store.filter({ contains: bytes('ABC'), ignoreCase: true }), [2, 5]);
  assert.deepEqual(store.filter({ contains: bytes('abc') }, 3), [5]);
});

test('filters scan correctly across slabs and ring wrap-around', () => {
  const store = new CaptureStore({ maxMessages: 5000, maxBytes: 64 * 1024 * 1024 });
  const body = Buffer.alloc(3000, 0x2e);
  for (let i = 0; i < 12_000; i++)
    store.append(i % 2 ? 'odd' : 'even', 'in', [bytes(`t${i % 7}`), i % 1000 === 5 ? Buffer.concat([body, bytes('MARK')]) : body]);
  const expected: number[] = [];
  for (let seq = store.firstSeq; seq <= store.lastSeq; seq++) if ((seq - 1) % 1000 === 5) expected.push(seq);
  assert.deepEqual(store.filter({ contains: bytes('mark'), ignoreCase: true }), expected);
  assert.deepEqual(store.filter({ contains: bytes('MARK') }), expected);
  const t3 = store.filter({ topicPrefix: bytes('t3'), sessionIds: ['odd'] });
  assert.ok(t3.length > 0 && t3.every((seq) => (seq - 1) % 7 === 3 && (seq - 1) % 2 === 1));
});

test('removing one session keeps the others and their sequence numbers', () => {
  const store = new CaptureStore({ maxMessages: 100, maxBytes: 100_000 });
  store.append('a', 'in', [bytes('a1')]);
  store.append('b', 'in', [bytes('b1')]);
  store.append('a', 'in', [bytes('a2')]);
  store.removeSession('a');
  assert.deepEqual(store.filter({}), [2]);
  assert.equal(store.get(1), undefined);
  assert.equal(text(store.get(2)!.frames[0]), 'b1');
  assert.deepEqual(pick(store.stats()), { retained: 1, retainedBytes: 22, dropped: 0, droppedBytes: 0 });
  assert.equal(store.size, 1);
  assert.deepEqual(store.sessionIds(), ['a', 'b']);
});

test('JSON Lines: export, import, export again gives the same lines, byte-exact', async () => {
  const store = new CaptureStore({ maxMessages: 100, maxBytes: 100_000, maxFrameBytes: 100 });
  const binary = Buffer.from([0, 255, 10, 13, 0x22, 0x5c]);
  store.append('r', 'in', [bytes('peer-1'), Buffer.alloc(0), binary], { hasRoutingId: true, timeNs: 1_000_000_123_456_789n });
  store.append('r', 'out', [bytes('peer-1'), bytes('ok')], { hasRoutingId: true, tag: 'tap "x"' });
  store.append('p', 'in', [bytes('topic'), Buffer.alloc(5000, 0xab)], { hasTopic: true });
  const lines = await exportLines(store, { decoderIdFor: (_, i) => (i === 2 ? 'hex' : 'text') });
  assert.equal(lines.length, 3);
  const first = JSON.parse(lines[0]);
  assert.deepEqual(
    [first.time, first.timeNs, first.decoders],
    ['1970-01-12T13:46:40.123456789Z', '1000000123456789', ['text', 'text', 'hex']],
  );
  assert.deepEqual(JSON.parse(lines[2]).frameSizes, [5, 5000]);

  const copy = new CaptureStore({ maxMessages: 100, maxBytes: 100_000, maxFrameBytes: 100 });
  assert.deepEqual(await importText(lines.join('\r\n') + '\n', copy), { imported: 3, errors: [], skipped: 0 });
  const again = await exportLines(copy, { decoderIdFor: (_, i) => (i === 2 ? 'hex' : 'text') });
  assert.deepEqual(again, lines);
  assert.deepEqual(copy.get(1)!.frames.map(hex), [bytes('peer-1'), Buffer.alloc(0), binary].map(hex));
  assert.equal(copy.stats().truncatedFrames, 1);

  const filtered = await exportLines(store, { filter: { sessionIds: ['p'] } });
  assert.equal(filtered.length, 1);
  assert.equal(JSON.parse(filtered[0]).session, 'p');
});

test('JSON Lines: lines carry the session name and type; an import maps each file session to an id of its own', async () => {
  const store = new CaptureStore({ maxMessages: 100, maxBytes: 100_000 });
  store.append('s1', 'in', [bytes('prices'), bytes('1')], { hasTopic: true });
  store.append('s2', 'in', [bytes('peer'), bytes(''), bytes('req')], { hasRoutingId: true });
  store.append('s1', 'in', [bytes('prices'), bytes('2')], { hasTopic: true });
  const names: Record<string, { name: string; type: string }> = {
    s1: { name: 'ticks', type: 'SUB' },
    s2: { name: 'orders', type: 'ROUTER' },
  };
  const lines = await exportLines(store, { describeSession: (id) => names[id] });
  assert.deepEqual(
    lines.map((l) => {
      const { session, sessionName, socketType } = JSON.parse(l);
      return [session, sessionName, socketType];
    }),
    [
      ['s1', 'ticks', 'SUB'],
      ['s2', 'orders', 'ROUTER'],
      ['s1', 'ticks', 'SUB'],
    ],
  );

  // The importing window already has its own s1: the file's s1 must not land on it.
  const other = new CaptureStore({ maxMessages: 100, maxBytes: 100_000 });
  other.append('s1', 'in', [bytes('local')]);
  const asked: Array<{ id: string; name?: string; socketType?: string }> = [];
  const legacy = JSON.stringify({ session: 's1', direction: 'out', frames: [Buffer.from('old').toString('base64')] });
  const result = await importText([...lines, legacy].join('\n'), other, {
    sessionIdFor: (session) => {
      asked.push(session);
      return `i-${session.name ?? session.id}`;
    },
  });
  assert.equal(result.imported, 4);
  assert.deepEqual(asked, [
    { id: 's1', name: 'ticks', socketType: 'SUB' },
    { id: 's2', name: 'orders', socketType: 'ROUTER' },
    { id: 's1', name: 'ticks', socketType: 'SUB' },
    { id: 's1', name: undefined, socketType: undefined },
  ]);
  assert.deepEqual(other.sessionIds().sort(), ['i-orders', 'i-s1', 'i-ticks', 's1']);
  assert.equal(other.filter({ sessionIds: ['s1'] }).length, 1, 'the local s1 keeps only its own message');
  assert.equal(other.filter({ sessionIds: ['i-ticks'] }).length, 2);

  const bad = await importText(
    [
      JSON.stringify({ session: 's1', sessionName: 7, direction: 'in', frames: [] }),
      JSON.stringify({ session: 's1', socketType: '', direction: 'in', frames: [] }),
    ].join('\n'),
    other,
  );
  // The extension's ids for imported sessions: their own space, named and typed as the file says.
  const sessions = new SessionManager(other);
  assert.deepEqual([sessions.adoptImported('ticks (imported)', 'SUB'), sessions.adoptImported('s1 (imported)', undefined)], ['i1', 'i2']);
  assert.deepEqual(
    [sessions.describe('i1'), sessions.describe('i2')],
    [
      { id: 'i1', name: 'ticks (imported)', type: 'SUB' },
      { id: 'i2', name: 's1 (imported)', type: '?' },
    ],
  );

  assert.deepEqual(
    bad.errors.map((e) => [e.line, e.message]),
    [
      [1, '"sessionName" must be a non-empty string of at most 1000 characters'],
      [2, '"socketType" must be a non-empty string of at most 1000 characters'],
    ],
  );
});

test('JSON Lines import through importedSessionIds: one new session per file session, named and typed; a file with too many shares one', async () => {
  const store = new CaptureStore({ maxMessages: 10_000, maxBytes: 10_000_000 });
  const sessions = new SessionManager(store);
  const line = (session: string, sessionName?: string, socketType?: string) =>
    JSON.stringify({ session, sessionName, socketType, direction: 'in', frames: [] });
  const first = await importText(
    [line('s1', 'ticks', 'zmq.SUB'), line('s2', 'orders', 'BOGUS'), line('s1', 'ticks', 'zmq.SUB'), line('s3')].join('\n'),
    store,
    {
      sessionIdFor: importedSessionIds((name, type) => sessions.adoptImported(name, type)),
    },
  );
  assert.equal(first.imported, 4);
  assert.deepEqual(store.sessionIds().sort(), ['i1', 'i2', 'i3']);
  assert.deepEqual(
    ['i1', 'i2', 'i3'].map((id) => sessions.describe(id)),
    [
      { id: 'i1', name: 'ticks (imported)', type: 'SUB' },
      { id: 'i2', name: 'orders (imported)', type: '?' },
      { id: 'i3', name: 's3 (imported)', type: '?' },
    ],
  );
  // A second import of the same file gets sessions of its own: the two stay apart.
  await importText(line('s1', 'ticks', 'SUB'), store, {
    sessionIdFor: importedSessionIds((name, type) => sessions.adoptImported(name, type)),
  });
  assert.deepEqual(sessions.describe('i4'), { id: 'i4', name: 'ticks (imported)', type: 'SUB' });

  // A hostile file naming a new session on every line adds at most MAX_IMPORTED_SESSIONS + 1 sessions.
  const before = store.sessionIds().length;
  const many = Array.from({ length: MAX_IMPORTED_SESSIONS + 500 }, (_, i) => line(`x${i}`));
  const result = await importText(many.join('\n'), store, {
    sessionIdFor: importedSessionIds((name, type) => sessions.adoptImported(name, type)),
  });
  assert.equal(result.imported, MAX_IMPORTED_SESSIONS + 500, 'no message is lost to the cap');
  assert.equal(store.sessionIds().length - before, MAX_IMPORTED_SESSIONS + 1);
  const overflow = store
    .sessionIds()
    .map((id) => sessions.describe(id)!)
    .find((s) => s.name.startsWith('other sessions'));
  assert.equal(overflow?.name, `other sessions (imported, past the first ${MAX_IMPORTED_SESSIONS})`);
  assert.equal(store.filter({ sessionIds: [overflow!.id] }).length, 500);
});

test('JSON Lines import: a time-only line keeps its nanoseconds; the import tag applies to untagged lines', async () => {
  const store = new CaptureStore({ maxMessages: 100, maxBytes: 100_000 });
  const lines = [
    { session: 's', direction: 'in', frames: ['aGk='], time: '2026-11-25T08:44:07.123456789Z' },
    { session: 's', direction: 'in', frames: [], time: '2026-11-25T08:44:07.5Z', tag: 'own' },
  ];
  const result = await importText(lines.map((l) => JSON.stringify(l)).join('\n'), store, { tag: 'file.jsonl' });
  assert.equal(result.imported, 2);
  assert.equal(isoTimeNs(store.get(1)!.timeNs), '2026-11-25T08:44:07.123456789Z');
  assert.equal(store.get(2)!.timeNs % 1_000_000_000n, 500_000_000n);
  assert.deepEqual([store.get(1)!.tag, store.get(2)!.tag], ['file.jsonl', 'own']);
});

test('bad JSON Lines are reported by line number and skipped, never thrown', async () => {
  const store = new CaptureStore({ maxMessages: 100, maxBytes: 100_000 });
  const line = (fields: Record<string, unknown>) => JSON.stringify({ session: 's', direction: 'in', frames: ['aGk='], ...fields });
  const bad: [string, RegExp][] = [
    ['{not json', /not JSON/],
    ['[]', /JSON object/],
    ['null', /JSON object/],
    ['"text"', /JSON object/],
    [line({ direction: 'sideways' }), /direction/],
    [line({ session: 42 }), /session/],
    [line({ session: 'x'.repeat(5000) }), /session/],
    [line({ frames: 'aGk=' }), /frames/],
    [line({ frames: ['@@@@'] }), /base64/],
    [line({ frames: ['aGk'] }), /base64/],
    [line({ frames: [7] }), /base64/],
    [line({ frames: Array(20_000).fill('') }), /at most/],
    [line({ timeNs: '1e99' }), /timeNs/],
    [line({ timeNs: 123 }), /timeNs/],
    [line({ timeNs: '99999999999999999999' }), /2106/],
    [line({ time: 'yesterday' }), /time/],
    [line({ frameSizes: [1e300] }), /frameSizes/],
    [line({ frameSizes: [1] }), /frameSizes/],
    [line({ frameSizes: [2, 3] }), /frameSizes/],
    [line({ routingId: 'yes' }), /routingId/],
    [line({ tag: {} }), /tag/],
    [line({ decoders: [1] }), /decoders/],
  ];
  const input = [line({}), ...bad.map(([l]) => l), '', '   ', line({ frameSizes: [9] })].join('\n');
  const result = await importText(input, store);
  assert.equal(result.imported, 2);
  assert.deepEqual(
    result.errors.map((e) => e.line),
    bad.map((_, i) => i + 2),
  );
  result.errors.forEach((e, i) => assert.match(e.message, bad[i][1], `line ${e.line}: ${e.message}`));
  assert.deepEqual(store.get(2)!.frameSizes, [9], 'a declared true size survives');

  const many = await importText(
    Array(MAX_IMPORT_ERRORS + 5)
      .fill('x')
      .join('\n'),
    store,
  );
  assert.deepEqual([many.errors.length, many.skipped], [MAX_IMPORT_ERRORS, MAX_IMPORT_ERRORS + 5]);
});

/** What the store counts for a message: its slab bytes (count, headers, kept payload) and an 18-byte metadata slot. */
function heldBytes(frames: Uint8Array[], maxFrameBytes: number): number {
  const varint = (n: number) => (n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : n < 268_435_456 ? 4 : 5);
  const truncates = frames.some((f) => f.length > maxFrameBytes);
  let held = varint(frames.length) + 18;
  for (const f of frames) {
    const keep = Math.min(f.length, maxFrameBytes);
    held += varint(keep) + keep + (truncates ? varint(f.length) : 0);
  }
  return held;
}

function pick(stats: { retained: number; retainedBytes: number; dropped: number; droppedBytes: number }) {
  const { retained, retainedBytes, dropped, droppedBytes } = stats;
  return { retained, retainedBytes, dropped, droppedBytes };
}

/** A full GC without starting Node with --expose-gc. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => {
    gc();
    gc();
  };
}

test('frame headers and message metadata count in the byte budget: 5,000 messages of 10,000 empty frames are not "0 bytes"', () => {
  const store = new CaptureStore({ maxMessages: 1_000_000, maxBytes: 4 * 1024 * 1024 });
  const empties = Array.from({ length: 10_000 }, () => new Uint8Array(0));
  const gc = exposeGc();
  gc();
  const before = process.memoryUsage().arrayBuffers;
  for (let i = 0; i < 5000; i++) store.append('s', 'in', empties);
  const stats = store.stats();
  assert.ok(stats.retainedBytes <= 4 * 1024 * 1024, `${stats.retainedBytes} bytes retained`);
  assert.ok(stats.retainedBytes >= stats.retained * 10_000, `${stats.retainedBytes} bytes for ${stats.retained} messages`);
  assert.ok(stats.retained < 5000 && stats.dropped === 5000 - stats.retained, `${stats.retained} retained`);
  gc();
  const held = process.memoryUsage().arrayBuffers - before;
  // The budget, plus a partly filled slab and the spare slabs kept for reuse (4 MiB each).
  assert.ok(held < 24 * 1024 * 1024, `${(held / 1048576).toFixed(1)} MiB of slabs for a 4 MiB budget`);
});

test('what the capture sheds is counted with why: evicted by the budget, too big on arrival, frames truncated', () => {
  const store = new CaptureStore({ maxMessages: 1000, maxBytes: 200, maxFrameBytes: 40 });
  for (let i = 0; i < 10; i++) store.append('s', 'in', [Buffer.alloc(30)]);
  store.append(
    's',
    'in',
    Array.from({ length: 10 }, () => Buffer.alloc(40)),
  );
  store.append('s', 'in', [Buffer.alloc(100)]);
  const shed = captureShedding(store.stats());
  assert.deepEqual(
    shed.map((s) => [s.count, s.unit, s.bytes]),
    [
      [8, 'messages', 400],
      [1, 'messages', 1 + 10 * 41 + 18],
      [1, 'frames', undefined],
    ],
  );
  assert.match(
    describeShedding(shed[0]),
    /^capture: 8 messages \(0\.0 MiB\): the capture budget \(zeromq\.capture\.maxBytes, maxMessages\) was full/,
  );
  assert.match(describeShedding(shed[1]), /bigger than the whole capture budget/);
  assert.match(describeShedding(shed[2]), /^capture: 1 frames: longer than zeromq\.capture\.maxFrameBytes/);
});
