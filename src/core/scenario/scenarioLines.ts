// The first pass over a `.zmq` file: lines into a tree by indentation (Python's rule: a deeper line is a
// child, a shallower one closes blocks and must match an open level), comments and blank lines dropped,
// and a word splitter that keeps every word's column. Bounded: size, line length, depth.
import type { ScenarioProblem } from './scenarioAst';

export interface LineNode {
  /** 1-based line number. */
  line: number;
  /** 1-based column of the first non-blank character. */
  column: number;
  /** The line without its indentation and trailing blanks. */
  text: string;
  children: LineNode[];
  /** 1-based line of the last descendant (or the line itself). */
  endLine: number;
}

export interface Word {
  text: string;
  /** 1-based column of the word's first character (a quote for a quoted word). */
  column: number;
  /** 1-based column just after the word. */
  endColumn: number;
  /** The word was "quoted": `text` is its JSON-unescaped content. */
  quoted: boolean;
}

export const MAX_SOURCE_CHARS = 2 * 1024 * 1024;
export const MAX_LINE_CHARS = 64 * 1024;
export const MAX_LINES = 100_000;
export const MAX_DEPTH = 32;

export function isComment(text: string): boolean {
  return text.startsWith('#') || text.startsWith('//');
}

/** Builds the indentation tree; every problem is added to `problems`, never thrown. */
export function buildLineTree(source: string, problems: ScenarioProblem[]): LineNode[] {
  const roots: LineNode[] = [];
  let text = source;
  if (text.length > MAX_SOURCE_CHARS) {
    problems.push(problem(1, 1, 2, `the file is longer than ${MAX_SOURCE_CHARS} characters: only the start is read`));
    text = text.slice(0, MAX_SOURCE_CHARS);
  }
  // Open blocks, outermost first, with the indentation that opened them.
  const stack: { indent: number; node: LineNode }[] = [];
  let start = 0;
  let lineNumber = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const raw = text.slice(start, end).replace(/\r$/, '');
    start = end + 1;
    lineNumber++;
    if (lineNumber > MAX_LINES) {
      problems.push(problem(lineNumber, 1, 2, `the file has more than ${MAX_LINES} lines: the rest is not read`));
      break;
    }
    if (raw.length > MAX_LINE_CHARS) {
      problems.push(problem(lineNumber, 1, 2, `the line is longer than ${MAX_LINE_CHARS} characters and is skipped`));
      continue;
    }
    const indentMatch = /^[ \t]*/.exec(raw)!;
    const indent = indentMatch[0].length;
    const content = raw.slice(indent).trimEnd();
    if (!content || isComment(content)) continue;
    if (indentMatch[0].includes('\t') && indentMatch[0].includes(' '))
      problems.push(problem(lineNumber, 1, indent + 1, 'the indentation mixes tabs and spaces: use one or the other', 'warning'));
    const node: LineNode = { line: lineNumber, column: indent + 1, text: content, children: [], endLine: lineNumber };
    while (stack.length && stack[stack.length - 1].indent >= indent) {
      const closed = stack.pop()!;
      if (closed.indent > indent && stack.length && stack[stack.length - 1].indent < indent) {
        problems.push(problem(lineNumber, 1, indent + 1, 'the indentation does not match any enclosing block'));
      }
    }
    if (!stack.length) {
      if (indent > 0) problems.push(problem(lineNumber, 1, indent + 1, 'unexpected indentation: top-level lines start in column 1'));
      roots.push(node);
    } else {
      const parent = stack[stack.length - 1].node;
      parent.children.push(node);
    }
    if (stack.length >= MAX_DEPTH) {
      problems.push(problem(lineNumber, node.column, node.column + 1, `blocks nest deeper than ${MAX_DEPTH} levels`));
      continue;
    }
    stack.push({ indent, node });
    for (const open of stack) open.node.endLine = lineNumber;
  }
  return roots;
}

/** Splits `text` (which starts at 1-based `column`) into words; "quoted words" may hold blanks. */
export function splitWords(text: string, column: number, problems: ScenarioProblem[], line: number): Word[] {
  const words: Word[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '"') {
      const close = closingQuote(text, i);
      if (close < 0) {
        problems.push(problem(line, column + i, column + text.length, 'this quoted text has no closing "'));
        words.push({ text: text.slice(i + 1), column: column + i, endColumn: column + text.length, quoted: true });
        return words;
      }
      const literal = text.slice(i, close + 1);
      let value = literal.slice(1, -1);
      try {
        value = JSON.parse(literal) as string;
      } catch {
        problems.push(
          problem(line, column + i, column + close + 1, 'this quoted text has an invalid escape (write \\" \\\\ \\n \\t or \\uXXXX)'),
        );
      }
      words.push({ text: value, column: column + i, endColumn: column + close + 1, quoted: true });
      i = close + 1;
      continue;
    }
    let j = i;
    while (j < text.length && text[j] !== ' ' && text[j] !== '\t') j++;
    words.push({ text: text.slice(i, j), column: column + i, endColumn: column + j, quoted: false });
    i = j;
  }
  return words;
}

function closingQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

export function problem(
  line: number,
  column: number,
  endColumn: number,
  message: string,
  severity: 'error' | 'warning' = 'error',
): ScenarioProblem {
  return { line, column, endColumn: Math.max(endColumn, column + 1), message, severity };
}

const DURATION = /^(\d{1,9}(?:\.\d{1,6})?)(ms|s|m)$/;
export const MAX_DURATION_MS = 24 * 60 * 60 * 1000;

/** `500ms`, `2s`, `1.5s`, `1m` in milliseconds, or undefined. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]) * (match[2] === 'ms' ? 1 : match[2] === 's' ? 1000 : 60_000);
  return ms <= MAX_DURATION_MS ? ms : undefined;
}

/** A whole number written with optional `_` separators (10_000), at most `max`. */
export function parseCount(text: string, max = 1e9): number | undefined {
  if (!/^\d{1,3}(?:_?\d{3})*$|^\d{1,10}$/.test(text)) return undefined;
  const value = Number(text.replace(/_/g, ''));
  return Number.isSafeInteger(value) && value <= max ? value : undefined;
}

/** What every block parser of the file shares: problems at exact columns, a line's words, and leaf lines. */
export class BlockParser {
  constructor(readonly problems: ScenarioProblem[]) {}

  error(node: { line: number }, column: number, endColumn: number, message: string): void {
    this.problems.push(problem(node.line, column, endColumn, message));
  }

  noChildren(node: LineNode, what: string): void {
    const child = node.children[0];
    if (child) this.error(child, child.column, child.column + child.text.length, `${what} takes no indented lines`);
  }

  words(node: LineNode): Word[] {
    return splitWords(node.text, node.column, this.problems, node.line);
  }
}
