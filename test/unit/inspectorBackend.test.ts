// The inspector's host side without VS Code: what the webview gets for each request, and that a
// hidden panel gets no pushes while a visible one gets coalesced summaries only when the store changed.
import assert from 'node:assert/strict';
import { fixedSubSessions } from '../support/fixedSessions';
import { mock, test } from 'node:test';
import { CaptureStore } from '../../src/core/capture/captureStore';
import { createDefaultRegistry } from '../../src/core/decoders';
import { InspectorBackend, SUMMARY_INTERVAL_MS, type InspectorDeps } from '../../src/inspector/inspectorBackend';
import type { DecodeContext } from '../../src/core/types';
import {
  MessageType,
  type FrameDetail,
  type MessageDetail,
  type ResponseMessage,
  type RowWindow,
  type SummaryMessage,
  type ToWebviewMessage,
} from '../../src/shared/inspectorProtocol';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

function setup() {
  const store = new CaptureStore({ maxMessages: 10_000, maxBytes: 64 * 1024 * 1024 });
  const posted: ToWebviewMessage[] = [];
  const clipboard: string[] = [];
  const rules: unknown[] = [];
  const deps: InspectorDeps = {
    store,
    sessions: fixedSubSessions({ s1: 'ticks' }),
    decoders: createDefaultRegistry(),
    getRules: () => rules,
    addRule: async (rule) => {
      rules.push(rule);
    },
    log: () => undefined,
  };
  const backend = new InspectorBackend(deps, {
    post: (m) => posted.push(m),
    writeClipboard: async (t) => {
      clipboard.push(t);
    },
  });
  let nextId = 1;
  async function request<T>(body: Record<string, unknown>): Promise<T> {
    const requestId = nextId++;
    await backend.handle({ ...body, requestId } as never);
    const reply = posted.find((m): m is ResponseMessage => m.type === MessageType.Response && m.requestId === requestId);
    assert.ok(reply, 'every request is answered');
    if (reply.error !== undefined) throw new Error(reply.error);
    return reply.result as T;
  }
  const summaries = () => posted.filter((m): m is SummaryMessage => m.type === MessageType.Summary);
  return { store, backend, posted, clipboard, rules, request, summaries };
}

test('rows come as one window of parallel arrays, with topic summaries, directions and true sizes', async () => {
  const { store, backend, request } = setup();
  for (let i = 0; i < 100; i++)
    store.append('s1', i % 2 ? 'out' : 'in', [utf8('ticks.a'), utf8(JSON.stringify({ i }))], { hasTopic: true });
  const filter = await request<{ filterGeneration: number; matched: number }>({
    type: MessageType.SetFilter,
    filter: { text: '', sessionId: '', direction: '', topic: '' },
  });
  assert.equal(filter.matched, 100);
  const window = await request<RowWindow>({ type: MessageType.GetRows, filterGeneration: filter.filterGeneration, absStart: 10, count: 5 });
  assert.equal(window.seqs.length, 5);
  assert.equal(window.absStart, 10);
  assert.equal(window.directions, [10, 11, 12, 13, 14].map((i) => (i % 2 ? 'o' : 'i')).join(''));
  assert.match(window.summaries[0], /^ticks\.a /);
  assert.deepEqual(window.sessionNames, Array(5).fill('ticks'));
  assert.equal(window.sizes[0], 'ticks.a'.length + JSON.stringify({ i: 10 }).length);
  backend.dispose();
});

test('a filter with bad hex is answered with an error the user can act on', async () => {
  const { backend, request } = setup();
  await assert.rejects(
    request({ type: MessageType.SetFilter, filter: { text: '', sessionId: '', direction: '', topic: 'hex:zz' } }),
    /hex/,
  );
  backend.dispose();
});

test('the selected message: frames decoded, labels, copy as hex and base64, and a rule from "use from now on"', async () => {
  const { store, backend, request, clipboard, rules } = setup();
  const seq = store.append('s1', 'in', [utf8('ticks.a'), utf8('{"price":1.5}')], { hasTopic: true });
  const detail = await request<MessageDetail>({ type: MessageType.GetMessage, seq });
  assert.equal(detail.frames[0].label, 'topic');
  assert.equal(detail.frames[1].decoded.decoderId, 'json');
  assert.ok(detail.frames[1].decoded.tree?.children?.some((c) => c.key === 'price'));
  await request({ type: MessageType.Copy, seq, frameIndex: 1, format: 'hex' });
  await request({ type: MessageType.Copy, seq, frameIndex: 1, format: 'base64' });
  assert.deepEqual(clipboard, [Buffer.from('{"price":1.5}').toString('hex'), Buffer.from('{"price":1.5}').toString('base64')]);
  const added = await request<{ description: string }>({
    type: MessageType.AddRule,
    rule: { decoder: 'hex', session: 'ticks', topicPrefix: 'ticks.a', frameIndex: 1 },
  });
  assert.deepEqual(rules, [{ decoder: 'hex', session: 'ticks', topicPrefix: 'ticks.a', frameIndex: 1 }]);
  assert.match(added.description, /frame 1 of topic "ticks\.a" in ticks/);
  assert.equal(await request({ type: MessageType.GetMessage, seq: seq + 1000 }), null);
  backend.dispose();
});

test('summaries: pushed after Ready, coalesced while the store changes, none while the panel is hidden', async (t) => {
  // Mock timers: the count of summaries depends on ticks of the interval, not on how busy the machine is.
  mock.timers.enable({ apis: ['setInterval'] });
  t.after(() => mock.timers.reset());
  const { store, backend, summaries } = setup();
  await backend.handle({ type: MessageType.Ready });
  assert.equal(summaries().length, 1, 'Ready gets the current summary at once');
  for (let i = 0; i < 500; i++) store.append('s1', 'in', [utf8('t'), utf8(String(i))], { hasTopic: true });
  mock.timers.tick(SUMMARY_INTERVAL_MS);
  assert.equal(summaries().length, 2, '500 appends between two ticks make one summary');
  assert.equal(summaries().at(-1)!.matched, 500);
  mock.timers.tick(SUMMARY_INTERVAL_MS * 3);
  assert.equal(summaries().length, 2, 'nothing changed, nothing sent');
  backend.setVisible(false);
  store.append('s1', 'in', [utf8('t'), utf8('hidden')], { hasTopic: true });
  mock.timers.tick(SUMMARY_INTERVAL_MS * 3);
  assert.equal(summaries().length, 2, 'a hidden panel gets nothing');
  backend.setVisible(true);
  assert.equal(summaries().at(-1)!.matched, 501, 'becoming visible sends the current state');
  backend.dispose();
});

test('a hex: filter on a store holding only oversized messages matches nothing, and the summary timer keeps running', async (t) => {
  mock.timers.enable({ apis: ['setInterval'] });
  const { store, backend, request, summaries } = setup();
  t.after(() => {
    backend.dispose();
    mock.timers.reset();
  });
  store.setLimits({ maxMessages: 1000, maxBytes: 1024 });
  for (let i = 0; i < 5; i++) store.append('s1', 'in', [utf8('t'), new Uint8Array(4096).fill(0x0a)], { hasTopic: true });
  assert.equal(store.stats().retained, 0);
  await backend.handle({ type: MessageType.Ready });
  const filter = await request<{ matched: number }>({
    type: MessageType.SetFilter,
    filter: { text: 'hex:0a0a', sessionId: '', direction: '', topic: '' },
  });
  assert.equal(filter.matched, 0);
  store.append('s1', 'in', [utf8('t'), new Uint8Array(4096)], { hasTopic: true });
  const before = summaries().length;
  // Each tick runs the timer: before the fix each one threw a TypeError out of setInterval.
  mock.timers.tick(SUMMARY_INTERVAL_MS * 4);
  assert.ok(summaries().length > before, 'the timer still sends summaries');
  assert.equal(summaries().at(-1)!.matched, 0);
});

test('a message of a 1 MiB topic and 10,000 frames: the detail holds a first batch, and GetFrames gives the rest a batch at a time', async () => {
  const { store, backend, request } = setup();
  const topic = new Uint8Array(1024 * 1024).fill(0x74);
  const frames = [topic, ...Array.from({ length: 10_000 }, (_, i) => utf8(JSON.stringify({ i })))];
  const seq = store.append('s1', 'in', frames, { hasTopic: true });
  const detail = await request<MessageDetail>({ type: MessageType.GetMessage, seq });
  assert.equal(detail.frameCount, 10_001);
  assert.equal(
    detail.totalBytes,
    frames.reduce((n, f) => n + f.length, 0),
  );
  // The topic frame alone is 1 MiB: the first batch stops after it and one more frame at most.
  assert.ok(detail.frames.length >= 1 && detail.frames.length <= 32, `${detail.frames.length} frames in the first batch`);
  assert.equal(detail.topic, 't'.repeat(1024), 'the topic label is its first KiB');
  const next = await request<FrameDetail[]>({ type: MessageType.GetFrames, seq, start: 1 });
  assert.equal(next.length, 32);
  assert.deepEqual(
    next.map((f) => f.index),
    Array.from({ length: 32 }, (_, i) => i + 1),
  );
  assert.equal(next[0].decoded.decoderId, 'json');
  assert.equal(next[0].decoded.summary, '{"i":0}');
  const last = await request<FrameDetail[]>({ type: MessageType.GetFrames, seq, start: 9990 });
  assert.deepEqual(
    last.map((f) => f.index),
    Array.from({ length: 11 }, (_, i) => i + 9990),
  );
  assert.equal(await request({ type: MessageType.GetFrames, seq: seq + 1, start: 0 }), null);
  backend.dispose();
});

test('row summaries ask the decoders for a summary only, with the topic cut to its first KiB', async () => {
  const { store, backend, request } = setup();
  const contexts: DecodeContext[] = [];
  const registry = createDefaultRegistry();
  const spying = new InspectorBackend(
    {
      store,
      sessions: fixedSubSessions({}),
      decoders: {
        list: () => registry.list(),
        decodeFrame: (frame, context, options) => {
          contexts.push(context);
          return registry.decodeFrame(frame, context, options);
        },
      },
      getRules: () => [],
      addRule: async () => undefined,
      log: () => undefined,
    },
    { post: () => undefined, writeClipboard: async () => undefined },
  );
  store.append('s1', 'in', [new Uint8Array(64 * 1024).fill(0x74), utf8('{"a":1}')], { hasTopic: true });
  await spying.handle({ type: MessageType.GetRows, requestId: 1, filterGeneration: 0, absStart: 0, count: 10 });
  assert.equal(contexts.length, 1);
  assert.equal(contexts[0].purpose, 'summary');
  assert.equal(contexts[0].topic!.length, 1024);
  spying.dispose();
  void request;
  backend.dispose();
});

test('copy without a frame index copies the whole message, one frame per line', async () => {
  const { store, backend, request, clipboard } = setup();
  const seq = store.append('s1', 'in', [utf8('ticks.a'), utf8('{"price":1.5}')], { hasTopic: true });
  await request({ type: MessageType.Copy, seq, format: 'text' });
  await request({ type: MessageType.Copy, seq, format: 'hex' });
  await request({ type: MessageType.Copy, seq, format: 'json' });
  assert.deepEqual(clipboard.slice(0, 2), [
    'ticks.a\n{"price":1.5}',
    `${Buffer.from('ticks.a').toString('hex')}\n${Buffer.from('{"price":1.5}').toString('hex')}`,
  ]);
  assert.deepEqual(JSON.parse(clipboard[2]), ['ticks.a', { price: 1.5 }]);
  backend.dispose();
});
