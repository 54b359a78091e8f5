// Computes endpoint strings from source tokens: literals, names assigned a computable value in the same
// file, concatenation, f-strings/template literals/C# interpolation, printf-style (`%`, Sprintf,
// String.format, snprintf) and brace-style (str.format, format!, string.Format) formatting.
// It answers `undefined` rather than guess: a name assigned twice with different values, assigned
// from anything it cannot compute, bound as a parameter or loop variable, or updated (`+=`) is unknown.
// Scoping is by file, not by function: the rules above are what keep that from guessing.
import type { ScanLanguage } from './scanTypes';
import type { TemplatePart, Token } from './sourceLexer';

export type ConstantValue = string | number;

/** How a name got its value: a token range to evaluate, or a computed producer (snprintf). */
type Assignment = (() => ConstantValue | undefined) | 'unknown';

const TO_STRING_CALLS = new Set([
  'str',
  'String',
  'to_string',
  'Itoa',
  'toString',
  'valueOf',
  'ToString',
  'string',
  'String.from',
  'Sprint',
]);
const IDENTITY_METHODS = new Set([
  'c_str',
  'as_str',
  'to_owned',
  'into',
  'clone',
  'toString',
  'to_string',
  'ToString',
  'String',
  'data',
  'encode',
]);
const CONTINUES_LINE_AFTER = new Set(['+', '-', '*', '/', '%', '(', '[', ',', '.', '=', '?', ':', '&&', '||', '??', '|', '&', ':=']);
const CONTINUES_LINE_BEFORE = new Set(['+', '.', '?.', '%', '?', ':', '&&', '||', '??']);
const ANNOTATION_LEAD = new Set([
  'const',
  'let',
  'var',
  'mut',
  'static',
  'pub',
  'readonly',
  'private',
  'public',
  'protected',
  'declare',
  'export',
]);
const NOT_CALL_DEFINITION = new Set([
  'if',
  'for',
  'while',
  'switch',
  'catch',
  'using',
  'lock',
  'foreach',
  'synchronized',
  'return',
  'fixed',
  'when',
]);
const COMPOUND_ASSIGNMENT = new Set(['+=', '-=', '*=', '/=', '%=', '|=', '&=', '^=', '**=', '<<=', '>>=', '??=', '++', '--']);

export class ConstantEvaluator {
  private readonly assignments = new Map<string, Assignment[]>();
  private readonly inProgress = new Set<string>();

  constructor(
    private readonly tokens: readonly Token[],
    private readonly match: Int32Array,
    private readonly language: ScanLanguage,
  ) {
    this.collect();
  }

  /** Value of tokens[a, b) of the file, or undefined. */
  evaluateRange(a: number, b: number): ConstantValue | undefined {
    return this.evaluate(this.tokens, a, b);
  }

  /** Value of a name (`PORT`, `self.addr`, `Config.PORT`), or undefined. */
  lookup(chain: string): ConstantValue | undefined {
    if (this.assignments.has(chain)) return this.resolveName(chain);
    const dot = chain.indexOf('.');
    if (dot > 0 && dot === chain.lastIndexOf('.')) {
      const owner = chain.slice(0, dot);
      if (/^(self|this|Self|cls|[A-Z])/.test(owner)) return this.resolveName(chain.slice(dot + 1));
    }
    return undefined;
  }

  private resolveName(name: string): ConstantValue | undefined {
    const entries = this.assignments.get(name);
    if (!entries || this.inProgress.has(name)) return undefined;
    this.inProgress.add(name);
    try {
      let value: ConstantValue | undefined;
      for (const entry of entries) {
        if (entry === 'unknown') return undefined;
        const v = entry();
        if (v === undefined || (value !== undefined && v !== value)) return undefined;
        value = v;
      }
      return value;
    } finally {
      this.inProgress.delete(name);
    }
  }

  private record(name: string, assignment: Assignment): void {
    const list = this.assignments.get(name);
    if (list) list.push(assignment);
    else this.assignments.set(name, [assignment]);
  }

  // ---- collecting assignments ----

  private collect(): void {
    const t = this.tokens;
    const lang = this.language;
    const js = lang === 'javascript' || lang === 'typescript';
    // Brackets that make `=` something other than an assignment (arguments, defaults): ( and [,
    // except Go's `const (` / `var (` blocks; in JS, `{` of an object literal or destructuring pattern.
    const stack: boolean[] = [];
    let inert = 0;
    for (let i = 0; i < t.length; i++) {
      const tok = t[i];
      if (tok.kind === 'ident') {
        this.collectKeywordBindings(i);
        if (tok.text === 'define' && t[i - 1]?.text === '#' && (lang === 'c' || lang === 'cpp')) this.collectDefine(i);
        continue;
      }
      if (tok.kind !== 'punct') continue;
      const text = tok.text;
      if (text === '(' || text === '[' || (js && text === '{')) {
        let counts = text !== '{';
        if (text === '(' && lang === 'go' && (t[i - 1]?.text === 'const' || t[i - 1]?.text === 'var')) counts = false;
        if (text === '{') counts = isLiteralBrace(t[i - 1]);
        if (text === '(') this.collectParameters(i);
        stack.push(counts);
        if (counts) inert++;
        continue;
      }
      if (text === ')' || text === ']' || (js && text === '}')) {
        if (stack.pop()) inert--;
        continue;
      }
      if (COMPOUND_ASSIGNMENT.has(text)) {
        const before = this.chainBackward(i - 1);
        if (before) this.record(before.text, 'unknown');
        const after = t[i + 1]?.kind === 'ident' ? this.chainForward(i + 1) : undefined;
        if (after && (text === '++' || text === '--')) this.record(after, 'unknown');
        continue;
      }
      if ((text === '=' || text === ':=') && inert === 0) {
        const targets = this.assignmentTargets(i);
        if (!targets.length) continue;
        if (targets.length > 1) {
          for (const target of targets) this.record(target, 'unknown');
          continue;
        }
        const end = this.statementEnd(i + 1);
        const a = i + 1;
        this.record(targets[0], () => this.evaluate(t, a, end));
      }
    }
    if (lang === 'c' || lang === 'cpp') this.collectCBuffers();
  }

  /** Names bound by `for x in`, `as x`, `lambda x:` (Python), `x =>` (JS): their value is not a constant. */
  private collectKeywordBindings(i: number): void {
    const t = this.tokens;
    const text = t[i].text;
    if (this.language === 'python') {
      if (text === 'for') {
        for (let k = i + 1; k < t.length && t[k].text !== 'in' && k < i + 12; k++)
          if (t[k].kind === 'ident') this.record(t[k].text, 'unknown');
      } else if (text === 'as' && t[i + 1]?.kind === 'ident') {
        this.record(t[i + 1].text, 'unknown');
      } else if (text === 'lambda') {
        for (let k = i + 1; k < t.length && t[k].text !== ':' && k < i + 12; k++)
          if (t[k].kind === 'ident') this.record(t[k].text, 'unknown');
      }
    } else if (t[i + 1]?.text === '=>') {
      this.record(text, 'unknown');
    }
  }

  /** `#define ENDPOINT "tcp://..."` (object-like macros only). */
  private collectDefine(i: number): void {
    const t = this.tokens;
    const name = t[i + 1];
    if (name?.kind !== 'ident' || name.line !== t[i].line) return;
    if (t[i + 2]?.text === '(' && t[i + 2].start === name.end) return;
    let end = i + 2;
    while (end < t.length && t[end].line === t[i].line) end++;
    const from = i + 2;
    this.record(name.text, () => this.evaluate(t, from, end));
  }

  /** Every name inside a function's parameter list is a parameter, whatever defaults it shows. */
  private collectParameters(open: number): void {
    const t = this.tokens;
    const close = this.match[open];
    if (close < 0) return;
    const before = t[open - 1];
    const after = t[close + 1];
    let isDefinition = false;
    if (before && (before.text === 'def' || before.text === 'fn' || before.text === 'func' || before.text === 'function'))
      isDefinition = true;
    else if (
      before?.kind === 'ident' &&
      (t[open - 2]?.text === 'def' || t[open - 2]?.text === 'fn' || t[open - 2]?.text === 'func' || t[open - 2]?.text === 'function')
    )
      isDefinition = true;
    else if (
      after &&
      (after.text === '{' || after.text === '=>' || after.text === 'throws' || after.text === 'noexcept' || after.text === 'const')
    ) {
      isDefinition = !(before && NOT_CALL_DEFINITION.has(before.text));
    } else if (this.language === 'go' && before?.text === 'func') isDefinition = true;
    if (!isDefinition) return;
    for (let k = open + 1; k < close; k++) if (t[k].kind === 'ident') this.record(t[k].text, 'unknown');
  }

  /** `snprintf(buf, size, "tcp://*:%d", port)` gives `buf` a value. */
  private collectCBuffers(): void {
    const t = this.tokens;
    for (let i = 0; i + 1 < t.length; i++) {
      const name = t[i].text;
      if ((name !== 'snprintf' && name !== 'sprintf') || t[i + 1].text !== '(') continue;
      const args = this.splitArguments(t, i + 1, this.match[i + 1]);
      const formatIndex = name === 'snprintf' ? 2 : 1;
      if (args.length <= formatIndex) continue;
      const target = this.chainText(t, args[0][0], args[0][1]);
      if (!target) continue;
      this.record(target, () => {
        const format = this.evaluate(t, args[formatIndex][0], args[formatIndex][1]);
        if (typeof format !== 'string') return undefined;
        return formatPrintf(
          format,
          args.slice(formatIndex + 1).map(([a, b]) => this.evaluate(t, a, b)),
        );
      });
    }
  }

  /** The names an `=` or `:=` at token `eq` assigns (`a, err := ...` gives two). */
  assignmentTargets(eq: number): string[] {
    const t = this.tokens;
    const lang = this.language;
    let last = eq - 1;
    // C arrays: `char endpoint[] = "..."`.
    if ((lang === 'c' || lang === 'cpp') && t[last]?.text === ']' && this.match[last] > 0) last = this.match[last] - 1;
    let target = this.chainBackward(last);
    if (!target) return [];
    if (lang === 'python' || lang === 'rust' || lang === 'typescript' || lang === 'javascript') {
      // `NAME: type = value`: walk back over the type to the colon.
      for (let k = target.start - 1, steps = 0; k >= 0 && steps < 16 && t[k].line === t[eq].line; k--, steps++) {
        if (t[k].text === ':') {
          const named = this.chainBackward(k - 1);
          const lead = named ? t[named.start - 1] : undefined;
          if (named && (!lead || lead.line !== t[named.start].line || ANNOTATION_LEAD.has(lead.text))) target = named;
          break;
        }
        if (!(t[k].kind === 'ident' || ['.', '::', '<', '>', '&', '*', '[', ']', "'", ','].includes(t[k].text))) break;
      }
    } else if (lang === 'go') {
      // `var name Type = value`, or `name Type = value` inside a const/var block.
      const prev = t[target.start - 1];
      if (prev?.kind === 'ident' && prev.line === t[eq].line && prev.text !== 'var' && prev.text !== 'const')
        target = { text: prev.text, start: target.start - 1 };
    }
    const targets = [target.text];
    let start = target.start;
    while (t[start - 1]?.text === ',' && t[start - 1].line === t[eq].line) {
      const previous = this.chainBackward(start - 2);
      if (!previous) break;
      targets.unshift(previous.text);
      start = previous.start;
    }
    return targets;
  }

  /** The dotted name ending at token i (`self.addr`, `Config::PORT` as `Config.PORT`). */
  chainBackward(i: number): { text: string; start: number } | undefined {
    const t = this.tokens;
    if (i < 0 || t[i].kind !== 'ident') return undefined;
    let start = i;
    while (
      start >= 2 &&
      (t[start - 1].text === '.' || t[start - 1].text === '::' || t[start - 1].text === '->') &&
      t[start - 2].kind === 'ident'
    )
      start -= 2;
    return { text: this.chainText(t, start, i + 1)!, start };
  }

  private chainForward(i: number): string | undefined {
    const t = this.tokens;
    let end = i + 1;
    while (end + 1 < t.length && (t[end].text === '.' || t[end].text === '::' || t[end].text === '->') && t[end + 1].kind === 'ident')
      end += 2;
    return this.chainText(t, i, end);
  }

  private statementEnd(from: number): number {
    const t = this.tokens;
    const lineBreaks =
      this.language === 'python' || this.language === 'go' || this.language === 'javascript' || this.language === 'typescript';
    let depth = 0;
    for (let j = from; j < t.length; j++) {
      const tok = t[j];
      if (tok.kind === 'punct') {
        const x = tok.text;
        if (x === '(' || x === '[' || x === '{') {
          depth++;
          continue;
        }
        if (x === ')' || x === ']' || x === '}') {
          if (depth === 0) return j;
          depth--;
          continue;
        }
        if (depth === 0 && (x === ';' || (x === ',' && this.language !== 'python'))) return j;
      }
      if (
        depth === 0 &&
        lineBreaks &&
        j > from &&
        tok.line > t[j - 1].line &&
        !CONTINUES_LINE_AFTER.has(t[j - 1].text) &&
        !CONTINUES_LINE_BEFORE.has(tok.text)
      )
        return j;
    }
    return t.length;
  }

  // ---- evaluating ----

  /** `a.b::c` as `a.b.c` when tokens[a, b) are exactly a dotted name. */
  chainText(t: readonly Token[], a: number, b: number): string | undefined {
    if (b <= a || (b - a) % 2 === 0) return undefined;
    let text = '';
    for (let k = a; k < b; k++) {
      if ((k - a) % 2 === 0) {
        if (t[k].kind !== 'ident') return undefined;
        text += t[k].text;
      } else {
        if (t[k].text !== '.' && t[k].text !== '::' && t[k].text !== '->') return undefined;
        text += '.';
      }
    }
    return text;
  }

  private closeOf(t: readonly Token[], open: number): number {
    if (t === this.tokens) return this.match[open];
    let depth = 0;
    for (let k = open; k < t.length; k++) {
      const x = t[k].text;
      if (t[k].kind !== 'punct') continue;
      if (x === '(' || x === '[' || x === '{') depth++;
      else if (x === ')' || x === ']' || x === '}') {
        if (--depth === 0) return k;
      }
    }
    return -1;
  }

  private openOf(t: readonly Token[], close: number): number {
    if (t === this.tokens) return this.match[close];
    let depth = 0;
    for (let k = close; k >= 0; k--) {
      const x = t[k].text;
      if (t[k].kind !== 'punct') continue;
      if (x === ')' || x === ']' || x === '}') depth++;
      else if (x === '(' || x === '[' || x === '{') {
        if (--depth === 0) return k;
      }
    }
    return -1;
  }

  /** Argument ranges of the call whose `(` is at `open`. */
  splitArguments(t: readonly Token[], open: number, close = this.closeOf(t, open)): Array<[number, number]> {
    if (close < 0) return [];
    return this.splitTopLevel(t, open + 1, close, ',');
  }

  private splitTopLevel(t: readonly Token[], a: number, b: number, separator: string): Array<[number, number]> {
    const parts: Array<[number, number]> = [];
    let depth = 0;
    let from = a;
    for (let k = a; k < b; k++) {
      const tok = t[k];
      if (tok.kind !== 'punct') continue;
      const x = tok.text;
      if (x === '(' || x === '[' || x === '{') depth++;
      else if (x === ')' || x === ']' || x === '}') depth--;
      else if (
        depth === 0 &&
        x === separator &&
        !(separator === '+' && (k === from || (t[k - 1].kind === 'punct' && !/[)\]}]/.test(t[k - 1].text))))
      ) {
        parts.push([from, k]);
        from = k + 1;
      }
    }
    if (from < b || parts.length) parts.push([from, b]);
    return parts;
  }

  private evaluate(t: readonly Token[], a: number, b: number): ConstantValue | undefined {
    while (a < b && (t[a].text === '&' || t[a].text === 'await')) a++;
    if (a >= b) return undefined;
    if (t[a].text === '(' && this.closeOf(t, a) === b - 1) return this.evaluate(t, a + 1, b - 1);

    const sum = this.splitTopLevel(t, a, b, '+');
    if (sum.length > 1) {
      const values = sum.map(([x, y]) => this.evaluate(t, x, y));
      if (values.some((v) => v === undefined)) return undefined;
      if (values.every((v) => typeof v === 'number')) return (values as number[]).reduce((x, y) => x + y, 0);
      return values.join('');
    }
    if (this.language === 'python') {
      const modulo = this.splitTopLevel(t, a, b, '%');
      if (modulo.length === 2) return this.evaluatePercent(t, modulo[0], modulo[1]);
      if (modulo.length > 2) return undefined;
    }
    if (b - a === 1) return this.evaluateToken(t[a]);
    if (
      t
        .slice(a, b)
        .every(
          (x) => x.kind === 'string' || x.kind === 'template' || (x.kind === 'ident' && (this.language === 'c' || this.language === 'cpp')),
        )
    ) {
      if (!t.slice(a, b).some((x) => x.kind === 'string')) return undefined;
      // Adjacent literals concatenate (C, C++, Python), with macros in between in C.
      const values = t.slice(a, b).map((x) => this.evaluateToken(x));
      return values.every((v) => typeof v === 'string') ? values.join('') : undefined;
    }
    const chain = this.chainText(t, a, b);
    if (chain) return this.lookup(chain);
    if (t[b - 1].text === ')') return this.evaluateCall(t, a, b);
    if (this.language === 'rust' && t[b - 1].text === '?') return undefined;
    return undefined;
  }

  private evaluateToken(tok: Token): ConstantValue | undefined {
    switch (tok.kind) {
      case 'string':
        return tok.value;
      case 'number':
        return parseNumber(tok.text);
      case 'ident':
        return this.lookup(tok.text);
      case 'template':
        return this.evaluateTemplate(tok.parts!);
      default:
        return undefined;
    }
  }

  private evaluateTemplate(parts: TemplatePart[]): string | undefined {
    let out = '';
    for (const part of parts) {
      if ('literal' in part) {
        out += part.literal;
        continue;
      }
      if (part.conversion && part.conversion !== 's') return undefined;
      if (part.format && !/^[ds]?$/i.test(part.format.trim())) return undefined;
      const value = this.evaluate(part.expression, 0, part.expression.length);
      if (value === undefined) return undefined;
      out += String(value);
    }
    return out;
  }

  private evaluatePercent(t: readonly Token[], [fa, fb]: [number, number], [xa, xb]: [number, number]): string | undefined {
    const format = this.evaluate(t, fa, fb);
    if (typeof format !== 'string') return undefined;
    let argRanges: Array<[number, number]> = [[xa, xb]];
    if (t[xa].text === '(' && this.closeOf(t, xa) === xb - 1) {
      argRanges = this.splitTopLevel(t, xa + 1, xb - 1, ',').filter(([x, y]) => y > x);
    }
    return formatPrintf(
      format,
      argRanges.map(([x, y]) => this.evaluate(t, x, y)),
    );
  }

  private evaluateCall(t: readonly Token[], a: number, b: number): ConstantValue | undefined {
    const open = this.openOf(t, b - 1);
    if (open <= a) return undefined;
    const args = this.splitArguments(t, open, b - 1).filter(([x, y]) => y > x);
    const name = t[open - 1];
    // Rust `format!(...)`.
    if (name.text === '!' && t[open - 2]?.text === 'format' && open - 2 === a) return this.evaluateBraceFormat(t, args, 'rust');
    // `receiver.method()` that only converts: `PORT.to_string()`, `addr.c_str()`.
    if (name.kind === 'ident' && t[open - 2]?.text === '.' && IDENTITY_METHODS.has(name.text) && args.length === 0) {
      const value = this.evaluate(t, a, open - 2);
      return value === undefined ? undefined : String(value);
    }
    // Python `"tcp://*:{}".format(PORT)`.
    if (name.text === 'format' && t[open - 2]?.text === '.' && this.language === 'python') {
      return this.evaluateBraceFormat(t, [[a, open - 2], ...args], 'python');
    }
    const callee = this.chainText(t, a, open);
    if (!callee) return undefined;
    const last = callee.slice(callee.lastIndexOf('.') + 1);
    if ((TO_STRING_CALLS.has(last) || TO_STRING_CALLS.has(callee)) && args.length === 1 && last !== 'from') {
      const value = this.evaluate(t, args[0][0], args[0][1]);
      return value === undefined ? undefined : String(value);
    }
    if (callee === 'String.from' && args.length === 1) {
      const value = this.evaluate(t, args[0][0], args[0][1]);
      return typeof value === 'string' ? value : undefined;
    }
    if (last === 'FormatInt' && args.length === 2 && this.evaluate(t, args[1][0], args[1][1]) === 10) {
      const value = this.evaluate(t, args[0][0], args[0][1]);
      return typeof value === 'number' ? String(value) : undefined;
    }
    if (last === 'Sprintf' || callee === 'String.format' || callee === 'util.format') {
      if (!args.length) return undefined;
      const format = this.evaluate(t, args[0][0], args[0][1]);
      if (typeof format !== 'string') return undefined;
      return formatPrintf(
        format,
        args.slice(1).map(([x, y]) => this.evaluate(t, x, y)),
      );
    }
    if (callee === 'string.Format' || callee === 'String.Format') return this.evaluateBraceFormat(t, args, 'csharp');
    return undefined;
  }

  /** `{}`, `{0}`, `{name}` formatting: Python str.format, Rust format!, C# string.Format. */
  private evaluateBraceFormat(t: readonly Token[], args: Array<[number, number]>, style: 'python' | 'rust' | 'csharp'): string | undefined {
    if (!args.length) return undefined;
    const format = this.evaluate(t, args[0][0], args[0][1]);
    if (typeof format !== 'string') return undefined;
    const positional: Array<ConstantValue | undefined> = [];
    const named = new Map<string, ConstantValue | undefined>();
    for (const [x, y] of args.slice(1)) {
      if (y - x >= 3 && t[x].kind === 'ident' && t[x + 1].text === '=') named.set(t[x].text, this.evaluate(t, x + 2, y));
      else positional.push(this.evaluate(t, x, y));
    }
    let auto = 0;
    let failed = false;
    const out = format.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (whole, field: string | undefined) => {
      if (whole === '{{') return '{';
      if (whole === '}}') return '}';
      const [key, spec = ''] = splitFormatField(field ?? '', style);
      if (!/^[ds]?$/i.test(spec.trim())) {
        failed = true;
        return '';
      }
      let value: ConstantValue | undefined;
      if (key === '') value = positional[auto++];
      else if (/^\d+$/.test(key)) value = positional[Number(key)];
      else value = named.has(key) ? named.get(key) : style === 'rust' ? this.lookup(key) : undefined;
      if (value === undefined) {
        failed = true;
        return '';
      }
      return String(value);
    });
    return failed ? undefined : out;
  }
}

function splitFormatField(field: string, style: 'python' | 'rust' | 'csharp'): [string, string?] {
  const stop = style === 'csharp' ? field.search(/[,:]/) : field.search(/[!:]/);
  if (stop < 0) return [field.trim()];
  return [field.slice(0, stop).trim(), field.slice(stop + 1)];
}

/** A `{` opens an object literal or pattern (not a block) when it follows one of these. */
function isLiteralBrace(previous: Token | undefined): boolean {
  if (!previous) return false;
  if (previous.kind === 'ident') return ['const', 'let', 'var', 'return', 'of', 'in', 'yield', 'await'].includes(previous.text);
  return ['=', '(', ',', ':', '[', '?', '??', '||', '&&', '=>', '...'].includes(previous.text);
}

function parseNumber(text: string): number | undefined {
  const clean = text.replace(/[_']/g, '');
  const hex = /^0x([0-9a-f]+)/i.exec(clean);
  if (hex) return parseInt(hex[1], 16);
  const decimal = /^\d+(\.\d+)?/.exec(clean);
  return decimal ? Number(decimal[0]) : undefined;
}

/** printf-style formatting (`%d`, `%s`, `%v`, `%x`, `%%`, widths); undefined when an argument is unknown. */
export function formatPrintf(format: string, args: Array<ConstantValue | undefined>): string | undefined {
  let index = 0;
  let failed = false;
  const out = format.replace(
    /%([-+ 0#]*)(\d+)?(?:\.\d+)?(?:hh|h|ll|l|z|j|t)?([diusvxXc%])/g,
    (_whole, flags: string, width: string | undefined, conversion: string) => {
      if (conversion === '%') return '%';
      const value = args[index++];
      let text: string;
      if (value === undefined || conversion === 'c') {
        failed = true;
        return '';
      }
      if ('diu'.includes(conversion)) {
        if (typeof value !== 'number') {
          failed = true;
          return '';
        }
        text = String(Math.trunc(value));
      } else if (conversion === 'x' || conversion === 'X') {
        if (typeof value !== 'number') {
          failed = true;
          return '';
        }
        text = value.toString(16);
        if (conversion === 'X') text = text.toUpperCase();
      } else {
        text = String(value);
      }
      if (width) text = flags.includes('-') ? text.padEnd(Number(width)) : text.padStart(Number(width), flags.includes('0') ? '0' : ' ');
      return text;
    },
  );
  return failed || index !== args.length ? undefined : out;
}
