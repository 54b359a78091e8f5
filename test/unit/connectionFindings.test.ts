// What the tap's connections say in words: heartbeats seen, none, or stopped; a subscriber without a
// subscription; and a bound XPUB that says it cannot name its subscribers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectionLines, heartbeatCheck, subscriberCheck } from '../../src/core/diagnosis/connectionFindings';
import { diagnose } from '../../src/core/diagnosis/diagnose';
import { SubscriptionMap } from '../../src/core/diagnosis/subscriptionMap';
import type { WireConnection } from '../../src/core/tap/wireRelay';

const NOW = 1_000_000;

function connection(more: Partial<WireConnection>): WireConnection {
  return {
    id: 1,
    peer: '127.0.0.1:40000',
    openedMs: NOW - 10_000,
    socketType: 'SUB',
    version: '3.1',
    mechanism: 'NULL',
    pingsFromPeer: 0,
    pongsToPeer: 0,
    pingsToPeer: 0,
    pongsFromPeer: 0,
    messagesFromPeer: 1,
    messagesToPeer: 50,
    bytesFromPeer: 5,
    bytesToPeer: 500,
    lastFromPeerMs: NOW - 2000,
    lastToPeerMs: NOW - 500,
    subscriptions: [{ prefix: Buffer.from('tick'), sinceMs: NOW - 9990, truncated: false }],
    changes: [],
    ...more,
  };
}

test('a peer that pinged every 100 ms and went quiet 5 s ago is flagged as stopped; one that never pinged is named', () => {
  const stopped = connection({
    peer: '127.0.0.1:40001',
    pingsFromPeer: 40,
    pongsToPeer: 40,
    peerPingIntervalMs: 100,
    lastPingFromPeerMs: NOW - 5000,
  });
  const never = connection({ peer: '127.0.0.1:40002' });
  const alive = connection({
    peer: '127.0.0.1:40003',
    pingsFromPeer: 99,
    pongsToPeer: 99,
    peerPingIntervalMs: 100,
    lastPingFromPeerMs: NOW - 50,
  });
  const check = heartbeatCheck({ watched: true, connections: [stopped, never, alive] }, NOW);
  assert.equal(check.status, 'problem');
  assert.deepEqual(
    check.findings.map((f) => f.title),
    [
      'ZMTP heartbeats seen on 1 of 3 connections: 127.0.0.1:40003 (SUB)',
      'No ZMTP heartbeat on 1 of 3 connections: 127.0.0.1:40002 (SUB)',
      '127.0.0.1:40001 (SUB) stopped sending heartbeats 5.0 s ago (it sent one every 100 ms)',
    ],
  );
  assert.deepEqual(check.findings[2].numbers, { sinceLastPingMs: 5000, intervalMs: 100 });
  const lines = connectionLines({ watched: true, connections: [stopped, never, alive] }, NOW);
  assert.deepEqual(
    lines.map((l) => [l.label, l.warn]),
    [
      ['127.0.0.1:40001 (SUB)', true],
      ['127.0.0.1:40002 (SUB)', false],
      ['127.0.0.1:40003 (SUB)', false],
    ],
  );
  assert.match(lines[0].description, /^heartbeats stopped 5\.0 s ago · idle 500 ms · subscribes "tick" \(74 69 63 6b\) since /);
  // A session (no tap) cannot see heartbeats, and says why.
  assert.match(heartbeatCheck(undefined, NOW).note!, /libzmq answers PINGs inside the socket/);
});

test('a secured connection is said to be unreadable, and a SUB without a subscription is a problem after a second', () => {
  const curve = connection({
    mechanism: 'CURVE',
    notWatched: 'mechanism CURVE: commands after the handshake are encrypted or not readable here',
  });
  assert.match(heartbeatCheck({ watched: true, connections: [curve] }, NOW).note!, /1 connection\(s\) not readable: mechanism CURVE/);
  const bare = connection({ subscriptions: [] });
  const check = subscriberCheck({ watched: true, connections: [bare] }, NOW)!;
  assert.equal(check.status, 'problem');
  assert.equal(check.findings[0].title, '127.0.0.1:40000 (SUB) has no subscription: it receives nothing');
  assert.equal(subscriberCheck({ watched: true, connections: [{ ...bare, openedMs: NOW - 200 }] }, NOW)!.findings.length, 0, 'not yet');
});

test('a bound XPUB session says that it counts holders and cannot name subscribers', () => {
  const map = new SubscriptionMap();
  map.onSubscriptionMessage(Buffer.from('\x01tick', 'latin1'), NOW);
  const diagnosis = diagnose({
    session: {
      name: 'xpub',
      type: 'XPUB',
      mode: 'bind',
      addresses: ['tcp://127.0.0.1:5556'],
      state: 'listening',
      connectionCount: 1,
      counters: { messagesIn: 1, messagesOut: 0, bytesIn: 5, bytesOut: 0 },
    },
    timeline: [],
    subscriptionMap: map.snapshot(),
    nowMs: NOW,
  });
  const check = diagnosis.checks.find((c) => c.check === 'Subscriptions seen by this XPUB')!;
  assert.match(check.note!, /^1 prefix held; which subscriber sent each subscription is not known here: libzmq's XPUB hands over/);
});
