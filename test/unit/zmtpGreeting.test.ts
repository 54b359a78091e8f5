// The ZMTP greeting/READY parser on bytes alone: every chunking gives the same answer, and truncated,
// legacy, foreign or hostile input (2^63 lengths, lying property sizes) ends in a clear event.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { MAX_HANDSHAKE_COMMAND, ZmtpGreetingParser, type ZmtpParseEvent } from '../../src/core/zmtp/zmtpGreeting';
import { observerForPeer } from '../../src/core/zmtp/zmtpProbe';

function greeting(major: number, minor: number, mechanism: string, asServer = 0): Uint8Array {
  const g = new Uint8Array(64);
  g[0] = 0xff;
  g.set([0, 0, 0, 0, 0, 0, 0, 1], 1); // libzmq writes a length into the padding
  g[9] = 0x7f;
  g[10] = major;
  g[11] = minor;
  g.set(Buffer.from(mechanism, 'latin1'), 12);
  g[32] = asServer;
  return g;
}

/** A command frame: short form unless `long`. */
function command(name: string, data: Uint8Array, long = false): Uint8Array {
  const body = Buffer.concat([Buffer.from([name.length]), Buffer.from(name, 'latin1'), data]);
  if (!long && body.length < 256) return Buffer.concat([Buffer.from([0x04, body.length]), body]);
  const header = Buffer.alloc(9);
  header[0] = 0x06;
  header.writeBigUInt64BE(BigInt(body.length), 1);
  return Buffer.concat([header, body]);
}

function property(name: string, value: Uint8Array | string): Uint8Array {
  const v = typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(v.length);
  return Buffer.concat([Buffer.from([name.length]), Buffer.from(name, 'latin1'), length, v]);
}

/** The READY a libzmq DEALER sends, byte for byte (docs: zmtp-and-zeromq-js.md). */
const DEALER_READY = Buffer.concat([
  Buffer.from([0x04, 0x29, 0x05]),
  Buffer.from('READY'),
  Buffer.from([0x0b]),
  Buffer.from('Socket-Type'),
  Buffer.from([0, 0, 0, 6]),
  Buffer.from('DEALER'),
  Buffer.from([0x08]),
  Buffer.from('Identity'),
  Buffer.from([0, 0, 0, 0]),
]);

function parseAll(bytes: Uint8Array, cuts: number[] = []): { events: ZmtpParseEvent[]; parser: ZmtpGreetingParser } {
  const parser = new ZmtpGreetingParser();
  const events: ZmtpParseEvent[] = [];
  let from = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length]) {
    events.push(...parser.push(bytes.subarray(from, cut)));
    from = cut;
  }
  return { events, parser };
}

function only<T extends ZmtpParseEvent['type']>(events: ZmtpParseEvent[], type: T): Extract<ZmtpParseEvent, { type: T }> {
  const last = events[events.length - 1];
  assert.equal(last?.type, type, `expected ${type}, got ${JSON.stringify(events)}`);
  return last as Extract<ZmtpParseEvent, { type: T }>;
}

test('a libzmq 3.1 NULL greeting followed by a DEALER READY gives the version, mechanism and properties', () => {
  const { events } = parseAll(Buffer.concat([greeting(3, 1, 'NULL'), DEALER_READY]));
  assert.equal(events.length, 2);
  assert.deepEqual(events[0], { type: 'greeting', greeting: { major: 3, minor: 1, version: '3.1', mechanism: 'NULL', asServer: false } });
  const ready = only(events, 'ready');
  assert.deepEqual(
    ready.properties.map((p) => [p.name, Buffer.from(p.value).toString()]),
    [
      ['Socket-Type', 'DEALER'],
      ['Identity', ''],
    ],
  );
});

test('every split of greeting plus READY into two or three chunks, and byte by byte, gives the same events', () => {
  const bytes = Buffer.concat([greeting(3, 1, 'NULL'), DEALER_READY]);
  const whole = JSON.stringify(parseAll(bytes).events);
  for (let a = 1; a < bytes.length; a++) {
    assert.equal(JSON.stringify(parseAll(bytes, [a]).events), whole, `split at ${a}`);
    assert.equal(JSON.stringify(parseAll(bytes, [a, Math.min(bytes.length - 1, a + 7)]).events), whole, `split at ${a}, ${a + 7}`);
  }
  assert.equal(
    JSON.stringify(
      parseAll(
        bytes,
        Array.from({ length: bytes.length }, (_, i) => i),
      ).events,
    ),
    whole,
  );
});

test('a truncated greeting yields no event, and conclude() says how much arrived', () => {
  const g = greeting(3, 1, 'NULL');
  for (let cut = 0; cut < 64; cut++) {
    const { events, parser } = parseAll(g.subarray(0, cut));
    assert.deepEqual(events, [], `cut at ${cut}`);
    assert.deepEqual(parser.conclude(), cut === 0 ? { type: 'nothing' } : { type: 'truncated-greeting', received: cut });
  }
  const { parser } = parseAll(Buffer.concat([g, DEALER_READY.subarray(0, 10)]));
  const state = parser.conclude();
  assert.equal(state.type, 'no-ready');
  assert.equal(state.type === 'no-ready' && state.greeting.mechanism, 'NULL');
});

test('CURVE, PLAIN and GSSAPI greetings report the mechanism and the as-server bit', () => {
  for (const mechanism of ['CURVE', 'PLAIN', 'GSSAPI']) {
    const event = parseAll(greeting(3, 0, mechanism, 1)).events[0];
    assert.deepEqual(event, { type: 'greeting', greeting: { major: 3, minor: 0, version: '3.0', mechanism, asServer: true } });
  }
  assert.equal(
    only(parseAll(greeting(3, 1, 'NU\x01L')).events, 'protocol-error').reason,
    'the mechanism name in the greeting is not printable ASCII',
  );
  assert.match(only(parseAll(greeting(3, 1, '')).events, 'protocol-error').reason, /no security mechanism/);
});

test('wrong signatures are not ZMTP, decided from the first bytes without waiting for 64', () => {
  const http = only(parseAll(Buffer.from('HTTP/1.1 400 Bad Request\r\n')).events, 'not-zmtp');
  assert.match(http.reason, /first byte is 0x48/);
  assert.equal(parseAll(Buffer.from('HT')).events[0].type, 'not-zmtp');
  const badNine = Buffer.from(greeting(3, 1, 'NULL').subarray(0, 10));
  badNine[9] = 0x3f;
  assert.match(only(parseAll(badNine).events, 'not-zmtp').reason, /byte 9 of the signature is 0x3F/);
  assert.equal(parseAll(Buffer.from([0x00, 0x00])).events[0].type, 'not-zmtp');
  assert.deepEqual(parseAll(Buffer.from([0x16])).events, [], 'one byte cannot decide yet');
});

test('ZMTP 1.0 (identity frame, no signature) and 2.0 (revision 1, socket type in byte 11) are legacy', () => {
  assert.deepEqual(parseAll(Buffer.from([0x01, 0x00])).events, [{ type: 'legacy', version: '1.0' }]);
  assert.deepEqual(parseAll(Buffer.concat([Buffer.from([0x06, 0x00]), Buffer.from('hello')])).events, [{ type: 'legacy', version: '1.0' }]);
  assert.deepEqual(parseAll(Buffer.from([0x06, 0x00, 0x68])).events, [], 'the identity frame is incomplete');
  // A 1.0 identity of 255 bytes needs the long form: FF, 8-byte length, flags 0 where 2.0+ has 0x7F.
  assert.deepEqual(parseAll(Buffer.from([0xff, 0, 0, 0, 0, 0, 0, 1, 0, 0x00])).events, [{ type: 'legacy', version: '1.0' }]);
  const v2 = Buffer.from([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 0x01, 0x05, 0x00, 0x00]);
  assert.deepEqual(parseAll(v2).events, [{ type: 'legacy', version: '2.0', socketType: 'DEALER' }]);
  assert.deepEqual(parseAll(v2.subarray(0, 11)).events, [], 'waits for the socket-type byte');
  assert.deepEqual(parseAll(Buffer.from([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 0x00])).events, [{ type: 'legacy', version: '1.0' }]);
  assert.equal(parseAll(Buffer.from([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 0x02])).events[0].type, 'protocol-error');
});

test('a LONG frame of 2^63 (or 0xFFFFFFFFFFFFFFDA) bytes is refused from its 9-byte header alone', () => {
  for (const size of [1n << 63n, 0xffffffffffffffdan, BigInt(MAX_HANDSHAKE_COMMAND + 1)]) {
    const header = Buffer.alloc(9);
    header[0] = 0x06;
    header.writeBigUInt64BE(size, 1);
    const { events, parser } = parseAll(Buffer.concat([greeting(3, 1, 'NULL'), header]));
    assert.match(only(events, 'protocol-error').reason, new RegExp(`${size}-byte command, larger than any handshake command`));
    assert.equal(parser.finished, true);
    assert.deepEqual(parser.push(Buffer.alloc(1000)), [], 'nothing more is parsed or kept after a final event');
  }
});

test('a READY at the 64 KiB limit, in the long form and fed byte by byte, is parsed', () => {
  const value = Buffer.alloc(MAX_HANDSHAKE_COMMAND - 1 - 5 - property('Socket-Type', 'PUB').length - 1 - 6 - 4, 0x61);
  const frame = command('READY', Buffer.concat([property('Socket-Type', 'PUB'), property('X-Blob', value)]), true);
  assert.equal(frame.length, 9 + MAX_HANDSHAKE_COMMAND);
  const bytes = Buffer.concat([greeting(3, 1, 'NULL'), frame]);
  const parser = new ZmtpGreetingParser();
  const events: ZmtpParseEvent[] = [];
  for (let i = 0; i < bytes.length; i++) events.push(...parser.push(bytes.subarray(i, i + 1)));
  const ready = only(events, 'ready');
  assert.equal(ready.properties[1].name, 'X-Blob');
  assert.equal(ready.properties[1].value.length, value.length);
});

test('a READY property longer than its frame, or a name past the end, is a protocol error', () => {
  const g = greeting(3, 1, 'NULL');
  const lying = Buffer.concat([Buffer.from([11]), Buffer.from('Socket-Type'), Buffer.from([0xff, 0xff, 0xff, 0xff]), Buffer.from('PUB')]);
  assert.match(
    only(parseAll(Buffer.concat([g, command('READY', lying)])).events, 'protocol-error').reason,
    /Socket-Type claims 4294967295 bytes, more than the command holds/,
  );
  const cutName = Buffer.concat([Buffer.from([40]), Buffer.from('Socket')]);
  assert.match(
    only(parseAll(Buffer.concat([g, command('READY', cutName)])).events, 'protocol-error').reason,
    /property name runs past the end/,
  );
  assert.match(
    only(parseAll(Buffer.concat([g, Buffer.from([0x04, 0x03, 0x09, 0x52, 0x45])])).events, 'protocol-error').reason,
    /command name runs past/,
  );
  assert.match(only(parseAll(Buffer.concat([g, Buffer.from([0x04, 0x00])])).events, 'protocol-error').reason, /empty command/);
});

test('frames that cannot open a handshake are protocol errors; an ERROR command carries its reason', () => {
  const g = greeting(3, 1, 'NULL');
  assert.match(
    only(parseAll(Buffer.concat([g, Buffer.from([0x00, 0x01, 0x41])])).events, 'protocol-error').reason,
    /message frame before READY/,
  );
  assert.match(only(parseAll(Buffer.concat([g, Buffer.from([0x84, 0x01, 0x41])])).events, 'protocol-error').reason, /reserved bits/);
  assert.match(only(parseAll(Buffer.concat([g, Buffer.from([0x05, 0x01, 0x41])])).events, 'protocol-error').reason, /MORE/);
  assert.match(
    only(parseAll(Buffer.concat([g, command('PING', Buffer.from([0, 10]))])).events, 'protocol-error').reason,
    /"PING" where READY was expected/,
  );
  const error = only(
    parseAll(Buffer.concat([g, command('ERROR', Buffer.concat([Buffer.from([6]), Buffer.from('denied')]))])).events,
    'error-command',
  );
  assert.equal(error.reason, 'denied');
});

test('arbitrary bytes never throw, and the events do not depend on how the bytes are chunked', () => {
  const prefix = fc.constantFrom(
    new Uint8Array(0),
    greeting(3, 1, 'NULL'),
    greeting(3, 0, 'CURVE'),
    Buffer.from([0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f]),
  );
  fc.assert(
    fc.property(prefix, fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(400), { maxLength: 6 }), (head, tail, cuts) => {
      const bytes = Buffer.concat([head, tail]);
      const whole = parseAll(bytes);
      const split = parseAll(bytes, cuts);
      assert.deepEqual(split.events, whole.events);
      assert.deepEqual(split.parser.conclude(), whole.parser.conclude());
      assert.ok(whole.events.filter((e) => e.type !== 'greeting').length <= 1);
    }),
    { numRuns: 2000 },
  );
});

test('observerForPeer: PUB/XPUB are watched passively by a SUB, everything else only by taking part', () => {
  assert.deepEqual(observerForPeer('PUB'), { socketType: 'SUB', passive: true });
  assert.deepEqual(observerForPeer('XPUB'), { socketType: 'SUB', passive: true });
  const intrusive: Array<[string, string]> = [
    ['PUSH', 'PULL'],
    ['REP', 'REQ'],
    ['ROUTER', 'DEALER'],
    ['DEALER', 'ROUTER'],
    ['REQ', 'REP'],
    ['PULL', 'PUSH'],
    ['SUB', 'PUB'],
    ['XSUB', 'PUB'],
    ['PAIR', 'PAIR'],
  ];
  for (const [peer, observer] of intrusive) assert.deepEqual(observerForPeer(peer), { socketType: observer, passive: false }, peer);
  assert.equal(observerForPeer('STREAM'), undefined);
  assert.equal(observerForPeer('CLIENT'), undefined);
});
