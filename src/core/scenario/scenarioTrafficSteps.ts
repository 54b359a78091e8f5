// The traffic steps of a `.zmq` scenario: `generate ENDPOINT rate 1000/s for 5s` (or count N, burst N every D)
// with frame templates under it, and `replay ENDPOINT FILE.jsonl [speed 2x|0.5x|max] [session NAME]
// [direction in|out]`. Each reports its problems at the exact column and returns undefined on a broken line.
import type { Step } from './scenarioAst';
import { NAME } from './scenarioEndpointParser';
import { parseFrameChildren } from './scenarioLineParsers';
import { parseCount, parseDuration, type BlockParser, type LineNode, type Word } from './scenarioLines';

type StepSpan = Pick<Step, 'line' | 'column' | 'endLine' | 'text'>;

export function parseGenerateStep(parser: BlockParser, node: LineNode, words: Word[], span: StepSpan): Step | undefined {
  const end = node.column + node.text.length;
  const endpoint = words[1]?.text;
  if (!endpoint || !NAME.test(endpoint))
    return void parser.error(
      node,
      words[1]?.column ?? end,
      end + 1,
      'write generate ENDPOINT rate 1000/s for 5s (or count N, burst N every D)',
    );
  const step: Extract<Step, { kind: 'generate' }> = { ...span, kind: 'generate', endpoint, frames: [] };
  for (let i = 2; i < words.length; i += 2) {
    const key = words[i];
    const value = words[i + 1];
    const bad = (message: string) => parser.error(node, key.column, value?.endColumn ?? end, message);
    if (key.text === 'rate') {
      const rate = value && parseCount(value.text.replace(/\/s$/, ''), 1_000_000);
      if (!rate) return void bad('rate takes messages per second, e.g. rate 10000/s (at most 1,000,000)');
      step.rate = rate;
    } else if (key.text === 'for') {
      const ms = value && parseDuration(value.text);
      if (ms === undefined) return void bad('for takes a duration such as 5s');
      step.durationMs = ms;
    } else if (key.text === 'count') {
      const count = value && parseCount(value.text, 100_000_000);
      if (count === undefined) return void bad('count takes a whole number (at most 100,000,000)');
      step.count = count;
    } else if (key.text === 'burst') {
      const size = value && parseCount(value.text, 1_000_000);
      const every = words[i + 2]?.text === 'every' && words[i + 3] ? parseDuration(words[i + 3].text) : undefined;
      if (!size || !every) return void bad('write burst N every D, e.g. burst 100 every 1s');
      step.burst = { size, everyMs: every };
      i += 2;
    } else return void bad(`"${key.text.slice(0, 20)}" is not a generate option: rate, for, count, burst`);
  }
  if (step.durationMs === undefined && step.count === undefined)
    parser.error(node, node.column, end, 'generate needs an end: for 5s, or count 1000 (or both)');
  if (step.rate && step.burst) parser.error(node, node.column, end, 'use rate or burst, not both');
  step.frames = parseFrameChildren(node, parser.problems, 'under generate, each line is a frame template: text ..., json {...}');
  if (!step.frames.length && !node.children.length)
    parser.error(node, node.column, end, 'generate needs frame templates on indented lines, e.g. json {"seq": {{$seq}}}');
  return step;
}

export function parseReplayStep(parser: BlockParser, node: LineNode, words: Word[], span: StepSpan): Step | undefined {
  const end = node.column + node.text.length;
  const usage = 'write replay ENDPOINT FILE.jsonl [speed 2x|0.5x|max] [session NAME] [direction in|out]';
  const endpoint = words[1]?.text;
  const file = words[2]?.text;
  if (!endpoint || !NAME.test(endpoint) || !file) return void parser.error(node, words[1]?.column ?? end, end + 1, usage);
  parser.noChildren(node, 'replay');
  const step: Extract<Step, { kind: 'replay' }> = { ...span, kind: 'replay', endpoint, file, speed: 1 };
  for (let i = 3; i < words.length; i += 2) {
    const key = words[i];
    const value = words[i + 1];
    const bad = (message: string) => parser.error(node, key.column, value?.endColumn ?? end, message);
    if (key.text === 'speed') {
      const factor =
        value?.text === 'max' ? 'max' : value && /^\d{1,4}(\.\d{1,3})?x$/.test(value.text) ? Number(value.text.slice(0, -1)) : undefined;
      if (factor === undefined || factor === 0) return void bad('speed takes a factor such as 2x, 0.5x or 10x, or max');
      step.speed = factor;
    } else if (key.text === 'session' && value) step.session = value.text;
    else if (key.text === 'direction' && (value?.text === 'in' || value?.text === 'out')) step.direction = value.text;
    else return void bad(usage);
  }
  return step;
}
