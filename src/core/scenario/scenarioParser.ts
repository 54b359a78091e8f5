// The `.zmq` scenario language parser. Reads any text without throwing: every problem is reported with
// its line and column and the rest of the file is still parsed, so the editor can show all of them at
// once. The grammar (one statement per line, blocks by indentation) is documented in the README.
import type { EndpointDef, ScenarioDef, ScenarioFile, Step, VariableDef, FrameSpec } from './scenarioAst';
import { errorText } from '../session/zmqErrors';
import { BlockParser, buildLineTree, parseCount, parseDuration, problem, type LineNode, type Word } from './scenarioLines';
import {
  isCaptureLine,
  isFrameLine,
  parseAssertionLine,
  parseCaptureLine,
  parseFrameChildren,
  parseFrameLine,
} from './scenarioLineParsers';
import { NAME, parseEndpointBlock } from './scenarioEndpointParser';
import { parseGenerateStep, parseReplayStep } from './scenarioTrafficSteps';

export const MAX_PROBLEMS = 500;
export const MAX_STEPS = 20_000;

export const STEP_KEYWORDS = [
  'send',
  'receive',
  'expect',
  'request',
  'subscribe',
  'unsubscribe',
  'wait',
  'repeat',
  'generate',
  'replay',
] as const;

export function parseScenarioFile(source: string): ScenarioFile {
  const file: ScenarioFile = { variables: [], endpoints: [], scenarios: [], problems: [] };
  try {
    new Parser(file).parse(typeof source === 'string' ? source : '');
  } catch (error) {
    // Not expected (the fuzz tests look for it); a parser bug must not become an editor or CLI crash.
    file.problems.push(problem(1, 1, 2, `internal parser error: ${errorText(error)}`));
  }
  if (file.problems.length > MAX_PROBLEMS) {
    const more = file.problems.length - MAX_PROBLEMS;
    file.problems.length = MAX_PROBLEMS;
    file.problems.push(problem(1, 1, 2, `${more} more problem(s) not shown`));
  }
  return file;
}

class Parser extends BlockParser {
  private steps = 0;

  constructor(private readonly file: ScenarioFile) {
    super(file.problems);
  }

  parse(source: string): void {
    for (const node of buildLineTree(source, this.problems)) {
      if (this.problems.length > MAX_PROBLEMS) return;
      const keyword = /^\S+/.exec(node.text)![0];
      if (node.text.startsWith('@')) this.variable(node);
      else if (keyword === 'endpoint') {
        const endpoint = parseEndpointBlock(node, this.problems);
        if (endpoint) this.file.endpoints.push(endpoint);
      } else if (keyword === 'scenario') this.scenario(node);
      else
        this.error(
          node,
          node.column,
          node.column + keyword.length,
          `expected endpoint, scenario or @name = value at the top level, not "${keyword.slice(0, 40)}"${(STEP_KEYWORDS as readonly string[]).includes(keyword) ? ' (steps go indented under a scenario)' : ''}`,
        );
    }
    this.checkNames();
  }

  private variable(node: LineNode): void {
    const match = /^@([A-Za-z_][\w.-]{0,63})[ \t]*=[ \t]*(.*)$/.exec(node.text);
    if (!match) return this.error(node, node.column, node.column + node.text.length, 'write a variable as @name = value');
    this.noChildren(node, 'a variable');
    const value = match[2].length >= 2 && match[2].startsWith('"') && match[2].endsWith('"') ? unquote(match[2]) : match[2];
    this.file.variables.push({ line: node.line, column: node.column, endLine: node.endLine, name: match[1], value });
  }

  private scenario(node: LineNode): void {
    let name = node.text.slice('scenario'.length).trim();
    if (name.length >= 2 && name.startsWith('"') && name.endsWith('"')) name = unquote(name);
    if (!name) this.error(node, node.column, node.column + node.text.length, 'give the scenario a name: scenario Echo answers a ping');
    const scenario: ScenarioDef = {
      line: node.line,
      column: node.column,
      endLine: node.endLine,
      name: name || `scenario at line ${node.line}`,
      steps: [],
    };
    scenario.steps = this.steps_(node.children, 0);
    if (!scenario.steps.length && name)
      this.problems.push(problem(node.line, node.column, node.column + node.text.length, 'this scenario has no steps', 'warning'));
    this.file.scenarios.push(scenario);
  }

  private steps_(nodes: LineNode[], depth: number): Step[] {
    const steps: Step[] = [];
    for (const node of nodes) {
      if (this.steps >= MAX_STEPS) {
        this.error(node, node.column, node.column + 1, `a file has at most ${MAX_STEPS} steps`);
        break;
      }
      const step = this.step(node, depth);
      if (step) {
        this.steps++;
        steps.push(step);
      }
    }
    return steps;
  }

  private step(node: LineNode, depth: number): Step | undefined {
    const keyword = /^\S+/.exec(node.text)![0];
    // Frame text and prefixes are raw: a stray quote in them is data, not a broken quoted word.
    const words = ['send', 'subscribe', 'unsubscribe'].includes(keyword) ? plainWords(node) : this.words(node);
    const span = { line: node.line, column: node.column, endLine: node.endLine, text: node.text };
    const end = node.column + node.text.length;
    const endpointName = (): string | undefined => {
      const word = words[1];
      if (!word) return void this.error(node, end, end + 1, `${keyword} needs an endpoint name`);
      if (!NAME.test(word.text))
        return void this.error(node, word.column, word.endColumn, `"${word.text.slice(0, 40)}" is not an endpoint name`);
      return word.text;
    };
    switch (keyword) {
      case 'send': {
        const endpoint = endpointName();
        if (!endpoint) return undefined;
        const frames: FrameSpec[] = [];
        const inline = words[2];
        if (inline) {
          const frame = parseFrameLine(node, node.text.slice(inline.column - node.column), inline.column, this.problems);
          if (frame) frames.push(frame);
        }
        frames.push(
          ...parseFrameChildren(
            node,
            this.problems,
            'under send, each line is a frame: text ..., json {...}, hex ..., base64 ..., file path',
          ),
        );
        if (!frames.length && !this.problems.some((p) => p.line >= node.line && p.line <= node.endLine))
          this.error(node, node.column, end, 'send needs at least one frame: send echo text hello, or frames on indented lines');
        return { ...span, kind: 'send', endpoint, frames };
      }
      case 'receive':
      case 'expect':
      case 'request': {
        const endpoint = endpointName();
        if (!endpoint) return undefined;
        const timeoutMs = this.within(node, words.slice(2));
        const frames: FrameSpec[] = [];
        const assertions: Extract<Step, { kind: 'receive' }>['assertions'] = [];
        const captures: Extract<Step, { kind: 'receive' }>['captures'] = [];
        for (const child of node.children) {
          if (isFrameLine(child.text)) {
            if (keyword !== 'request') {
              this.error(
                child,
                child.column,
                child.column + child.text.length,
                `${keyword} checks what arrives: frames to send go under send or request`,
              );
              continue;
            }
            const frame = parseFrameLine(child, child.text, child.column, this.problems);
            if (frame) frames.push(frame);
          } else if (isCaptureLine(child.text)) {
            const capture = parseCaptureLine(child, this.problems);
            if (capture) captures.push(capture);
          } else {
            const assertion = parseAssertionLine(child, this.problems);
            if (assertion) assertions.push(assertion);
          }
        }
        if (keyword === 'request') {
          if (!frames.length)
            this.error(node, node.column, end, 'request needs the frames to send, on indented lines (text ..., json {...})');
          return { ...span, kind: 'request', endpoint, timeoutMs, frames, assertions, captures };
        }
        return { ...span, kind: 'receive', keyword, endpoint, timeoutMs, assertions, captures };
      }
      case 'subscribe':
      case 'unsubscribe': {
        const endpoint = endpointName();
        if (!endpoint) return undefined;
        this.noChildren(node, keyword);
        const prefixWord = words[2];
        const raw = prefixWord ? node.text.slice(prefixWord.column - node.column) : '';
        const prefix = /^"(?:[^"\\]|\\.)*"$/.test(raw) ? unquote(raw) : raw;
        return { ...span, kind: keyword, endpoint, prefix };
      }
      case 'wait':
        this.noChildren(node, 'wait');
        if (words[1]?.text === 'for') {
          const word = words[2];
          if (!word || !NAME.test(word.text))
            return void this.error(node, word?.column ?? end, word?.endColumn ?? end + 1, 'write wait for ENDPOINT [within 5s]');
          return { ...span, kind: 'waitFor', endpoint: word.text, timeoutMs: this.within(node, words.slice(3)) };
        } else {
          const ms = words[1] && words.length === 2 ? parseDuration(words[1].text) : undefined;
          if (ms === undefined)
            return void this.error(node, words[1]?.column ?? end, end + 1, 'write wait 500ms, wait 2s, or wait for ENDPOINT');
          return { ...span, kind: 'wait', durationMs: ms };
        }
      case 'repeat': {
        const count = words[1] ? parseCount(words[1].text, 1_000_000) : undefined;
        if (count === undefined)
          return void this.error(
            node,
            words[1]?.column ?? end,
            words[1]?.endColumn ?? end + 1,
            'write repeat N (up to 1,000,000) [every 100ms]',
          );
        let everyMs: number | undefined;
        let i = 2;
        if (words[i]?.text === 'times') i++;
        if (words[i]?.text === 'every') {
          everyMs = words[i + 1] ? parseDuration(words[i + 1].text) : undefined;
          if (everyMs === undefined) return void this.error(node, words[i].column, end, 'every takes a duration such as 100ms');
          i += 2;
        }
        if (words[i]) this.error(node, words[i].column, end, 'unexpected text: write repeat N [every 100ms]');
        if (depth >= 8) return void this.error(node, node.column, end, 'repeat blocks nest at most 8 deep');
        if (!node.children.length) this.error(node, node.column, end, 'repeat needs steps on indented lines');
        return { ...span, kind: 'repeat', count, everyMs, steps: this.steps_(node.children, depth + 1) };
      }
      case 'generate':
        return parseGenerateStep(this, node, words, span);
      case 'replay':
        return parseReplayStep(this, node, words, span);
      default:
        this.error(node, node.column, node.column + keyword.length, `"${keyword.slice(0, 40)}" is not a step: ${STEP_KEYWORDS.join(', ')}`);
        return undefined;
    }
  }

  /** `within D` at the end of a step line, or undefined (the runner's default timeout). */
  private within(node: LineNode, words: Word[]): number | undefined {
    if (!words.length) return undefined;
    const ms = words[0].text === 'within' && words[1] && words.length === 2 ? parseDuration(words[1].text) : undefined;
    if (ms === undefined)
      this.error(node, words[0].column, node.column + node.text.length, 'write within 2s (or 500ms) at the end of the line');
    return ms;
  }

  /** Names must be unique; steps must name endpoints of the file. */
  private checkNames(): void {
    const seen = new Map<string, EndpointDef>();
    for (const endpoint of this.file.endpoints) {
      if (seen.has(endpoint.name))
        this.error(
          endpoint,
          endpoint.column,
          endpoint.column + endpoint.name.length + 9,
          `another endpoint (line ${seen.get(endpoint.name)!.line}) is already named ${endpoint.name}`,
        );
      else seen.set(endpoint.name, endpoint);
    }
    const variables = new Map<string, VariableDef>();
    for (const variable of this.file.variables) {
      if (variables.has(variable.name))
        this.problems.push(
          problem(
            variable.line,
            variable.column,
            variable.column + variable.name.length + 1,
            `@${variable.name} is set twice (line ${variables.get(variable.name)!.line} too): the later one wins`,
            'warning',
          ),
        );
      variables.set(variable.name, variable);
    }
    const scenarioNames = new Map<string, number>();
    for (const scenario of this.file.scenarios) {
      const first = scenarioNames.get(scenario.name);
      if (first !== undefined)
        this.problems.push(
          problem(
            scenario.line,
            scenario.column,
            scenario.column + 8,
            `another scenario (line ${first}) has this name: tests and reports could not tell them apart`,
            'warning',
          ),
        );
      else scenarioNames.set(scenario.name, scenario.line);
    }
    const visit = (steps: Step[]) => {
      for (const step of steps) {
        if (step.kind === 'repeat') visit(step.steps);
        else if ('endpoint' in step && !seen.has(step.endpoint)) {
          const at = step.text.indexOf(step.endpoint);
          this.error(
            step,
            step.column + Math.max(0, at),
            step.column + Math.max(0, at) + step.endpoint.length,
            `no endpoint named ${step.endpoint} in this file`,
          );
        }
      }
    };
    for (const scenario of this.file.scenarios) visit(scenario.steps);
  }
}

function plainWords(node: LineNode): Word[] {
  const words: Word[] = [];
  for (const match of node.text.matchAll(/\S+/g)) {
    const column = node.column + match.index!;
    words.push({ text: match[0], column, endColumn: column + match[0].length, quoted: false });
    if (words.length === 3) break;
  }
  return words;
}

function unquote(text: string): string {
  try {
    return JSON.parse(text) as string;
  } catch {
    return text.slice(1, -1);
  }
}
