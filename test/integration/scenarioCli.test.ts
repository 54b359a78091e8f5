// The headless CLI (dist/cli.js, as CI runs it) against real pyzmq peers: a passing run exits 0, a wrong
// expectation exits 1 with a JUnit file naming the step, `record` writes a file Import Capture reads, and
// the generator's rate is counted by a pyzmq SUB.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CaptureStore } from '../../src/core/capture/captureStore';
import { importJsonLinesFromStream, importedSessionIds } from '../../src/core/capture/captureJsonl';
import { startPythonPeer, startPythonSocket, type PythonPeer } from '../support/peers';

const CLI = join(__dirname, '../../../dist/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'zmq-scenarios-'));
const peers: PythonPeer[] = [];
after(async () => {
  for (const peer of peers) await peer.kill();
});

function runCli(args: string[], timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the CLI did not finish within ${timeoutMs} ms: ${stdout} ${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A pyzmq REP service: answers {"echo": [frames as text], "n": count} and "pong" to "ping". */
async function startRepService(port: number): Promise<PythonPeer> {
  const peer = await startPythonSocket(
    'REP',
    'bind',
    `tcp://127.0.0.1:${port}`,
    `
n = 0
while True:
    frames = rep.recv_multipart()
    n += 1
    if frames == [b"ping"]:
        rep.send_multipart([b"pong", json.dumps({"n": n}).encode()])
    else:
        rep.send(json.dumps({"echo": [f.decode("utf-8", "replace") for f in frames], "n": n}).encode())
`,
  );
  peers.push(peer);
  return peer;
}

const scenario = (expectedPong: string) => `
# A pyzmq REP service on {{port}}
@port = 17641

endpoint svc REQ connect tcp://127.0.0.1:{{port}}

scenario Ping gets pong
  request svc within 3s
    text ping
    frames == 2
    frame[0] == ${expectedPong}
    frame[1] $.n >= 1
    latency < 2s

scenario Echo returns JSON with the frames
  request svc within 3s
    text hello
    json {"id": "{{$uuid}}", "seq": {{$seq}}}
    $.echo[0] == "hello"
    $.echo[1] matches /"seq":\\d+/
    capture count = $.n
  request svc
    text after {{count}}
    $.echo[0] startsWith after
`;

test('run: a scenario against a pyzmq REP service passes and exits 0', async () => {
  await startRepService(17641);
  writeFileSync(join(dir, 'service.zmq'), scenario('pong'));
  const { code, stdout } = await runCli(['run', 'service.zmq', '--junit', 'out/pass.xml']);
  assert.equal(code, 0, stdout);
  assert.match(stdout, /✓ Ping gets pong/);
  assert.match(stdout, /✓ Echo returns JSON with the frames/);
  assert.match(stdout, /2 scenario\(s\): 2 passed, 0 failed; steps: 3 passed, 0 failed, 0 skipped/);
  const junit = readFileSync(join(dir, 'out/pass.xml'), 'utf8');
  assert.match(junit, /<testsuites name="zeromq-inspector scenarios" tests="3" failures="0"/);
});

test('run: a wrong expectation exits 1 and the JUnit file names the failing step with expected and actual', async () => {
  writeFileSync(join(dir, 'wrong.zmq'), scenario('pang'));
  const { code, stdout } = await runCli(['run', 'wrong.zmq', '--junit', 'out/fail.xml']);
  assert.equal(code, 1, stdout);
  assert.match(stdout, /✗ Ping gets pong/);
  assert.match(stdout, /line 11: frame\[0\] == pang\n\s+expected: pang\n\s+actual:\s+pong/);
  const junit = readFileSync(join(dir, 'out/fail.xml'), 'utf8');
  assert.match(
    junit,
    /<testcase name="line 8: request svc within 3s" classname="wrong.zmq › Ping gets pong"[^>]*line="8">\s*<failure message="frame\[0\] == pang: expected pang, got pong">/,
  );
  assert.match(junit, /FAIL line 11: frame\[0\] == pang\n\s+expected: pang\n\s+actual:\s+pong/);
  // The other scenario still ran and passed.
  assert.match(stdout, /✓ Echo returns JSON with the frames/);
});

test('run: a file with syntax errors runs nothing and exits 2 with line:column', async () => {
  writeFileSync(join(dir, 'broken.zmq'), 'endpoint svc REQ connect tcp://127.0.0.1:17641\nscenario s\n  request svc\n    txt ping\n');
  const { code, stdout } = await runCli(['run', 'broken.zmq']);
  assert.equal(code, 2, stdout);
  assert.match(stdout, /broken.zmq:4:5: error: .*is not something to check/);
});

test('run: --env picks the environment from .zmq.env.json, and an unknown one is an error', async () => {
  writeFileSync(join(dir, '.zmq.env.json'), JSON.stringify({ good: { port: '17641' }, bad: { port: '17649' } }));
  writeFileSync(
    join(dir, 'env.zmq'),
    'endpoint svc REQ connect tcp://127.0.0.1:{{port}}\nscenario s\n  request svc within 1s\n    text ping\n    frame[0] == pong\n',
  );
  assert.equal((await runCli(['run', 'env.zmq', '--env', 'good'])).code, 0);
  const bad = await runCli(['run', 'env.zmq', '--env', 'bad']);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /No reply within 1 s|no reply on svc within/);
  const unknown = await runCli(['run', 'env.zmq', '--env', 'nope']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stdout, /no environment named "nope" \(known: good, bad\)/);
});

test('record: a pyzmq PUB recorded to JSON Lines is read back by Import Capture', async () => {
  const pub = await startPythonSocket(
    'PUB',
    'bind',
    'tcp://127.0.0.1:17642',
    `
n = 0
while True:
    n += 1
    pub.send_multipart([b"weather.paris", json.dumps({"n": n}).encode(), b"\\x00\\xff"])
    pub.send_multipart([b"sports", b"x"])
    time.sleep(0.005)
`,
  );
  peers.push(pub);
  const { code, stderr } = await runCli([
    'record',
    'tcp://127.0.0.1:17642',
    '--subscribe',
    'weather.',
    '--count',
    '50',
    '--seconds',
    '20',
    '-o',
    'weather.jsonl',
  ]);
  assert.equal(code, 0, stderr);
  assert.match(stderr, /recorded 50 message\(s\)/);
  // What the extension's Import Capture does with a file: stream it in, one imported session per file session.
  const store = new CaptureStore({ maxMessages: 10_000, maxBytes: 1 << 24 });
  const adopted: string[] = [];
  const result = await importJsonLinesFromStream(createReadStream(join(dir, 'weather.jsonl')), store, {
    tag: 'weather.jsonl',
    sessionIdFor: importedSessionIds((name, type) => {
      adopted.push(`${name} ${type}`);
      return `i${adopted.length}`;
    }),
  });
  assert.deepEqual(result.errors, []);
  assert.equal(result.imported, 50);
  assert.deepEqual(adopted, ['record SUB (imported) SUB']);
  const records = store.filter({}).map((seq) => store.get(seq)!);
  assert.ok(records.every((r) => Buffer.from(r.frames[0]).toString() === 'weather.paris' && r.hasTopic && r.frames.length === 3));
  assert.deepEqual([...records[0].frames[2]], [0x00, 0xff]);
  const ns = records.map((r) => JSON.parse(Buffer.from(r.frames[1]).toString()).n as number);
  assert.ok(
    ns.every((n, i) => i === 0 || n === ns[i - 1] + 1),
    'consecutive messages, none lost or reordered',
  );
  assert.ok(
    records.every((r, i) => i === 0 || r.timeNs >= records[i - 1].timeNs),
    'times never go backwards',
  );
});

test('generate: 10,000 msg/s for 5 s, counted by a pyzmq SUB, within 5 %', async () => {
  const sub = await startPythonPeer(`
ctx = zmq.Context()
sub = ctx.socket(zmq.SUB)
sub.setsockopt(zmq.RCVHWM, 0)
sub.setsockopt(zmq.SUBSCRIBE, b"")
sub.connect("tcp://127.0.0.1:17643")
print("READY", flush=True)
count = 0
first = last = None
seqs_ok = True
prev = 0
while True:
    if not sub.poll(3000):
        if count:
            break
        continue
    frames = sub.recv_multipart()
    now = time.monotonic()
    first = first or now
    last = now
    count += 1
    seq = json.loads(frames[1])["seq"]
    seqs_ok = seqs_ok and seq == prev + 1
    prev = seq
print("COUNT %d %.4f %s" % (count, last - first, seqs_ok), flush=True)
`);
  peers.push(sub);
  writeFileSync(
    join(dir, 'load.zmq'),
    [
      'endpoint load PUB bind tcp://127.0.0.1:17643',
      '  sndhwm 0',
      'scenario Load',
      // The SUB connects on its own schedule: wait until it did, then give its subscription time to arrive.
      '  wait for load within 10s',
      '  wait 300ms',
      '  generate load rate 10000/s for 5s',
      '    text orders',
      '    json {"seq": {{$seq}}, "at": {{$timestamp}}}',
      '',
    ].join('\n'),
  );
  const { code, stdout } = await runCli(['run', 'load.zmq']);
  assert.equal(code, 0, stdout);
  const line = await sub.waitForLine(/^COUNT/, 20_000);
  const [, countText, secondsText, seqsOk] = line.split(' ');
  const count = Number(countText);
  const seconds = Number(secondsText);
  console.log(
    `generator: ${count} messages counted by the pyzmq SUB over ${seconds.toFixed(3)} s ` +
      `(${Math.round(count / seconds)}/s); CLI: ${/sent \d+ in [^;]+/.exec(stdout)?.[0]}`,
  );
  assert.equal(seqsOk, 'True', 'every message arrived, in order');
  assert.ok(Math.abs(count - 50_000) <= 2500, `${count} messages in 5 s is not 10,000/s within 5 %`);
  assert.ok(Math.abs(count / seconds - 10_000) <= 500, `${Math.round(count / seconds)}/s is not 10,000/s within 5 %`);
});

test('replay: a JSON Lines capture is played to a pyzmq PULL at twice its speed, then as fast as possible', async () => {
  const pull = await startPythonSocket(
    'PULL',
    'bind',
    'tcp://127.0.0.1:17644',
    `
while True:
    if not pull.poll(4000):
        break
    frames = pull.recv_multipart()
    print("GOT %.4f %s" % (time.monotonic(), frames[-1].decode()), flush=True)
`,
  );
  peers.push(pull);
  // 20 messages 50 ms apart (0.95 s of capture), from a session "orders"; one line of another session, one bad line.
  const start = 1_796_000_000_000_000_000n;
  const lines = Array.from({ length: 20 }, (_, i) =>
    JSON.stringify({
      seq: i + 1,
      timeNs: String(start + BigInt(i) * 50_000_000n),
      session: 's1',
      sessionName: 'orders',
      socketType: 'PUSH',
      direction: 'out',
      frames: [Buffer.from(`order ${i + 1}`).toString('base64')],
      frameSizes: [`order ${i + 1}`.length],
    }),
  );
  lines.push(
    JSON.stringify({ session: 's2', sessionName: 'other', direction: 'out', frames: [Buffer.from('not me').toString('base64')] }),
    'not json',
  );
  writeFileSync(join(dir, 'orders.jsonl'), lines.join('\n') + '\n');
  writeFileSync(
    join(dir, 'replay.zmq'),
    [
      'endpoint out PUSH connect tcp://127.0.0.1:17644',
      'scenario Replay',
      '  wait for out within 5s',
      '  replay out orders.jsonl speed 2x session orders',
      '  replay out orders.jsonl speed max session orders',
      '',
    ].join('\n'),
  );
  const { code, stdout } = await runCli(['run', 'replay.zmq']);
  assert.equal(code, 0, stdout);
  assert.match(stdout, /replayed 20 of 20 in [\d.]+ ms \(captured over 950 ms\); 1 bad line\(s\) skipped/);
  await pull.waitForLine(/order 20$/, 10_000);
  const deadline = Date.now() + 10_000;
  while (pull.lines.filter((l) => l.startsWith('GOT')).length < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const got = pull.lines
    .filter((l) => l.startsWith('GOT'))
    .map((l) => ({ at: Number(l.split(' ')[1]), text: l.split(' ').slice(2).join(' ') }));
  assert.deepEqual(
    got.map((g) => g.text),
    [...Array.from({ length: 20 }, (_, i) => `order ${i + 1}`), ...Array.from({ length: 20 }, (_, i) => `order ${i + 1}`)],
  );
  const scaled = got[19].at - got[0].at;
  const fast = got[39].at - got[20].at;
  console.log(`replay: 0.95 s of capture took ${scaled.toFixed(3)} s at 2x and ${fast.toFixed(3)} s at max`);
  assert.ok(scaled > 0.4 && scaled < 0.65, `2x of 0.95 s took ${scaled} s`);
  assert.ok(fast < 0.2, `max speed took ${fast} s`);
});
