// Reads the `zeromq.endpoints` setting: a value from a settings file is untrusted input, so every entry is
// validated and a bad one is reported by index and field instead of breaking the others.
import { parseEndpoint } from './endpoint';
import { parseSocketType } from './socketTypes';
import type { SocketTypeName } from './types';

export interface EndpointDefinition {
  name: string;
  type: SocketTypeName;
  mode: 'bind' | 'connect';
  address: string;
  subscriptions?: string[];
  decoder?: string;
  autoStart?: boolean;
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
  if (!Array.isArray(raw)) return { endpoints, problems: [{ index: -1, message: 'zeromq.endpoints must be an array of endpoint objects.' }] };
  const names = new Set<string>();
  raw.slice(0, MAX_ENTRIES).forEach((entry: unknown, index) => {
    const problem = (message: string, name?: string) => problems.push({ index, name, message: `zeromq.endpoints[${index}]${name ? ` ("${name}")` : ''}: ${message}` });
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return problem('must be an object with name, type, mode and address.');
    const e = entry as Record<string, unknown>;
    const name = typeof e.name === 'string' ? e.name.trim() : '';
    if (!name || name.length > 200) return problem('needs a "name" (a short text).');
    if (names.has(name)) return problem('another entry already has this name.', name);
    const type = typeof e.type === 'string' ? parseSocketType(e.type) : undefined;
    if (!type) return problem(`"type" must be one of PAIR, PUB, SUB, REQ, REP, DEALER, ROUTER, PULL, PUSH, XPUB, XSUB, STREAM (got ${JSON.stringify(e.type)?.slice(0, 40)}).`, name);
    if (e.mode !== 'bind' && e.mode !== 'connect') return problem('"mode" must be "bind" or "connect".', name);
    if (typeof e.address !== 'string' || e.address.length > MAX_TEXT) return problem('needs an "address" such as tcp://127.0.0.1:5555.', name);
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
    names.add(name);
    endpoints.push({
      name,
      type,
      mode: e.mode,
      address: parsed.endpoint.address,
      ...(subscriptions ? { subscriptions } : {}),
      ...(typeof e.decoder === 'string' ? { decoder: e.decoder } : {}),
      ...(e.autoStart === true ? { autoStart: true } : {}),
    });
  });
  if (raw.length > MAX_ENTRIES) problems.push({ index: MAX_ENTRIES, message: `zeromq.endpoints has ${raw.length} entries; only the first ${MAX_ENTRIES} are read.` });
  return { endpoints, problems };
}
