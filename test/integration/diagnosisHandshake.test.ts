// Handshake failures as a user meets them, against real pyzmq peers: a SUB with a wrong CURVE server key
// (a reconnect storm, now one timeline line, backed off, with its cause on the session node), and a
// NULL client against a CURVE server, told apart by probing the server's greeting.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { CaptureStore } from '../../src/core/capture/captureStore';
import { openSecureSession } from '../../src/core/security/secureSession';
import { generateCurveKeyPair } from '../../src/core/security/security';
import { SessionManager } from '../../src/core/session/sessionManager';
import { diagnoseSession } from '../../src/core/diagnosis/diagnoseSession';
import { sessionCause } from '../../src/core/diagnosis/sessionCause';
import { delay, startPythonPeer, waitUntil, type PythonPeer } from '../support/peers';

const store = new CaptureStore({ maxMessages: 100_000, maxBytes: 16 * 1024 * 1024 });
const manager = new SessionManager(store);
const peers: PythonPeer[] = [];
after(async () => {
  await manager.dispose();
  for (const p of peers) await p.kill();
});

const CURVE_PUB = `
public, secret = zmq.curve_keypair()
pub = zmq.Context.instance().socket(zmq.PUB)
pub.curve_secretkey = secret
pub.curve_publickey = public
pub.curve_server = True
pub.bind(sys.argv[1])
print('READY', public.decode(), flush=True)
while True:
    pub.send_multipart([b'ticks', b'x'])
    time.sleep(0.01)
`;

test('a SUB with a wrong CURVE server key: the storm is one line with its count, reconnects back off, and the node says why', async (t) => {
  const address = 'tcp://127.0.0.1:24601';
  const peer = await startPythonPeer(CURVE_PUB, [address]);
  peers.push(peer);
  const wrongKey = generateCurveKeyPair().publicKey;
  const security = { mechanism: 'curve-client' as const, serverPublicKey: wrongKey };
  const { session } = await openSecureSession(
    manager,
    { name: 'wrong-key', type: 'SUB', mode: 'connect', addresses: [address] },
    security,
    { probeOnFailure: false },
  );
  await delay(7500);
  const timeline = session.monitor.timeline();
  t.diagnostic(timeline.map((e) => `${e.type} ×${e.repeat ?? 1}`).join(' | '));
  // Before: libzmq retried at once, ten times a second, and 500 lines filled within 10 s.
  assert.ok(timeline.length <= 8, `${timeline.length} lines`);
  const storm = timeline.find((e) => e.cycle?.includes('handshake:error:other'));
  assert.ok(storm, 'the repeating cycle is one line');
  assert.ok(storm.repeat! >= 2);
  assert.ok(storm.firstTime! < storm.time);
  assert.ok(storm.cycle!.includes('backoff'));
  // Backed off 1 s, 2 s, 4 s: four attempts in 7.5 s instead of dozens.
  const failures = timeline.reduce(
    (n, e) => n + (e.type === 'handshake:error:other' ? 1 : e.cycle?.includes('handshake:error:other') ? e.repeat! : 0),
    0,
  );
  assert.ok(failures >= 3 && failures <= 5, `${failures} handshake failures`);
  const backoffs = timeline.filter((e) => e.type === 'backoff' || e.cycle?.includes('backoff'));
  assert.ok(backoffs.length >= 1);
  assert.equal(session.state, 'retrying');

  const cause = sessionCause({
    state: session.state,
    mode: session.mode,
    timeline,
    connectionCount: session.monitor.connectionCount,
    security,
  });
  assert.equal(cause?.text, 'the server hangs up during the CURVE handshake: wrong server public key?');
  assert.match(cause!.since!, /^\d+ times, [\d:.]+ to [\d:.]+$/);
  await manager.close(session.id);
  await peer.kill();
});

test('a CURVE server probed by a NULL client: the checklist names the mismatch from the greeting', async () => {
  const address = 'tcp://127.0.0.1:24602';
  const peer = await startPythonPeer(CURVE_PUB, [address]);
  peers.push(peer);
  const session = await manager.open({ name: 'null-vs-curve', type: 'SUB', mode: 'connect', addresses: [address] });
  await waitUntil(() => session.monitor.timeline().some((e) => e.type.includes('handshake:error')), 'the handshake fails');
  const diagnosis = await diagnoseSession(session, { store, sampleMs: 0 });
  const mismatch = diagnosis.findings.find((f) => f.kind === 'mechanism-mismatch');
  assert.ok(mismatch, diagnosis.findings.map((f) => f.title).join(' / '));
  assert.equal(mismatch.title, `The peer at ${address} uses CURVE; this session uses NULL`);
  assert.match(mismatch.fix!, /CURVE client with the server's public key/);
  const probe = mismatch.evidence.find((e) => e.kind === 'probe');
  assert.equal(probe?.text, `probe ${address}: ZMTP 3.1 greeting, mechanism CURVE`);
  assert.ok(mismatch.evidence.some((e) => e.kind === 'event' && e.type.startsWith('handshake:error')));
  assert.ok(mismatch.numbers!.handshakeFailures >= 1);
  const checks = Object.fromEntries(diagnosis.checks.map((c) => [c.check, c.status]));
  assert.equal(checks['Something is listening at the address'], 'ok');
  assert.equal(checks['Security mechanism and ZMTP version match'], 'problem');
  assert.equal(diagnosis.summary, mismatch.title);
  await manager.close(session.id);
  await peer.kill();
});
