// Parsers for the lines inside step blocks: frames (`text hello`, `json {...}`, `hex 0a0b`, `base64 ...`,
// `file x.bin` or `@x.bin`), assertions (`frame[1] $.ok == true`) and captures (`capture id = frame[0]`).
// Each returns undefined after adding a problem with the exact column; none throws.
import type {
  Assertion,
  AssertionOp,
  AssertionSubject,
  CaptureDef,
  ExpectedValue,
  FrameFormat,
  FrameSpec,
  ScenarioProblem,
} from './scenarioAst';
import { parseJsonPath } from './jsonPath';
import { encodeFrame } from '../session/frameInput';
import { parseDuration, problem, type LineNode } from './scenarioLines';

export const FRAME_KEYWORDS: readonly FrameFormat[] = ['text', 'json', 'hex', 'base64', 'file'];

export function isFrameLine(text: string): boolean {
  const first = /^\S+/.exec(text)?.[0] ?? '';
  return text.startsWith('@') || (FRAME_KEYWORDS as readonly string[]).includes(first);
}

export function hasTemplate(text: string): boolean {
  return text.includes('{{');
}

/** A frame line; `text` is the part from the format keyword on, starting at 1-based `column`. */
export function parseFrameLine(node: LineNode, text: string, column: number, problems: ScenarioProblem[]): FrameSpec | undefined {
  const span = { line: node.line, column, endLine: node.endLine };
  if (text.startsWith('@')) {
    const path = text.slice(1).trim();
    if (!path)
      return void problems.push(problem(node.line, column, column + 1, 'write the file to send after @, e.g. @payloads/order.bin'));
    return { ...span, format: 'file', value: path };
  }
  const keyword = /^\S+/.exec(text)![0] as FrameFormat;
  // One blank separates the keyword from the value; more are part of a text frame.
  const value = text.length > keyword.length ? text.slice(keyword.length + 1) : '';
  const valueColumn = column + keyword.length + 1;
  if (!FRAME_KEYWORDS.includes(keyword)) return void problems.push(problem(node.line, column, column + keyword.length, frameHelp(keyword)));
  if (node.children.length)
    problems.push(
      problem(node.children[0].line, node.children[0].column, node.children[0].column + 1, 'a frame line has no indented lines under it'),
    );
  if (keyword === 'file' && !value.trim())
    return void problems.push(problem(node.line, column, column + keyword.length, 'write the file to send, e.g. file payloads/order.bin'));
  if ((keyword === 'json' || keyword === 'hex' || keyword === 'base64') && !hasTemplate(value)) {
    const encoded = encodeFrame(keyword, value.trim());
    if (!encoded.ok) return void problems.push(problem(node.line, valueColumn, column + text.length, `${keyword} frame: ${encoded.error}`));
  }
  return { ...span, format: keyword, value: keyword === 'text' ? value : value.trim() };
}

/** The frame lines under a step (send, generate); any other line there is an error saying what belongs. */
export function parseFrameChildren(node: LineNode, problems: ScenarioProblem[], misplaced: string): FrameSpec[] {
  const frames: FrameSpec[] = [];
  for (const child of node.children) {
    if (!isFrameLine(child.text)) problems.push(problem(child.line, child.column, child.column + child.text.length, misplaced));
    else {
      const frame = parseFrameLine(child, child.text, child.column, problems);
      if (frame) frames.push(frame);
    }
  }
  return frames;
}

function frameHelp(word: string): string {
  return `"${word.slice(0, 40)}" is not a frame: write text ..., json {...}, hex 0a0b, base64 ..., or file path (or @path)`;
}

const OPS: readonly AssertionOp[] = ['==', '!=', '<=', '>=', '<', '>', 'matches', 'contains', 'startsWith', 'exists'];
const OP_ALIASES: Record<string, AssertionOp> = { 'starts-with': 'startsWith', '=~': 'matches' };

interface SubjectParse {
  subject: AssertionSubject;
  /** Offset in the text just after the subject. */
  end: number;
}

/** Reads a subject at the start of `text`: frames, topic, latency, frame[N] [$.path], size[N], or $.path. */
function parseSubject(text: string, line: number, column: number, problems: ScenarioProblem[]): SubjectParse | undefined {
  const word = /^\S+/.exec(text)?.[0] ?? '';
  if (word === 'frames' || word === 'topic' || word === 'latency') return { subject: { kind: word }, end: word.length };
  const indexed = /^(frame|size)\[(-?\d{1,4})\]/.exec(text);
  if (indexed) {
    const index = Number(indexed[2]);
    if (indexed[1] === 'size') return { subject: { kind: 'size', index }, end: indexed[0].length };
    const blanks = /^[ \t]+(?=\$)/.exec(text.slice(indexed[0].length));
    if (!blanks) return { subject: { kind: 'frame', index }, end: indexed[0].length };
    const pathStart = indexed[0].length + blanks[0].length;
    const path = pathToken(text, pathStart);
    if (!checkPath(path, line, column + pathStart, problems)) return undefined;
    return { subject: { kind: 'frame', index, path }, end: pathStart + path.length };
  }
  if (word.startsWith('$')) {
    const path = pathToken(text, 0);
    if (!checkPath(path, line, column, problems)) return undefined;
    return { subject: { kind: 'frame', index: -1, path }, end: path.length };
  }
  problems.push(
    problem(
      line,
      column,
      column + Math.max(1, word.length),
      `"${word.slice(0, 40)}" is not something to check: use frames, topic, latency, frame[N], frame[N] $.path, size[N] or $.path (JSON of the last frame)`,
    ),
  );
  return undefined;
}

// A path runs to the first blank outside brackets, so that ["a key"] may hold blanks.
const PATH_TOKEN = /^\$(?:\.[A-Za-z_$][\w$-]*|\[[ \t]*(?:-?\d+|"(?:[^"\\]|\\.)*"|'[^']*')[ \t]*\])*\S*/;

function pathToken(text: string, start: number): string {
  return PATH_TOKEN.exec(text.slice(start))?.[0] ?? '$';
}

function checkPath(path: string, line: number, column: number, problems: ScenarioProblem[]): boolean {
  const parsed = parseJsonPath(path);
  if ('error' in parsed) {
    problems.push(problem(line, column + parsed.offset, column + path.length, `JSON path: ${parsed.error}`));
    return false;
  }
  return true;
}

/** Classifies an expected value as written (see ExpectedValue). */
export function classifyValue(raw: string): ExpectedValue {
  if (/^\/.*\/[a-z]*$/s.test(raw) && raw.length >= 2) return { kind: 'regex', raw };
  if (raw.startsWith('hex:')) return { kind: 'hex', raw };
  if (parseDuration(raw) !== undefined) return { kind: 'duration', raw };
  if (/^["{[\-0-9]/.test(raw) || raw === 'true' || raw === 'false' || raw === 'null') return { kind: 'json', raw };
  return { kind: 'text', raw };
}

/** Splits `/source/flags` into its parts. */
export function regexParts(raw: string): { source: string; flags: string } {
  const last = raw.lastIndexOf('/');
  return { source: raw.slice(1, last), flags: raw.slice(last + 1) };
}

export function parseAssertionLine(node: LineNode, problems: ScenarioProblem[]): Assertion | undefined {
  const { line, column, text } = node;
  const subject = parseSubject(text, line, column, problems);
  if (!subject) return undefined;
  const afterSubject = text.slice(subject.end);
  const opMatch = /^[ \t]+(\S+)/.exec(afterSubject);
  const opColumn = column + subject.end + (opMatch ? opMatch[0].length - opMatch[1].length : 1);
  const opWord = opMatch?.[1] ?? '';
  const op = OPS.includes(opWord as AssertionOp) ? (opWord as AssertionOp) : OP_ALIASES[opWord];
  if (!op) {
    const hint = opWord === '=' ? ' (write == to compare)' : '';
    problems.push(
      problem(
        line,
        opColumn,
        opColumn + Math.max(1, opWord.length),
        opWord
          ? `"${opWord.slice(0, 20)}" is not a comparison${hint}: use == != < <= > >= matches contains startsWith exists`
          : 'a comparison is missing: use == != < <= > >= matches contains startsWith exists',
      ),
    );
    return undefined;
  }
  const valueOffset = subject.end + (opMatch ? opMatch[0].length : 0);
  const raw = text.slice(valueOffset).trim();
  const valueColumn = column + valueOffset + (text.slice(valueOffset).length - text.slice(valueOffset).trimStart().length);
  const span = { line, column, endLine: node.endLine, text };
  const fail = (message: string) => void problems.push(problem(line, valueColumn, column + text.length, message));
  if (node.children.length)
    problems.push(
      problem(node.children[0].line, node.children[0].column, node.children[0].column + 1, 'an assertion has no indented lines under it'),
    );
  if (op === 'exists') {
    if (raw) return fail('exists takes no value');
    if (subject.subject.kind !== 'frame') return fail('exists checks a frame or a JSON path, e.g. frame[2] exists or $.error exists');
    return { ...span, subject: subject.subject, op };
  }
  if (!raw) return fail(`write the value to compare with after ${op}`);
  const expected = classifyValue(raw);
  const kind = subject.subject.kind;
  if (!hasTemplate(raw)) {
    if (expected.kind === 'regex') {
      const { source, flags } = regexParts(raw);
      try {
        new RegExp(source, flags);
      } catch (error) {
        return fail(`not a valid regular expression: ${(error as Error).message}`);
      }
    }
    if (expected.kind === 'json') {
      try {
        JSON.parse(raw);
      } catch (error) {
        return fail(`not a valid JSON value: ${(error as Error).message} (quote text with "...", or write it without quotes and brackets)`);
      }
    }
    if (expected.kind === 'hex' && !/^([0-9a-fA-F]{2})*$/.test(raw.slice(4).replace(/[\s:]/g, '')))
      return fail('hex: needs pairs of hex digits, e.g. hex:0a0b');
  }
  if (op === 'matches' && expected.kind !== 'regex') return fail('matches takes a regular expression: /pattern/flags');
  if (op !== 'matches' && expected.kind === 'regex') return fail(`a /regular expression/ goes with matches, not ${op}`);
  if (kind === 'latency') {
    if (!['<', '<=', '>', '>='].includes(op)) return fail('latency is compared with < <= > >=, e.g. latency < 200ms');
    if (expected.kind !== 'duration' && !hasTemplate(raw)) return fail('latency is compared with a duration such as 200ms or 1.5s');
  }
  if ((kind === 'frames' || kind === 'size') && ['matches', 'contains', 'startsWith'].includes(op))
    return fail(`${kind === 'frames' ? 'frames' : 'size[N]'} is a number: compare it with == != < <= > >=`);
  if ((kind === 'frames' || kind === 'size') && !hasTemplate(raw) && !/^\d{1,12}$/.test(raw))
    return fail(`${kind === 'frames' ? 'frames' : 'size[N]'} is compared with a whole number`);
  return { ...span, subject: subject.subject, op, expected };
}

export function isCaptureLine(text: string): boolean {
  return /^capture(\s|$)/.test(text);
}

/** `capture name = subject` */
export function parseCaptureLine(node: LineNode, problems: ScenarioProblem[]): CaptureDef | undefined {
  const { line, column, text } = node;
  const match = /^capture[ \t]+([A-Za-z_][\w.-]{0,63})[ \t]*=[ \t]*/.exec(text);
  if (!match) {
    problems.push(
      problem(line, column, column + text.length, 'write capture NAME = frame[N], capture NAME = $.path or capture NAME = topic'),
    );
    return undefined;
  }
  const subjectText = text.slice(match[0].length);
  const subject = parseSubject(subjectText, line, column + match[0].length, problems);
  if (!subject) return undefined;
  if (subjectText.slice(subject.end).trim())
    problems.push(problem(line, column + match[0].length + subject.end, column + text.length, 'unexpected text after what to capture'));
  return { line, column, endLine: node.endLine, name: match[1], subject: subject.subject };
}
