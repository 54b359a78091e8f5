import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SETTING_DEFAULTS } from '../../src/shared/settingDefaults';

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
};
const declared = manifest.contributes.configuration.properties;

test('every default in the settings table is the default package.json declares', () => {
  for (const [key, value] of Object.entries(SETTING_DEFAULTS)) {
    assert.ok(declared[`zeromq.${key}`], `package.json declares zeromq.${key}`);
    assert.deepEqual(declared[`zeromq.${key}`].default, value, `zeromq.${key}`);
  }
});

test('every setting package.json declares has a default in the table', () => {
  for (const key of Object.keys(declared)) assert.ok(key.replace(/^zeromq\./, '') in SETTING_DEFAULTS, `${key} is in SETTING_DEFAULTS`);
});
