// A small tokenizer for the nine languages the workspace scan reads: it drops comments, decodes string
// literals (including raw, verbatim and byte strings) and splits interpolated strings (Python f-strings,
// JS template literals, C# $"...") into literal parts and embedded token lists, so the scanner can match
// calls on tokens and never mistakes a commented-out or quoted `bind(...)` for code.
//
// Linear time on any input: every scan moves forward, lookaheads are bounded (a C++ raw string's
// delimiter is at most 16 characters, a Rust raw string has at most 255 `#`), a JS `/` that failed to
// start a regex literal is not retried on the same line, and every token is paid from the file's budget.
import type { ScanLanguage } from './scanTypes';
import { ScanTooComplex, WorkBudget } from './scanBudget';
import { readBody, type BodyOptions, type LexerCursor } from './stringLiterals';

export { matchBrackets } from './bracketMatching';

export type TokenKind = 'ident' | 'number' | 'string' | 'template' | 'regex' | 'punct';

export interface Token {
  kind: TokenKind;
  /** Source text (for strings too: the literal as written). */
  text: string;
  /** Offsets into the file's text. */
  start: number;
  end: number;
  /** 0-based line of `start`. */
  line: number;
  /** Decoded value of a string literal. */
  value?: string;
  /** Pieces of an interpolated string. */
  parts?: TemplatePart[];
}

export type TemplatePart = { literal: string } | { expression: Token[]; conversion?: string; format?: string };

const PUNCTUATORS = '=== !== ... **= <<= >>= ??= :: := == != <= >= => -> += -= *= /= %= |= &= ^= ?? ?. && || << >> ** ++ --'.split(' ');
/** Multi-character punctuators by first character, longest first. */
const PUNCTUATORS_BY_FIRST = new Map<string, string[]>();
for (const p of PUNCTUATORS) PUNCTUATORS_BY_FIRST.set(p[0], [...(PUNCTUATORS_BY_FIRST.get(p[0]) ?? []), p]);

/** Keywords after which a `/` starts a regular expression rather than a division (JS/TS). */
const REGEX_AFTER = new Set('return typeof instanceof in of new delete void throw case do else yield await'.split(' '));

const PYTHON_PREFIXES = new Set(['r', 'u', 'b', 'f', 'br', 'rb', 'fr', 'rf']);
const CPP_PREFIXES = new Set(['L', 'u', 'U', 'u8']);
const CPP_RAW_PREFIXES = new Set(['R', 'LR', 'uR', 'UR', 'u8R']);
/** Interpolated strings nest (`f"{f'{x}'}"`); real code nests a few levels, a hostile file thousands. */
const MAX_NESTING = 32;

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 || c >= 0x80;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function tokenize(text: string, language: ScanLanguage, budget = WorkBudget.unlimited()): Token[] {
  return new SourceLexer(text, language, budget).lexAll();
}

class SourceLexer implements LexerCursor {
  pos = 0;
  line = 0;
  private previous: Token | undefined;
  private nesting = 0;
  /** A `/` before this offset already failed to start a regex literal: do not try again (see lexRegex). */
  private regexFailedUntil = -1;

  constructor(
    readonly text: string,
    private readonly language: ScanLanguage,
    private readonly budget: WorkBudget,
  ) {}

  lexAll(): Token[] {
    const tokens: Token[] = [];
    for (let token = this.next(); token; token = this.next()) tokens.push(token);
    return tokens;
  }

  lexEmbedded(stops: string): Token[] {
    if (++this.nesting > MAX_NESTING) throw new ScanTooComplex(`interpolated strings nested deeper than ${MAX_NESTING}`);
    const saved = this.previous;
    this.previous = undefined;
    const tokens: Token[] = [];
    let depth = 0;
    for (;;) {
      this.skipTrivia();
      if (this.pos >= this.text.length) break;
      const c = this.text[this.pos];
      if (
        depth === 0 &&
        stops.includes(c) &&
        !(c === '!' && this.text[this.pos + 1] === '=') &&
        !(c === ':' && this.text[this.pos + 1] === ':')
      )
        break;
      const token = this.next();
      if (!token) break;
      if (token.text === '(' || token.text === '[' || token.text === '{') depth++;
      else if (token.text === ')' || token.text === ']' || token.text === '}') depth--;
      tokens.push(token);
    }
    this.previous = saved;
    this.nesting--;
    return tokens;
  }

  private skipTrivia(): void {
    const text = this.text;
    const hashComments = this.language === 'python';
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos);
      if (c === 10) {
        this.line++;
        this.pos++;
        continue;
      }
      if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11 || c === 92 /* \ line continuation */) {
        this.pos++;
        continue;
      }
      if (hashComments && c === 35) {
        this.skipToLineEnd();
        continue;
      }
      if (!hashComments && c === 47) {
        const n = text.charCodeAt(this.pos + 1);
        if (n === 47) {
          this.skipToLineEnd();
          continue;
        }
        if (n === 42) {
          this.skipBlockComment();
          continue;
        }
      }
      break;
    }
  }

  private skipToLineEnd(): void {
    const end = this.text.indexOf('\n', this.pos);
    this.pos = end < 0 ? this.text.length : end;
  }

  private skipBlockComment(): void {
    const nested = this.language === 'rust';
    let depth = 0;
    while (this.pos < this.text.length) {
      if (this.text.startsWith('/*', this.pos)) {
        depth++;
        this.pos += 2;
        if (!nested) depth = 1;
        continue;
      }
      if (this.text.startsWith('*/', this.pos)) {
        this.pos += 2;
        if (--depth === 0) return;
        continue;
      }
      if (this.text.charCodeAt(this.pos) === 10) this.line++;
      this.pos++;
    }
  }

  private next(): Token | undefined {
    this.skipTrivia();
    if (this.pos >= this.text.length) return undefined;
    this.budget.spend();
    const token = this.lexToken();
    this.previous = token;
    return token;
  }

  private make(kind: TokenKind, start: number, line: number, value?: string, parts?: TemplatePart[]): Token {
    // One object shape for every token: the scanner's loops stay monomorphic.
    return { kind, text: this.text.slice(start, this.pos), start, end: this.pos, line, value, parts };
  }

  private lexToken(): Token {
    const text = this.text;
    const start = this.pos;
    const line = this.line;
    const c = text.charCodeAt(start);
    const ch = text[start];
    const lang = this.language;

    if (lang === 'csharp' && (ch === '$' || ch === '@')) {
      const prefix = /^(\$@|@\$|@|\$)"/.exec(text.slice(start, start + 3))?.[1];
      if (prefix) {
        this.pos += prefix.length + 1;
        const isVerbatim = prefix.includes('@');
        return this.readString(start, line, {
          close: '"',
          escapes: !isVerbatim,
          multiline: isVerbatim,
          doubledClose: isVerbatim,
          interpolation: prefix.includes('$') ? 'brace' : undefined,
          specStops: ',:',
        });
      }
    }

    if (isIdentStart(c)) {
      let end = start + 1;
      while (end < text.length && isIdentPart(text.charCodeAt(end))) end++;
      const after = text[end];
      if (after === '"' || after === "'" || (after === '#' && lang === 'rust')) {
        const prefixed = this.lexPrefixedString(text.slice(start, end), start, end, line);
        if (prefixed) return prefixed;
      }
      this.pos = end;
      return this.make('ident', start, line);
    }

    if (isDigit(c) || (ch === '.' && isDigit(text.charCodeAt(start + 1)))) {
      let end = start + 1;
      for (; end < text.length; end++) {
        const d = text.charCodeAt(end);
        if (isIdentPart(d)) continue;
        if (d === 46 /* . */ && isDigit(text.charCodeAt(end + 1))) continue;
        if (d === 39 /* ' */ && (lang === 'c' || lang === 'cpp') && isIdentPart(text.charCodeAt(end + 1))) continue;
        break;
      }
      this.pos = end;
      return this.make('number', start, line);
    }

    if (ch === '"' || ch === "'" || ch === '`') {
      const token = this.lexQuoted(ch, start, line);
      if (token) return token;
    }

    if (ch === '/' && (lang === 'javascript' || lang === 'typescript') && this.regexAllowed()) {
      const token = this.lexRegex(start, line);
      if (token) return token;
    }

    for (const p of PUNCTUATORS_BY_FIRST.get(ch) ?? []) {
      if (text.startsWith(p, start)) {
        this.pos += p.length;
        return this.make('punct', start, line);
      }
    }
    this.pos++;
    return this.make('punct', start, line);
  }

  private lexPrefixedString(word: string, start: number, end: number, line: number): Token | undefined {
    const lang = this.language;
    const text = this.text;
    const quote = text[end];
    if (lang === 'python' && PYTHON_PREFIXES.has(word.toLowerCase())) {
      const flags = word.toLowerCase();
      this.pos = end;
      return this.readPythonString(start, line, flags.includes('r'), flags.includes('f'));
    }
    if ((lang === 'c' || lang === 'cpp') && quote === '"' && CPP_RAW_PREFIXES.has(word)) {
      // R"delim( ... )delim": the delimiter is at most 16 characters, so look no further for the `(`.
      const open = text.slice(end + 1, end + 18).indexOf('(');
      const delimiter = open < 0 ? '' : text.slice(end + 1, end + 1 + open);
      if (open < 0 || /[\s\\)]/.test(delimiter)) return undefined;
      this.pos = end + 1 + open + 1;
      return this.readString(start, line, { close: `)${delimiter}"`, escapes: false, multiline: true });
    }
    if ((lang === 'c' || lang === 'cpp') && CPP_PREFIXES.has(word)) {
      this.pos = end + 1;
      return this.readString(start, line, { close: quote, escapes: true, multiline: false });
    }
    if (lang === 'rust') {
      if ((word === 'r' || word === 'br' || word === 'cr') && (quote === '"' || quote === '#')) {
        let hashes = 0;
        while (text[end + hashes] === '#' && hashes <= 255) hashes++;
        if (text[end + hashes] !== '"' || hashes > 255) return undefined;
        this.pos = end + hashes + 1;
        return this.readString(start, line, { close: '"' + '#'.repeat(hashes), escapes: false, multiline: true });
      }
      if ((word === 'b' || word === 'c') && quote !== '#') {
        this.pos = end + 1;
        return this.readString(start, line, { close: quote, escapes: true, multiline: quote === '"' });
      }
    }
    return undefined;
  }

  private lexQuoted(quote: string, start: number, line: number): Token | undefined {
    const lang = this.language;
    const text = this.text;
    if (lang === 'python') return this.readPythonString(start, line, false, false);
    if (quote === '`') {
      if (lang === 'javascript' || lang === 'typescript') {
        this.pos++;
        return this.readString(start, line, { close: '`', escapes: true, multiline: true, interpolation: 'dollar' });
      }
      if (lang === 'go') {
        this.pos++;
        return this.readString(start, line, { close: '`', escapes: false, multiline: true });
      }
      return undefined;
    }
    if (quote === "'" && lang === 'rust') {
      // 'a' and '\n' are chars; 'a (no closing quote right after) is a lifetime.
      const isChar = text[start + 1] === '\\' || text[start + 2] === "'";
      if (!isChar) return undefined;
    }
    if (quote === '"' && (lang === 'java' || lang === 'csharp') && text.startsWith('"""', start)) {
      this.pos += 3;
      return this.readString(start, line, { close: '"""', escapes: lang === 'java', multiline: true });
    }
    this.pos++;
    return this.readString(start, line, { close: quote, escapes: true, multiline: lang === 'rust' });
  }

  private readPythonString(start: number, line: number, raw: boolean, formatted: boolean): Token {
    const quote = this.text[this.pos];
    const triple = this.text.startsWith(quote.repeat(3), this.pos);
    const close = triple ? quote.repeat(3) : quote;
    this.pos += close.length;
    return this.readString(start, line, {
      close,
      escapes: !raw,
      rawBackslash: raw,
      multiline: triple,
      interpolation: formatted ? 'brace' : undefined,
      specStops: '!:',
    });
  }

  private readString(start: number, line: number, options: BodyOptions): Token {
    const { value, parts } = readBody(this, options);
    // A string is one token for the budget, but reading it cost its length.
    this.budget.spend((this.pos - start) >> 4);
    if (parts) return this.make('template', start, line, undefined, parts);
    return this.make('string', start, line, value);
  }

  private regexAllowed(): boolean {
    if (this.pos < this.regexFailedUntil) return false;
    const p = this.previous;
    if (!p) return true;
    if (p.kind === 'ident') return REGEX_AFTER.has(p.text);
    if (p.kind === 'number' || p.kind === 'string' || p.kind === 'template' || p.kind === 'regex') return false;
    return p.text !== ')' && p.text !== ']' && p.text !== '}';
  }

  /**
   * A regex literal ends on its line. When none does, remember where the attempt stopped: a later `/`
   * on the same line would scan the same characters again (quadratic on a long line of `(/[`).
   */
  private lexRegex(start: number, line: number): Token | undefined {
    const text = this.text;
    let i = start + 1;
    let inClass = false;
    for (; i < text.length; i++) {
      const ch = text[i];
      if (ch === '\n') break;
      if (ch === '\\') {
        i++;
        continue;
      }
      if (ch === '[') inClass = true;
      else if (ch === ']') inClass = false;
      else if (ch === '/' && !inClass) break;
    }
    this.budget.spend((i - start) >> 4);
    if (i >= text.length || text[i] === '\n') {
      this.regexFailedUntil = i;
      return undefined;
    }
    i++;
    while (i < text.length && isIdentPart(text.charCodeAt(i))) i++;
    this.pos = i;
    return this.make('regex', start, line);
  }
}
