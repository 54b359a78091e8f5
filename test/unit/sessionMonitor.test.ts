import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SessionMonitor } from '../../src/core/session/sessionMonitor';

test('a reconnect loop is one timeline line with a repeat count, and the listener hears it once', () => {
  const heard: string[] = [];
  const monitor = new SessionMonitor('SUB', (e) => heard.push(e.type));
  monitor.record({ type: 'connect:delay', address: 'tcp://127.0.0.1:1', severity: 'info' });
  for (let i = 0; i < 1000; i++)
    monitor.record({ type: 'connect:retry', address: 'tcp://127.0.0.1:1', detail: 'retrying in 100 ms', severity: 'info' });
  monitor.record({ type: 'connect', address: 'tcp://127.0.0.1:1', severity: 'info' });
  const timeline = monitor.timeline();
  assert.deepEqual(
    timeline.map((e) => [e.type, e.repeat ?? 1]),
    [
      ['connect:delay', 1],
      ['connect:retry', 1000],
      ['connect', 1],
    ],
  );
  assert.deepEqual(heard, ['connect:delay', 'connect:retry', 'connect']);
  monitor.dispose();
});

test('the timeline keeps the latest 500 events, oldest first', () => {
  const monitor = new SessionMonitor('PUB');
  for (let i = 0; i < 700; i++) monitor.record({ type: 'accept', detail: String(i), severity: 'info' });
  const timeline = monitor.timeline();
  assert.equal(timeline.length, 500);
  assert.equal(timeline[0].detail, '200');
  assert.equal(timeline[499].detail, '699');
  monitor.dispose();
});

test('routing ids are kept with message counts, printable ones as text', () => {
  const monitor = new SessionMonitor('ROUTER');
  monitor.noteRoutingId(Buffer.from('client-a'));
  monitor.noteRoutingId(Buffer.from('client-a'));
  monitor.noteRoutingId(Buffer.from([0, 0x80, 0, 0x41]));
  const peers = [...monitor.routingPeers.values()];
  assert.deepEqual(
    peers.map((p) => [p.idText, p.idHex, p.messages]),
    [
      ['client-a', Buffer.from('client-a').toString('hex'), 2],
      [undefined, '00800041', 1],
    ],
  );
  monitor.dispose();
});

test('an alternating retry/close loop collapses into two lines with counts', () => {
  const monitor = new SessionMonitor('SUB');
  for (let i = 0; i < 100; i++) {
    monitor.record({ type: 'connect:retry', address: 'tcp://x:1', detail: 'retrying in 2000 ms', severity: 'info' });
    monitor.record({ type: 'close', address: 'tcp://x:1', severity: 'info' });
  }
  assert.deepEqual(
    monitor.timeline().map((e) => [e.type, e.repeat ?? 1]),
    [
      ['connect:retry', 100],
      ['close', 100],
    ],
  );
  monitor.dispose();
});
