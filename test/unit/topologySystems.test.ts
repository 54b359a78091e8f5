// Declared systems (zeromq.topology.systems): workspace-relative globs with **, *, ? and {a,b}, matched
// inside each workspace folder; a setting from a cloned repository cannot make matching slow or huge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TopologySystems } from '../../src/core/scan';
import { globToRegExp } from '../../src/core/scan/topologySystems';

test('files belong to the systems whose globs match their path inside the workspace folder', () => {
  const systems = new TopologySystems(
    { trading: ['services/**', 'gateway/*.py'], tools: ['tools/{replay,record}/main.go', './scripts/?.sh'], empty: [] },
    ['/home/me/build/shop'],
  );
  assert.equal(systems.declared, true);
  assert.deepEqual(systems.systemsOf('/home/me/build/shop/services/quotes/server.py'), ['trading']);
  assert.deepEqual(systems.systemsOf('/home/me/build/shop/gateway/api.py'), ['trading']);
  assert.deepEqual(systems.systemsOf('/home/me/build/shop/gateway/sub/api.py'), []);
  assert.deepEqual(systems.systemsOf('/home/me/build/shop/tools/replay/main.go'), ['tools']);
  assert.deepEqual(systems.systemsOf('/home/me/build/shop/tools/other/main.go'), []);
  assert.deepEqual(systems.systemsOf('/home/me/build/shop/scripts/a.sh'), ['tools']);
  assert.equal(new TopologySystems(undefined).declared, false);
  assert.equal(new TopologySystems({ junk: 'not a list' as unknown as string[] }).declared, false);
});

test('globs: a folder name takes everything under it, special characters are literal, wildcards are capped', () => {
  assert.ok(globToRegExp('services').test('services/a/b.py'));
  assert.ok(globToRegExp('services/').test('services/a.py'));
  assert.ok(!globToRegExp('services').test('services2/a.py'));
  assert.ok(globToRegExp('a+b(c)/[x].py').test('a+b(c)/[x].py'));
  assert.ok(globToRegExp('**/main.go').test('main.go'));
  assert.ok(globToRegExp('**/main.go').test('cmd/x/main.go'));
  // Repeated and excess wildcards collapse: matching stays linear-ish whatever the setting says.
  const hostile = globToRegExp('**/**/**/**/a/**/b/**/c/**/d/**/e/*' + '*x'.repeat(50));
  assert.ok(hostile.source.split('.*').length - 1 <= 3 + 8, hostile.source);
  assert.equal(hostile.test('a/'.repeat(100) + 'z'), false);
});
