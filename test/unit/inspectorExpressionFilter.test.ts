// The inspector's field expressions end to end on the host side: a SetFilter with an expression and
// presets, the list filled by the incremental scan (and kept up as messages arrive), errors answered
// in words, and presets on by default until the webview names its own.
import assert from 'node:assert/strict';
import { fixedSubSessions } from '../support/fixedSessions';
import { test } from 'node:test';
import { CaptureStore } from '../../src/core/capture/captureStore';
import { createDefaultRegistry } from '../../src/core/decoders';
import { InspectorBackend } from '../../src/inspector/inspectorBackend';
import {
  MessageType,
  type FilterSpec,
  type ResponseMessage,
  type RowWindow,
  type ToWebviewMessage,
} from '../../src/shared/inspectorProtocol';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

function setup() {
  const store = new CaptureStore({ maxMessages: 100_000, maxBytes: 64 * 1024 * 1024 });
  const posted: ToWebviewMessage[] = [];
  const backend = new InspectorBackend(
    {
      store,
      sessions: fixedSubSessions({ s1: 'feed' }),
      decoders: createDefaultRegistry(),
      getRules: () => [],
      addRule: async () => undefined,
      log: () => undefined,
      getFilterPresets: () => [{ name: 'Hide heartbeats', expression: '!(topic ~= "heartbeat")', enabled: true }],
    },
    { post: (m) => posted.push(m), writeClipboard: async () => undefined },
  );
  let nextId = 1;
  async function request<T>(body: Record<string, unknown>): Promise<T> {
    const requestId = nextId++;
    await backend.handle({ ...body, requestId } as never);
    const reply = posted.find((m): m is ResponseMessage => m.type === MessageType.Response && m.requestId === requestId)!;
    if (reply.error !== undefined) throw new Error(reply.error);
    return reply.result as T;
  }
  const filter = (extra: Partial<FilterSpec>): FilterSpec => ({ text: '', sessionId: '', direction: '', topic: '', ...extra });
  const seqs = async (generation: number) =>
    (await request<RowWindow>({ type: MessageType.GetRows, filterGeneration: generation, absStart: 0, count: 2000 })).seqs;
  return { store, backend, request, filter, seqs };
}

function tick(store: CaptureStore, topic: string, price: number): number {
  return store.append('s1', 'in', [utf8(topic), utf8(JSON.stringify({ price }))], { hasTopic: true });
}

test('an expression narrows the list, filled slice by slice, and follows new messages', async () => {
  const { store, backend, request, filter, seqs } = setup();
  const expensive: number[] = [];
  for (let i = 0; i < 30_000; i++) {
    const seq = tick(store, i % 3 ? 'ticks.EUR' : 'news', 90 + (i % 20));
    if (i % 3 && 90 + (i % 20) > 105) expensive.push(seq);
  }
  const result = await request<{ filterGeneration: number; matched: number }>({
    type: MessageType.SetFilter,
    filter: filter({ expression: 'topic ^= "ticks." && $.price > 105' }),
  });
  assert.ok(result.matched < expensive.length, 'answered at once, before the scan is done');
  for (let i = 0; i < 100 && (await seqs(result.filterGeneration)).length < Math.min(2000, expensive.length); i++) await settle();
  assert.deepEqual(await seqs(result.filterGeneration), expensive.slice(0, 2000));
  const late = tick(store, 'ticks.GBP', 200);
  tick(store, 'ticks.GBP', 1);
  await backend.handle({ type: MessageType.Ready });
  let followed: number[] = [];
  for (let i = 0; i < 100 && !followed.length; i++) {
    const window = await request<RowWindow>({
      type: MessageType.GetRows,
      filterGeneration: result.filterGeneration,
      absStart: expensive.length,
      count: 10,
    });
    followed = window.seqs;
    if (!followed.length) await settle();
  }
  assert.deepEqual(followed, [late], 'new messages are tested as they come');
  backend.dispose();
});

test('the preset on by default hides heartbeats until the webview switches it off', async () => {
  const { store, backend, request, filter, seqs } = setup();
  tick(store, 'heartbeat', 0);
  const keep = tick(store, 'ticks.EUR', 1);
  const on = await request<{ filterGeneration: number }>({ type: MessageType.SetFilter, filter: filter({}) });
  await settle();
  assert.deepEqual(await seqs(on.filterGeneration), [keep]);
  const off = await request<{ filterGeneration: number }>({ type: MessageType.SetFilter, filter: filter({ presets: [] }) });
  await settle();
  assert.deepEqual(await seqs(off.filterGeneration), [1, 2]);
  backend.dispose();
});

test('a broken expression is answered with what is wrong and where', async () => {
  const { backend, request, filter } = setup();
  await assert.rejects(
    request({ type: MessageType.SetFilter, filter: filter({ expression: '$.price >> 3' }) }),
    /^Error: Expression: .*at character \d+/,
  );
  await assert.rejects(request({ type: MessageType.SetFilter, filter: filter({ expression: 'prise > 3' }) }), /Unknown field "prise"/);
  backend.dispose();
});

test('the topic tree counts what the capture holds, and "compare with previous" diffs two ticks of a topic', async () => {
  const { store, backend, request } = setup();
  tick(store, 'ticks.EUR', 1.08);
  tick(store, 'ticks.GBP', 1.25);
  const last = tick(store, 'ticks.EUR', 1.09);
  const tree = await request<{
    separator: string;
    complete: boolean;
    root: { count: number; children: { name: string; count: number; children: { name: string; lastValue?: string }[] }[] };
  }>({
    type: MessageType.GetTopicTree,
  });
  assert.equal(tree.separator, '.');
  assert.equal(tree.complete, true);
  assert.equal(tree.root.count, 3);
  const ticks = tree.root.children.find((c) => c.name === 'ticks')!;
  assert.deepEqual(
    ticks.children.map((c) => c.name),
    ['EUR', 'GBP'],
  );
  assert.match(ticks.children[0].lastValue!, /1\.09/);
  const diff = await request<{ leftSeq: number; rightSeq: number; frames: { same: boolean; fields?: unknown[] }[] }>({
    type: MessageType.Diff,
    seq: last,
  });
  assert.equal(diff.leftSeq, 1, 'the previous EUR tick, not the GBP one');
  assert.equal(diff.rightSeq, last);
  assert.equal(diff.frames[0].same, true);
  assert.deepEqual(diff.frames[1].fields, [{ op: 'changed', path: '$.price', before: '1.08', after: '1.09' }]);
  assert.equal(await request({ type: MessageType.Diff, seq: 1 }), null, 'nothing before the first');
  backend.dispose();
});
