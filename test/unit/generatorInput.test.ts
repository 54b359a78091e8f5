// What a user types for Generate Traffic: paces, stops and frame lines parse as in a `.zmq` file, errors say
// what to write instead, and templated frames count {{$seq}} from 1 and encode per format.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseFrameInput, parsePace, parseStop, templatedFrames } from '../../src/core/scenario/generatorInput';

test('parsePace: a rate, bursts, or max; anything else is an error that says what to write', () => {
  assert.deepEqual(parsePace('10000/s'), { rate: 10_000 });
  assert.deepEqual(parsePace(' 10_000 '), { rate: 10_000 });
  assert.deepEqual(parsePace('100 every 1s'), { burst: { size: 100, everyMs: 1000 } });
  assert.deepEqual(parsePace('max'), {});
  assert.match((parsePace('fast') as { error: string }).error, /10000\/s/);
  assert.match((parsePace('0/s') as { error: string }).error, /messages per second/);
  assert.match((parsePace('100 every soon') as { error: string }).error, /not a duration/);
  assert.match((parsePace('99999999999/s') as { error: string }).error, /messages per second/);
});

test('parseStop: a duration, a count, or empty (until cancelled)', () => {
  assert.deepEqual(parseStop('5s'), { durationMs: 5000 });
  assert.deepEqual(parseStop('250ms'), { durationMs: 250 });
  assert.deepEqual(parseStop('10_000'), { count: 10_000 });
  assert.deepEqual(parseStop(''), {});
  assert.match((parseStop('forever') as { error: string }).error, /duration/);
});

test('parseFrameInput: frame lines as in a scenario; file frames and bad templates are refused', () => {
  assert.deepEqual(parseFrameInput('text order {{$seq}}'), {
    frame: { line: 1, column: 1, endLine: 1, format: 'text', value: 'order {{$seq}}' },
  });
  assert.equal((parseFrameInput('json {"a": 1}') as { frame: { format: string } }).frame.format, 'json');
  assert.match((parseFrameInput('json {oops') as { error: string }).error, /json frame/);
  assert.match((parseFrameInput('@payload.bin') as { error: string }).error, /belong in a scenario/);
  assert.match((parseFrameInput('text {{$nope}}') as { error: string }).error, /not a dynamic variable/);
  assert.match((parseFrameInput('word hello') as { error: string }).error, /is not a frame/);
  assert.match((parseFrameInput('') as { error: string }).error, /write a frame/);
});

test('templatedFrames: {{$seq}} counts from 1 per message, json templates encode after expansion', () => {
  const next = templatedFrames(
    [
      { format: 'text', value: 'tick' },
      { format: 'json', value: '{"seq": {{$seq}}, "who": "{{who}}"}' },
    ],
    [{ source: 'test', values: new Map([['who', 'gen']]) }],
  );
  const first = next();
  const second = next();
  assert.equal(Buffer.from(first[0]).toString(), 'tick');
  assert.deepEqual(JSON.parse(Buffer.from(first[1]).toString()), { seq: 1, who: 'gen' });
  assert.deepEqual(JSON.parse(Buffer.from(second[1]).toString()), { seq: 2, who: 'gen' });
  assert.throws(() => templatedFrames([{ format: 'text', value: '{{missing}}' }])(), /missing\}\} is not defined/);
  assert.throws(() => templatedFrames([{ format: 'hex', value: 'zz{{$seq}}' }])(), /frame 1 \(hex\)/);
});

test('parsers never throw on random text', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), (text) => {
      parsePace(text);
      parseStop(text);
      parseFrameInput(text);
    }),
    { numRuns: 2000 },
  );
});
