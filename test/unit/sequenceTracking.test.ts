import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Packr } from 'msgpackr';
import { Encoder as CborEncoder } from 'cbor-x';
import { CaptureStore } from '../../src/core/capture/captureStore';
import { DiagnosisSink } from '../../src/core/diagnosis/diagnosisSink';
import {
  compileSequenceField,
  describeSequenceField,
  formatSequenceField,
  parseSequenceField,
  SequenceFieldError,
} from '../../src/core/diagnosis/sequenceField';
import { proposeSequenceFields } from '../../src/core/diagnosis/sequenceProposal';
import { SequenceTracker } from '../../src/core/diagnosis/sequenceTracker';

function u32be(n: number, extra = 0): Buffer {
  const b = Buffer.alloc(4 + extra);
  b.writeUInt32BE(n, 0);
  return b;
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

test('field specs parse, print back and describe themselves', () => {
  for (const text of [
    'u32be@0',
    'f1:u64le@8',
    'u8@3',
    'json:header.seq',
    'f0:json:items[2].n',
    'msgpack:seq',
    'cbor:a.b',
    'protobuf:2.1',
  ]) {
    assert.equal(formatSequenceField(parseSequenceField(text)), text);
  }
  assert.equal(describeSequenceField(parseSequenceField('f1:u32be@4')), 'big-endian 32-bit uint at byte 4 of frame 1');
  assert.equal(describeSequenceField(parseSequenceField('json:header.seq')), 'JSON field header.seq of the last frame');
  assert.throws(() => parseSequenceField('u32@0'), SequenceFieldError);
  assert.throws(() => parseSequenceField('seq'), /not a sequence field/);
  assert.throws(() => parseSequenceField('protobuf:a'), /field numbers/);
});

test('uint readers read every width and byte order, and a short frame has no value', () => {
  const frame = Buffer.from([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08]);
  const read = (text: string) => compileSequenceField(parseSequenceField(text))([frame]);
  assert.equal(read('u8@7'), 8);
  assert.equal(read('u16be@0'), 0x0102);
  assert.equal(read('u16le@0'), 0x0201);
  assert.equal(read('u32be@4'), 0x05060708);
  assert.equal(read('u32le@4'), 0x08070605);
  const wide = Buffer.from([0x00, 0x1f, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08]);
  const read64 = (text: string, bytes: Buffer) => compileSequenceField(parseSequenceField(text))([bytes]);
  assert.equal(read64('u64be@0', wide), Number(wide.readBigUInt64BE(0)));
  assert.equal(read64('u64le@0', Buffer.from(wide).reverse()), Number(wide.readBigUInt64BE(0)));
  // Past 2^53 there is no exact number: a -1 marker or random bytes are no sequence number.
  assert.equal(read('u64be@0'), -1);
  assert.equal(read64('u64le@0', Buffer.alloc(8, 0xff)), -1);
  assert.equal(read('u32be@6'), -1);
  const high = Buffer.alloc(4, 0xff);
  assert.equal(compileSequenceField(parseSequenceField('u32be@0'))([high]), 0xffffffff);
});

test('structured readers find the field in JSON, MessagePack, CBOR and protobuf, and reject what is not a count', () => {
  const read = (text: string, frames: Uint8Array[]) => compileSequenceField(parseSequenceField(text))(frames);
  assert.equal(read('json:header.seq', [Buffer.from('topic'), json({ header: { seq: 42 } })]), 42);
  assert.equal(read('json:items[1]', [json({ items: [5, 6] })]), 6);
  assert.equal(read('json:seq', [json({ seq: -1 })]), -1);
  assert.equal(read('json:seq', [json({ seq: 1.5 })]), -1);
  assert.equal(read('json:seq', [Buffer.from('{"seq": 7')]), -1);
  assert.equal(read('json:seq', [json({ seq: '17' })]), 17);
  assert.equal(read('msgpack:seq', [new Packr({ useRecords: false }).pack({ seq: 9, x: 'y' })]), 9);
  assert.equal(read('cbor:seq', [new CborEncoder({ useRecords: false }).encode({ seq: 11 })]), 11);
  // protobuf: field 1 = 150 (varint), field 2 = { field 1 = 3 }
  const proto = Buffer.from([0x08, 0x96, 0x01, 0x12, 0x02, 0x08, 0x03]);
  assert.equal(read('protobuf:1', [proto]), 150);
  assert.equal(read('protobuf:2.1', [proto]), 3);
  assert.equal(read('protobuf:3', [proto]), -1);
  assert.equal(read('protobuf:1', [Buffer.from([0x08, 0xff])]), -1);
});

test('the tracker counts a gap exactly, with where and what is missing', () => {
  const tracker = new SequenceTracker(parseSequenceField('u32be@0'), { now: () => 1000 });
  let captureSeq = 0;
  for (const n of [1, 2, 3, 41, 42]) tracker.observe([u32be(n)], ++captureSeq);
  const report = tracker.report();
  assert.equal(report.totals.received, 5);
  assert.equal(report.totals.gaps, 1);
  assert.equal(report.totals.missing, 37);
  assert.deepEqual(report.gaps[0], { publisher: '', from: 4, to: 40, missing: 37, afterCaptureSeq: 3, beforeCaptureSeq: 4, timeMs: 1000 });
  assert.equal(tracker.gapBefore(4)?.missing, 37);
  assert.equal(tracker.gapBefore(5), undefined);
});

test('duplicates, late arrivals and restarts are told apart, and a late arrival shrinks its gap', () => {
  const tracker = new SequenceTracker(parseSequenceField('u32be@0'));
  let captureSeq = 0;
  for (const n of [1, 2, 3, 3, 5, 4, 6, 2, 7, 1, 2, 3]) tracker.observe([u32be(n)], ++captureSeq);
  const report = tracker.report();
  assert.deepEqual(
    report.anomalies.map((a) => [a.kind, a.value, a.previous]),
    [
      ['duplicate', 3, 3],
      ['reordered', 4, 5],
      ['duplicate', 2, 6],
      ['restart', 1, 7],
    ],
  );
  assert.equal(report.totals.gaps, 1);
  assert.equal(report.totals.missing, 0, 'the late 4 filled the gap 3 → 5');
  assert.equal(report.gaps[0].missing, 0);
  assert.equal(report.totals.duplicates, 2);
  assert.equal(report.totals.reordered, 1);
  assert.equal(report.totals.restarts, 1);
});

test('publishers are tracked apart by a field, so interleaved streams are no gaps', () => {
  const tracker = new SequenceTracker(parseSequenceField('json:seq'), {
    publisher: { kind: 'field', field: parseSequenceField('json:pub') },
  });
  let captureSeq = 0;
  for (let n = 1; n <= 5; n++) {
    tracker.observe([json({ pub: 'A', seq: n })], ++captureSeq);
    if (n !== 3) tracker.observe([json({ pub: 'B', seq: n })], ++captureSeq);
  }
  const report = tracker.report();
  const byName = Object.fromEntries(report.publishers.map((p) => [p.publisher, p]));
  assert.equal(byName.A.missing, 0);
  assert.equal(byName.B.missing, 1);
  assert.equal(report.gaps[0].publisher, 'B');
});

test('a topic prefix limits tracking to its messages; others are not unreadable', () => {
  const tracker = new SequenceTracker(parseSequenceField('u32be@0'), { topicPrefix: Buffer.from('tick') });
  tracker.observe([Buffer.from('tick'), u32be(1)], 1);
  tracker.observe([Buffer.from('news'), Buffer.from('hello')], 2);
  tracker.observe([Buffer.from('ticks'), u32be(2)], 3);
  assert.equal(tracker.report().totals.received, 2);
  assert.equal(tracker.report().unreadable, 0);
});

test('a huge jump forward is one gap, also near 2^53 where v + 1 === v would never end a loop', () => {
  const tracker = new SequenceTracker(parseSequenceField('u32be@0'));
  tracker.observe([u32be(1)], 1);
  tracker.observe([u32be(4_000_000_000)], 2);
  assert.equal(tracker.report().totals.missing, 3_999_999_998);
  const wide = new SequenceTracker(parseSequenceField('u64be@0'));
  const at = (n: bigint) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(n);
    return [b];
  };
  wide.observe(at(1n), 1);
  wide.observe(at(2n ** 53n - 1n), 2);
  wide.observe(at(2n ** 53n - 1n), 3);
  assert.deepEqual([wide.report().totals.gaps, wide.report().totals.duplicates], [1, 1]);
});

test('a uint counter is proposed with its width and byte order; a JSON "seq" beats bytes that also count', () => {
  const binary = Array.from({ length: 20 }, (_, i) => {
    const frame = Buffer.alloc(16, 0xaa);
    frame.writeBigUInt64LE(BigInt(i + 100), 4);
    return [Buffer.from('topic'), frame];
  });
  const [best] = proposeSequenceFields(binary);
  assert.equal(best.text, 'u64le@4');
  assert.match(best.description, /little-endian 64-bit uint at byte 4 of the last frame: \+1 in 19 of 19 steps/);

  const jsonSamples = Array.from({ length: 12 }, (_, i) => [json({ ts: 1000 + i * 7, seq: i + 1, v: 'x' })]);
  assert.equal(proposeSequenceFields(jsonSamples)[0].text, 'json:seq');

  const random = Array.from({ length: 20 }, () => [Buffer.from(Array.from({ length: 16 }, () => Math.floor(Math.random() * 256)))]);
  assert.deepEqual(
    proposeSequenceFields(random).map((p) => p.text),
    [],
  );
  assert.deepEqual(proposeSequenceFields(binary.slice(0, 3)), [], 'too few messages to tell');
});

test('the diagnosis sink stores first, tracks the chosen session only, and proposes from the first messages', () => {
  const store = new CaptureStore({ maxMessages: 10, maxBytes: 1 << 20 });
  const sink = new DiagnosisSink(store);
  const tracker = sink.track('s1', parseSequenceField('u32be@0'));
  for (const n of [1, 2, 3, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]) {
    sink.append('s1', 'in', [u32be(n)]);
    sink.append('s2', 'in', [u32be(n * 3)]);
  }
  // The store evicted most messages; the tracker saw all of them and counts only the upstream loss.
  assert.equal(store.stats().dropped, 18);
  assert.equal(tracker.report().totals.received, 14);
  assert.equal(tracker.report().totals.missing, 6);
  assert.equal(sink.tracker('s2'), undefined);
  assert.equal(sink.propose('s1')[0]?.text, 'u32be@0');
  assert.deepEqual(sink.propose('s2'), []);
});
