// Security configuration: Z85 keys, validation messages, socket options accepted by the real zeromq,
// PLAIN-in-clear warnings, failure explanations, and the ZAP handler's lifecycle on the real context.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as zmq from 'zeromq';
import { explainAuthFailure, handshakeFailureOf } from '../../src/core/security/authFailure';
import {
  completeSecurity,
  curvePublicKeyFor,
  generateCurveKeyPair,
  parseCurveKey,
  plainOverNetworkWarning,
  securitySocketOptions,
  z85Decode,
  z85Encode,
  type SessionSecurity,
} from '../../src/core/security/security';
import { ZAP_ENDPOINT, registerZapDomain } from '../../src/core/security/zapHandler';
import { ZmqUserError } from '../../src/core/session/zmqErrors';

test('Z85 matches the RFC 32 test vector and round-trips', () => {
  const bytes = Uint8Array.from([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]);
  assert.equal(z85Encode(bytes), 'HelloWorld');
  assert.deepEqual(z85Decode('HelloWorld'), bytes);
  const random = Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 0xff);
  assert.deepEqual(z85Decode(z85Encode(random)), random);
  assert.equal(z85Encode(new Uint8Array([0xff, 0xff, 0xff, 0xff])), '%nSc0');
});

test('Z85 errors say what is wrong and where', () => {
  assert.throws(() => z85Decode('Hello"orld'), /at position 6 is not a Z85 character/);
  assert.throws(() => z85Decode('Hell'), /groups of 5/);
  assert.throws(() => z85Decode('#####'), /exceeds 32 bits/);
  assert.throws(() => z85Encode(new Uint8Array(3)), /multiple of 4/);
});

test('parseCurveKey accepts Z85 and hex, and explains bad keys', () => {
  const pair = generateCurveKeyPair();
  assert.equal(parseCurveKey(`  ${pair.publicKey}\n`, 'The key'), pair.publicKey);
  const hex = Buffer.from(z85Decode(pair.publicKey)).toString('hex');
  assert.equal(parseCurveKey(hex, 'The key'), pair.publicKey);
  assert.throws(
    () => parseCurveKey(pair.publicKey.slice(1), 'The server public key'),
    /The server public key must be 40 Z85 characters \(or 64 hex digits\); it has 39 characters/,
  );
  assert.throws(() => parseCurveKey(Buffer.alloc(32, 7).toString('base64'), 'The key'), /looks like base64/);
  assert.throws(() => parseCurveKey('', 'The server public key'), /The server public key is missing/);
  assert.throws(
    () => parseCurveKey(`${pair.publicKey.slice(0, 10)} ${pair.publicKey.slice(11)}`, 'K'),
    /K is not a valid Z85 key: " " at position 11/,
  );
});

test('the public key derived from a secret key is the one libzmq generates with it, and our own pairs match the same way', () => {
  for (let i = 0; i < 5; i++) {
    const pair = zmq.curveKeyPair();
    assert.equal(curvePublicKeyFor(pair.secretKey), pair.publicKey);
    const ours = generateCurveKeyPair();
    assert.equal(curvePublicKeyFor(ours.secretKey), ours.publicKey);
    assert.notEqual(ours.secretKey, generateCurveKeyPair().secretKey);
  }
});

test('completeSecurity generates, derives and checks CURVE keys', () => {
  const server = generateCurveKeyPair();
  const client = generateCurveKeyPair();
  const generated = completeSecurity({ mechanism: 'curve-client', serverPublicKey: server.publicKey });
  assert.equal(generated.mechanism, 'curve-client');
  if (generated.mechanism !== 'curve-client') return;
  assert.equal(curvePublicKeyFor(generated.secretKey!), generated.publicKey);
  const again = completeSecurity({ mechanism: 'curve-client', serverPublicKey: server.publicKey });
  assert.ok(again.mechanism === 'curve-client' && again.publicKey !== generated.publicKey, 'each client gets its own pair');

  const derived = completeSecurity({ mechanism: 'curve-client', serverPublicKey: server.publicKey, secretKey: client.secretKey });
  assert.deepEqual(derived, {
    mechanism: 'curve-client',
    serverPublicKey: server.publicKey,
    publicKey: client.publicKey,
    secretKey: client.secretKey,
  });
  assert.throws(
    () => completeSecurity({ mechanism: 'curve-client', serverPublicKey: server.publicKey, publicKey: client.publicKey }),
    /needs its secret key too/,
  );
  assert.throws(
    () =>
      completeSecurity({
        mechanism: 'curve-client',
        serverPublicKey: server.publicKey,
        publicKey: server.publicKey,
        secretKey: client.secretKey,
      }),
    (e: unknown) => e instanceof ZmqUserError && e.message.includes('does not belong') && e.message.includes(client.publicKey),
  );
  assert.throws(() => completeSecurity({ mechanism: 'curve-client', serverPublicKey: 'nope' }), /server public key must be 40 Z85/);

  assert.throws(
    () => completeSecurity({ mechanism: 'curve-server', publicKey: client.publicKey, secretKey: server.secretKey }),
    (e: unknown) => e instanceof Error && e.message.includes(`Clients must be given ${server.publicKey}`),
  );
  const hexKey = Buffer.from(z85Decode(client.publicKey)).toString('hex');
  const serverSecurity = completeSecurity({
    mechanism: 'curve-server',
    publicKey: server.publicKey,
    secretKey: server.secretKey,
    allowedClientKeys: [client.publicKey, hexKey],
  });
  assert.deepEqual(serverSecurity, {
    mechanism: 'curve-server',
    publicKey: server.publicKey,
    secretKey: server.secretKey,
    allowedClientKeys: [client.publicKey],
  });
  assert.throws(
    () =>
      completeSecurity({
        mechanism: 'curve-server',
        publicKey: server.publicKey,
        secretKey: server.secretKey,
        allowedClientKeys: ['short'],
      }),
    /Allowed client key #1 must be 40/,
  );
});

test('completeSecurity checks PLAIN user names and passwords as libzmq would', () => {
  assert.throws(() => completeSecurity({ mechanism: 'plain-client', username: 'u', password: '' }), /The PLAIN password is empty/);
  assert.throws(
    () => completeSecurity({ mechanism: 'plain-client', username: 'é'.repeat(128), password: 'p' }),
    /256 bytes long in UTF-8; PLAIN allows at most 255/,
  );
  assert.throws(
    () =>
      completeSecurity({
        mechanism: 'plain-server',
        users: [
          { username: 'a', password: 'x' },
          { username: 'a', password: 'y' },
        ],
      }),
    /"a" is listed twice/,
  );
  assert.deepEqual(completeSecurity({ mechanism: 'plain-server' }), { mechanism: 'plain-server' });
  assert.throws(() => completeSecurity({ mechanism: 'kerberos' } as unknown as SessionSecurity), /Unknown security mechanism "kerberos"/);
});

test('the socket options are accepted by the real zeromq and select the mechanism', () => {
  const server = generateCurveKeyPair();
  const cases: Array<[SessionSecurity, string | null, boolean]> = [
    [{ mechanism: 'null' }, null, false],
    [{ mechanism: 'curve-client', serverPublicKey: server.publicKey }, 'curve', false],
    [{ mechanism: 'curve-server', ...server, allowedClientKeys: [] }, 'curve', true],
    [{ mechanism: 'plain-client', username: 'alice', password: 'secret' }, 'plain', false],
    [{ mechanism: 'plain-server', users: [{ username: 'alice', password: 'secret' }] }, 'plain', true],
  ];
  for (const [security, mechanism, isServer] of cases) {
    const options = securitySocketOptions(security, { zapDomain: 'd1' });
    const socket = new zmq.Dealer({ linger: 0, ...options });
    try {
      assert.equal(socket.securityMechanism, mechanism, security.mechanism);
      if (mechanism === 'curve') assert.equal(socket.curveServer, isServer);
      if (mechanism === 'plain') assert.equal(socket.plainServer, isServer);
      assert.equal(socket.zapDomain ?? '', isServer ? 'd1' : '', `${security.mechanism}: only servers get the ZAP domain`);
    } finally {
      socket.close();
    }
  }
  const client = securitySocketOptions({ mechanism: 'curve-client', serverPublicKey: server.publicKey });
  assert.equal(client.curveServerKey, server.publicKey);
  assert.equal(curvePublicKeyFor(client.curveSecretKey as string), client.curvePublicKey);
});

test('PLAIN beyond loopback warns that the password travels in clear', () => {
  const plain: SessionSecurity = { mechanism: 'plain-client', username: 'u', password: 'p' };
  assert.match(plainOverNetworkWarning('tcp://192.168.1.20:5555', plain) ?? '', /password travels in clear/);
  assert.match(plainOverNetworkWarning('tcp://broker.example.com:5555', plain) ?? '', /in clear/);
  assert.match(plainOverNetworkWarning('tcp://*:5555', { mechanism: 'plain-server' }) ?? '', /every network interface/);
  assert.match(plainOverNetworkWarning('ws://10.0.0.1:80/zmq', plain) ?? '', /in clear/);
  for (const local of [
    'tcp://127.0.0.1:5555',
    'tcp://localhost:5555',
    'tcp://[::1]:5555',
    'ipc:///tmp/x.sock',
    'inproc://x',
    'ws://127.0.0.1:80/zmq',
  ]) {
    assert.equal(plainOverNetworkWarning(local, plain), undefined, local);
  }
  assert.equal(
    plainOverNetworkWarning('tcp://192.168.1.20:5555', { mechanism: 'curve-client', serverPublicKey: generateCurveKeyPair().publicKey }),
    undefined,
  );
});

test('explainAuthFailure maps each measured observation to its cause, by role and mechanism', () => {
  const server = generateCurveKeyPair();
  const curveClient = completeSecurity({ mechanism: 'curve-client', serverPublicKey: server.publicKey });
  const curveServer: SessionSecurity = { mechanism: 'curve-server', ...server };
  const plainClient: SessionSecurity = { mechanism: 'plain-client', username: 'bob', password: 'x' };
  const wrongKey = explainAuthFailure(curveClient, { event: 'handshake:error:other', code: 'EPIPE' });
  assert.equal(wrongKey.kind, 'wrong-server-key');
  assert.ok(wrongKey.text.includes(server.publicKey) && wrongKey.clientRetries);
  const crypto = explainAuthFailure(curveServer, { event: 'handshake:error:protocol', code: 'ERR_ZMTP_CRYPTOGRAPHIC' });
  assert.equal(crypto.kind, 'wrong-server-key');
  assert.ok(crypto.text.includes(`ours is ${server.publicKey}`));
  const refused = explainAuthFailure(curveClient, { event: 'handshake:error:auth', status: 400 });
  assert.equal(refused.kind, 'client-key-refused');
  assert.ok(curveClient.mechanism === 'curve-client' && refused.text.includes(curveClient.publicKey!) && !refused.clientRetries);
  const password = explainAuthFailure(plainClient, { event: 'handshake:error:auth', status: 400 });
  assert.equal(password.kind, 'credentials-refused');
  assert.match(password.text, /PLAIN user "bob"/);
  const mismatch = explainAuthFailure({ mechanism: 'null' }, { event: 'handshake:error:protocol', code: 'ERR_ZMTP_MECHANISM_MISMATCH' });
  assert.equal(mismatch.kind, 'mechanism-mismatch');
  assert.match(mismatch.text, /We use NULL.*requires CURVE or PLAIN/);
  assert.equal(explainAuthFailure(plainClient, { event: 'handshake:error:other', code: 'EPIPE' }).kind, 'no-authenticator');
  assert.equal(
    explainAuthFailure({ mechanism: 'plain-server' }, { event: 'handshake:error:other', code: 'EFAULT' }).kind,
    'no-authenticator',
  );
  assert.equal(explainAuthFailure(curveServer, { event: 'handshake:error:other', code: 'EAGAIN' }).kind, 'handshake-timeout');
  assert.equal(explainAuthFailure({ mechanism: 'null' }, { event: 'handshake:error:auth', status: 400 }, 'client').kind, 'refused');
});

test('failures are read from zeromq.js events as data', () => {
  assert.deepEqual(
    handshakeFailureOf({ type: 'handshake:error:auth', error: Object.assign(new Error('Authentication failure'), { status: 400 }) }),
    { event: 'handshake:error:auth', code: undefined, status: 400 },
  );
  assert.equal(handshakeFailureOf({ type: 'connect' }), undefined);
  assert.deepEqual(
    handshakeFailureOf({ type: 'handshake:error:other', error: Object.assign(new Error('Broken pipe'), { code: 'EPIPE' }) }),
    {
      event: 'handshake:error:other',
      code: 'EPIPE',
      status: undefined,
    },
  );
});

/** Whether a ZAP handler holds the endpoint: libzmq allows one per context, so a rival cannot bind it then. */
async function zapEndpointTaken(): Promise<boolean> {
  const rival = new zmq.Router({ linger: 0 });
  try {
    await rival.bind(ZAP_ENDPOINT);
    await rival.unbind(ZAP_ENDPOINT);
    return false;
  } catch (error) {
    if ((error as { code?: string }).code === 'EADDRINUSE') return true;
    throw error;
  } finally {
    rival.close();
  }
}

/**
 * Whether the endpoint is free within `withinMs`: the handler is closed, not unbound, and libzmq's reaper
 * thread releases an inproc name a moment after the close.
 */
async function zapEndpointReleased(withinMs = 2000): Promise<boolean> {
  const deadline = performance.now() + withinMs;
  while (await zapEndpointTaken()) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

test('the ZAP handler starts with the first domain, refuses a duplicate, and stops after the last', async () => {
  assert.equal(await zapEndpointTaken(), false);
  const a = await registerZapDomain('unit-a', {});
  const b = await registerZapDomain('unit-b', { allowedClientKeys: [] });
  assert.equal(await zapEndpointTaken(), true);
  await assert.rejects(registerZapDomain('unit-a', {}), /"unit-a" is already registered/);
  await assert.rejects(registerZapDomain('unit-b', {}), /"unit-b" is already registered/);
  await a.dispose();
  assert.equal(await zapEndpointTaken(), true, 'one domain left: the handler runs on');
  const again = await registerZapDomain('unit-a', {});
  await again.dispose();
  await b.dispose();
  assert.ok(await zapEndpointReleased(), 'the last domain gone: the handler stopped');
  // Now the endpoint is free: a rival can bind it, and then ours says why it cannot start.
  const rival = new zmq.Router({ linger: 0 });
  await rival.bind(ZAP_ENDPOINT);
  await assert.rejects(
    registerZapDomain('unit-c', {}),
    (e: unknown) => e instanceof ZmqUserError && e.code === 'EADDRINUSE' && /one per context/.test(e.message),
  );
  await rival.unbind(ZAP_ENDPOINT);
  rival.close();
  const c = await registerZapDomain('unit-c', {});
  assert.equal(await zapEndpointTaken(), true);
  await c.dispose();
  assert.ok(await zapEndpointReleased());
});

test('a domain registered right after the last one left gets a running handler', async () => {
  // stop() closes without unbind(), so the inproc name may still be held by the closed handler for a
  // moment: the new start waits for it rather than taking it for a rival's.
  for (let round = 0; round < 5; round++) {
    const first = await registerZapDomain('unit-quick', {});
    await first.dispose();
    const second = await registerZapDomain('unit-quick', { allowedClientKeys: [] });
    assert.equal(await zapEndpointTaken(), true, `round ${round}: the handler runs again`);
    await second.dispose();
  }
  assert.ok(await zapEndpointReleased());
});
