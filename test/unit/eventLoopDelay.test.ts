import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { test } from 'node:test';
import { startEventLoopDelay } from '../../src/core/eventLoopDelay';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('event-loop delay: how late the timer ran, without the sampling interval Node counts in', async () => {
  // Node's raw histogram, idle: every tick about the resolution apart.
  const raw = monitorEventLoopDelay({ resolution: 20 });
  raw.enable();
  await sleep(300);
  raw.disable();
  assert.ok(raw.percentile(50) / 1e6 >= 15, `raw idle p50 ${raw.percentile(50) / 1e6} ms (Node counts the interval)`);

  const idle = startEventLoopDelay(20);
  await sleep(300);
  const idleDelay = idle.stop();
  assert.ok(idleDelay.p50 < 10, `idle p50 ${idleDelay.p50} ms late`);

  // A loop blocked for 100 ms: one tick came that much late.
  const blocked = startEventLoopDelay(5);
  await sleep(30);
  const until = Date.now() + 100;
  while (Date.now() < until);
  await sleep(30);
  const blockedDelay = blocked.stop();
  assert.ok(blockedDelay.max >= 80, `max ${blockedDelay.max} ms late after a 100 ms block`);
});

test('event-loop delay stopped before its first tick: nothing was late', () => {
  assert.deepEqual(startEventLoopDelay(5).stop(), { p50: 0, p99: 0, max: 0 });
});
