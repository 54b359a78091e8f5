// Field filter expressions: the language (operators, units, fields, decoded payloads), clear errors,
// hostile expressions and payloads (fuzzed), and the predicate over a real capture store.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CaptureStore } from '../../src/core/capture/captureStore';
import { compileFilters, readFilterPresets, storePredicate } from '../../src/core/filter/captureExpressionFilter';
import { compileFilter, FilterSyntaxError, type FieldName, type FilterFields } from '../../src/core/filter/filterExpression';
import { createDefaultRegistry } from '../../src/core/decoders';
import { pack } from 'msgpackr';

/** Fields from a plain object; `$` is `payload`. */
function fields(values: Partial<Record<FieldName, unknown>>, payload?: unknown, frames: unknown[] = []): FilterFields {
  return {
    field: (name) => values[name],
    hasTopic: () => typeof values.topic === 'string',
    decoded: (index) => (index === undefined ? payload : frames[index]),
  };
}
const matches = (expression: string, f: FilterFields) => compileFilter(expression).test(f);

test('the example expressions of the issue', () => {
  const tick = fields({ topic: 'ticks.EURUSD', size: 300, frames: 3, session: 'feed', direction: 'in' }, { price: 101.5 });
  assert.equal(matches('topic ^= "ticks." && $.price > 100 && size < 1k', tick), true);
  assert.equal(matches('topic ^= "ticks." && $.price > 102', tick), false);
  assert.equal(matches('frames == 3', tick), true);
  assert.equal(matches('session == "feed" && direction == "in"', tick), true);
  assert.equal(matches('session == "feed" && direction == "out"', tick), false);
});

test('operators: string tests, membership, arithmetic, logic, ternary', () => {
  const f = fields({ topic: 'news/fx/EUR', tag: 'Imported.pcap' }, { a: { b: [1, 2, 3] }, name: 'Alpha', n: '42', big: 2n ** 40n });
  assert.ok(matches('topic $= "/EUR"', f));
  assert.ok(matches('topic *= "fx"', f));
  assert.ok(matches('tag ~= "imported"', f), '~= ignores case');
  assert.ok(!matches('tag *= "imported"', f), '*= does not');
  assert.ok(matches('$.a.b *= 2', f), '*= on an array looks for an element');
  assert.ok(matches('$.a.b[2] == 3 && $["a"]["b"].length == 3', f));
  assert.ok(matches('$.name in ["Alpha", "Beta"]', f));
  assert.ok(matches('$.n == 42 && $.n > 41', f), 'numeric text compares as a number');
  assert.ok(matches('$.big == 1099511627776', f), 'bigints compare with numbers');
  assert.ok(matches('($.a.b[0] + $.a.b[1]) * 2 == 6 && 7 % 4 == 3', f));
  assert.ok(matches('!($.missing > 0) && !exists($.missing) && exists($.name)', f));
  assert.ok(matches('len($.a.b) == 3 && lower($.name) == "alpha" && upper(topic) ^= "NEWS"', f));
  assert.ok(matches('($.n > 40 ? "big" : "small") == "big"', f));
  assert.ok(matches('size < 1k || true', f));
});

test('units: k, M, G are powers of 1000; Ki, Mi, Gi of 1024', () => {
  const f = fields({ size: 1500 });
  assert.ok(matches('size > 1k && size < 1.5Ki', f));
  assert.ok(matches('2M == 2000000 && 1Gi == 1073741824 && 64Ki == 65536', f));
});

test('missing fields and mismatched types are false, never errors', () => {
  const f = fields({ topic: undefined, size: 10 }, undefined);
  assert.equal(matches('$.price > 100', f), false);
  assert.equal(matches('$.price < 100', f), false);
  assert.equal(matches('topic ^= "x"', f), false);
  assert.equal(matches('size > "abc"', f), false);
  assert.equal(matches('$.a.b.c.d == 1', fields({}, { a: 5 })), false);
});

test('decoded values reach only their own data: no prototype, constructor or function', () => {
  const hostile = JSON.parse('{"__proto__": {"polluted": 1}, "x": 1}');
  const f = fields({}, hostile);
  assert.equal(matches('$.__proto__.polluted == 1', f), true, 'an own "__proto__" key is data');
  assert.equal(matches('exists($.constructor) || exists($.toString) || exists($.x.constructor)', fields({}, { x: 1 })), false);
  assert.equal(matches('exists(topic.constructor)', fields({ topic: 'a' })), false);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('clear errors name the problem and where it is', () => {
  const error = (expression: string) => {
    try {
      compileFilter(expression);
    } catch (e) {
      assert.ok(e instanceof FilterSyntaxError);
      return e.message;
    }
    assert.fail(`${expression} compiled`);
  };
  assert.match(error('prise > 1'), /Unknown field "prise": use seq, time, session/);
  assert.match(error('$.price >'), /Expected expression .*at character/);
  assert.match(error('size < 1kb'), /at character/);
  assert.match(error('eval("x")'), /Unknown function "eval": use len, lower/);
  assert.match(error('a = 1'), /at character 3/);
  assert.match(error('size | 1'), /at character/);
  assert.match(error('this.x'), /"this" means nothing here/);
  assert.match(error('1; 2'), /Only one expression/);
  assert.match(error('x'.repeat(3000)), /longer than 2000 characters/);
  assert.match(error(Array(300).fill('1').join('+')), /more than 500 parts/);
});

test('hostile expressions: any text compiles or fails with a FilterSyntaxError, and evaluation never throws', () => {
  const tokens = fc.constantFrom(
    '$',
    '$.a',
    '$0',
    'topic',
    'size',
    '(',
    ')',
    '[',
    ']',
    '.',
    '"x"',
    "'y'",
    '1k',
    '2.5',
    '&&',
    '||',
    '!',
    '==',
    '<',
    '^=',
    '*=',
    '~=',
    'in',
    '?',
    ':',
    ',',
    'len(',
    'exists(',
    '__proto__',
    'constructor',
    '-',
    '+',
    '**',
    '%',
    ' ',
    '\\',
    '`',
    '{',
    '}',
    '=',
  );
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ maxLength: 80 }),
        fc.array(tokens, { maxLength: 30 }).map((t) => t.join('')),
      ),
      fc.anything(),
      (text, payload) => {
        let compiled;
        try {
          compiled = compileFilter(text);
        } catch (error) {
          if (!(error instanceof FilterSyntaxError)) throw error;
          return;
        }
        const result = compiled.test(fields({ topic: 't', size: 3, frames: 1 }, payload, [payload]));
        assert.equal(typeof result, 'boolean');
      },
    ),
    { numRuns: 2000, seed: 15 },
  );
});

test('presets: malformed entries skipped, errors name the preset', () => {
  const presets = readFilterPresets([
    { name: 'Hide heartbeats', expression: '!(topic ~= "heartbeat")', enabled: true },
    { name: 'bad', expression: 'nonsense ==' },
    { name: '', expression: 'x' },
    'junk',
    { name: 'Hide heartbeats', expression: 'duplicate' },
  ]);
  assert.deepEqual(
    presets.map((p) => [p.name, p.enabled]),
    [
      ['Hide heartbeats', true],
      ['bad', false],
    ],
  );
  assert.equal(compileFilters('size > 1', presets, ['Hide heartbeats']).length, 2);
  assert.throws(() => compileFilters('', presets, ['bad']), /^FilterSyntaxError: Preset "bad": /);
});

test('over a capture store: metadata, JSON and MessagePack payloads, REQ delimiters skipped', () => {
  const store = new CaptureStore({ maxMessages: 1000, maxBytes: 1 << 20 });
  const registry = createDefaultRegistry();
  const b = (s: string) => Buffer.from(s);
  store.append('s1', 'in', [b('ticks.EUR'), b('{"price":101,"sym":"EUR"}')], { hasTopic: true });
  store.append('s1', 'in', [b('ticks.GBP'), b('{"price":99,"sym":"GBP"}')], { hasTopic: true });
  store.append('s1', 'in', [b('heartbeat'), b('{}')], { hasTopic: true });
  store.append('s2', 'out', [b(''), pack({ price: 150, sym: 'JPY' })]);
  const names: Record<string, string> = { s1: 'feed', s2: 'rpc' };
  const predicate = (expression: string) => {
    const test = storePredicate(
      store,
      compileFilters(expression, [{ name: 'Hide heartbeats', expression: '!(topic ~= "heartbeat")' }], ['Hide heartbeats']),
      { name: (id) => names[id], socketType: (id) => (id === 's1' ? 'SUB' : 'REQ') },
      (frame, index) => {
        const result = registry.decodeFrame(frame, { frameIndex: index, frameCount: 2 });
        return result.ok ? result.tree : undefined;
      },
    );
    return [1, 2, 3, 4, 5].filter(test);
  };
  assert.deepEqual(predicate(''), [1, 2, 4], 'the preset hides the heartbeat');
  assert.deepEqual(predicate('$.price > 100'), [1, 4], 'JSON and MessagePack alike');
  assert.deepEqual(predicate('session == "rpc" && type == "REQ" && $.sym == "JPY"'), [4]);
  assert.deepEqual(predicate('topic ^= "ticks." && body *= "GBP"'), [2]);
  assert.deepEqual(predicate('direction == "out" && frames == 2 && $0 == null'), [], 'an empty frame decodes to nothing');
  assert.deepEqual(predicate('seq >= 2 && time > 0'), [2, 4]);
});
