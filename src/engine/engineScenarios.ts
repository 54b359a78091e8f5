// Scenario runs inside the engine: the runner opens real sockets, so it runs where sockets live. Its
// listener calls go to the host as request events, the keys its endpoints name are asked of the host
// (they live in VS Code's secret storage), and every message it sends or receives lands in the capture.
import { flattenSteps, runScenario } from '../core/scenario/scenarioRunner';
import type { SocketTypeName } from '../core/types';
import type { EngineParams, EngineResult, ScenarioRunEvent } from '../shared/engineProtocol';
import type { LongRequest } from './engineCapture';
import type { EngineCore } from './engineCore';
import type { HostCall } from './enginePanels';

/** Secrets come from the user's keyring through the host: quick, unless the OS asks for a password. */
const SECURITY_TIMEOUT_MS = 60_000;

export async function runScenarioInEngine(
  core: EngineCore,
  params: EngineParams<'scenario.run'>,
  request: LongRequest & { event(body: ScenarioRunEvent): void },
  callHost: HostCall,
): Promise<EngineResult<'scenario.run'>> {
  const scenario = params.file.scenarios.find((s) => s.name === params.scenarioName);
  if (!scenario) throw new Error(`There is no scenario "${params.scenarioName}" in ${params.fileName}.`);
  const onlyStep = params.onlyStepLine === undefined ? undefined : flattenSteps(scenario.steps).find((s) => s.line === params.onlyStepLine);
  if (params.onlyStepLine !== undefined && !onlyStep)
    throw new Error(`No step of "${scenario.name}" starts at line ${params.onlyStepLine}.`);
  return runScenario(params.file, scenario, {
    baseDir: params.baseDir,
    layers: params.layers,
    defaultTimeoutMs: params.defaultTimeoutMs,
    resolveSecurity: (security) => callHost('security.resolve', { security }, SECURITY_TIMEOUT_MS),
    signal: request.signal,
    onlyStep,
    forwarding: {
      sink: core.store,
      tag: params.tag,
      sessionIdFor: (endpoint: string, type: SocketTypeName) =>
        core.scenarioSessionId(`${params.sessionKey}::${endpoint}::${type}`, `${endpoint} (${params.fileName})`, type),
    },
    listener: {
      scenarioStarted: () => request.event({ kind: 'scenarioStarted' }),
      stepStarted: (step) => request.event({ kind: 'stepStarted', step }),
      stepFinished: (result) => request.event({ kind: 'stepFinished', result }),
    },
  });
}
