// The capture store against a plain-array model (eviction, accounting, contents across slabs and ring
// wrap-around), its filters and what it sheds. JSON Lines export/import: captureStoreJsonl.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { captureShedding, describeShedding } from '../../src/core/capture/shedding';
import { CaptureStore } from '../../src/core/capture/captureStore';

const bytes = (s: string) => Buffer.from(s);
const text = (f: Uint8Array) => Buffer.from(f).toString();

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
