// Fuzz target for the engine protocol, driven in-process: sequences of malformed, mutated and out-of-order
// messages from the host side (requests before hello, hello twice or in another version, unknown methods,
// params of the wrong shape, duplicate and cancelled ids, replies to nothing). The engine must never
// throw, and every message that carries a request id must get exactly one reply. Templates with side
// effects stay inside the process (inproc endpoints, a probe of a closed port): never a file or a real port.
import fc from 'fast-check';
import { Engine } from '../../src/engine/engine';
import { ENGINE_METHODS, ENGINE_PROTOCOL_VERSION, type EngineToHost } from '../../src/shared/engineProtocol';

const limits = { maxMessages: 1000, maxBytes: 1 << 20, maxFrameBytes: 1024 };
const hello = (version = ENGINE_PROTOCOL_VERSION) => ({
  method: 'hello',
  params: { protocolVersion: version, limits, receiveTimeoutMs: 1000 },
});

/** Well-formed params per method, which the fuzzer mutates; none touches the disk or the network. */
const TEMPLATES: Array<{ method: string; params: Record<string, unknown> }> = [
  hello(),
  { method: 'ping', params: {} },
  { method: 'configure', params: { limits, receiveTimeoutMs: 500, rules: [{ decoder: 'json', session: 'x', frameIndex: 1 }] } },
  { method: 'session.open', params: { spec: { id: 's1', name: 'fuzz', type: 'PAIR', mode: 'bind', addresses: ['inproc://fuzz-engine'] } } },
  // A refused port, not inproc: a zeromq.js socket monitor beside an inproc connect that never finds its
  // binder keeps the process from exiting once the socket is closed.
  {
    method: 'session.open',
    params: { spec: { id: 's2', name: 'fuzz2', type: 'PAIR', mode: 'connect', addresses: ['tcp://127.0.0.1:1'] } },
  },
  { method: 'session.send', params: { id: 's2', frames: [new Uint8Array([1, 2]), new Uint8Array(0)] } },
  { method: 'session.receive', params: { id: 's1', timeoutMs: 50 } },
  { method: 'session.subscribe', params: { id: 's1', prefix: 'a', subscribe: true } },
  { method: 'session.awaitCount', params: { id: 's1', count: 1, idleMs: 20 } },
  { method: 'session.close', params: { id: 's1' } },
  { method: 'capture.records', params: { fromSeq: 0, count: 5 } },
  { method: 'capture.clear', params: {} },
  { method: 'capture.replay', params: { fromSeq: 1, toSeq: 3, sessionId: 's2', speed: 'max' } },
  { method: 'capture.replay', params: { fromSeq: 1, toSeq: 3, sessionId: 's2', speed: 10, panelId: 'p' } },
  { method: 'inspector.shown', params: { panelId: 'p' } },
  { method: 'probe', params: { address: 'tcp://127.0.0.1:1', timeoutMs: 50 } },
  { method: 'panel.open', params: { panelId: 'p', kind: 'inspector', visible: true } },
  { method: 'panel.open', params: { panelId: 'm', kind: 'monitor', visible: true } },
  { method: 'panel.message', params: { panelId: 'm', message: { type: 'ready' } } },
  { method: 'monitor.plot', params: { panelId: 'm', spec: { topic: 'a', path: '$.x' } } },
  { method: 'inspector.applyFilter', params: { panelId: 'p', filter: { topic: 'a' }, selectSeq: 1 } },
  {
    method: 'panel.message',
    params: { panelId: 'p', message: { type: 'getRows', requestId: 1, filterGeneration: 0, absStart: 0, count: 10 } },
  },
  {
    method: 'panel.message',
    params: {
      panelId: 'p',
      message: { type: 'setFilter', requestId: 2, filter: { text: 'hex:zz', sessionId: '', direction: '', topic: '' } },
    },
  },
  { method: 'panel.visible', params: { panelId: 'p', visible: false } },
  { method: 'panel.close', params: { panelId: 'p' } },
  { method: 'cancel', params: { requestId: 3 } },
  { method: 'tap.stop', params: { id: 'tap1' } },
];

const SIDE_EFFECT_FREE_METHODS = ENGINE_METHODS.filter(
  (m) =>
    ![
      'capture.export',
      'capture.import',
      'capture.importPcap',
      'decoders.loadProtos',
      'decoders.register',
      'scenario.run',
      // A plan without count or duration runs until cancelled.
      'traffic.generate',
      'shutdown',
    ].includes(m),
);

/** A template with one field replaced by anything, dropped, or the whole params replaced. */
const mutated = fc
  .tuple(fc.constantFrom(...TEMPLATES), fc.nat(), fc.anything(), fc.constantFrom('replace', 'drop', 'params', 'keep'))
  .map(([template, pick, value, how]) => {
    const params: Record<string, unknown> = structuredClone(template.params);
    const keys = Object.keys(params);
    const key = keys.length ? keys[pick % keys.length] : 'x';
    if (how === 'replace') params[key] = value;
    if (how === 'drop') delete params[key];
    return { method: template.method, params: how === 'params' ? value : params };
  });

const envelope = fc
  .tuple(
    fc.oneof(mutated, fc.record({ method: fc.oneof(fc.constantFrom(...SIDE_EFFECT_FREE_METHODS), fc.string()), params: fc.anything() })),
    fc.oneof(fc.integer({ min: 1, max: 8 }), fc.constant(-1), fc.double(), fc.string()),
    fc.constantFrom('request', 'request', 'request', 'reply', 'events', undefined),
  )
  .map(([body, id, kind]) => ({ kind, id, ...body }));

const message = fc.oneof(
  { weight: 8, arbitrary: envelope },
  { weight: 1, arbitrary: fc.anything() },
  { weight: 1, arbitrary: fc.constantFrom(hello(), hello(ENGINE_PROTOCOL_VERSION + 1)).map((h) => ({ kind: 'request', id: 9, ...h })) },
);

function expectsReply(input: unknown): boolean {
  if (typeof input !== 'object' || input === null) return false;
  const { kind, id } = input as { kind?: unknown; id?: unknown };
  return kind !== 'reply' && typeof id === 'number' && Number.isSafeInteger(id);
}

export const engineProtocolProperty = fc.asyncProperty(fc.boolean(), fc.array(message, { maxLength: 12 }), async (greetFirst, messages) => {
  const sent: EngineToHost[] = [];
  const engine = new Engine((m) => sent.push(m));
  const inputs: unknown[] = greetFirst ? [{ kind: 'request', id: 100, ...hello() }, ...messages] : messages;
  for (const input of inputs) engine.receive(input);
  // Let quick handlers finish, then stop: whatever still runs is answered ECANCELED.
  await new Promise((resolve) => setTimeout(resolve, 5));
  await engine.dispose();
  const expected = inputs.filter(expectsReply).length;
  const replies = sent.filter((m) => m.kind === 'reply').length;
  if (replies !== expected) {
    const ids = sent.filter((m) => m.kind === 'reply').map((m) => (m as { id: number }).id);
    throw new Error(`${expected} messages with a request id got ${replies} replies (ids ${ids.join(', ')})`);
  }
});
