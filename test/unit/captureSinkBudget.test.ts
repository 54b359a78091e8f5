// Sessions and taps size libzmq's receive queue from their sink's byte budget: a sink wrapping the store
// must pass the budget on, or every queue is left at 1,000,000 messages (the engine's RSS reached 408 MiB in a
// 20 s flood of 64 B messages against a 64 MiB budget while the DiagnosisSink hid it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CaptureStore } from '../../src/core/capture/captureStore';
import { captureHighWaterMarkFor } from '../../src/core/capture/queueBudget';
import { DiagnosisSink } from '../../src/core/diagnosis/diagnosisSink';
import { ScenarioSockets } from '../../src/core/scenario/scenarioSockets';

const MiB = 1024 * 1024;

test('the diagnosis sink and forwarding scenario sockets pass the store byte budget on to the receive queues', async () => {
  const store = new CaptureStore({ maxMessages: 1_000_000, maxBytes: 64 * MiB });
  const diagnosis = new DiagnosisSink(store);
  assert.equal(diagnosis.maxBytes, 64 * MiB);
  assert.equal(captureHighWaterMarkFor(diagnosis.maxBytes), 2048);
  store.setLimits({ maxMessages: 1_000_000, maxBytes: 256 * MiB });
  assert.equal(diagnosis.maxBytes, 256 * MiB, 'follows the settings');

  const forwarding = new ScenarioSockets('run', { sink: diagnosis, tag: 'scenario', sessionIdFor: (name) => name });
  assert.equal(forwarding.maxBytes, 256 * MiB);
  const alone = new ScenarioSockets('run');
  assert.equal(alone.maxBytes, undefined);
  await forwarding.close();
  await alone.close();
});
