// Generate Traffic and range replay as the extension runs them, in the engine process with real sockets:
// the generator sends templated messages a pyzmq PULL counts in order, stops on cancel and refuses a bad
// template before sending; a live capture is replayed to a pyzmq SUB at ×2 and ×0.5 of its original timing
// (inter-arrival gaps checked loosely: speed belongs in bench/), and only the messages the inspector's
// filter shows are replayed when a panel is named.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { disposeTestEngines, startTestEngine } from '../support/testEngine';
import { delay, startPythonPeer, waitUntil, type PythonPeer } from '../support/peers';

const PUSH_PORT = 17870;
const CAPTURE_PORT = 17871;
const REPLAY_PORT = 17872;

const peers: PythonPeer[] = [];
after(async () => {
  await disposeTestEngines();
  for (const peer of peers) await peer.kill();
});

async function peer(script: string): Promise<PythonPeer> {
  const started = await startPythonPeer(script);
  peers.push(started);
  return started;
}

test('traffic.generate: templated messages reach a pyzmq PULL in order at about the asked rate, with progress', async () => {
  const client = await startTestEngine();
  await client.call('session.open', {
    spec: { id: 'gen', name: 'load', type: 'PUSH', mode: 'bind', addresses: [`tcp://127.0.0.1:${PUSH_PORT}`] },
  });
  const pull = await peer(`
pull = zmq.Context().socket(zmq.PULL)
pull.connect("tcp://127.0.0.1:${PUSH_PORT}")
print("READY", flush=True)
expected, in_order = 1, True
while expected <= 2000:
    topic, body = pull.recv_multipart()
    in_order = in_order and topic == b"load" and json.loads(body)["seq"] == expected
    expected += 1
print("GOT", expected - 1, in_order, flush=True)
`);
  const progress: string[] = [];
  const report = await client.call(
    'traffic.generate',
    {
      sessionId: 'gen',
      plan: { rate: 4000, count: 2000 },
      frames: [
        { format: 'text', value: 'load' },
        { format: 'json', value: '{"seq": {{$seq}}, "at": {{$timestamp}}}' },
      ],
    },
    { onProgress: ({ message }) => progress.push(message) },
  );
  assert.equal(await pull.waitForLine(/^GOT/, 10_000), 'GOT 2000 True');
  assert.equal(report.sent, 2000);
  assert.equal(report.failed, 0);
  assert.equal(report.targetRate, 4000);
  // 2000 at 4000/s is half a second: a loaded machine may run late, never much early.
  assert.ok(report.achievedRate > 2500 && report.achievedRate < 4400, `achieved ${Math.round(report.achievedRate)}/s`);
  assert.match(report.hwmNote, /PUSH waits at its send high-water mark/);
  assert.ok(
    progress.some((m) => /of 2,000 sent/.test(m)),
    `progress: ${progress.join(' | ')}`,
  );
});

test('traffic.generate: cancel stops the sending; a template that cannot be encoded fails before any send', async () => {
  const client = await startTestEngine();
  await client.call('session.open', {
    spec: { id: 'gen', name: 'load', type: 'PUB', mode: 'bind', addresses: [`tcp://127.0.0.1:${PUSH_PORT + 3}`] },
  });
  const sentOut = () => client.snapshot?.sessions.find((s) => s.id === 'gen')?.counters.messagesOut ?? 0;
  const bad = await client.request('traffic.generate', {
    sessionId: 'gen',
    plan: { count: 10 },
    frames: [{ format: 'json', value: '{"seq": {{$seq}}' }],
  });
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.error.message : '', /frame 1 \(json\)/);
  const abort = new AbortController();
  const running = client.request(
    'traffic.generate',
    { sessionId: 'gen', plan: { rate: 1000 }, frames: [{ format: 'text', value: 'x' }] },
    { signal: abort.signal },
  );
  await waitUntil(() => sentOut() >= 100, 'the endless run to send', 5000);
  abort.abort();
  const outcome = await running;
  assert.equal(outcome.ok ? 'ok' : outcome.error.code, 'ECANCELED');
  await delay(300);
  const afterCancel = sentOut();
  await delay(500);
  assert.equal(sentOut(), afterCancel, 'nothing is sent after the cancel');
});

/** Mean gap between consecutive arrival times (ms). */
const meanGap = (times: number[]) => (times[times.length - 1] - times[0]) / (times.length - 1);

test('capture.replay: a live capture reaches a pyzmq SUB at ×2 and ×0.5 of its timing; a panel replays only what its filter shows', async () => {
  const client = await startTestEngine();
  await client.call('session.open', {
    spec: { id: 'in', name: 'captured', type: 'PULL', mode: 'bind', addresses: [`tcp://127.0.0.1:${CAPTURE_PORT}`] },
  });
  // Ticks 100 ms apart, with noise between them that the inspector's filter leaves out.
  const source = await peer(`
push = zmq.Context().socket(zmq.PUSH)
push.connect("tcp://127.0.0.1:${CAPTURE_PORT}")
print("READY", flush=True)
time.sleep(0.3)
for i in range(6):
    push.send(b"tick %d" % i)
    time.sleep(0.05)
    push.send(b"noise %d" % i)
    time.sleep(0.05)
print("SENT", flush=True)
time.sleep(1)
`);
  await source.waitForLine(/^SENT/, 10_000);
  await waitUntil(() => (client.snapshot?.stats.retained ?? 0) >= 12, '12 captured messages', 5000);
  const { firstSeq, lastSeq } = client.snapshot!.stats;

  await client.call('session.open', {
    spec: { id: 'out', name: 'replayer', type: 'PUB', mode: 'bind', addresses: [`tcp://127.0.0.1:${REPLAY_PORT}`] },
  });
  const sub = await peer(`
sub = zmq.Context().socket(zmq.SUB)
sub.setsockopt(zmq.SUBSCRIBE, b"")
sub.connect("tcp://127.0.0.1:${REPLAY_PORT}")
time.sleep(0.5)
print("READY", flush=True)
while True:
    body = sub.recv()
    print("AT", time.monotonic() * 1000, body.decode(), flush=True)
`);
  await delay(200);
  const arrivals = (from: number) =>
    sub.lines
      .slice(from)
      .filter((l) => l.startsWith('AT '))
      .map((l) => l.split(' '));

  const runs: Array<{ speed: number; panelId?: string; expect: number; gap: [number, number] }> = [
    // All 12 messages are 50 ms apart as captured: ×2 makes it 25 ms.
    { speed: 2, expect: 12, gap: [15, 40] },
    // The filtered ticks are 100 ms apart: ×0.5 makes it 200 ms.
    { speed: 0.5, panelId: 'p1', expect: 6, gap: [170, 260] },
  ];
  await client.call('panel.open', { panelId: 'p1', kind: 'inspector', visible: false });
  await client.call('panel.message', {
    panelId: 'p1',
    message: { type: 'setFilter', requestId: 1, filter: { text: 'tick', sessionId: '', direction: '', topic: '' } } as { type: string },
  });
  for (let tries = 0; (await client.call('inspector.shown', { panelId: 'p1' })).count !== 6; tries++) {
    assert.ok(tries < 100, 'the inspector filter shows the 6 ticks');
    await delay(50);
  }
  for (const run of runs) {
    const from = sub.lines.length;
    const result = await client.call('capture.replay', {
      fromSeq: firstSeq,
      toSeq: lastSeq,
      sessionId: 'out',
      speed: run.speed,
      ...(run.panelId ? { panelId: run.panelId } : {}),
    });
    assert.equal(result.sent, run.expect);
    assert.equal(result.of, run.expect);
    await waitUntil(() => arrivals(from).length >= run.expect, `${run.expect} replayed messages at the SUB`, 5000);
    const got = arrivals(from);
    if (run.panelId)
      assert.deepEqual(
        got.map((g) => `${g[2]} ${g[3]}`),
        [0, 1, 2, 3, 4, 5].map((i) => `tick ${i}`),
      );
    const gap = meanGap(got.map((g) => Number(g[1])));
    assert.ok(gap >= run.gap[0] && gap <= run.gap[1], `×${run.speed}: mean gap ${gap.toFixed(1)} ms, expected ${run.gap.join('–')} ms`);
    // Captured over ~550 ms (all) or ~500 ms (ticks); the replay's own length follows the speed.
    assert.ok(
      Math.abs(result.elapsedMs - result.capturedMs / run.speed) < 150,
      `elapsed ${result.elapsedMs} vs ${result.capturedMs}/${run.speed}`,
    );
  }
});
