// The default of every `zeromq.*` setting, in one table. package.json's `contributes.configuration` must say the same
// (a unit test compares them); the shell's Config reads through this table, and the engine receives values, not keys.
export const SETTING_DEFAULTS = {
  endpoints: [] as unknown[],
  'capture.maxMessages': 1_000_000,
  'capture.maxBytes': 256 * 1024 * 1024,
  'capture.maxFrameBytes': 1024 * 1024,
  'protobuf.protoPaths': [] as string[],
  'decoders.rules': [] as unknown[],
  receiveTimeoutSeconds: 30,
  'tap.watchConnections': true,
  'filters.presets': [{ name: 'Hide heartbeats', expression: '!(topic ~= "heartbeat")', enabled: false }] as unknown[],
  'scenarios.environment': '',
  'scenarios.environments': {} as Record<string, unknown>,
  'scenarios.defaultTimeoutSeconds': 5,
  /** System name -> workspace-relative globs of the files whose programs run together (Pairings check). */
  'topology.systems': {} as Record<string, string[]>,
};

export type SettingKey = keyof typeof SETTING_DEFAULTS;
export type SettingValue<K extends SettingKey> = (typeof SETTING_DEFAULTS)[K];
