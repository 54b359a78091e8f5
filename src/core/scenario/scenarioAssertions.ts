// Checks assertions against a received message and reads captured values. The message comes from a
// peer: JSON is parsed only up to a size budget, regexes run on a bounded slice, and what is shown as
// "actual" is short text (binary as hex).
import { isDeepStrictEqual } from 'node:util';
import type { Assertion, AssertionSubject, ExpectedValue } from './scenarioAst';
import { evaluateJsonPath, parseJsonPath } from './jsonPath';
import { classifyValue, regexParts } from './scenarioLineParsers';
import { parseDuration } from './scenarioLines';
import { expandTemplate, type VariableScope } from './scenarioVariables';

/** The subject as a `.zmq` file writes it (`frame[1] $.price`, `size[0]`, `latency`). */
export function formatSubject(subject: AssertionSubject): string {
  switch (subject.kind) {
    case 'frame':
      if (subject.path !== undefined && subject.index === -1) return subject.path;
      return `frame[${subject.index}]${subject.path !== undefined ? ` ${subject.path}` : ''}`;
    case 'size':
      return `size[${subject.index}]`;
    default:
      return subject.kind;
  }
}

export interface ReceivedMessage {
  frames: Uint8Array[];
  /** Milliseconds from the send it answers (or from the step's start) to its arrival. */
  latencyMs: number;
}

export interface AssertionOutcome {
  ok: boolean;
  /** The assertion as written, with its line. */
  assertion: string;
  line: number;
  expected: string;
  actual: string;
}

const MAX_JSON_BYTES = 8 * 1024 * 1024;
const MAX_REGEX_INPUT = 64 * 1024;
const SHOWN_CHARS = 200;

type SubjectValue = { found: false; why: string } | { found: true; value: unknown; text: string; bytes?: Uint8Array };

/** Reads the subject from the message: a number, a text, a JSON value, or "not found" with the reason. */
export function readSubject(subject: AssertionSubject, message: ReceivedMessage): SubjectValue {
  const { frames } = message;
  switch (subject.kind) {
    case 'frames':
      return { found: true, value: frames.length, text: String(frames.length) };
    case 'latency':
      return { found: true, value: message.latencyMs, text: `${message.latencyMs.toFixed(1)}ms` };
    case 'topic':
      if (!frames.length) return { found: false, why: 'the message has no frames' };
      return { found: true, value: frameText(frames[0]), text: frameText(frames[0]), bytes: frames[0] };
    case 'size': {
      const frame = frameAt(frames, subject.index);
      if (!frame) return { found: false, why: `the message has ${frames.length} frame(s), no frame[${subject.index}]` };
      return { found: true, value: frame.length, text: String(frame.length) };
    }
    case 'frame': {
      const frame = frameAt(frames, subject.index);
      if (!frame) return { found: false, why: `the message has ${frames.length} frame(s), no frame[${subject.index}]` };
      if (subject.path === undefined) return { found: true, value: frameText(frame), text: frameText(frame), bytes: frame };
      const parsedPath = parseJsonPath(subject.path);
      if ('error' in parsedPath) return { found: false, why: parsedPath.error };
      if (frame.length > MAX_JSON_BYTES)
        return { found: false, why: `the frame is ${frame.length} bytes, more than the ${MAX_JSON_BYTES} read as JSON` };
      let json: unknown;
      try {
        json = JSON.parse(frameText(frame));
      } catch {
        return { found: false, why: `frame[${subject.index}] is not JSON: ${shown(frame)}` };
      }
      const at = evaluateJsonPath(json, parsedPath.segments);
      if (!at.found) return { found: false, why: `${subject.path} is not in ${shownText(JSON.stringify(json))}` };
      return { found: true, value: at.value, text: typeof at.value === 'string' ? at.value : JSON.stringify(at.value) };
    }
  }
}

export function checkAssertion(assertion: Assertion, message: ReceivedMessage, scope: VariableScope): AssertionOutcome {
  const base = {
    assertion: `${formatSubject(assertion.subject)} ${assertion.op}${assertion.expected ? ` ${assertion.expected.raw}` : ''}`,
    line: assertion.line,
  };
  const value = readSubject(assertion.subject, message);
  if (assertion.op === 'exists')
    return { ...base, ok: value.found, expected: 'present', actual: value.found ? shownText(value.text) : value.why };
  if (!value.found) return { ...base, ok: false, expected: assertion.expected?.raw ?? '', actual: value.why };
  let expected: ExpectedValue;
  try {
    const raw = expandTemplate(assertion.expected!.raw, scope);
    expected = assertion.expected!.raw.includes('{{') ? classifyValue(raw) : { kind: assertion.expected!.kind, raw };
  } catch (error) {
    return { ...base, ok: false, expected: assertion.expected!.raw, actual: `(not checked: ${(error as Error).message})` };
  }
  const actual = shownText(value.text);
  const outcome = compare(assertion.op, value, expected, assertion.subject);
  return {
    ...base,
    ok: outcome.ok,
    expected: outcome.expectedText ?? `${opWords(assertion.op)}${expected.raw}`,
    actual: outcome.actualText ?? actual,
  };
}

function compare(
  op: Assertion['op'],
  value: Extract<SubjectValue, { found: true }>,
  expected: ExpectedValue,
  subject: AssertionSubject,
): { ok: boolean; expectedText?: string; actualText?: string } {
  if (expected.kind === 'regex') {
    const { source, flags } = regexParts(expected.raw);
    let regex: RegExp;
    try {
      regex = new RegExp(source, flags.replace(/[gy]/g, ''));
    } catch (error) {
      return { ok: false, expectedText: expected.raw, actualText: `(invalid regular expression: ${(error as Error).message})` };
    }
    return { ok: regex.test(value.text.slice(0, MAX_REGEX_INPUT)) };
  }
  if (expected.kind === 'hex') {
    const want = Buffer.from(expected.raw.slice(4).replace(/[\s:]/g, ''), 'hex');
    const have = value.bytes ?? Buffer.from(value.text, 'utf8');
    const equal = Buffer.compare(Buffer.from(have.buffer, have.byteOffset, have.byteLength), want) === 0;
    const actualText = `hex:${Buffer.from(have.buffer, have.byteOffset, Math.min(have.byteLength, 64)).toString('hex')}${have.byteLength > 64 ? '…' : ''}`;
    if (op === '==' || op === '!=') return { ok: (op === '==') === equal, actualText };
    if (op === 'startsWith') return { ok: Buffer.from(have).subarray(0, want.length).equals(want), actualText };
    if (op === 'contains') return { ok: Buffer.from(have).includes(want), actualText };
    return { ok: false, actualText: `${actualText} (bytes compare with == != startsWith contains)` };
  }
  if (subject.kind === 'latency') {
    const limit = expected.kind === 'duration' ? parseDuration(expected.raw)! : Number(expected.raw);
    return { ok: numeric(op, value.value as number, limit) };
  }
  // A JSON literal compares as a value (numbers as numbers, objects deeply); text compares as text.
  let want: unknown = expected.raw;
  if (expected.kind === 'json') {
    try {
      want = JSON.parse(expected.raw);
    } catch {
      return { ok: false, actualText: `(the expected value ${shownText(expected.raw)} is not valid JSON)` };
    }
  }
  let have: unknown = value.value;
  // A whole frame compared with a number or an object: read the frame as JSON.
  if (subject.kind === 'frame' && subject.path === undefined && typeof want !== 'string' && typeof have === 'string') {
    try {
      have = JSON.parse(have.slice(0, MAX_JSON_BYTES));
    } catch {
      // Left as text: the comparison below fails and shows it.
    }
  }
  const haveText = typeof have === 'string' ? have : JSON.stringify(have);
  const wantText = typeof want === 'string' ? want : JSON.stringify(want);
  switch (op) {
    case '==':
    case '!=': {
      const equal = expected.kind === 'text' && typeof have !== 'string' ? haveText === wantText : isDeepStrictEqual(have, want);
      return { ok: (op === '==') === equal };
    }
    case 'contains':
      return { ok: haveText.includes(wantText) };
    case 'startsWith':
      return { ok: haveText.startsWith(wantText) };
    default: {
      const a = typeof have === 'number' ? have : Number(haveText);
      const b = typeof want === 'number' ? want : Number(wantText);
      if (Number.isNaN(a) || Number.isNaN(b) || haveText === '') return { ok: false, actualText: `${shownText(haveText)} (not a number)` };
      return { ok: numeric(op, a, b) };
    }
  }
}

function numeric(op: Assertion['op'], a: number, b: number): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    default:
      return false;
  }
}

function opWords(op: Assertion['op']): string {
  return op === '==' ? '' : `${op} `;
}

/** The value a capture keeps as text (a JSON string without its quotes), or an error. */
export function readCapture(subject: AssertionSubject, message: ReceivedMessage): { value: string } | { error: string } {
  const value = readSubject(subject, message);
  if (!value.found) return { error: value.why };
  return { value: subject.kind === 'latency' ? String(Math.round(message.latencyMs)) : value.text };
}

function frameAt(frames: Uint8Array[], index: number): Uint8Array | undefined {
  return frames[index < 0 ? frames.length + index : index];
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function frameText(frame: Uint8Array): string {
  return utf8.decode(frame);
}

/** A frame for a report: text when it reads as text, else hex; at most SHOWN_CHARS. */
export function shown(frame: Uint8Array): string {
  let binary: boolean;
  try {
    // eslint-disable-next-line no-control-regex
    binary = /[\u0000-\u0008\u000e-\u001f]/.test(strictUtf8.decode(frame.subarray(0, SHOWN_CHARS * 4)));
  } catch {
    // Invalid UTF-8, or a character cut at the end of the slice: the latter is text.
    binary = frame.byteLength <= SHOWN_CHARS * 4 || frameText(frame.subarray(0, SHOWN_CHARS * 4 - 3)).includes('\ufffd');
  }
  if (binary) {
    const hex = Buffer.from(frame.buffer, frame.byteOffset, Math.min(frame.byteLength, SHOWN_CHARS / 2)).toString('hex');
    return `hex:${hex}${frame.byteLength > SHOWN_CHARS / 2 ? '…' : ''}`;
  }
  return shownText(frameText(frame.subarray(0, SHOWN_CHARS * 4)) + (frame.byteLength > SHOWN_CHARS * 4 ? '…' : ''));
}

export function shownText(text: string): string {
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text;
}

/** Every frame of a message for a failure report: `[2 frames] "ping" | {"n":1}`. */
export function describeMessage(frames: Uint8Array[]): string {
  const parts = frames.slice(0, 8).map(shown);
  return `[${frames.length} frame${frames.length === 1 ? '' : 's'}] ${parts.join(' | ')}${frames.length > 8 ? ' | …' : ''}`;
}
