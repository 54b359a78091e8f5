import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeFrame } from '../../src/core/session/frameInput';

test('frames typed as text, JSON, hex and base64 become the right bytes', () => {
  const bytes = (r: ReturnType<typeof encodeFrame>) => (r.ok ? [...r.bytes] : r.error);
  assert.deepEqual(bytes(encodeFrame('text', 'hé')), [0x68, 0xc3, 0xa9]);
  assert.deepEqual(bytes(encodeFrame('json', '{ "a" : 1 }')), [...Buffer.from('{"a":1}')]);
  assert.deepEqual(bytes(encodeFrame('hex', '0x01 ff:0A-00')), [1, 255, 10, 0]);
  assert.deepEqual(bytes(encodeFrame('hex', '')), []);
  assert.deepEqual(bytes(encodeFrame('base64', 'AQID')), [1, 2, 3]);
  assert.deepEqual(bytes(encodeFrame('base64', '-_8')), [251, 255]);
});

test('bad frames are rejected with what to fix', () => {
  const error = (r: ReturnType<typeof encodeFrame>) => (r.ok ? 'ok' : r.error);
  assert.match(error(encodeFrame('json', '{a:1}')), /Not valid JSON/);
  assert.match(error(encodeFrame('hex', 'abc')), /even number of digits \(got 3\)/);
  assert.match(error(encodeFrame('hex', 'zz')), /only contain 0-9/);
  assert.match(error(encodeFrame('base64', 'A')), /Not valid base64/);
  assert.match(error(encodeFrame('base64', 'a$b')), /Not valid base64/);
});
