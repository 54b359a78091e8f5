// Scenario runs inside the engine: the runner opens real sockets, so it runs where sockets live. Its
// listener calls go to the host as request events, the keys its endpoints name are asked of the host
// (they live in VS Code's secret storage), and every message it sends or receives lands in the capture.
import { flattenSteps, runScenario } from '../core/scenario/scenarioRunner';
import { ScenarioStepper } from '../core/scenario/scenarioStepper';
import type { SocketTypeName } from '../core/types';
import type { EngineParams, EngineResult, ScenarioRunEvent } from '../shared/engineProtocol';
import type { LongRequest } from './engineCapture';
import type { EngineCore } from './engineCore';
import type { HostCall } from './enginePanels';

/** The debug runs in progress, by the host's debug id. */
const steppers = new Map<string, ScenarioStepper>();

/** Steers a debug run; `running: false` when it has ended (the host's debugger may still be catching up). */
export function steerScenarioDebug(params: EngineParams<'scenario.debug'>): EngineResult<'scenario.debug'> {
  const stepper = steppers.get(params.id);
  if (!stepper) return { running: false };
  if (params.action === 'continue') stepper.continue();
  else if (params.action === 'next') stepper.next();
  else if (params.action === 'pause') stepper.pause();
  else stepper.setBreakpoints(params.breakpoints ?? []);
  return { running: true };
}

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
  const { debug } = params;
  if (debug && steppers.has(debug.id)) throw new Error(`A debug run "${debug.id}" is already running.`);
  const stepper = debug
    ? new ScenarioStepper((step, reason, state) => request.event({ kind: 'paused', step, reason, state }), debug)
    : undefined;
  if (debug && stepper) {
    steppers.set(debug.id, stepper);
    request.signal.addEventListener('abort', () => stepper.stop());
  }
  try {
    return await runScenario(params.file, scenario, {
      beforeStep: stepper?.beforeStep,
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
  } finally {
    if (debug) steppers.delete(debug.id);
    stepper?.stop();
  }
}
