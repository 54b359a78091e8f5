// Environments for scenarios: `.zmq.env.json` beside the scenario files (or in a folder above), shaped
// like REST Client's: `{ "$shared": { "host": "127.0.0.1" }, "ci": { "host": "zmq.ci.internal" } }`.
// The file comes from a repository, so it is validated entry by entry and bounded in size.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const ENVIRONMENT_FILE_NAME = '.zmq.env.json';
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_ENVIRONMENTS = 100;
const MAX_VARIABLES = 1000;
const MAX_VALUE_CHARS = 64 * 1024;
export const SHARED_ENVIRONMENT = '$shared';

export type Environments = Map<string, Map<string, string>>;

/** Reads environments from parsed JSON (a file or a VS Code setting); bad entries are skipped with a problem each. */
export function readEnvironments(raw: unknown, source: string): { environments: Environments; problems: string[] } {
  const environments: Environments = new Map();
  const problems: string[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push(`${source}: expected an object of environments, e.g. { "local": { "host": "127.0.0.1" } }`);
    return { environments, problems };
  }
  for (const [name, values] of Object.entries(raw).slice(0, MAX_ENVIRONMENTS)) {
    if (typeof values !== 'object' || values === null || Array.isArray(values)) {
      problems.push(`${source}: environment "${name.slice(0, 64)}" must be an object of variable names to values`);
      continue;
    }
    const variables = new Map<string, string>();
    for (const [key, value] of Object.entries(values).slice(0, MAX_VARIABLES)) {
      if (!/^[A-Za-z_][\w.-]{0,63}$/.test(key))
        problems.push(`${source}: "${key.slice(0, 64)}" in "${name.slice(0, 64)}" is not a variable name`);
      else if ((typeof value === 'string' && value.length <= MAX_VALUE_CHARS) || typeof value === 'number' || typeof value === 'boolean')
        variables.set(key, String(value));
      else problems.push(`${source}: ${name.slice(0, 64)}.${key} must be a string, number or boolean`);
    }
    environments.set(name, variables);
  }
  if (Object.keys(raw).length > MAX_ENVIRONMENTS) problems.push(`${source}: only the first ${MAX_ENVIRONMENTS} environments are read`);
  return { environments, problems };
}

/** The nearest `.zmq.env.json` in `dir` or a folder above it (at most `levels` up), or undefined. */
export function findEnvironmentFile(dir: string, levels = 8): string | undefined {
  let current = dir;
  for (let i = 0; i <= levels; i++) {
    const candidate = join(current, ENVIRONMENT_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
  return undefined;
}

export function loadEnvironmentFile(path: string): { environments: Environments; problems: string[] } {
  try {
    const size = statSync(path).size;
    if (size > MAX_FILE_BYTES) return { environments: new Map(), problems: [`${path}: larger than ${MAX_FILE_BYTES} bytes, not read`] };
    return readEnvironments(JSON.parse(readFileSync(path, 'utf8')), path);
  } catch (error) {
    return { environments: new Map(), problems: [`${path}: ${(error as Error).message}`] };
  }
}

/**
 * The variable layers for a run, lowest priority first: the shared environment, the file's own @variables
 * (defaults), the selected environment, then explicit overrides (the CLI's --var).
 */
export function variableLayers(
  fileVariables: ReadonlyMap<string, string>,
  environments: Environments,
  selected: string | undefined,
  overrides: ReadonlyMap<string, string> = new Map(),
): { layers: { source: string; values: ReadonlyMap<string, string> }[]; error?: string } {
  const layers: { source: string; values: ReadonlyMap<string, string> }[] = [];
  const shared = environments.get(SHARED_ENVIRONMENT);
  if (shared) layers.push({ source: `the ${SHARED_ENVIRONMENT} environment`, values: shared });
  layers.push({ source: 'this file', values: fileVariables });
  let error: string | undefined;
  if (selected !== undefined) {
    const chosen = environments.get(selected);
    if (chosen) layers.push({ source: `the "${selected}" environment`, values: chosen });
    else {
      const known = [...environments.keys()].filter((k) => k !== SHARED_ENVIRONMENT);
      error = `no environment named "${selected}"${known.length ? ` (known: ${known.join(', ')})` : ` (no ${ENVIRONMENT_FILE_NAME} found)`}`;
    }
  }
  if (overrides.size) layers.push({ source: 'the command line', values: overrides });
  return { layers, error };
}
