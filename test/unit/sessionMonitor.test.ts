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

test('an alternating retry/close loop collapses into one line with its count', () => {
  const monitor = new SessionMonitor('SUB');
  for (let i = 0; i < 100; i++) {
    monitor.record({ type: 'connect:retry', address: 'tcp://x:1', detail: 'retrying in 2000 ms', severity: 'info', time: 1000 + i });
    monitor.record({ type: 'close', address: 'tcp://x:1', severity: 'info', time: 1000 + i });
  }
  assert.deepEqual(
    monitor.timeline().map((e) => [e.type, e.repeat ?? 1, e.firstTime, e.time]),
    [['connect:retry → close', 100, 1000, 1099]],
  );
  monitor.dispose();
});

test('a reconnect storm (a five-event cycle, 2,000 turns) is one line with count and first/last time; earlier events stay', () => {
  const heard: string[] = [];
  const monitor = new SessionMonitor('SUB', (e) => heard.push(e.type));
  const address = 'tcp://127.0.0.1:5556';
  monitor.record({ type: 'subscribe', detail: '(everything)', severity: 'info', time: 1 });
  const storm = ['connect', 'handshake:error:other', 'disconnect', 'connect:delay', 'connect:retry'];
  for (let turn = 0; turn < 2000; turn++) {
    for (const type of storm) {
      const error = type === 'handshake:error:other';
      monitor.record({
        type,
        address,
        detail: error
          ? 'The peer hung up during the handshake (EPIPE).'
          : type === 'connect:retry'
            ? `retrying in ${100 + (turn % 3)} ms`
            : undefined,
        severity: error ? 'error' : 'info',
        time: 10_000 + turn * 10,
      });
    }
  }
  const timeline = monitor.timeline();
  assert.deepEqual(
    timeline.map((e) => [e.type, e.repeat ?? 1]),
    [
      ['subscribe', 1],
      [storm.join(' → '), 2000],
    ],
  );
  const line = timeline[1];
  assert.deepEqual(line.cycle, storm);
  assert.equal(line.firstTime, 10_000);
  assert.equal(line.time, 10_000 + 1999 * 10);
  assert.equal(line.severity, 'error');
  assert.equal(line.detail, 'The peer hung up during the handshake (EPIPE).');
  // Listeners heard the first turn and the collapsed line, not 10,000 events.
  assert.equal(heard.length, 1 + storm.length * 2);
  assert.equal(heard.at(-1), storm.join(' → '));
  monitor.dispose();
});

test('a cycle broken mid-turn keeps the unfinished turn as lines, and what follows is recorded', () => {
  const monitor = new SessionMonitor('SUB');
  for (let i = 0; i < 3; i++) for (const type of ['connect', 'disconnect', 'connect:retry']) monitor.record({ type, severity: 'info' });
  monitor.record({ type: 'connect', severity: 'info' });
  monitor.record({ type: 'handshake', severity: 'info' });
  assert.deepEqual(
    monitor.timeline().map((e) => [e.type, e.repeat ?? 1]),
    [
      ['connect → disconnect → connect:retry', 3],
      ['connect', 1],
      ['handshake', 1],
    ],
  );
  monitor.dispose();
});

test('the same event with changing details is not mistaken for a cycle of itself', () => {
  const monitor = new SessionMonitor('SUB');
  for (const ms of [100, 200, 400, 800]) monitor.record({ type: 'connect:retry', detail: `retrying in ${ms} ms`, severity: 'info' });
  assert.deepEqual(
    monitor.timeline().map((e) => e.detail),
    ['retrying in 100 ms', 'retrying in 200 ms', 'retrying in 400 ms', 'retrying in 800 ms'],
  );
  monitor.dispose();
});

test('handshake failures back off from 1 s, doubling to 30 s, and a good handshake resets it', () => {
  const monitor = new SessionMonitor('SUB');
  const a = 'tcp://127.0.0.1:1';
  assert.deepEqual(
    Array.from({ length: 7 }, () => monitor.handshakeFailed(a)),
    [1000, 2000, 4000, 8000, 16000, 30000, 30000],
  );
  assert.equal(monitor.handshakeFailuresInARow(a), 7);
  monitor.handshakeSucceeded(a);
  assert.equal(monitor.handshakeFailed(a), 1000);
  monitor.dispose();
});

test('two different handshake failures in the same pattern are not folded into one cycle: the second is heard', () => {
  const heard: Array<string | undefined> = [];
  const monitor = new SessionMonitor('ROUTER', (e) => heard.push(e.failure?.code));
  const turn = (code: string) => {
    monitor.record({ type: 'accept', address: 'tcp://127.0.0.1:1', severity: 'info' });
    monitor.record({
      type: 'handshake:error:protocol',
      address: 'tcp://127.0.0.1:1',
      severity: 'error',
      failure: { event: 'handshake:error:protocol', code },
    });
    monitor.record({ type: 'disconnect', address: 'tcp://127.0.0.1:1', severity: 'info' });
  };
  turn('ERR_ZMTP_MECHANISM_MISMATCH');
  turn('ERR_ZMTP_CRYPTOGRAPHIC');
  assert.ok(heard.includes('ERR_ZMTP_CRYPTOGRAPHIC'));
  assert.equal(monitor.timeline().length, 6);
  turn('ERR_ZMTP_CRYPTOGRAPHIC');
  // Now the crypto failure repeats: it folds (as disconnect → accept → error, a rotation of the turn), the mismatch stays apart.
  const timeline = monitor.timeline();
  assert.deepEqual(
    timeline.map((e) => [e.type, e.repeat ?? 1, e.failure?.code]),
    [
      ['accept', 1, undefined],
      ['handshake:error:protocol', 1, 'ERR_ZMTP_MECHANISM_MISMATCH'],
      ['disconnect → accept → handshake:error:protocol', 2, 'ERR_ZMTP_CRYPTOGRAPHIC'],
    ],
  );
  monitor.dispose();
});
