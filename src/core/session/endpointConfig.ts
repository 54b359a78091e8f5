// Reads the `zeromq.endpoints` setting: a value from a settings file is untrusted input, so every entry is
// validated and a bad one is reported by index and field instead of breaking the others.
import { parseEndpoint } from './endpoint';
import { parseSocketType } from './socketTypes';
import type { SocketTypeName } from '../types';

/** Security as settings hold it: names of secrets (in VS Code's SecretStorage), never the secrets. */
export interface EndpointSecurity {
  mechanism: 'curve-client' | 'curve-server' | 'plain-client' | 'plain-server';
  /** CURVE client: the server's public key (Z85, 40 characters). */
  serverPublicKey?: string;
  /** CURVE: the name of a key pair made with "Generate CURVE Key Pair" (a client without one gets a fresh pair). */
  keyPair?: string;
  /** CURVE server: public keys of the clients let in (none: anyone with the server key). */
  allowedClientKeys?: string[];
  /** PLAIN client: user name. */
  username?: string;
  /** PLAIN: the name the password(s) are stored under. */
  passwordName?: string;
  /** PLAIN server: user names let in (their passwords in secret storage). */
  users?: string[];
}

export interface EndpointDefinition {
  name: string;
  type: SocketTypeName;
  mode: 'bind' | 'connect';
  address: string;
  subscriptions?: string[];
  decoder?: string;
  autoStart?: boolean;
  security?: EndpointSecurity;
  /** Where messages carry a sequence number, e.g. "u32be@0" or "json:seq": losses are counted from the start. */
  sequence?: string;
  /** Tells publishers apart for sequence tracking: "topic" (frame 0) or a field like "json:pub". */
  sequencePublisher?: string;
}

export interface EndpointConfigProblem {
  index: number;
  name?: string;
  message: string;
}

const MAX_ENTRIES = 500;
const MAX_TEXT = 4096;

export function readEndpointDefinitions(raw: unknown): { endpoints: EndpointDefinition[]; problems: EndpointConfigProblem[] } {
  const endpoints: EndpointDefinition[] = [];
  const problems: EndpointConfigProblem[] = [];
  if (raw === undefined || raw === null) return { endpoints, problems };
  if (!Array.isArray(raw))
    return { endpoints, problems: [{ index: -1, message: 'zeromq.endpoints must be an array of endpoint objects.' }] };
  const names = new Set<string>();
  raw.slice(0, MAX_ENTRIES).forEach((entry: unknown, index) => {
    const problem = (message: string, name?: string) =>
      problems.push({ index, name, message: `zeromq.endpoints[${index}]${name ? ` ("${name}")` : ''}: ${message}` });
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      return problem('must be an object with name, type, mode and address.');
    const e = entry as Record<string, unknown>;
    const name = typeof e.name === 'string' ? e.name.trim() : '';
    if (!name || name.length > 200) return problem('needs a "name" (a short text).');
    if (names.has(name)) return problem('another entry already has this name.', name);
    const type = typeof e.type === 'string' ? parseSocketType(e.type) : undefined;
    if (!type)
      return problem(
        `"type" must be one of PAIR, PUB, SUB, REQ, REP, DEALER, ROUTER, PULL, PUSH, XPUB, XSUB, STREAM (got ${JSON.stringify(e.type)?.slice(0, 40)}).`,
        name,
      );
    if (e.mode !== 'bind' && e.mode !== 'connect') return problem('"mode" must be "bind" or "connect".', name);
    if (typeof e.address !== 'string' || e.address.length > MAX_TEXT)
      return problem('needs an "address" such as tcp://127.0.0.1:5555.', name);
    const parsed = parseEndpoint(e.address, { mode: e.mode });
    if (!parsed.ok) return problem(parsed.error, name);
    let subscriptions: string[] | undefined;
    if (e.subscriptions !== undefined) {
      if (!Array.isArray(e.subscriptions) || !e.subscriptions.every((s) => typeof s === 'string' && s.length <= MAX_TEXT)) {
        return problem('"subscriptions" must be an array of strings.', name);
      }
      subscriptions = e.subscriptions as string[];
    }
    if (e.decoder !== undefined && typeof e.decoder !== 'string') return problem('"decoder" must be a decoder id such as "json".', name);
    if (e.autoStart !== undefined && typeof e.autoStart !== 'boolean') return problem('"autoStart" must be true or false.', name);
    for (const key of ['sequence', 'sequencePublisher'] as const)
      if (e[key] !== undefined && (typeof e[key] !== 'string' || (e[key] as string).length > 200))
        return problem(
          `"${key}" must be a short text such as ${key === 'sequence' ? '"u32be@0" or "json:seq"' : '"topic" or "json:pub"'}.`,
          name,
        );
    let security: EndpointSecurity | undefined;
    if (e.security !== undefined) {
      const read = readSecurity(e.security);
      if (typeof read === 'string') return problem(read, name);
      security = read;
    }
    names.add(name);
    endpoints.push({
      name,
      type,
      mode: e.mode,
      address: parsed.endpoint.address,
      ...(subscriptions ? { subscriptions } : {}),
      ...(typeof e.decoder === 'string' ? { decoder: e.decoder } : {}),
      ...(e.autoStart === true ? { autoStart: true } : {}),
      ...(security ? { security } : {}),
      ...(typeof e.sequence === 'string' ? { sequence: e.sequence } : {}),
      ...(typeof e.sequencePublisher === 'string' ? { sequencePublisher: e.sequencePublisher } : {}),
    });
  });
  if (raw.length > MAX_ENTRIES)
    problems.push({ index: MAX_ENTRIES, message: `zeromq.endpoints has ${raw.length} entries; only the first ${MAX_ENTRIES} are read.` });
  return { endpoints, problems };
}

const MECHANISMS = ['curve-client', 'curve-server', 'plain-client', 'plain-server'] as const;

function readSecurity(raw: unknown): EndpointSecurity | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return '"security" must be an object with a "mechanism".';
  const s = raw as Record<string, unknown>;
  if (!MECHANISMS.includes(s.mechanism as (typeof MECHANISMS)[number]))
    return `"security.mechanism" must be one of ${MECHANISMS.join(', ')}.`;
  const text = (key: string) =>
    s[key] === undefined || (typeof s[key] === 'string' && (s[key] as string).length <= MAX_TEXT)
      ? undefined
      : `"security.${key}" must be a string.`;
  const list = (key: string) =>
    s[key] === undefined || (Array.isArray(s[key]) && (s[key] as unknown[]).every((x) => typeof x === 'string' && x.length <= MAX_TEXT))
      ? undefined
      : `"security.${key}" must be an array of strings.`;
  const error =
    text('serverPublicKey') ?? text('keyPair') ?? text('username') ?? text('passwordName') ?? list('allowedClientKeys') ?? list('users');
  if (error) return error;
  if (s.secretKey !== undefined || s.password !== undefined)
    return 'secrets do not belong in settings: "security" refers to a key pair or password by name (see "ZeroMQ: Generate CURVE Key Pair").';
  if (s.mechanism === 'curve-client' && typeof s.serverPublicKey !== 'string') return 'a CURVE client needs "security.serverPublicKey".';
  if (s.mechanism === 'curve-server' && typeof s.keyPair !== 'string') return 'a CURVE server needs "security.keyPair".';
  if (s.mechanism === 'plain-client' && typeof s.username !== 'string') return 'a PLAIN client needs "security.username".';
  return raw as EndpointSecurity;
}
