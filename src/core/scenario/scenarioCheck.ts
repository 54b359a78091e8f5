// Checks a parsed scenario file for mistakes the grammar cannot see: a step a socket type cannot do (send
// on a SUB), pairings inside the file that ZeroMQ would refuse (a REQ connecting to a PUB the file binds),
// two binds of one address, and variables that are defined nowhere. Used by the editor's diagnostics and
// by the CLI before it opens any socket.
import type { EndpointDef, ScenarioFile, ScenarioProblem, Step } from './scenarioAst';
import { checkPairing, socketTypeInfo } from '../session/socketTypes';
import { problem } from './scenarioLines';
import { expandTemplate, templateNames, templateProblems, type VariableScope } from './scenarioVariables';

export interface CheckOptions {
  /** Names defined outside the file (environments); when given, unknown names are reported. */
  knownNames?: ReadonlySet<string>;
}

export function checkScenarioFile(file: ScenarioFile, options: CheckOptions = {}): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  const endpoints = new Map(file.endpoints.map((e) => [e.name, e]));
  const at = (node: { line: number; column: number }, length: number, message: string, severity: 'error' | 'warning' = 'error') =>
    problems.push(problem(node.line, node.column, node.column + Math.max(1, length), message, severity));

  for (const e of file.endpoints) {
    const flow = socketTypeInfo(e.type).flow;
    if (e.subscriptions.length && e.type !== 'SUB' && e.type !== 'XSUB')
      at(e, e.name.length + 9, `${e.name} is a ${e.type}: only SUB and XSUB subscribe`);
    if (flow === 'send' && e.receiveHighWaterMark !== undefined) at(e, 8, `${e.type} never receives: rcvhwm has no effect`, 'warning');
  }
  checkPairings(file.endpoints, at);

  const fileNames = new Set(file.variables.map((v) => v.name));
  const checkTemplate = (text: string, node: { line: number; column: number }, defined: ReadonlySet<string>) => {
    for (const p of templateProblems(text)) at(node, 1, p.message);
    if (!options.knownNames) return;
    for (const name of templateNames(text))
      if (!defined.has(name) && !fileNames.has(name) && !options.knownNames.has(name))
        at(
          node,
          1,
          `{{${name}}} is defined nowhere: not in this file (@${name} = ...), the environments, or a capture before this step`,
          'warning',
        );
  };
  for (const v of file.variables) checkTemplate(v.value, v, new Set());
  for (const e of file.endpoints) {
    checkTemplate(e.address, e, new Set());
    for (const s of e.subscriptions) checkTemplate(s, e, new Set());
  }

  const checkSteps = (steps: Step[], captured: Set<string>) => {
    for (const step of steps) {
      if (step.kind === 'repeat') {
        checkSteps(step.steps, captured);
        continue;
      }
      if (!('endpoint' in step)) continue;
      const endpoint = endpoints.get(step.endpoint);
      for (const text of templatesOf(step)) checkTemplate(text, step, captured);
      if ('captures' in step) for (const c of step.captures) captured.add(c.name);
      if (!endpoint) continue;
      const info = socketTypeInfo(endpoint.type);
      const length = step.text.split(/\s/)[0].length;
      const sends = step.kind === 'send' || step.kind === 'request' || step.kind === 'generate' || step.kind === 'replay';
      if (sends && info.flow === 'receive')
        at(step, length, `${endpoint.name} is a ${endpoint.type}, which cannot send: ${info.description}`);
      if ((step.kind === 'receive' || step.kind === 'request') && info.flow === 'send')
        at(step, length, `${endpoint.name} is a ${endpoint.type}, which never receives: ${info.description}`);
      if (step.kind === 'receive' && endpoint.type === 'REQ')
        at(step, length, `a REQ receives only the reply to its own request: use request ${endpoint.name}`);
      if (step.kind === 'request' && !['REQ', 'DEALER', 'PAIR', 'ROUTER'].includes(endpoint.type))
        at(
          step,
          length,
          `request sends and waits for a reply: ${endpoint.type} gets none (use send, then expect on the socket the answer comes to)`,
          'warning',
        );
      if ((step.kind === 'subscribe' || step.kind === 'unsubscribe') && endpoint.type !== 'SUB' && endpoint.type !== 'XSUB')
        at(step, length, `${endpoint.name} is a ${endpoint.type}: only SUB and XSUB subscribe`);
    }
  };
  for (const scenario of file.scenarios) checkSteps(scenario.steps, new Set());
  return problems;
}

function templatesOf(step: Step): string[] {
  const texts: string[] = [];
  if ('frames' in step) texts.push(...step.frames.map((f) => f.value));
  if ('assertions' in step) texts.push(...step.assertions.flatMap((a) => (a.expected ? [a.expected.raw] : [])));
  if (step.kind === 'subscribe' || step.kind === 'unsubscribe') texts.push(step.prefix);
  if (step.kind === 'replay') texts.push(step.file);
  return texts;
}

/** Endpoints of the file that meet at one address: a bind and its connects must be a valid pairing. */
function checkPairings(
  endpoints: EndpointDef[],
  at: (node: EndpointDef, length: number, message: string, severity?: 'error' | 'warning') => void,
): void {
  const byAddress = new Map<string, EndpointDef[]>();
  for (const e of endpoints) {
    const key = addressKey(e.address);
    byAddress.set(key, [...(byAddress.get(key) ?? []), e]);
  }
  for (const group of byAddress.values()) {
    const binders = group.filter((e) => e.mode === 'bind');
    for (const extra of binders.slice(1))
      at(
        extra,
        extra.name.length + 9,
        `${binders[0].name} (line ${binders[0].line}) binds this address too: the second bind fails (EADDRINUSE)`,
      );
    const binder = binders[0];
    if (!binder) continue;
    for (const e of group.filter((c) => c.mode === 'connect')) {
      const verdict = checkPairing(e.type, binder.type);
      if (!verdict.valid) at(e, e.name.length + 9, `connects to ${binder.name} (line ${binder.line}): ${verdict.reason}`);
    }
  }
}

/** A bind on `*` or 0.0.0.0 meets connects to any host on the same port; other hosts compare as written. */
function addressKey(address: string): string {
  const match = /^tcp:\/\/(.+):(\d+|\{\{[^}]+\}\})$/.exec(address);
  if (!match) return address;
  const host = match[1];
  const local = ['*', '0.0.0.0', '127.0.0.1', 'localhost'].includes(host);
  return `tcp://${local ? '*' : host}:${match[2]}`;
}

/** Expands what can be expanded now (file variables), for hovers; undefined when something is missing. */
export function tryExpand(text: string, scope: VariableScope): string | undefined {
  try {
    return expandTemplate(text, scope);
  } catch {
    return undefined;
  }
}
