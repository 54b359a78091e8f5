// The relay's reader of a ZMTP stream: the same events whether bytes come whole or one at a time; hostile
// sizes and flags stop the reading (never the relaying) and never make it buffer a frame body.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_KEPT_BODY, ZmtpStreamScanner, type ScanEvent } from '../../src/core/tap/zmtpStreamScanner';

function greeting(mechanism = 'NULL', minor = 1): Buffer {
  const g = Buffer.alloc(64);
  g[0] = 0xff;
  g[9] = 0x7f;
  g[10] = 3;
  g[11] = minor;
  g.write(mechanism, 12, 'latin1');
  return g;
}

function command(name: string, body: Uint8Array): Buffer {
  const payload = Buffer.concat([Buffer.from([name.length]), Buffer.from(name, 'latin1'), body]);
  return Buffer.concat([frameHeader(4, payload.length), payload]);
}

function frameHeader(flags: number, size: number): Buffer {
  if (size < 256) return Buffer.from([flags, size]);
  const h = Buffer.alloc(9);
  h[0] = flags | 2;
  h.writeBigUInt64BE(BigInt(size), 1);
  return h;
}

function frame(body: Uint8Array, more = false): Buffer {
  return Buffer.concat([frameHeader(more ? 1 : 0, body.length), body]);
}

const ready = command('READY', Buffer.from('\x0bSocket-Type\x00\x00\x00\x03SUB', 'latin1'));
const stream = Buffer.concat([
  greeting(),
  ready,
  frame(Buffer.from('\x01tick', 'latin1')),
  command('PING', Buffer.from([0x00, 0x14, 0xaa])),
  frame(Buffer.from('topic'), true),
  frame(Buffer.alloc(300, 7)),
  command('SUBSCRIBE', Buffer.from('news')),
]);

function scan(chunks: Uint8Array[], reportMessages = true): { events: ScanEvent[]; scanner: ZmtpStreamScanner } {
  const scanner = new ZmtpStreamScanner();
  scanner.reportMessages = reportMessages;
  const events = chunks.flatMap((c) => scanner.push(c));
  return { events, scanner };
}

test('a NULL stream read whole and byte by byte gives the same greeting, commands and messages', () => {
  const whole = scan([stream]);
  const drip = scan([...stream].map((b) => Uint8Array.of(b)));
  assert.deepEqual(drip.events, whole.events);
  const kinds = whole.events.map((e) => (e.type === 'command' ? `command ${e.name}` : e.type));
  assert.deepEqual(kinds, ['greeting', 'command READY', 'message', 'command PING', 'message', 'command SUBSCRIBE']);
  const ping = whole.events[3] as Extract<ScanEvent, { type: 'command' }>;
  assert.deepEqual([...ping.body], [0x00, 0x14, 0xaa]);
  const sub = whole.events[2] as Extract<ScanEvent, { type: 'message' }>;
  assert.equal(Buffer.from(sub.first!).toString('latin1'), '\x01tick');
  const twoFrames = whole.events[4] as Extract<ScanEvent, { type: 'message' }>;
  assert.equal(twoFrames.frames, 2);
  assert.equal(twoFrames.bytes, 305);
  assert.equal(twoFrames.first, undefined, 'the first frame of a multi-frame message is not kept');
  assert.equal(whole.scanner.messages, 2);
});

test('publications are only counted when messages are not reported', () => {
  const { events, scanner } = scan([stream], false);
  assert.ok(events.every((e) => e.type !== 'message'));
  assert.equal(scanner.messages, 2);
  assert.equal(scanner.bytes, 5 + 305);
  // Short frames skipped in place (whole in a chunk) and read byte by byte (split) count the same.
  const burst = Buffer.concat(
    Array.from({ length: 50 }, (_, i) => Buffer.concat([frame(Buffer.alloc(i % 7)), frame(Buffer.alloc(3), true), frame(Buffer.alloc(9))])),
  );
  for (const cut of [1, 2, 3, 64, 1000]) {
    const split = new ZmtpStreamScanner();
    split.push(greeting());
    for (let at = 0; at < burst.length; at += cut) split.push(burst.subarray(at, at + cut));
    assert.deepEqual(
      [split.messages, split.bytes],
      [100, 50 * 12 + [...Array(50).keys()].reduce((sum, i) => sum + (i % 7), 0)],
      `chunks of ${cut}`,
    );
  }
});

test('a secured, legacy or malformed stream stops the reading with the reason', () => {
  const curve = scan([greeting('CURVE'), Buffer.alloc(200, 1)]);
  assert.deepEqual(
    curve.events.map((e) => e.type),
    ['greeting', 'opaque'],
  );
  assert.match((curve.events[1] as { reason: string }).reason, /mechanism CURVE/);
  assert.equal(curve.scanner.watching, false);
  const legacy = scan([Buffer.from([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 1, 5])]);
  assert.match((legacy.events[0] as { reason: string }).reason, /ZMTP 2\.0/);
  const http = scan([Buffer.from('GET / HTTP/1.1\r\n')]);
  assert.match((http.events[0] as { reason: string }).reason, /not a ZMTP 3 greeting/);
  const reserved = scan([greeting(), Buffer.from([0x80, 1, 0])]);
  assert.match((reserved.events.at(-1) as { reason: string }).reason, /reserved flag bits/);
  const huge = Buffer.concat([greeting(), Buffer.from([0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xda])]);
  assert.match((scan([huge]).events.at(-1) as { reason: string }).reason, /beyond 2\^53/);
});

test('a command or subscription longer than the kept budget is cut, and its whole size reported', () => {
  const long = Buffer.alloc(100_000, 0x41);
  const { events } = scan([greeting(), command('SUBSCRIBE', long), frame(Buffer.concat([Buffer.from([1]), long]))]);
  const sub = events[1] as Extract<ScanEvent, { type: 'command' }>;
  assert.equal(sub.size, 100_000 + 10);
  assert.ok(sub.body.length <= MAX_KEPT_BODY);
  const message = events[2] as Extract<ScanEvent, { type: 'message' }>;
  assert.equal(message.first!.length, MAX_KEPT_BODY);
  assert.equal(message.firstSize, 100_001);
});
