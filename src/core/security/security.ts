// Session security (NULL, CURVE, PLAIN): checks what the user configured, turns it into zeromq socket
// options, and explains handshake failures from what each side really observes (measured, see below).
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { parseEndpoint } from '../session/endpoint';
import { ZmqUserError, loadZeromq } from '../session/zmqErrors';

export interface PlainUser {
  username: string;
  password: string;
}

/** Keys are Z85 text (40 characters); 64 hex digits are accepted too and converted. */
export type SessionSecurity =
  | { mechanism: 'null' }
  /** Without publicKey/secretKey a fresh pair is generated (give its public key to the server's allow-list). */
  | { mechanism: 'curve-client'; serverPublicKey: string; publicKey?: string; secretKey?: string }
  /** Without allowedClientKeys any client that knows our public key gets in (attempts are still recorded). */
  | { mechanism: 'curve-server'; publicKey: string; secretKey: string; allowedClientKeys?: string[] }
  | { mechanism: 'plain-client'; username: string; password: string }
  /** Without users any user name and password is accepted (attempts are still recorded). */
  | { mechanism: 'plain-server'; users?: PlainUser[] };

export interface CurveKeyPair {
  publicKey: string;
  secretKey: string;
}

// ---- Z85 (ZeroMQ RFC 32) ----

export const Z85_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';
const Z85_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < Z85_ALPHABET.length; i++) Z85_VALUE[Z85_ALPHABET.charCodeAt(i)] = i;

/** Encodes bytes (a multiple of 4 long) as Z85 text. */
export function z85Encode(bytes: Uint8Array): string {
  if (bytes.length % 4 !== 0) throw new ZmqUserError(`Z85 encodes groups of 4 bytes; ${bytes.length} bytes is not a multiple of 4.`);
  let text = '';
  for (let i = 0; i < bytes.length; i += 4) {
    let value = ((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0;
    let group = '';
    for (let j = 0; j < 5; j++) {
      group = Z85_ALPHABET[value % 85] + group;
      value = Math.floor(value / 85);
    }
    text += group;
  }
  return text;
}

/** Decodes Z85 text (a multiple of 5 long); throws a ZmqUserError saying what is wrong. */
export function z85Decode(text: string): Uint8Array {
  if (text.length % 5 !== 0)
    throw new ZmqUserError(`Z85 text comes in groups of 5 characters; ${text.length} characters is not a multiple of 5.`);
  const bytes = new Uint8Array((text.length / 5) * 4);
  for (let i = 0; i < text.length; i += 5) {
    let value = 0;
    for (let j = 0; j < 5; j++) {
      const code = text.charCodeAt(i + j);
      const digit = code < 128 ? Z85_VALUE[code] : -1;
      if (digit < 0)
        throw new ZmqUserError(
          `"${text[i + j]}" at position ${i + j + 1} is not a Z85 character (Z85 uses 0-9 a-z A-Z and .-:+=^!/*?&<>()[]{}@%$#).`,
        );
      value = value * 85 + digit;
    }
    if (value > 0xffffffff)
      throw new ZmqUserError(`The characters at positions ${i + 1}-${i + 5} are not valid Z85 (the group exceeds 32 bits).`);
    const at = (i / 5) * 4;
    bytes[at] = value >>> 24;
    bytes[at + 1] = (value >>> 16) & 0xff;
    bytes[at + 2] = (value >>> 8) & 0xff;
    bytes[at + 3] = value & 0xff;
  }
  return bytes;
}

/**
 * Checks a CURVE key as typed or pasted and returns it as 40 Z85 characters. `what` names it in the
 * error, e.g. "The server public key".
 */
export function parseCurveKey(input: string, what: string): string {
  const text = input.trim();
  if (!text)
    throw new ZmqUserError(
      `${what} is missing: paste the 40-character Z85 key (as printed by zmq_curve_keypair, curve_keygen or zmq.curve_keypair()).`,
    );
  if (/^[0-9a-fA-F]{64}$/.test(text)) return z85Encode(Buffer.from(text, 'hex'));
  if (text.length !== 40) {
    const hint = /^[A-Za-z0-9+/]{43}=$/.test(text) ? ' It looks like base64: ZeroMQ keys are written in Z85.' : '';
    throw new ZmqUserError(`${what} must be 40 Z85 characters (or 64 hex digits); it has ${text.length} characters.${hint}`);
  }
  try {
    z85Decode(text);
  } catch (error) {
    throw new ZmqUserError(`${what} is not a valid Z85 key: ${(error as Error).message}`);
  }
  return text;
}

// PKCS#8 prefix of a raw X25519 private key: CURVE's key pairs are X25519 (checked against curveKeyPair()).
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

/** The public key that belongs to a CURVE secret key (both Z85). */
export function curvePublicKeyFor(secretKey: string): string {
  const secret = z85Decode(parseCurveKey(secretKey, 'The secret key'));
  const privateKey = createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, secret]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return z85Encode(spki.subarray(spki.length - 32));
}

/** A fresh CURVE key pair from libzmq (zmq_curve_keypair). */
export function generateCurveKeyPair(): CurveKeyPair {
  return loadZeromq().curveKeyPair();
}

// ---- validation and socket options ----

/**
 * Checks `security` and returns it with every key in Z85 and, for a CURVE client without keys, a
 * freshly generated pair. Throws a ZmqUserError with a message a user can act on.
 */
export function completeSecurity(security: SessionSecurity): SessionSecurity {
  switch (security.mechanism) {
    case 'null':
      return { mechanism: 'null' };
    case 'curve-client': {
      requireCurve();
      const serverPublicKey = parseCurveKey(security.serverPublicKey ?? '', 'The server public key');
      if (!security.secretKey?.trim()) {
        if (security.publicKey?.trim())
          throw new ZmqUserError(
            'A CURVE client key pair needs its secret key too: give both keys, or neither and a fresh pair is generated.',
          );
        return { mechanism: 'curve-client', serverPublicKey, ...generateCurveKeyPair() };
      }
      const secretKey = parseCurveKey(security.secretKey, 'The client secret key');
      const derived = curvePublicKeyFor(secretKey);
      if (security.publicKey?.trim()) {
        const publicKey = parseCurveKey(security.publicKey, 'The client public key');
        if (publicKey !== derived)
          throw new ZmqUserError(
            `The client public key does not belong to the client secret key (whose public key is ${derived}). A mismatched pair makes every handshake fail.`,
          );
      }
      return { mechanism: 'curve-client', serverPublicKey, publicKey: derived, secretKey };
    }
    case 'curve-server': {
      requireCurve();
      const secretKey = parseCurveKey(security.secretKey ?? '', 'The server secret key');
      const derived = curvePublicKeyFor(secretKey);
      if (security.publicKey?.trim() && parseCurveKey(security.publicKey, 'The server public key') !== derived) {
        throw new ZmqUserError(
          `The server public key does not belong to the server secret key (whose public key is ${derived}). Clients must be given ${derived}.`,
        );
      }
      const result: SessionSecurity = { mechanism: 'curve-server', publicKey: derived, secretKey };
      if (security.allowedClientKeys) {
        result.allowedClientKeys = [
          ...new Set(security.allowedClientKeys.map((key, i) => parseCurveKey(key, `Allowed client key #${i + 1}`))),
        ];
      }
      return result;
    }
    case 'plain-client':
      checkPlainText(security.username, 'The PLAIN user name');
      checkPlainText(security.password, 'The PLAIN password');
      return { mechanism: 'plain-client', username: security.username, password: security.password };
    case 'plain-server': {
      if (!security.users) return { mechanism: 'plain-server' };
      const seen = new Set<string>();
      const users = security.users.map((user, i) => {
        checkPlainText(user.username, `The user name of user #${i + 1}`);
        checkPlainText(user.password, `The password of user "${user.username}"`);
        if (seen.has(user.username)) throw new ZmqUserError(`The user "${user.username}" is listed twice.`);
        seen.add(user.username);
        return { username: user.username, password: user.password };
      });
      return { mechanism: 'plain-server', users };
    }
    default:
      throw new ZmqUserError(
        `Unknown security mechanism "${(security as { mechanism: unknown }).mechanism}": use null, curve-client, curve-server, plain-client or plain-server.`,
      );
  }
}

function requireCurve(): void {
  if (!loadZeromq().capability.curve)
    throw new ZmqUserError('This build of libzmq has no CURVE support (zeromq.capability.curve is false).');
}

// libzmq takes 1..255 bytes for each; an empty value is EINVAL (measured with zeromq.js 6.8).
function checkPlainText(value: string | undefined, what: string): void {
  if (typeof value !== 'string' || value.length === 0)
    throw new ZmqUserError(`${what} is empty: PLAIN needs a user name and a password of 1 to 255 bytes.`);
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > 255) throw new ZmqUserError(`${what} is ${bytes} bytes long in UTF-8; PLAIN allows at most 255.`);
}

/** True when the mechanism makes this socket the security server (independent of bind/connect). */
export function isSecurityServer(security: SessionSecurity): boolean {
  return security.mechanism === 'curve-server' || security.mechanism === 'plain-server';
}

/** The ZMTP mechanism name on the wire. */
export function wireMechanism(security: SessionSecurity): 'NULL' | 'CURVE' | 'PLAIN' {
  return security.mechanism === 'null' ? 'NULL' : security.mechanism.startsWith('curve') ? 'CURVE' : 'PLAIN';
}

/**
 * zeromq socket options for `security` (validated and completed first; throws a ZmqUserError).
 * Servers get `zapDomain` when given, so a shared ZAP handler can tell their requests apart.
 */
export function securitySocketOptions(security: SessionSecurity, options: { zapDomain?: string } = {}): Record<string, unknown> {
  const s = completeSecurity(security);
  const zap = options.zapDomain ? { zapDomain: options.zapDomain } : {};
  switch (s.mechanism) {
    case 'null':
      return {};
    case 'curve-client':
      return { curveServerKey: s.serverPublicKey, curvePublicKey: s.publicKey, curveSecretKey: s.secretKey };
    case 'curve-server':
      return { curveServer: true, curvePublicKey: s.publicKey, curveSecretKey: s.secretKey, ...zap };
    case 'plain-client':
      return { plainUsername: s.username, plainPassword: s.password };
    case 'plain-server':
      return { plainServer: true, ...zap };
  }
}

/** A warning when PLAIN runs over TCP beyond this machine: PLAIN sends the password unencrypted. */
export function plainOverNetworkWarning(address: string, security: SessionSecurity): string | undefined {
  if (security.mechanism !== 'plain-client' && security.mechanism !== 'plain-server') return undefined;
  const advice = 'Use CURVE instead, or keep PLAIN on loopback or ipc://, or tunnel it (SSH, VPN).';
  if (/^wss?:\/\//i.test(address.trim())) {
    const host = /^wss?:\/\/(\[[^\]]*\]|[^:/]*)/i.exec(address.trim())?.[1]?.replace(/^\[|\]$/g, '');
    if (isLoopbackHost(host)) return undefined;
    return `PLAIN over ${address}: the password travels in clear. ${advice}`;
  }
  const parsed = parseEndpoint(address, { mode: 'bind' });
  if (!parsed.ok || parsed.endpoint.transport !== 'tcp') return undefined;
  const host = parsed.endpoint.host;
  if (isLoopbackHost(host)) return undefined;
  if (host === '*' || host === '0.0.0.0' || host === '::') {
    return `PLAIN on ${address} listens on every network interface: clients on other machines send their password in clear. ${advice}`;
  }
  return `PLAIN over ${address}: the password travels in clear over the network (PLAIN neither encrypts nor hides it). ${advice}`;
}

function isLoopbackHost(host: string | undefined): boolean {
  return host === 'localhost' || host === '::1' || (host?.startsWith('127.') ?? false);
}
