// String literal bodies for the lexer: escapes, raw and verbatim strings, and interpolated strings
// (Python f-strings, JS template literals, C# $"...") split into literal parts and embedded token lists.
// Each function reads from the lexer's cursor and leaves it after the literal; every loop moves forward,
// so reading is linear in the literal's length.
import type { TemplatePart, Token } from './sourceLexer';

/** The part of the lexer a string reader needs: the text, the position, and a way to lex `${...}`. */
export interface LexerCursor {
  readonly text: string;
  pos: number;
  line: number;
  /** Tokens of an embedded expression, up to (not including) a stop character at bracket depth 0. */
  lexEmbedded(stops: string): Token[];
}

export interface BodyOptions {
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

/** Reads up to and past `o.close`: the decoded value, or the parts of an interpolated string. */
export function readBody(c: LexerCursor, o: BodyOptions): { value: string; parts?: TemplatePart[] } {
  const text = c.text;
  let literal = '';
  const parts: TemplatePart[] = [];
  let interpolated = false;
  while (c.pos < text.length) {
    if (text.startsWith(o.close, c.pos)) {
      if (o.doubledClose && text[c.pos + 1] === o.close) {
        literal += o.close;
        c.pos += 2;
        continue;
      }
      c.pos += o.close.length;
      break;
    }
    const ch = text[c.pos];
    if (ch === '\n') {
      if (!o.multiline) break;
      c.line++;
    }
    if (ch === '\\' && (o.escapes || o.rawBackslash)) {
      if (o.escapes) literal += readEscape(c);
      else {
        literal += text.slice(c.pos, c.pos + 2);
        c.pos += 2;
      }
      continue;
    }
    if (o.interpolation === 'brace' && (ch === '{' || ch === '}')) {
      if (text[c.pos + 1] === ch) {
        literal += ch;
        c.pos += 2;
        continue;
      }
      if (ch === '{') {
        c.pos++;
        if (literal) parts.push({ literal });
        literal = '';
        parts.push(readBraceExpression(c, o.specStops ?? ''));
        interpolated = true;
        continue;
      }
    }
    if (o.interpolation === 'dollar' && ch === '$' && text[c.pos + 1] === '{') {
      c.pos += 2;
      if (literal) parts.push({ literal });
      literal = '';
      parts.push({ expression: c.lexEmbedded('}') });
      if (text[c.pos] === '}') c.pos++;
      interpolated = true;
      continue;
    }
    literal += ch;
    c.pos++;
  }
  if (!interpolated) return { value: literal };
  if (literal) parts.push({ literal });
  return { value: '', parts };
}

function readBraceExpression(c: LexerCursor, specStops: string): TemplatePart {
  const expression = c.lexEmbedded(specStops + '}');
  const part: { expression: Token[]; conversion?: string; format?: string } = { expression };
  const text = c.text;
  if (text[c.pos] === '!' && specStops.includes('!')) {
    const end = c.pos + 2;
    part.conversion = text.slice(c.pos + 1, end);
    c.pos = end;
  }
  if (c.pos < text.length && text[c.pos] !== '}') {
    let depth = 0;
    const begin = c.pos + 1;
    while (c.pos < text.length && !(text[c.pos] === '}' && depth === 0)) {
      if (text[c.pos] === '{') depth++;
      else if (text[c.pos] === '}') depth--;
      else if (text[c.pos] === '\n') c.line++;
      c.pos++;
    }
    part.format = text.slice(begin, c.pos);
  }
  if (text[c.pos] === '}') c.pos++;
  return part;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0' };

function readEscape(c: LexerCursor): string {
  const text = c.text;
  const n = text[c.pos + 1];
  c.pos += 2;
  if (n === undefined) return '';
  if (SIMPLE_ESCAPES[n]) return SIMPLE_ESCAPES[n];
  if ('\\"\'`${}?'.includes(n)) return n;
  if (n === '\n') {
    c.line++;
    return '';
  }
  if (n === '\r') {
    if (text[c.pos] === '\n') {
      c.pos++;
      c.line++;
    }
    return '';
  }
  if (n === 'x') {
    const hex = /^[0-9a-fA-F]{1,2}/.exec(text.slice(c.pos, c.pos + 2))?.[0] ?? '';
    c.pos += hex.length;
    return hex ? String.fromCharCode(parseInt(hex, 16)) : 'x';
  }
  if (n === 'u') {
    const braced = /^\{([0-9a-fA-F]{1,6})\}/.exec(text.slice(c.pos, c.pos + 8));
    const plain = braced ? undefined : /^[0-9a-fA-F]{4}/.exec(text.slice(c.pos, c.pos + 4));
    const hex = braced?.[1] ?? plain?.[0];
    const code = hex === undefined ? NaN : parseInt(hex, 16);
    if (!(code <= 0x10ffff)) return 'u';
    c.pos += (braced ?? plain)![0].length;
    return String.fromCodePoint(code);
  }
  return '\\' + n;
}
