// `zeromq-inspector run`: parses each scenario file, refuses files with errors (exit 2), runs every
// scenario with real sockets, prints the report, writes JUnit XML, and exits 0 only when all passed.
import { readdirSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { checkScenarioFile } from '../core/scenario/scenarioCheck';
import { findEnvironmentFile, loadEnvironmentFile, variableLayers, type Environments } from '../core/scenario/scenarioEnvironments';
import { junitXml, type FileResults } from '../core/scenario/junitReport';
import { parseScenarioFile } from '../core/scenario/scenarioParser';
import { runScenario } from '../core/scenario/scenarioRunner';
import { MAX_SOURCE_CHARS } from '../core/scenario/scenarioLines';
import { ConsoleReporter, type Output } from './consoleReporter';
import { resolveSecurityFromEnvironment } from './cliSecurity';

export interface RunCommandOptions {
  env?: string;
  envFile?: string;
  var?: string[];
  junit?: string;
  timeout?: number;
  scenario?: string;
  color: boolean;
  signal?: AbortSignal;
}

/** Files given, with folders expanded to the .zmq files inside them (node_modules and dot folders skipped). */
export function expandScenarioPaths(paths: string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 16) return;
    for (const name of readdirSync(dir).sort()) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const path = join(dir, name);
      const stats = statSync(path);
      if (stats.isDirectory()) walk(path, depth + 1);
      else if (name.endsWith('.zmq')) files.push(path);
    }
  };
  for (const path of paths) {
    try {
      if (statSync(path).isDirectory()) walk(path, 0);
      else files.push(path);
    } catch {
      missing.push(path);
    }
  }
  return { files, missing };
}

export function parseVarOptions(values: string[] = []): Map<string, string> | string {
  const vars = new Map<string, string>();
  for (const value of values) {
    const eq = value.indexOf('=');
    const name = value.slice(0, eq);
    if (eq <= 0 || !/^[A-Za-z_][\w.-]{0,63}$/.test(name)) return `--var takes name=value, got "${value}"`;
    vars.set(name, value.slice(eq + 1));
  }
  return vars;
}

export async function runCommand(paths: string[], options: RunCommandOptions, out: Output): Promise<number> {
  const started = performance.now();
  const reporter = new ConsoleReporter(out, options.color);
  const overrides = parseVarOptions(options.var);
  if (typeof overrides === 'string') {
    out.write(`${overrides}\n`);
    return 2;
  }
  const { files, missing } = expandScenarioPaths(paths);
  for (const path of missing) reporter.fileError(path, 'no such file or folder');
  if (!files.length && !missing.length) reporter.fileError(paths.join(' '), 'no .zmq file found');
  const fileResults: FileResults[] = missing.map((path) => ({ path, results: [], fileError: 'no such file or folder' }));
  for (const path of files) {
    if (options.signal?.aborted) break;
    const shown = relative(process.cwd(), path) || path;
    reporter.file(shown);
    const fileResult: FileResults = { path: shown, results: [] };
    fileResults.push(fileResult);
    const fail = (message: string) => {
      fileResult.fileError = message;
      reporter.fileError(shown, message);
    };
    let source: string;
    try {
      if (statSync(path).size > MAX_SOURCE_CHARS * 4) {
        fail(`larger than ${MAX_SOURCE_CHARS * 4} bytes: not a scenario file`);
        continue;
      }
      source = await readFile(path, 'utf8');
    } catch (error) {
      fail((error as Error).message);
      continue;
    }
    const file = parseScenarioFile(source);
    const envPath = options.envFile ?? findEnvironmentFile(dirname(path));
    let environments: Environments = new Map();
    if (envPath) {
      const loaded = loadEnvironmentFile(envPath);
      environments = loaded.environments;
      for (const p of loaded.problems) out.write(`  warning: ${p}\n`);
    }
    const { layers, error: envError } = variableLayers(
      new Map(file.variables.map((v) => [v.name, v.value])),
      environments,
      options.env,
      overrides,
    );
    const knownNames = new Set([...environments.values()].flatMap((vars) => [...vars.keys()]).concat([...overrides.keys()]));
    const problems = [...file.problems, ...checkScenarioFile(file, { knownNames })].sort((a, b) => a.line - b.line || a.column - b.column);
    reporter.problems(shown, problems);
    const errors = problems.filter((p) => p.severity === 'error');
    if (errors.length) {
      fail(`${errors.length} error(s) in the file (first: line ${errors[0].line}:${errors[0].column}: ${errors[0].message}); nothing run`);
      continue;
    }
    if (envError) {
      fail(envError);
      continue;
    }
    const scenarios = file.scenarios.filter((s) => !options.scenario || s.name.toLowerCase().includes(options.scenario.toLowerCase()));
    for (const scenario of scenarios) {
      if (options.signal?.aborted) break;
      const result = await runScenario(file, scenario, {
        baseDir: dirname(path),
        layers,
        defaultTimeoutMs: options.timeout,
        resolveSecurity: resolveSecurityFromEnvironment,
        signal: options.signal,
      });
      fileResult.results.push(result);
      reporter.scenario(result);
    }
  }
  const code = reporter.summary(performance.now() - started);
  if (options.junit) {
    try {
      await mkdir(dirname(options.junit), { recursive: true });
      await writeFile(options.junit, junitXml(fileResults));
      out.write(`JUnit report: ${options.junit}\n`);
    } catch (error) {
      out.write(`could not write the JUnit report ${options.junit}: ${(error as Error).message}\n`);
      return Math.max(code, 2);
    }
  }
  return options.signal?.aborted ? 130 : code;
}
