import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SOCKET_TYPES, checkPairing, observerFor, parseSocketType } from '../../src/core/session/socketTypes';
import type { SocketTypeName } from '../../src/core/types';

// RFC 37/ZMTP, as libzmq's check_socket_type enforces it.
const VALID: Array<[SocketTypeName, SocketTypeName]> = [
  ['PUB', 'SUB'],
  ['PUB', 'XSUB'],
  ['XPUB', 'SUB'],
  ['XPUB', 'XSUB'],
  ['REQ', 'REP'],
  ['REQ', 'ROUTER'],
  ['DEALER', 'REP'],
  ['DEALER', 'ROUTER'],
  ['DEALER', 'DEALER'],
  ['ROUTER', 'ROUTER'],
  ['PUSH', 'PULL'],
  ['PAIR', 'PAIR'],
];

test('every valid pairing is valid in both directions', () => {
  for (const [a, b] of VALID) {
    assert.equal(checkPairing(a, b).valid, true, `${a}-${b}`);
    assert.equal(checkPairing(b, a).valid, true, `${b}-${a}`);
  }
});

test('exactly the valid pairings are valid: every other pair of the 12 types is rejected', () => {
  const validSet = new Set(VALID.flatMap(([a, b]) => [`${a}-${b}`, `${b}-${a}`]));
  let invalid = 0;
  for (const a of SOCKET_TYPES) {
    for (const b of SOCKET_TYPES) {
      const verdict = checkPairing(a.name, b.name);
      assert.equal(verdict.valid, validSet.has(`${a.name}-${b.name}`), `${a.name}-${b.name}: ${verdict.reason}`);
      if (!verdict.valid) invalid++;
    }
  }
  assert.equal(invalid, 144 - validSet.size);
});

test('an invalid pairing says which peers the socket accepts', () => {
  const verdict = checkPairing('PUB', 'REQ');
  assert.equal(verdict.valid, false);
  assert.match(verdict.reason, /PUB only talks to SUB or XSUB/);
  assert.match(checkPairing('REQ', 'PUB').reason, /REQ only talks to REP or ROUTER/);
  assert.match(checkPairing('STREAM', 'STREAM').reason, /raw TCP/);
});

test('observing a PUB is passive; a PUSH, a REP or a ROUTER is intrusive, with the reason', () => {
  assert.deepEqual([observerFor('PUB').observer, observerFor('PUB').passive], ['SUB', true]);
  assert.deepEqual([observerFor('XPUB').observer, observerFor('XPUB').passive], ['SUB', true]);
  const push = observerFor('PUSH');
  assert.deepEqual([push.observer, push.passive], ['PULL', false]);
  assert.match(push.reason, /takes its share/);
  assert.equal(observerFor('REP').observer, 'REQ');
  assert.equal(observerFor('REP').passive, false);
  assert.equal(observerFor('ROUTER').observer, 'DEALER');
  assert.match(observerFor('REQ').reason, /in place of the real server/);
  for (const t of SOCKET_TYPES) {
    const advice = observerFor(t.name);
    if (advice.observer && t.name !== 'STREAM')
      assert.equal(checkPairing(t.name, advice.observer).valid, true, `${t.name} observed by ${advice.observer}`);
  }
});

test('socket type names are parsed from the spellings of every binding', () => {
  assert.equal(parseSocketType('sub'), 'SUB');
  assert.equal(parseSocketType('zmq.PUB'), 'PUB');
  assert.equal(parseSocketType('ZMQ_ROUTER'), 'ROUTER');
  assert.equal(parseSocketType('Subscriber'), 'SUB');
  assert.equal(parseSocketType('XPublisher'), 'XPUB');
  assert.equal(parseSocketType('socket'), undefined);
});
