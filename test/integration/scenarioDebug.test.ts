// Debugging a scenario through the engine, as the inline debug adapter does: a run with `debug` pauses at a
// breakpoint line with `paused` events carrying the variables, the value captured from a pyzmq REP's reply
// and that reply's frames; `scenario.debug next` pauses at the next step, `continue` runs to the end, and a
// cancel while paused ends the run at once.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { parseScenarioFile } from '../../src/core/scenario/scenarioParser';
import type { EngineClient } from '../../src/engine/engineClient';
import { disposeTestEngines, startTestEngine } from '../support/testEngine';
import type { ScenarioRunEvent } from '../../src/shared/engineProtocol';
import { delay, startPythonPeer, type PythonPeer } from '../support/peers';

const REP_PORT = 17875;

const peers: PythonPeer[] = [];
after(async () => {
  await disposeTestEngines();
  for (const peer of peers) await peer.kill();
});

const FILE = `@port = ${REP_PORT}
endpoint svc REQ connect tcp://127.0.0.1:{{port}}

scenario Echo with a capture
  request svc within 3s
    text hello
    capture count = $.n
  request svc within 3s
    text after {{count}}
    $.echo[0] startsWith after
  wait 1ms
`;
const SECOND_REQUEST_LINE = 8;
const WAIT_LINE = 11;

let rep: Promise<PythonPeer> | undefined;

async function setup(): Promise<EngineClient> {
  rep ??= startPythonPeer(`
rep = zmq.Context().socket(zmq.REP)
rep.bind("tcp://127.0.0.1:${REP_PORT}")
print("READY", flush=True)
n = 0
while True:
    frames = rep.recv_multipart()
    n += 1
    rep.send(json.dumps({"echo": [f.decode() for f in frames], "n": n}).encode())
`).then((peer) => {
    peers.push(peer);
    return peer;
  });
  await rep;
  return startTestEngine(10_000);
}

function runParams(debugId: string) {
  const file = parseScenarioFile(FILE);
  assert.deepEqual(file.problems, []);
  return {
    file,
    scenarioName: 'Echo with a capture',
    baseDir: '.',
    layers: [{ source: 'the file', values: new Map(file.variables.map((v) => [v.name, v.value])) }],
    defaultTimeoutMs: 3000,
    tag: 'scenario: debug',
    sessionKey: 'debug-test',
    fileName: 'debug.zmq',
    debug: { id: debugId, breakpoints: [SECOND_REQUEST_LINE] },
  };
}

test('a debug run pauses at a breakpoint with captures and the last reply, steps to the next step, and continues', async () => {
  const client = await setup();
  const paused: Array<Extract<ScenarioRunEvent, { kind: 'paused' }>> = [];
  const result = await client.call('scenario.run', runParams('d1'), {
    onEvent: (event) => {
      if (event.kind !== 'paused') return;
      paused.push(event);
      void client.call('scenario.debug', { id: 'd1', action: paused.length === 1 ? 'next' : 'continue' });
    },
  });
  assert.equal(result.status, 'passed', JSON.stringify(result.steps.map((s) => s.message)));
  assert.deepEqual(
    paused.map((p) => `${p.step.line} ${p.reason}`),
    [`${SECOND_REQUEST_LINE} breakpoint`, `${WAIT_LINE} step`],
  );
  const first = paused[0].state;
  assert.deepEqual(first.variables, [{ name: 'port', value: String(REP_PORT), source: 'the file' }]);
  assert.deepEqual(first.captured, [{ name: 'count', value: '1', source: 'captured' }]);
  assert.equal(first.lastReceived?.endpoint, 'svc');
  assert.deepEqual(JSON.parse(first.lastReceived!.frames[0].value), { echo: ['hello'], n: 1 });
  // At the next pause the last reply is the second one.
  assert.deepEqual(JSON.parse(paused[1].state.lastReceived!.frames[0].value), { echo: ['after 1'], n: 2 });
  assert.deepEqual(await client.call('scenario.debug', { id: 'd1', action: 'continue' }), { running: false });
});

test('a debug run cancelled while paused ends at once and does not pass', async () => {
  const client = await setup();
  const abort = new AbortController();
  const started = performance.now();
  const outcome = await client.request('scenario.run', runParams('d2'), {
    signal: abort.signal,
    onEvent: (event) => {
      if (event.kind === 'paused') abort.abort();
    },
  });
  assert.equal(outcome.ok ? 'ok' : outcome.error.code, 'ECANCELED');
  assert.ok(performance.now() - started < 5000);
  // The engine forgets the run once its sockets are closed.
  for (let tries = 0; (await client.call('scenario.debug', { id: 'd2', action: 'continue' })).running; tries++) {
    assert.ok(tries < 50, 'the engine forgets the cancelled run');
    await delay(50);
  }
});
