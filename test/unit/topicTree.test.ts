// Topic trees: the separator picked from the topics themselves, levels with counts, rates, last seen
// and last value, and a bound on nodes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectSeparator, MAX_TOPIC_NODES, RATE_SECONDS, splitTopic, TopicTree } from '../../src/core/topics/topicTree';

test('the separator is the one most topics use', () => {
  assert.equal(detectSeparator(['ticks.EURUSD', 'ticks.GBPUSD', 'news.fx']), '.');
  assert.equal(detectSeparator(['sensors/1/temp', 'sensors/2/temp', 'status']), '/');
  assert.equal(detectSeparator(['prices/v1.2', 'prices/v1.3']), '/', 'a path with versions, not dotted levels');
  assert.equal(detectSeparator(['orders:new', 'orders:filled']), ':');
  assert.equal(detectSeparator(['A', 'B', 'C.D']), '', 'a separator in a minority of topics is part of the names');
  assert.equal(detectSeparator([]), '');
  assert.deepEqual(splitTopic('a..b', '.'), ['a', '', 'b']);
  assert.deepEqual(splitTopic('a.b', ''), ['a.b']);
});

test('levels carry counts, bytes, last seen, last value, and a rate over the last seconds', () => {
  const tree = new TopicTree();
  const t0 = 1_764_000_000_000;
  for (let i = 0; i < 30; i++) tree.add(i % 3 ? 'ticks.EURUSD' : 'ticks.GBPUSD', t0 + i * 100, 10, `{"price":${i}}`);
  tree.add('news.fx', t0 + 5000, 50, 'headline');
  const root = tree.snapshot(t0 + 5000);
  assert.equal(tree.detectedSeparator, '.');
  assert.equal(root.count, 31);
  const ticks = root.children.find((c) => c.name === 'ticks')!;
  assert.equal(ticks.path, 'ticks');
  assert.equal(ticks.count, 30);
  assert.equal(ticks.bytes, 300);
  assert.equal(ticks.lastValue, undefined, 'no message had exactly this topic');
  const eur = ticks.children.find((c) => c.name === 'EURUSD')!;
  assert.equal(eur.path, 'ticks.EURUSD');
  assert.equal(eur.count, 20);
  assert.equal(eur.lastValue, '{"price":29}');
  assert.equal(eur.lastSeenMs, t0 + 2900);
  assert.equal(eur.rate, 20 / RATE_SECONDS, 'all 20 within the window');
  assert.equal(tree.snapshot(t0 + 60_000).children.find((c) => c.name === 'ticks')!.rate, 0, 'a minute later, nothing is recent');
});

test('new topics appear in later snapshots; nodes are bounded', () => {
  const tree = new TopicTree('/');
  tree.add('a/b', 0, 1);
  assert.deepEqual(
    tree.snapshot(0).children.map((c) => c.name),
    ['a'],
  );
  tree.add('c', 0, 1);
  assert.deepEqual(
    tree.snapshot(0).children.map((c) => c.name),
    ['a', 'c'],
  );
  for (let i = 0; i < MAX_TOPIC_NODES + 100; i++) tree.add(`flood/${i}`, 0, 1);
  assert.ok(tree.overflow >= 100);
  assert.equal(tree.snapshot(0).count, MAX_TOPIC_NODES + 102, 'every message is counted at the root');
  const small = tree.snapshot(0, 50);
  const nodes = (n: { children: unknown[] }): number => 1 + (n.children as { children: unknown[] }[]).reduce((s, c) => s + nodes(c), 0);
  assert.ok(nodes(small) <= 50);
});
