// Secure sessions against real peers on 127.0.0.1: a pyzmq CURVE server behind pyzmq's own
// ThreadAuthenticator, our CURVE and PLAIN servers behind our ZAP handler with zeromq.js and pyzmq
// clients, and each failure case with what both sides' monitors report.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { CaptureStore } from '../../src/core/capture/captureStore';
import { openSecureSession, type SecureSession } from '../../src/core/security/secureSession';
import { generateCurveKeyPair, type SessionSecurity } from '../../src/core/security/security';
import type { Session, SessionOptions } from '../../src/core/session/session';
import { SessionManager } from '../../src/core/session/sessionManager';
import { registerZapDomain, type AuthAttempt } from '../../src/core/security/zapHandler';
import { delay, startPythonPeer, waitUntil, type PythonPeer } from '../support/peers';

const store = new CaptureStore({ maxMessages: 100_000, maxBytes: 16 * 1024 * 1024 });
const manager = new SessionManager(store);
const peers: PythonPeer[] = [];
after(async () => {
  await manager.dispose();
  for (const p of peers) await p.kill();
});

// Short intervals keep each failure case well under a second.
const FAST = { reconnectInterval: 100, reconnectMaxInterval: 200, socketOptions: { handshakeInterval: 2000 } };

/** Prints the socket's monitor events as "EVENT <side> <name> <value>" (protocol errors by name). */
const PY_MONITOR = `
import threading, zmq.utils.monitor as zmon
PROTO = {getattr(zmq, n): n[len('PROTOCOL_ERROR_'):] for n in dir(zmq) if n.startswith('PROTOCOL_ERROR_')}
def watch(sock, side):
    mon = sock.get_monitor_socket()
    def run():
        while True:
            try:
                m = zmon.recv_monitor_message(mon)
            except zmq.ZMQError:
                return
            name = zmq.Event(m['event']).name
            value = PROTO.get(m['value'], m['value']) if name == 'HANDSHAKE_FAILED_PROTOCOL' else m['value']
            print('EVENT', side, name, value, flush=True)
    threading.Thread(target=run, daemon=True).start()
`;

let nextName = 0;
async function open(options: Omit<SessionOptions, 'name'>, security: SessionSecurity, attempts?: AuthAttempt[]): Promise<SecureSession> {
  return openSecureSession(manager, { name: `sec-${nextName++}`, ...FAST, ...options }, security, {
    onAttempt: attempts ? (a) => attempts.push(a) : undefined,
  });
}

function received(session: Session): string[] {
  return store.filter({ sessionIds: [session.id] }).map((seq) =>
    store
      .get(seq)!
      .frames.map((f) => Buffer.from(f).toString('utf8'))
      .join('|'),
  );
}

/** How often the session's timeline saw `type` (a collapsed line or cycle counts its repeats). */
function count(session: Session, type: string): number {
  return session.monitor
    .timeline()
    .filter((e) => e.type === type || e.cycle?.includes(type))
    .reduce((n, e) => n + (e.repeat ?? 1) * (e.cycle?.filter((t) => t === type).length ?? 1), 0);
}

function securityLines(session: Session): string[] {
  return session.monitor
    .timeline()
    .filter((e) => e.type === 'security')
    .map((e) => e.detail ?? '');
}

async function waitForSecurityLine(session: Session, pattern: RegExp, what: string): Promise<string> {
  await waitUntil(() => securityLines(session).some((l) => pattern.test(l)), what, 5000);
  return securityLines(session).find((l) => pattern.test(l))!;
}

test('a pyzmq CURVE server with ThreadAuthenticator: the allowed key receives, the others are told why not', async () => {
  const allowed = generateCurveKeyPair();
  const denied = generateCurveKeyPair();
  const peer = await startPythonPeer(
    `
import os, tempfile, logging
from zmq.auth.thread import ThreadAuthenticator
${PY_MONITOR}
logging.basicConfig(level=logging.DEBUG, stream=sys.stdout, format='AUTHLOG %(message)s')
ctx = zmq.Context.instance()
auth = ThreadAuthenticator(ctx)
auth.start()
certs = tempfile.mkdtemp()
with open(os.path.join(certs, 'allowed.key'), 'w') as f:
    f.write('metadata\\ncurve\\n    public-key = "%s"\\n' % sys.argv[1])
auth.configure_curve(domain='*', location=certs)
public, secret = zmq.curve_keypair()
pub = ctx.socket(zmq.PUB)
pub.curve_secretkey = secret
pub.curve_publickey = public
pub.curve_server = True
watch(pub, 'server')
pub.bind('tcp://127.0.0.1:20001')
print('READY', public.decode(), flush=True)
n = 0
while True:
    pub.send_multipart([b'ticks', str(n).encode()])
    n += 1
    time.sleep(0.01)
`,
    [allowed.publicKey],
  );
  peers.push(peer);
  const serverPublicKey = (await peer.waitForLine(/^READY /)).split(' ')[1];
  const address = ['tcp://127.0.0.1:20001'];

  const good = await open({ type: 'SUB', mode: 'connect', addresses: address }, { mechanism: 'curve-client', serverPublicKey, ...allowed });
  const refused = await open(
    { type: 'SUB', mode: 'connect', addresses: address },
    { mechanism: 'curve-client', serverPublicKey, ...denied },
  );
  const wrongKey = await open(
    { type: 'SUB', mode: 'connect', addresses: address },
    { mechanism: 'curve-client', serverPublicKey: generateCurveKeyPair().publicKey },
  );
  const plainNull = await open({ type: 'SUB', mode: 'connect', addresses: address }, { mechanism: 'null' });

  await waitUntil(() => received(good.session).length >= 5, 'ticks through CURVE');
  assert.match(received(good.session)[0], /^ticks\|\d+$/);

  const refusal = await waitForSecurityLine(refused.session, /refused our CURVE client key/, 'the refused client is told');
  assert.ok(refusal.includes(denied.publicKey), 'names the key to add to the allow-list');
  assert.match(refused.session.monitor.timeline().find((e) => e.type === 'handshake:error:auth')!.detail!, /\(status 400\)/);

  const wrong = await waitForSecurityLine(wrongKey.session, /hung up during the CURVE handshake/, 'the wrong server key is explained');
  assert.ok(wrong.includes((wrongKey.security as { serverPublicKey: string }).serverPublicKey));
  // Whether this client saw EPIPE or the mismatch first is a race; the probe settles it either way.
  assert.match(
    await waitForSecurityLine(plainNull.session, /greeting/, 'NULL vs CURVE is explained'),
    /The peer is a CURVE server \(seen in its ZMTP greeting\); we use NULL\. Configure the session as a CURVE client/,
  );

  // The table's "client retries" column, checked against libzmq 4.3.4 on the other side: after a
  // refusal or a mechanism mismatch the client gives up; with a wrong server key it keeps trying.
  await delay(800);
  assert.equal(count(refused.session, 'handshake:error:auth'), 1);
  assert.equal(count(refused.session, 'connect:retry'), 0);
  // It keeps trying, but backs off (1 s, then 2 s...) instead of libzmq's immediate retries.
  await waitUntil(() => count(wrongKey.session, 'handshake:error:other') >= 2, 'a wrong server key fails again after its back-off', 8000);
  assert.ok(count(wrongKey.session, 'backoff') >= 1);
  assert.equal(received(refused.session).length + received(wrongKey.session).length + received(plainNull.session).length, 0);

  // What the pyzmq server saw, from its own monitor and its authenticator's log.
  await peer.waitForLine(/^EVENT server HANDSHAKE_FAILED_AUTH 400$/);
  await peer.waitForLine(/^EVENT server HANDSHAKE_FAILED_PROTOCOL ZMTP_CRYPTOGRAPHIC$/);
  // The NULL client: the server sees the mismatch, or (the same race as on the client side) the peer
  // hanging up first, which libzmq reports as a handshake failure without detail.
  await peer.waitForLine(/^EVENT server (HANDSHAKE_FAILED_PROTOCOL ZMTP_MECHANISM_MISMATCH|HANDSHAKE_FAILED_NO_DETAIL \d+)$/);
  assert.ok(
    peer.lines.some((l) => /^AUTHLOG.*DENIED/i.test(l) || /^AUTHLOG.*denied/i.test(l)),
    `authenticator log: ${peer.lines.filter((l) => l.startsWith('AUTHLOG')).join(' / ')}`,
  );
  for (const s of [good, refused, wrongKey, plainNull]) await manager.close(s.session.id);
  await peer.kill();
});

test('our CURVE servers share one ZAP handler, each with its own allow-list, and record every attempt', async () => {
  const keyA = generateCurveKeyPair();
  const keyB = generateCurveKeyPair();
  const attempts1: AuthAttempt[] = [];
  const attempts2: AuthAttempt[] = [];
  const server1 = await open(
    { type: 'ROUTER', mode: 'bind', addresses: ['tcp://127.0.0.1:20010'] },
    { mechanism: 'curve-server', ...generateCurveKeyPair(), allowedClientKeys: [keyA.publicKey] },
    attempts1,
  );
  const server2 = await open(
    { type: 'ROUTER', mode: 'bind', addresses: ['tcp://127.0.0.1:20011'] },
    { mechanism: 'curve-server', ...generateCurveKeyPair(), allowedClientKeys: [keyB.publicKey] },
    attempts2,
  );
  const key1 = (server1.security as { publicKey: string }).publicKey;
  const key2 = (server2.security as { publicKey: string }).publicKey;
  for (const server of [server1, server2]) await assert.rejects(registerZapDomain(server.session.id, {}), /already registered/);

  // A pyzmq DEALER with key A: allowed by server 1, refused by server 2.
  const py = await startPythonPeer(
    `
${PY_MONITOR}
public, secret, key1, key2 = [a.encode() for a in sys.argv[1:5]]
ctx = zmq.Context()
def dealer(server_key, port, side):
    d = ctx.socket(zmq.DEALER)
    d.curve_publickey, d.curve_secretkey, d.curve_serverkey = public, secret, server_key
    d.reconnect_ivl = 100
    watch(d, side)
    d.connect('tcp://127.0.0.1:%d' % port)
    return d
d1 = dealer(key1, 20010, 'to1')
d2 = dealer(key2, 20011, 'to2')
print('READY', flush=True)
n = 0
while True:
    try:
        d1.send(b'py %d' % n, zmq.NOBLOCK)
    except zmq.Again:
        pass
    n += 1
    time.sleep(0.05)
`,
    [keyA.publicKey, keyA.secretKey, key1, key2],
  );
  peers.push(py);
  const jsToServer1 = await open(
    { type: 'DEALER', mode: 'connect', addresses: ['tcp://127.0.0.1:20010'] },
    { mechanism: 'curve-client', serverPublicKey: key1, ...keyA },
  );
  const jsToServer2 = await open(
    { type: 'DEALER', mode: 'connect', addresses: ['tcp://127.0.0.1:20011'] },
    { mechanism: 'curve-client', serverPublicKey: key2, ...keyA },
  );
  const nullClient = await open({ type: 'DEALER', mode: 'connect', addresses: ['tcp://127.0.0.1:20010'] }, { mechanism: 'null' });
  const wrongKey = await open(
    { type: 'DEALER', mode: 'connect', addresses: ['tcp://127.0.0.1:20010'] },
    { mechanism: 'curve-client', serverPublicKey: key2 },
  );
  await jsToServer1.session.send([Buffer.from('js hello')]);

  await waitUntil(
    () => received(server1.session).some((m) => m.endsWith('|js hello')) && received(server1.session).some((m) => /\|py \d+$/.test(m)),
    'server 1 receives from both allowed clients',
  );
  await waitUntil(() => attempts2.length >= 2, 'server 2 records both refusals');
  await py.waitForLine(/^EVENT to2 HANDSHAKE_FAILED_AUTH 400$/);

  for (const a of attempts1)
    assert.deepEqual(
      [a.verdict, a.statusCode, a.clientKey, a.mechanism, a.address, a.domain],
      ['allowed', 200, keyA.publicKey, 'CURVE', '127.0.0.1', server1.session.id],
    );
  assert.ok(attempts1.length >= 2);
  for (const a of attempts2) {
    assert.deepEqual(
      [a.verdict, a.statusCode, a.clientKey, a.reason, a.domain],
      ['denied', 400, keyA.publicKey, 'client key not on the allow-list', server2.session.id],
    );
  }
  assert.ok(
    server2.session.monitor
      .timeline()
      .some((e) => e.type === 'auth' && e.severity === 'warning' && e.detail!.includes(`denied CURVE key ${keyA.publicKey} (400)`)),
  );
  await waitForSecurityLine(
    server2.session,
    /refused a client: its CURVE public key is not on this session's allow-list/,
    'server 2 explains its refusals',
  );
  await waitForSecurityLine(jsToServer2.session, /refused our CURVE client key/, 'the refused zeromq.js client is told');

  // Server side of the other failures: a NULL client, and a client holding another server's key.
  await waitForSecurityLine(server1.session, /uses a server public key other than ours/, 'server 1 explains the undecryptable client');
  assert.ok(securityLines(server1.session).some((l) => l.includes(`ours is ${key1}`)));
  await waitForSecurityLine(
    server1.session,
    /We use CURVE; the peer uses a different security mechanism/,
    'server 1 explains the NULL client',
  );
  await waitForSecurityLine(
    nullClient.session,
    /The peer is a CURVE server \(seen in its ZMTP greeting\); we use NULL/,
    'the NULL client is told',
  );
  await waitForSecurityLine(wrongKey.session, /hung up during the CURVE handshake/, 'the wrong-key client is told');
  assert.ok(
    attempts1.every((a) => a.verdict === 'allowed'),
    'no ZAP request for handshakes that failed before authentication',
  );

  // Allowing the key later does not revive the refused client (libzmq gave up): a new connection gets in.
  server2.updatePolicy!({ allowedClientKeys: [keyB.publicKey, keyA.publicKey] });
  await delay(300);
  assert.equal(received(server2.session).length, 0);
  const retry = await open(
    { type: 'DEALER', mode: 'connect', addresses: ['tcp://127.0.0.1:20011'] },
    { mechanism: 'curve-client', serverPublicKey: key2, ...keyA },
  );
  await retry.session.send([Buffer.from('second try')]);
  await waitUntil(() => received(server2.session).some((m) => m.endsWith('|second try')), 'the reopened client gets in');
  assert.equal(attempts2.at(-1)!.verdict, 'allowed');

  await py.kill();
  for (const s of [retry, jsToServer1, jsToServer2, nullClient, wrongKey, server1, server2]) await manager.close(s.session.id);
  // Registrations run one at a time, after the releases the closes started: both domains are free again.
  for (const server of [server1, server2]) await (await registerZapDomain(server.session.id, {})).dispose();
});

test('our PLAIN server accepts the right password, refuses wrong ones, and never records a password', async () => {
  const attempts: AuthAttempt[] = [];
  const server = await open(
    { type: 'ROUTER', mode: 'bind', addresses: ['tcp://127.0.0.1:20020'] },
    { mechanism: 'plain-server', users: [{ username: 'alice', password: 'pw-good-7731' }] },
    attempts,
  );
  assert.deepEqual(server.warnings, [], 'loopback: no clear-text warning');
  const addresses = ['tcp://127.0.0.1:20020'];
  const good = await open(
    { type: 'DEALER', mode: 'connect', addresses },
    { mechanism: 'plain-client', username: 'alice', password: 'pw-good-7731' },
  );
  const badPassword = await open(
    { type: 'DEALER', mode: 'connect', addresses },
    { mechanism: 'plain-client', username: 'alice', password: 'pw-bad-4410' },
  );
  const unknownUser = await open(
    { type: 'DEALER', mode: 'connect', addresses },
    { mechanism: 'plain-client', username: 'mallory', password: 'pw-bad-9902' },
  );
  const py = await startPythonPeer(`
d = zmq.Context().socket(zmq.DEALER)
d.plain_username, d.plain_password = b'alice', b'pw-good-7731'
d.connect('tcp://127.0.0.1:20020')
d.send(b'py plain hello')
print('READY', flush=True)
time.sleep(30)
`);
  peers.push(py);
  await good.session.send([Buffer.from('js plain hello')]);
  await waitUntil(
    () => ['js plain hello', 'py plain hello'].every((t) => received(server.session).some((m) => m.endsWith(`|${t}`))),
    'both good clients get through',
  );
  await waitForSecurityLine(
    badPassword.session,
    /refused the PLAIN user "alice": wrong password or unknown user/,
    'wrong password explained',
  );
  await waitForSecurityLine(unknownUser.session, /refused the PLAIN user "mallory"/, 'unknown user explained');
  await waitUntil(() => attempts.length >= 4, 'four attempts');

  const byReason = new Map(attempts.map((a) => [a.reason, a]));
  assert.equal(byReason.get('wrong password for user "alice"')?.statusCode, 400);
  assert.equal(byReason.get('no user "mallory"')?.verdict, 'denied');
  const allowed = attempts.filter((a) => a.verdict === 'allowed');
  assert.equal(allowed.length, 2);
  assert.ok(allowed.every((a) => a.statusCode === 200 && a.username === 'alice' && a.mechanism === 'PLAIN' && a.address === '127.0.0.1'));
  const recorded = JSON.stringify([attempts, server.session.monitor.timeline()]);
  assert.ok(!/pw-(good|bad)/.test(recorded), 'passwords stay out of attempts and the timeline');
  await py.kill();
  for (const s of [good, badPassword, unknownUser, server]) await manager.close(s.session.id);
});

test('a PLAIN server on every interface carries the clear-text warning on its timeline', async () => {
  const server = await open({ type: 'ROUTER', mode: 'bind', addresses: ['tcp://*:20030'] }, { mechanism: 'plain-server' });
  assert.equal(server.warnings.length, 1);
  assert.ok(
    server.session.monitor
      .timeline()
      .some((e) => e.type === 'security' && e.severity === 'warning' && /every network interface.*password in clear/.test(e.detail!)),
  );
  await manager.close(server.session.id);
});
