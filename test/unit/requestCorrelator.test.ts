// Request/reply pairing as the tap sees it: by routing envelope, then order; round-trip times; unanswered
// requests flagged once and cleared by a late reply; every structure bounded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RequestCorrelator, envelopeKey } from '../../src/core/tap/requestCorrelator';

const b = (text: string) => Buffer.from(text);
const EMPTY = Buffer.alloc(0);
/** A REQ client's message as the tap's ROUTER front sees it. */
const fromReq = (id: string, body: string) => [b(id), EMPTY, b(body)];

test('envelope keys: REQ envelopes share a key per client; DEALER request ids before the delimiter count', () => {
  assert.equal(envelopeKey(fromReq('A', 'x')), envelopeKey(fromReq('A', 'something else')));
  assert.notEqual(envelopeKey(fromReq('A', 'x')), envelopeKey(fromReq('B', 'x')));
  assert.notEqual(envelopeKey([b('A'), b('r1'), EMPTY, b('x')]), envelopeKey([b('A'), b('r2'), EMPTY, b('x')]));
  // No delimiter: the routing id alone (the body frames are not part of the envelope).
  assert.equal(envelopeKey([b('A'), b('one')]), envelopeKey([b('A'), b('two'), b('three')]));
  // An empty last frame is a body, not a delimiter.
  assert.equal(envelopeKey([b('A'), EMPTY]), envelopeKey([b('A'), b('x')]));
  // Frame boundaries matter: ["ab", "c"] is not ["a", "bc"].
  assert.notEqual(envelopeKey([b('ab'), b('c'), EMPTY, b('x')]), envelopeKey([b('a'), b('bc'), EMPTY, b('x')]));
});

test('replies pair with requests of the same client in order, and the round trip is timed', () => {
  const c = new RequestCorrelator();
  c.request(fromReq('A', 'a1'), 100, 1);
  c.request(fromReq('B', 'b1'), 101, 2);
  c.request(fromReq('A', 'a2'), 102, 3);
  assert.deepEqual(c.reply(fromReq('B', 'rb1'), 4, 105), { role: 'reply', pairSeq: 2, rttMs: 4 });
  assert.deepEqual(c.reply(fromReq('A', 'ra1'), 5, 110), { role: 'reply', pairSeq: 1, rttMs: 10 });
  assert.deepEqual(c.reply(fromReq('A', 'ra2'), 6, 112.5), { role: 'reply', pairSeq: 3, rttMs: 10.5 });
  assert.deepEqual(c.correlation(1), { role: 'request', pairSeq: 5, rttMs: 10 });
  assert.deepEqual(c.correlation(5), { role: 'reply', pairSeq: 1, rttMs: 10 });
  assert.equal(c.reply(fromReq('A', 'unsolicited'), 7, 120), undefined);
  assert.equal(c.correlation(7), undefined);
  assert.equal(c.pendingRequests, 0);
  const latency = c.latency();
  assert.equal(latency.count, 3);
  assert.equal(latency.max, 10.5);
  assert.equal(latency.p50, 10);
});

test("a DEALER client's request ids pair replies answered out of order", () => {
  const c = new RequestCorrelator();
  c.request([b('A'), b('r1'), EMPTY, b('x')], 0, 1);
  c.request([b('A'), b('r2'), EMPTY, b('y')], 1, 2);
  assert.equal(c.reply([b('A'), b('r2'), EMPTY, b('Y')], 3, 5)?.pairSeq, 2);
  assert.equal(c.reply([b('A'), b('r1'), EMPTY, b('X')], 4, 9)?.pairSeq, 1);
});

test('a reply seen before its request was captured still pairs (the tap forwards first, captures after)', () => {
  const c = new RequestCorrelator();
  const request = c.request(fromReq('A', 'a1'), 10)!;
  assert.equal(c.flagUnanswered(10_000, 1000).length, 0, 'an uncaptured request is not listed (it has no seq yet)');
  assert.equal(c.reply(fromReq('A', 'r1'), 8, 12), undefined);
  assert.equal(c.correlation(8), undefined);
  c.captured(request, 7);
  assert.deepEqual(c.correlation(8), { role: 'reply', pairSeq: 7, rttMs: 2 });
  assert.deepEqual(c.correlation(7), { role: 'request', pairSeq: 8, rttMs: 2 });
  assert.equal(c.latency().count, 1);
  assert.equal(c.pendingRequests, 0);
});

test('requests without a reply are flagged once after the timeout, and a late reply clears the flag', () => {
  const c = new RequestCorrelator();
  c.request(fromReq('A', 'a1'), 0, 1);
  c.request(fromReq('B', 'b1'), 900, 2);
  assert.deepEqual(c.flagUnanswered(999, 1000), []);
  assert.deepEqual(c.flagUnanswered(1000, 1000), [{ seq: 1, clientIdHex: '41', ageMs: 1000 }]);
  assert.deepEqual(c.flagUnanswered(1500, 1000), [], 'flagged only once');
  assert.deepEqual(
    c.flagUnanswered(1900, 1000).map((u) => u.seq),
    [2],
  );
  assert.deepEqual(c.unanswered(2000), [
    { seq: 1, clientIdHex: '41', ageMs: 2000 },
    { seq: 2, clientIdHex: '42', ageMs: 1100 },
  ]);
  assert.equal(c.reply(fromReq('A', 'late'), 3, 2500)?.rttMs, 2500);
  assert.deepEqual(
    c.unanswered(2600).map((u) => u.seq),
    [2],
  );
  assert.equal(c.isUnanswered(1), false);
  assert.equal(c.isUnanswered(2), true);
});

test('memory stays bounded: pending requests, correlations, unanswered list and latency window', () => {
  const c = new RequestCorrelator({ maxPending: 100, maxCorrelations: 50, maxUnanswered: 10, latencyWindow: 20 });
  // 1000 clients that never get a reply (e.g. REQ clients restarted with new routing ids).
  for (let i = 0; i < 1000; i++) c.request(fromReq(`client${i}`, 'x'), i, i);
  assert.equal(c.pendingRequests, 100);
  assert.equal(c.flagUnanswered(1e6, 1000).length, 100);
  assert.deepEqual(
    c.unanswered(1e6).map((u) => u.seq),
    [990, 991, 992, 993, 994, 995, 996, 997, 998, 999],
  );
  // The newest clients are still pending and pair normally.
  assert.equal(c.reply(fromReq('client999', 'r'), 5000, 1e6)?.pairSeq, 999);
  assert.equal(c.reply(fromReq('client0', 'r'), 5001, 1e6), undefined, 'the oldest pending request was forgotten');
  for (let i = 0; i < 100; i++) {
    c.request(fromReq('one', 'x'), i, 10_000 + 2 * i);
    c.reply(fromReq('one', 'y'), 10_001 + 2 * i, i + (i % 2 ? 1 : 3));
  }
  assert.equal(c.correlation(10_000), undefined, 'old correlations were dropped');
  assert.equal(c.correlation(10_199)?.pairSeq, 10_198);
  const latency = c.latency();
  assert.equal(latency.count, 101, 'count covers every pair ever seen');
  assert.equal(
    latency.histogram.reduce((n, bucket) => n + bucket.count, 0),
    20,
    'percentiles cover the last 20',
  );
});

test('a long-lived client queue keeps pairing after many round trips (queue compaction)', () => {
  const c = new RequestCorrelator();
  // A pipelining DEALER client: 5 requests in flight all the time.
  let seq = 0;
  const sent: number[] = [];
  for (let i = 0; i < 5; i++) {
    sent.push(++seq);
    c.request([b('D'), b('x')], seq, seq);
  }
  for (let i = 0; i < 10_000; i++) {
    const expected = sent.shift();
    assert.equal(c.reply([b('D'), b('y')], ++seq, seq)?.pairSeq, expected);
    sent.push(++seq);
    c.request([b('D'), b('x')], seq, seq);
  }
  assert.equal(c.pendingRequests, 5);
});

test('300 pending requests with a 1 MiB frame in their envelope hold digests, not 300 MiB, and still pair', () => {
  const c = new RequestCorrelator();
  const big = Buffer.alloc(1024 * 1024, 0x61);
  const envelope = (i: number) => {
    big.writeUInt32BE(i);
    return [b(`client-${i}`), big, EMPTY, b('body')];
  };
  const gc = exposeGc();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 300; i++) c.request(envelope(i), i, i + 1);
  gc();
  const grown = process.memoryUsage().heapUsed - before;
  assert.ok(grown < 8 * 1024 * 1024, `${(grown / 1048576).toFixed(1)} MiB held by 300 pending requests`);
  assert.ok(c.pendingRequestBytes < 300 * 512, `${c.pendingRequestBytes} bytes counted`);
  assert.deepEqual(c.reply(envelope(7), 1000, 50), { role: 'reply', pairSeq: 8, rttMs: 43 });
  assert.equal(envelopeKey(envelope(1)).length, 45, 'a sha-256 digest');
});

test('pending requests are bounded by bytes as well as by count, and what is forgotten is counted with why', () => {
  const c = new RequestCorrelator({ maxPending: 1000, maxPendingBytes: 10_000 });
  for (let i = 0; i < 500; i++) c.request(fromReq(`client-${i}`, 'x'), i, i + 1);
  assert.ok(c.pendingRequestBytes <= 10_000, `${c.pendingRequestBytes} bytes`);
  assert.ok(c.pendingRequests < 500 && c.pendingRequests > 0);
  assert.equal(c.shedding.forgottenRequests, 500 - c.pendingRequests);
  assert.match(c.shedding.reason ?? '', /pending requests hold more than 10000 bytes/);
  const byCount = new RequestCorrelator({ maxPending: 10 });
  for (let i = 0; i < 15; i++) byCount.request(fromReq('A', 'x'), i, i + 1);
  assert.deepEqual([byCount.pendingRequests, byCount.shedding.forgottenRequests], [10, 5]);
  assert.match(byCount.shedding.reason ?? '', /more than 10 requests await a reply/);
});

/** A full GC without starting Node with --expose-gc. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
