// A small tokenizer for the nine languages the workspace scan reads: it drops comments, decodes string
// literals (including raw, verbatim and byte strings) and splits interpolated strings (Python f-strings,
// JS template literals, C# $"...") into literal parts and embedded token lists, so the scanner can match
// calls on tokens and never mistakes a commented-out or quoted `bind(...)` for code.
import type { ScanLanguage } from './scanTypes';

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

const PUNCTUATORS = [
  '===',
  '!==',
  '...',
  '**=',
  '<<=',
  '>>=',
  '??=',
  '::',
  ':=',
  '==',
  '!=',
  '<=',
  '>=',
  '=>',
  '->',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '|=',
  '&=',
  '^=',
  '??',
  '?.',
  '&&',
  '||',
  '<<',
  '>>',
  '**',
  '++',
  '--',
];

/** Keywords after which a `/` starts a regular expression rather than a division (JS/TS). */
const REGEX_AFTER = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

const PYTHON_PREFIXES = new Set(['r', 'u', 'b', 'f', 'br', 'rb', 'fr', 'rf']);
const CPP_PREFIXES = new Set(['L', 'u', 'U', 'u8']);
const CPP_RAW_PREFIXES = new Set(['R', 'LR', 'uR', 'UR', 'u8R']);

interface BodyOptions {
  close: string;
  escapes: boolean;
  multiline: boolean;
  /** Backslash keeps the next character (raw Python strings still cannot end on `\'`). */
  rawBackslash?: boolean;
  /** `""` inside a C# verbatim string is one quote. */
  doubledClose?: boolean;
  interpolation?: 'brace' | 'dollar';
  /** Characters that end an embedded expression before its format spec (`!`/`:` in Python, `,`/`:` in C#). */
  specStops?: string;
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 || c >= 0x80;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSERS = new Set([')', ']', '}']);

/** For each bracket token, the index of its partner (-1 when unbalanced or not a bracket). */
export function matchBrackets(tokens: readonly Token[]): Int32Array {
  const match = new Int32Array(tokens.length).fill(-1);
  const stack: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind !== 'punct') continue;
    if (OPENERS[t.text]) stack.push(i);
    else if (CLOSERS.has(t.text)) {
      // Pop to the nearest opener of the same kind, so one stray bracket does not unbalance the file.
      for (let k = stack.length - 1; k >= 0; k--) {
        if (OPENERS[tokens[stack[k]].text] === t.text) {
          match[i] = stack[k];
          match[stack[k]] = i;
          stack.length = k;
          break;
        }
      }
    }
  }
  return match;
}

export function tokenize(text: string, language: ScanLanguage): Token[] {
  return new SourceLexer(text, language).lexAll();
}

class SourceLexer {
  private pos = 0;
  private line = 0;
  private previous: Token | undefined;

  constructor(
    private readonly text: string,
    private readonly language: ScanLanguage,
  ) {}

  lexAll(): Token[] {
    const tokens: Token[] = [];
    for (let token = this.next(); token; token = this.next()) tokens.push(token);
    return tokens;
  }

  /** Tokens of an embedded expression, up to (not including) a stop character at bracket depth 0. */
  private lexEmbedded(stops: string): Token[] {
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
    const token = this.lexToken();
    this.previous = token;
    return token;
  }

  private make(kind: TokenKind, start: number, line: number, extra?: Partial<Token>): Token {
    return { kind, text: this.text.slice(start, this.pos), start, end: this.pos, line, ...extra };
  }

  private lexToken(): Token {
    const text = this.text;
    const start = this.pos;
    const line = this.line;
    const c = text.charCodeAt(start);
    const ch = text[start];
    const lang = this.language;

    if (lang === 'csharp' && (ch === '$' || ch === '@')) {
      const verbatim = /^(\$@|@\$|@)"/.exec(text.slice(start, start + 3));
      const interpolated = /^(\$@|@\$|\$)"/.exec(text.slice(start, start + 3));
      if (verbatim || interpolated) {
        const prefix = (verbatim ?? interpolated)![1];
        this.pos += prefix.length + 1;
        const isVerbatim = prefix.includes('@');
        const isInterpolated = prefix.includes('$');
        return this.readString(start, line, {
          close: '"',
          escapes: !isVerbatim,
          multiline: isVerbatim,
          doubledClose: isVerbatim,
          interpolation: isInterpolated ? 'brace' : undefined,
          specStops: ',:',
        });
      }
    }

    if (isIdentStart(c)) {
      let end = start + 1;
      while (end < text.length && isIdentPart(text.charCodeAt(end))) end++;
      const word = text.slice(start, end);
      const after = text[end];
      if (after === '"' || after === "'" || (after === '#' && lang === 'rust')) {
        const prefixed = this.lexPrefixedString(word, start, end, line);
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

    for (const p of PUNCTUATORS) {
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
      const open = text.indexOf('(', end + 1);
      const delimiter = open < 0 ? '' : text.slice(end + 1, open);
      if (open < 0 || delimiter.length > 16 || /[\s\\)]/.test(delimiter)) return undefined;
      this.pos = open + 1;
      return this.readString(start, line, { close: `)${delimiter}"`, escapes: false, multiline: true });
    }
    if ((lang === 'c' || lang === 'cpp') && CPP_PREFIXES.has(word)) {
      this.pos = end + 1;
      return this.readString(start, line, { close: quote, escapes: true, multiline: false });
    }
    if (lang === 'rust') {
      if ((word === 'r' || word === 'br' || word === 'cr') && (quote === '"' || quote === '#')) {
        let hashes = 0;
        while (text[end + hashes] === '#') hashes++;
        if (text[end + hashes] !== '"') return undefined;
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
    const { value, parts } = this.readBody(options);
    if (parts) return this.make('template', start, line, { parts });
    return this.make('string', start, line, { value });
  }

  private readBody(o: BodyOptions): { value: string; parts?: TemplatePart[] } {
    const text = this.text;
    let literal = '';
    const parts: TemplatePart[] = [];
    let interpolated = false;
    while (this.pos < text.length) {
      if (text.startsWith(o.close, this.pos)) {
        if (o.doubledClose && text[this.pos + 1] === o.close) {
          literal += o.close;
          this.pos += 2;
          continue;
        }
        this.pos += o.close.length;
        break;
      }
      const ch = text[this.pos];
      if (ch === '\n') {
        if (!o.multiline) break;
        this.line++;
      }
      if (ch === '\\' && (o.escapes || o.rawBackslash)) {
        if (o.escapes) literal += this.readEscape();
        else {
          literal += text.slice(this.pos, this.pos + 2);
          this.pos += 2;
        }
        continue;
      }
      if (o.interpolation === 'brace' && (ch === '{' || ch === '}')) {
        if (text[this.pos + 1] === ch) {
          literal += ch;
          this.pos += 2;
          continue;
        }
        if (ch === '{') {
          this.pos++;
          if (literal) parts.push({ literal });
          literal = '';
          parts.push(this.readBraceExpression(o.specStops ?? ''));
          interpolated = true;
          continue;
        }
      }
      if (o.interpolation === 'dollar' && ch === '$' && text[this.pos + 1] === '{') {
        this.pos += 2;
        if (literal) parts.push({ literal });
        literal = '';
        parts.push({ expression: this.lexEmbedded('}') });
        if (text[this.pos] === '}') this.pos++;
        interpolated = true;
        continue;
      }
      literal += ch;
      this.pos++;
    }
    if (!interpolated) return { value: literal };
    if (literal) parts.push({ literal });
    return { value: '', parts };
  }

  private readBraceExpression(specStops: string): TemplatePart {
    const expression = this.lexEmbedded(specStops + '}');
    const part: { expression: Token[]; conversion?: string; format?: string } = { expression };
    const text = this.text;
    if (text[this.pos] === '!' && specStops.includes('!')) {
      const end = this.pos + 2;
      part.conversion = text.slice(this.pos + 1, end);
      this.pos = end;
    }
    if (this.pos < text.length && text[this.pos] !== '}') {
      let depth = 0;
      const begin = this.pos + 1;
      while (this.pos < text.length && !(text[this.pos] === '}' && depth === 0)) {
        if (text[this.pos] === '{') depth++;
        else if (text[this.pos] === '}') depth--;
        else if (text[this.pos] === '\n') this.line++;
        this.pos++;
      }
      part.format = text.slice(begin, this.pos);
    }
    if (text[this.pos] === '}') this.pos++;
    return part;
  }

  private readEscape(): string {
    const text = this.text;
    const n = text[this.pos + 1];
    this.pos += 2;
    switch (n) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case '0':
        return '\0';
      case '\\':
      case '"':
      case "'":
      case '`':
      case '$':
      case '{':
      case '}':
      case '?':
        return n;
      case '\n':
        this.line++;
        return '';
      case '\r':
        if (text[this.pos] === '\n') {
          this.pos++;
          this.line++;
        }
        return '';
      case 'x': {
        const hex = /^[0-9a-fA-F]{1,2}/.exec(text.slice(this.pos, this.pos + 2))?.[0] ?? '';
        this.pos += hex.length;
        return hex ? String.fromCharCode(parseInt(hex, 16)) : 'x';
      }
      case 'u': {
        const braced = /^\{([0-9a-fA-F]{1,6})\}/.exec(text.slice(this.pos, this.pos + 8));
        const plain = braced ? undefined : /^[0-9a-fA-F]{4}/.exec(text.slice(this.pos, this.pos + 4));
        const hex = braced?.[1] ?? plain?.[0];
        if (!hex) return 'u';
        this.pos += (braced ?? plain)![0].length;
        return String.fromCodePoint(parseInt(hex, 16));
      }
      default:
        return n === undefined ? '' : '\\' + n;
    }
  }

  private regexAllowed(): boolean {
    const p = this.previous;
    if (!p) return true;
    if (p.kind === 'ident') return REGEX_AFTER.has(p.text);
    if (p.kind === 'number' || p.kind === 'string' || p.kind === 'template' || p.kind === 'regex') return false;
    return p.text !== ')' && p.text !== ']' && p.text !== '}';
  }

  private lexRegex(start: number, line: number): Token | undefined {
    const text = this.text;
    let i = start + 1;
    let inClass = false;
    for (; i < text.length; i++) {
      const ch = text[i];
      if (ch === '\n') return undefined;
      if (ch === '\\') {
        i++;
        continue;
      }
      if (ch === '[') inClass = true;
      else if (ch === ']') inClass = false;
      else if (ch === '/' && !inClass) break;
    }
    if (i >= text.length) return undefined;
    i++;
    while (i < text.length && isIdentPart(text.charCodeAt(i))) i++;
    this.pos = i;
    return this.make('regex', start, line);
  }
}
