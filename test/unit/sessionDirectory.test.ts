// The session directory answers "what is session X" for every id the capture holds messages under.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CaptureStore } from '../../src/core/capture/captureStore';
import { SessionManager } from '../../src/core/session/sessionManager';

test('taps and imported sessions are described by the same directory as sessions, each in its own id', () => {
  const sessions = new SessionManager(new CaptureStore({ maxMessages: 1000, maxBytes: 1 << 20 }));
  sessions.recordCaptureSource('tap1', 'orders tap', 'ROUTER');
  const imported = sessions.adoptImported('ticks', undefined);
  assert.deepEqual(sessions.describe('tap1'), { id: 'tap1', name: 'orders tap', type: 'ROUTER' });
  assert.deepEqual(sessions.describe(imported), { id: imported, name: 'ticks', type: '?' });
  assert.notEqual(imported, 'tap1');
  assert.equal(sessions.describe('s99'), undefined);
});
