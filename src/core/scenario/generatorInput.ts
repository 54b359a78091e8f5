// What a user types for the Generate Traffic command, outside a `.zmq` file: the pace (`10000/s`, `100 every
// 1s`), when to stop (`5s`, `10000`), and frames as scenario frame lines (`text order {{$seq}}`,
// `json {"at": {{$timestamp}}}`, `hex 0a0b`, `base64 ...`). The same line parser, durations and template
// expansion as a scenario's `generate` step, so a payload or a pace means the same thing in both places.
import type { FrameSpec, ScenarioProblem } from './scenarioAst';
import { parseFrameLine } from './scenarioLineParsers';
import { parseCount, parseDuration } from './scenarioLines';
import type { GeneratorPlan } from './trafficGenerator';
import { encodeFrame } from '../session/frameInput';
import { LayeredScope, TemplateError, compileTemplate, expandTemplate, templateProblems } from './scenarioVariables';

/** Longest frame line the command takes (a payload template, not a file). */
export const MAX_FRAME_INPUT = 64 * 1024;

/** One frame line, or what is wrong with it in words. */
export function parseFrameInput(text: string): { frame: FrameSpec } | { error: string } {
  if (text.length > MAX_FRAME_INPUT) return { error: `a frame line is at most ${MAX_FRAME_INPUT} characters` };
  const trimmed = text.trimStart();
  if (!trimmed) return { error: 'write a frame: text ..., json {...}, hex 0a0b or base64 ...' };
  const problems: ScenarioProblem[] = [];
  const frame = parseFrameLine({ line: 1, column: 1, text: trimmed, children: [], endLine: 1 }, trimmed, 1, problems);
  if (!frame) return { error: problems[0]?.message ?? 'not a frame line' };
  if (frame.format === 'file') return { error: 'file frames belong in a scenario: here write text, json, hex or base64' };
  const problem = templateProblems(frame.value)[0];
  if (problem) return { error: problem.message };
  return { frame };
}

/**
 * Returns a function that expands `frames` for the next message ({{$seq}} counts up from 1); names are
 * looked up in `layers` (later layers win). Throws TemplateError with the frame's number when one cannot
 * be expanded or encoded: the first call finds it, before anything is sent.
 */
export function templatedFrames(
  frames: ReadonlyArray<Pick<FrameSpec, 'format' | 'value'>>,
  layers: { source: string; values: ReadonlyMap<string, string> }[] = [],
): () => Uint8Array[] {
  const scope = new LayeredScope(layers);
  const compiled = frames.map((frame) => {
    if (frame.format === 'file') throw new TemplateError('file frames are read by the scenario runner, not expanded');
    return { format: frame.format, template: compileTemplate(frame.value) };
  });
  return () => {
    scope.nextSeq();
    return compiled.map(({ format, template }, index) => {
      const text = expandTemplate(template, scope);
      const encoded = encodeFrame(format, format === 'text' ? text : text.trim());
      if (!encoded.ok) throw new TemplateError(`frame ${index + 1} (${format}): ${encoded.error}`);
      return encoded.bytes;
    });
  };
}

/** Most messages a second the command asks for (the generator's own limit is the socket). */
export const MAX_RATE = 10_000_000;

/** `10000`, `10000/s` or `10_000/s`: a fixed rate; `100 every 1s`: bursts; `max`: as fast as possible. */
export function parsePace(text: string): Pick<GeneratorPlan, 'rate' | 'burst'> | { error: string } {
  const trimmed = text.trim();
  if (trimmed === 'max') return {};
  const burst = /^(\S+)\s+every\s+(\S+)$/.exec(trimmed);
  if (burst) {
    const size = parseCount(burst[1], MAX_RATE);
    const everyMs = parseDuration(burst[2]);
    if (!size) return { error: `"${burst[1].slice(0, 20)}" is not a burst size (a whole number, at least 1)` };
    if (!everyMs) return { error: `"${burst[2].slice(0, 20)}" is not a duration: write 500ms, 1s or 2m` };
    return { burst: { size, everyMs } };
  }
  const rate = parseCount(trimmed.replace(/\/s$/, ''), MAX_RATE);
  if (!rate) return { error: 'write messages per second (10000/s), bursts (100 every 1s), or max' };
  return { rate };
}

/** `5s`, `2m`, `500ms`: for a duration; `10000` or `10_000`: that many messages; empty: until cancelled. */
export function parseStop(text: string): Pick<GeneratorPlan, 'durationMs' | 'count'> | { error: string } {
  const trimmed = text.trim();
  if (!trimmed) return {};
  const count = parseCount(trimmed);
  if (count) return { count };
  const durationMs = parseDuration(trimmed);
  if (durationMs) return { durationMs };
  return { error: 'write a duration (5s, 2m), a number of messages (10000), or leave it empty to run until cancelled' };
}
