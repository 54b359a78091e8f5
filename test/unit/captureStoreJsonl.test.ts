// JSON Lines export and import through the capture store: byte-exact round trips, session names and types,
// time and tags, and bad lines reported by number and skipped, never thrown.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importedSessionIds, isoTimeNs, MAX_IMPORT_ERRORS, MAX_IMPORTED_SESSIONS } from '../../src/core/capture/captureJsonl';
import { CaptureStore } from '../../src/core/capture/captureStore';
import { SessionManager } from '../../src/core/session/sessionManager';
import { exportLines, importText } from '../support/jsonLines';

const bytes = (s: string) => Buffer.from(s);
const hex = (f: Uint8Array) => Buffer.from(f).toString('hex');

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
