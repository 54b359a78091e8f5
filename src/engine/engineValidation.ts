// Checks every request's params against its method's shape before a handler sees them: the host is ours,
// but a bug there (or a fuzzer) must get an error reply naming the field, never a crash or a TypeError
// deep inside a handler.
import type { EngineMethod } from '../shared/engineProtocol';

/** Returns what is wrong with `value` (at `path`), or undefined when it fits. */
type Check = (value: unknown, path: string) => string | undefined;

const MAX_TEXT = 64 * 1024;
const MAX_FRAMES = 10_000;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const text =
  (max = MAX_TEXT): Check =>
  (value, path) =>
    typeof value !== 'string' ? `${path} must be a string` : value.length > max ? `${path} is longer than ${max} characters` : undefined;

const nonEmptyText: Check = (value, path) => text()(value, path) ?? ((value as string).length ? undefined : `${path} must not be empty`);

const number =
  (min: number, max: number, integer = true): Check =>
  (value, path) =>
    typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))
      ? `${path} must be ${integer ? 'an integer' : 'a number'}`
      : value < min || value > max
        ? `${path} must be between ${min} and ${max}`
        : undefined;

const boolean: Check = (value, path) => (typeof value === 'boolean' ? undefined : `${path} must be true or false`);

const bytes: Check = (value, path) => (value instanceof Uint8Array ? undefined : `${path} must be bytes (a Uint8Array)`);

const oneOf =
  (...allowed: string[]): Check =>
  (value, path) =>
    typeof value === 'string' && allowed.includes(value) ? undefined : `${path} must be one of ${allowed.join(', ')}`;

const array =
  (item: Check, max: number): Check =>
  (value, path) => {
    if (!Array.isArray(value)) return `${path} must be an array`;
    if (value.length > max) return `${path} has more than ${max} items`;
    for (let i = 0; i < value.length; i++) {
      const problem = item(value[i], `${path}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  };

const optional =
  (check: Check): Check =>
  (value, path) =>
    value === undefined ? undefined : check(value, path);

const mapOfText: Check = (value, path) => {
  if (!(value instanceof Map)) return `${path} must be a Map`;
  for (const [k, v] of value) if (typeof k !== 'string' || typeof v !== 'string') return `${path} must map text to text`;
  return undefined;
};

/** Any object: its fields are checked where they are used (settings-shaped data, validated again there). */
const anyObject: Check = (value, path) => (isObject(value) ? undefined : `${path} must be an object`);

const shape =
  (fields: Record<string, Check>): Check =>
  (value, path) => {
    if (!isObject(value)) return `${path} must be an object`;
    for (const [name, check] of Object.entries(fields)) {
      const problem = check(value[name], `${path}.${name}`);
      if (problem) return problem;
    }
    return undefined;
  };

const SOCKET_TYPES = ['PAIR', 'PUB', 'SUB', 'REQ', 'REP', 'DEALER', 'ROUTER', 'PULL', 'PUSH', 'XPUB', 'XSUB', 'STREAM'];
const limits = shape({
  maxMessages: number(1, 2 ** 31),
  maxBytes: number(1, Number.MAX_SAFE_INTEGER),
  maxFrameBytes: number(0, Number.MAX_SAFE_INTEGER),
});
const seq = number(0, Number.MAX_SAFE_INTEGER);
const timeout = number(1, 7 * 24 * 3600 * 1000);
const id = text(256);
/** 'max', or a factor from a hundredth to a thousand times the original pace. */
const replaySpeed: Check = (value, path) => (value === 'max' ? undefined : number(0.01, 1000, false)(value, path));

const PARAMS: Record<EngineMethod, Check> = {
  hello: shape({ protocolVersion: number(0, 2 ** 31), limits, receiveTimeoutMs: timeout, spoolDir: optional(text(4096)) }),
  ping: shape({}),
  configure: shape({
    limits: optional(limits),
    receiveTimeoutMs: optional(timeout),
    rules: optional(array(anyObject, 10_000)),
    filterPresets: optional(array(anyObject, 1000)),
  }),
  'decoders.loadProtos': shape({ files: array(text(4096), 10_000), roots: array(text(4096), 1000) }),
  'decoders.register': shape({ modulePath: nonEmptyText }),
  'decoders.unregister': shape({ modulePath: nonEmptyText }),
  'session.open': shape({
    spec: shape({
      id: nonEmptyText,
      name: nonEmptyText,
      type: oneOf(...SOCKET_TYPES),
      mode: oneOf('bind', 'connect'),
      addresses: array(text(4096), 100),
      subscriptions: optional(array(text(), 10_000)),
    }),
    security: optional(anyObject),
  }),
  'session.close': shape({ id }),
  'session.subscribe': shape({ id, prefix: text(), subscribe: boolean }),
  'session.send': shape({
    id,
    frames: array(bytes, MAX_FRAMES),
    routingId: optional(bytes),
    replyTimeoutMs: optional(timeout),
    awaitReply: optional(boolean),
  }),
  'session.receive': shape({ id, timeoutMs: timeout }),
  'session.awaitCount': shape({ id, count: number(0, Number.MAX_SAFE_INTEGER), idleMs: timeout }),
  'capture.clear': shape({ sessionId: optional(id) }),
  'capture.records': shape({ fromSeq: seq, count: number(0, Number.MAX_SAFE_INTEGER) }),
  'capture.export': shape({ path: nonEmptyText }),
  'capture.import': shape({ path: nonEmptyText, tag: text(1024) }),
  'capture.replay': shape({ fromSeq: seq, toSeq: seq, sessionId: id, speed: replaySpeed, panelId: optional(nonEmptyText) }),
  'tap.start': shape({
    id: nonEmptyText,
    name: nonEmptyText,
    pattern: oneOf('request-reply', 'pub-sub', 'pipeline', 'pipeline-sink', 'pair'),
    listen: text(4096),
    upstream: text(4096),
    replyTimeoutMs: timeout,
    watchConnections: optional(boolean),
  }),
  'tap.stop': shape({ id }),
  probe: shape({ address: text(4096), timeoutMs: timeout }),
  'diagnosis.session': shape({ id, security: optional(anyObject), replyTimeoutMs: timeout }),
  'diagnosis.tap': shape({ id }),
  'diagnosis.address': shape({ address: text(4096), socketType: optional(oneOf(...SOCKET_TYPES)) }),
  'diagnosis.track': shape({ id, field: nonEmptyText, publisher: optional(anyObject) }),
  'diagnosis.untrack': shape({ id }),
  'diagnosis.propose': shape({ id }),
  'scenario.run': shape({
    file: shape({ scenarios: array(anyObject, 10_000), endpoints: array(anyObject, 10_000) }),
    scenarioName: text(),
    onlyStepLine: optional(number(1, 2 ** 31)),
    baseDir: text(4096),
    layers: array(shape({ source: text(), values: mapOfText }), 100),
    defaultTimeoutMs: timeout,
    tag: text(1024),
    sessionKey: text(4096),
    fileName: text(1024),
    debug: optional(shape({ id: nonEmptyText, breakpoints: array(number(1, 2 ** 31), 100_000), stopOnEntry: optional(boolean) })),
  }),
  'scenario.debug': shape({
    id: nonEmptyText,
    action: oneOf('continue', 'next', 'pause', 'breakpoints'),
    breakpoints: optional(array(number(1, 2 ** 31), 100_000)),
  }),
  'traffic.generate': shape({
    sessionId: id,
    plan: shape({
      rate: optional(number(0.001, 10_000_000, false)),
      durationMs: optional(number(1, 7 * 24 * 3600 * 1000)),
      count: optional(number(1, Number.MAX_SAFE_INTEGER)),
      burst: optional(shape({ size: number(1, 10_000_000), everyMs: number(1, 24 * 3600 * 1000) })),
    }),
    frames: array(shape({ format: oneOf('text', 'json', 'hex', 'base64'), value: text() }), 1000),
    layers: optional(array(shape({ source: text(), values: mapOfText }), 100)),
  }),
  'capture.importPcap': shape({ path: nonEmptyText, tag: text(1024), maxFrameBytes: number(0, Number.MAX_SAFE_INTEGER) }),
  'panel.open': shape({ panelId: nonEmptyText, kind: oneOf('inspector', 'monitor'), visible: boolean }),
  'panel.message': shape({ panelId: nonEmptyText, message: shape({ type: text(64) }) }),
  'panel.visible': shape({ panelId: nonEmptyText, visible: boolean }),
  'panel.close': shape({ panelId: nonEmptyText }),
  'inspector.applyFilter': shape({ panelId: nonEmptyText, filter: anyObject, selectSeq: optional(seq) }),
  'inspector.shown': shape({ panelId: nonEmptyText }),
  'monitor.plot': shape({ panelId: nonEmptyText, spec: shape({ topic: text(), path: text(4096), sessionId: optional(text(256)) }) }),
  cancel: shape({ requestId: number(-(2 ** 53), 2 ** 53) }),
  shutdown: shape({}),
};

/** What is wrong with a request's params, or undefined when they fit the method. */
export function checkParams(method: EngineMethod, params: unknown): string | undefined {
  return PARAMS[method](params, 'params');
}

export function isEngineMethod(method: unknown): method is EngineMethod {
  return typeof method === 'string' && Object.prototype.hasOwnProperty.call(PARAMS, method);
}
