// Computes endpoint strings from source tokens: literals, names assigned a computable value in the same
// file (or, through `external`, in another file of the workspace), concatenation, f-strings/template
// literals/C# interpolation, printf-style (`%`, Sprintf, String.format, snprintf) and brace-style
// (str.format, format!, string.Format) formatting.
// It answers `undefined` rather than guess: a name assigned twice with different values, assigned
// from anything it cannot compute, bound as a parameter or loop variable, or updated (`+=`) is unknown.
// Scoping is by file, not by function: the rules above are what keep that from guessing.
// Bounded: each name is evaluated once (memoised, so a doubling chain a1 = a0 + a0 ... is linear), no
// value grows past 1 KiB (OVERSIZED instead), nesting is capped, and every step pays from the budget.
import type { Token, TemplatePart } from './sourceLexer';
import type { TokenNavigator } from './tokenNavigation';
import {
  OVERSIZED,
  asText,
  capped,
  concatenate,
  formatBraces,
  formatPrintf,
  parseNumber,
  type BraceStyle,
  type Evaluated,
} from './valueFormatting';

/** Names the file does not define, looked up elsewhere (imports, headers, sibling files). */
export interface ExternalNames {
  lookup(chain: string): Evaluated;
}

/** How a name got its value: a producer evaluated on demand, or 'unknown'. */
type Assignment = (() => Evaluated) | 'unknown';

const TO_STRING_CALLS = new Set(['str', 'String', 'to_string', 'Itoa', 'toString', 'valueOf', 'ToString', 'string', 'Sprint']);
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
const DEFINITION_KEYWORDS = new Set(['def', 'fn', 'func', 'function']);
const DECLARES_TYPE = new Set(['class', 'struct', 'enum', 'interface', 'record', 'namespace', 'object', 'impl', 'module']);
const COMPOUND_ASSIGNMENT = new Set(['+=', '-=', '*=', '/=', '%=', '|=', '&=', '^=', '**=', '<<=', '>>=', '??=', '++', '--']);
/** Evaluation nesting (sub-expressions, names defined by names...) deeper than this is not followed. */
const MAX_DEPTH = 200;
/** Distinct names one file may define: a generated file with millions is not a config module. */
const MAX_NAMES = 20_000;

export class ConstantEvaluator {
  private readonly assignments = new Map<string, Assignment[]>();
  private readonly memo = new Map<string, Evaluated>();
  /** Where each name's single plain assignment starts (`type = zmqpp::socket_type::reply`), for aliasOf. */
  private readonly assignedAt = new Map<string, number>();
  /** Classes, structs, enums and namespaces this file declares (`Config` of `Config.PORT`). */
  private readonly declaredTypes = new Set<string>();
  private readonly inProgress = new Set<string>();
  private depth = 0;

  constructor(
    private readonly nav: TokenNavigator,
    private readonly external?: ExternalNames,
  ) {
    this.collect();
  }

  /** Value of tokens[a, b) of the file. */
  evaluateRange(a: number, b: number): Evaluated {
    return this.evaluate(this.nav.tokens, a, b);
  }

  /** True when the file itself assigns `name` (so it is never looked up elsewhere). */
  defines(name: string): boolean {
    return this.assignments.has(name);
  }

  /**
   * The dotted name a name stands for, when it is assigned exactly once from a dotted name: the scanner
   * reads socket types through it (`auto type = zmqpp::socket_type::reply; zmqpp::socket s(ctx, type)`).
   */
  aliasOf(name: string): string | undefined {
    const entries = this.assignments.get(name);
    const a = this.assignedAt.get(name);
    if (entries?.length !== 1 || a === undefined) return undefined;
    return this.nav.chainText(this.nav.tokens, a, this.nav.statementEnd(a));
  }

  /** Value of a name (`PORT`, `self.addr`, `Config.PORT`). */
  lookup(chain: string): Evaluated {
    if (this.assignments.has(chain)) return this.resolveName(chain);
    const dot = chain.indexOf('.');
    if (dot > 0 && dot === chain.lastIndexOf('.')) {
      const owner = chain.slice(0, dot);
      const name = chain.slice(dot + 1);
      // `self.addr`, `Config.PORT` inside class/namespace Config: this file's own names.
      if (/^(self|this|Self|cls)$/.test(owner) || (this.declaredTypes.has(owner) && this.assignments.has(name)))
        return this.resolveName(name);
    }
    return this.external?.lookup(chain);
  }

  private resolveName(name: string): Evaluated {
    if (this.memo.has(name)) return this.memo.get(name);
    const entries = this.assignments.get(name);
    if (!entries || this.inProgress.has(name)) return undefined;
    this.inProgress.add(name);
    let value: Evaluated;
    try {
      for (const entry of entries) {
        if (entry === 'unknown') {
          value = undefined;
          break;
        }
        const v = entry();
        if (v === undefined || (value !== undefined && v !== value)) {
          value = undefined;
          break;
        }
        value = v;
      }
    } finally {
      this.inProgress.delete(name);
    }
    this.memo.set(name, value);
    return value;
  }

  private record(name: string, assignment: Assignment): void {
    const list = this.assignments.get(name);
    if (list) list.push(assignment);
    else if (this.assignments.size < MAX_NAMES) this.assignments.set(name, [assignment]);
  }

  // ---- collecting assignments ----

  private collect(): void {
    const { tokens: t, language: lang, budget } = this.nav;
    const js = lang === 'javascript' || lang === 'typescript';
    // Brackets that make `=` something other than an assignment (arguments, defaults): ( and [,
    // except Go's `const (` / `var (` blocks; in JS, `{` of an object literal or destructuring pattern.
    const stack: boolean[] = [];
    let inert = 0;
    for (let i = 0; i < t.length; i++) {
      budget.spend();
      const tok = t[i];
      if (tok.kind === 'ident') {
        if (DECLARES_TYPE.has(tok.text) && t[i + 1]?.kind === 'ident') this.declaredTypes.add(t[i + 1].text);
        this.collectKeywordBindings(i);
        if (tok.text === 'define' && t[i - 1]?.text === '#' && (lang === 'c' || lang === 'cpp')) this.collectDefine(i);
        if ((tok.text === 'snprintf' || tok.text === 'sprintf') && t[i + 1]?.text === '(' && (lang === 'c' || lang === 'cpp'))
          this.collectCBuffer(i);
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
        const before = this.nav.chainBackward(i - 1);
        if (before) this.record(before.text, 'unknown');
        const after = t[i + 1]?.kind === 'ident' ? this.nav.chainForward(i + 1) : undefined;
        if (after && (text === '++' || text === '--')) this.record(after, 'unknown');
        continue;
      }
      if ((text === '=' || text === ':=') && inert === 0) {
        const targets = this.nav.assignmentTargets(i);
        if (!targets.length) continue;
        if (targets.length > 1) {
          for (const target of targets) this.record(target, 'unknown');
          continue;
        }
        const a = i + 1;
        this.record(targets[0], () => this.evaluate(t, a, this.nav.statementEnd(a)));
        if (!this.assignedAt.has(targets[0])) this.assignedAt.set(targets[0], a);
      }
    }
  }

  /** Names bound by `for x in`, `as x`, `lambda x:` (Python), `x =>` (JS): their value is not a constant. */
  private collectKeywordBindings(i: number): void {
    const t = this.nav.tokens;
    const text = t[i].text;
    if (this.nav.language === 'python') {
      if (text === 'for') {
        for (let k = i + 1; k < t.length && t[k].text !== 'in' && k < i + 12; k++)
          if (t[k].kind === 'ident') this.record(t[k].text, 'unknown');
      } else if (text === 'as' && t[i + 1]?.kind === 'ident' && !this.inImportStatement(i)) {
        this.record(t[i + 1].text, 'unknown');
      } else if (text === 'lambda') {
        for (let k = i + 1; k < t.length && t[k].text !== ':' && k < i + 12; k++)
          if (t[k].kind === 'ident') this.record(t[k].text, 'unknown');
      }
    } else if (t[i + 1]?.text === '=>') {
      this.record(text, 'unknown');
    }
  }

  /** `import x as y` / `from m import (x as y, ...)` bind names from another module, not unknown values. */
  private inImportStatement(i: number): boolean {
    const t = this.nav.tokens;
    for (let k = i - 1; k >= 0 && k > i - 64; k--) {
      const x = t[k].text;
      if (x === 'import') return true;
      if (x === 'with' || x === 'except' || x === 'for') return false;
      if (!(t[k].kind === 'ident' || x === ',' || x === '(' || x === '.')) return false;
    }
    return false;
  }

  /** `#define ENDPOINT "tcp://..."` (object-like macros only). */
  private collectDefine(i: number): void {
    const t = this.nav.tokens;
    const name = t[i + 1];
    if (name?.kind !== 'ident' || name.line !== t[i].line) return;
    if (t[i + 2]?.text === '(' && t[i + 2].start === name.end) return;
    let end = i + 2;
    while (end < t.length && t[end].line === t[i].line && end - i < 256) end++;
    const from = i + 2;
    this.record(name.text, () => this.evaluate(t, from, end));
  }

  /** Every name inside a function's parameter list is a parameter, whatever defaults it shows. */
  private collectParameters(open: number): void {
    const t = this.nav.tokens;
    const close = this.nav.match[open];
    if (close < 0) return;
    const before = t[open - 1];
    const after = t[close + 1];
    let isDefinition = false;
    if (before && DEFINITION_KEYWORDS.has(before.text)) isDefinition = true;
    else if (before?.kind === 'ident' && DEFINITION_KEYWORDS.has(t[open - 2]?.text)) isDefinition = true;
    else if (
      after &&
      (after.text === '{' || after.text === '=>' || after.text === 'throws' || after.text === 'noexcept' || this.isConstMethod(close))
    )
      isDefinition = !(before && NOT_CALL_DEFINITION.has(before.text));
    if (!isDefinition) return;
    // Destructuring patterns ({ host, port }) are parameters too; a nested `(` is visited on its own turn.
    for (let k = open + 1; k < close; k++) {
      this.nav.budget.spend();
      if (t[k].kind === 'ident') this.record(t[k].text, 'unknown');
      else if (t[k].text === '(' && this.nav.match[k] > k) k = this.nav.match[k];
    }
  }

  /** C++ `int port() const {`: `const` right after the parameter list, on its line. */
  private isConstMethod(close: number): boolean {
    const t = this.nav.tokens;
    const lang = this.nav.language;
    return (lang === 'cpp' || lang === 'c') && t[close + 1]?.text === 'const' && t[close + 1].line === t[close].line;
  }

  /** `snprintf(buf, size, "tcp://*:%d", port)` gives `buf` a value. */
  private collectCBuffer(i: number): void {
    const t = this.nav.tokens;
    const args = this.nav.splitArguments(t, i + 1, this.nav.match[i + 1]);
    const formatIndex = t[i].text === 'snprintf' ? 2 : 1;
    if (args.length <= formatIndex) return;
    const target = this.nav.chainText(t, args[0][0], args[0][1]);
    if (!target) return;
    this.record(target, () => {
      const format = this.evaluate(t, args[formatIndex][0], args[formatIndex][1]);
      if (typeof format !== 'string') return format === OVERSIZED ? OVERSIZED : undefined;
      return formatPrintf(
        format,
        args.slice(formatIndex + 1).map(([a, b]) => this.evaluate(t, a, b)),
      );
    });
  }

  // ---- evaluating ----

  evaluate(t: readonly Token[], a: number, b: number): Evaluated {
    if (this.depth >= MAX_DEPTH) return undefined;
    this.depth++;
    try {
      this.nav.budget.spend();
      return this.evaluateInner(t, a, b);
    } finally {
      this.depth--;
    }
  }

  private evaluateInner(t: readonly Token[], a: number, b: number): Evaluated {
    const lang = this.nav.language;
    // Drop `&`/`await` and enclosing parentheses in a loop: `((((x))))` costs one step per level, not a rescan.
    for (;;) {
      while (a < b && (t[a].text === '&' || t[a].text === 'await')) a++;
      if (a < b && t[a].text === '(' && this.nav.closeOf(t, a) === b - 1) {
        a++;
        b--;
        this.nav.budget.spend();
      } else break;
    }
    if (a >= b) return undefined;

    const sum = this.nav.splitTopLevel(t, a, b, '+');
    if (sum.length > 1) return concatenate(sum.map(([x, y]) => this.evaluate(t, x, y)));
    if (lang === 'python') {
      const modulo = this.nav.splitTopLevel(t, a, b, '%');
      if (modulo.length === 2) return this.evaluatePercent(t, modulo[0], modulo[1]);
      if (modulo.length > 2) return undefined;
    }
    if (b - a === 1) return this.evaluateToken(t[a]);
    if (this.isLiteralSequence(t, a, b)) {
      // Adjacent literals concatenate (C, C++, Python), with macros in between in C.
      const values = t.slice(a, b).map((x) => this.evaluateToken(x));
      if (values.includes(OVERSIZED)) return OVERSIZED;
      return values.every((v) => typeof v === 'string') ? concatenate(values) : undefined;
    }
    const chain = this.nav.chainText(t, a, b);
    if (chain) return this.lookup(chain);
    if (t[b - 1].text === ')') return this.evaluateCall(t, a, b);
    return undefined;
  }

  private isLiteralSequence(t: readonly Token[], a: number, b: number): boolean {
    const c = this.nav.language === 'c' || this.nav.language === 'cpp';
    let strings = 0;
    for (let k = a; k < b; k++) {
      const kind = t[k].kind;
      if (kind === 'string') strings++;
      else if (!(kind === 'template' || (kind === 'ident' && c))) return false;
    }
    return strings > 0;
  }

  private evaluateToken(tok: Token): Evaluated {
    switch (tok.kind) {
      case 'string':
        return capped(tok.value!);
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

  private evaluateTemplate(parts: TemplatePart[]): Evaluated {
    const values: Evaluated[] = [];
    for (const part of parts) {
      if ('literal' in part) {
        values.push(capped(part.literal));
        continue;
      }
      if (part.conversion && part.conversion !== 's') return undefined;
      if (part.format && !/^[ds]?$/i.test(part.format.trim())) return undefined;
      values.push(asText(this.evaluate(part.expression, 0, part.expression.length)));
    }
    const joined = concatenate(values);
    return typeof joined === 'number' ? String(joined) : joined;
  }

  private evaluatePercent(t: readonly Token[], [fa, fb]: [number, number], [xa, xb]: [number, number]): Evaluated {
    const format = this.evaluate(t, fa, fb);
    if (typeof format !== 'string') return format === OVERSIZED ? OVERSIZED : undefined;
    let argRanges: Array<[number, number]> = [[xa, xb]];
    if (t[xa].text === '(' && this.nav.closeOf(t, xa) === xb - 1) {
      argRanges = this.nav.splitTopLevel(t, xa + 1, xb - 1, ',').filter(([x, y]) => y > x);
    }
    return formatPrintf(
      format,
      argRanges.map(([x, y]) => this.evaluate(t, x, y)),
    );
  }

  private evaluateCall(t: readonly Token[], a: number, b: number): Evaluated {
    const open = this.nav.openOf(t, b - 1);
    if (open <= a) return undefined;
    const args = this.nav.splitArguments(t, open, b - 1).filter(([x, y]) => y > x);
    const name = t[open - 1];
    const arg = (k: number) => (args[k] ? this.evaluate(t, args[k][0], args[k][1]) : undefined);
    // Rust `format!(...)`.
    if (name.text === '!' && t[open - 2]?.text === 'format' && open - 2 === a) return this.evaluateBraceFormat(t, args, 'rust');
    // `receiver.method()` that only converts: `PORT.to_string()`, `addr.c_str()`.
    if (name.kind === 'ident' && t[open - 2]?.text === '.' && IDENTITY_METHODS.has(name.text) && args.length === 0)
      return asText(this.evaluate(t, a, open - 2));
    // Python `"tcp://*:{}".format(PORT)`.
    if (name.text === 'format' && t[open - 2]?.text === '.' && this.nav.language === 'python')
      return this.evaluateBraceFormat(t, [[a, open - 2], ...args], 'python');
    const callee = this.nav.chainText(t, a, open);
    if (!callee) return undefined;
    const last = callee.slice(callee.lastIndexOf('.') + 1);
    if (callee === 'String.from' && args.length === 1) {
      const value = arg(0);
      return typeof value === 'number' ? undefined : value;
    }
    if (TO_STRING_CALLS.has(last) && args.length === 1) return asText(arg(0));
    if (last === 'FormatInt' && args.length === 2 && arg(1) === 10) {
      const value = arg(0);
      return typeof value === 'number' ? String(value) : undefined;
    }
    if (last === 'Sprintf' || callee === 'String.format' || callee === 'util.format') {
      const format = arg(0);
      if (typeof format !== 'string') return format === OVERSIZED ? OVERSIZED : undefined;
      return formatPrintf(
        format,
        args.slice(1).map(([x, y]) => this.evaluate(t, x, y)),
      );
    }
    if (callee === 'string.Format' || callee === 'String.Format') return this.evaluateBraceFormat(t, args, 'csharp');
    return undefined;
  }

  private evaluateBraceFormat(t: readonly Token[], args: Array<[number, number]>, style: BraceStyle): Evaluated {
    if (!args.length) return undefined;
    const format = this.evaluate(t, args[0][0], args[0][1]);
    if (typeof format !== 'string') return format === OVERSIZED ? OVERSIZED : undefined;
    const positional: Evaluated[] = [];
    const named = new Map<string, Evaluated>();
    for (const [x, y] of args.slice(1)) {
      if (y - x >= 3 && t[x].kind === 'ident' && t[x + 1].text === '=') named.set(t[x].text, this.evaluate(t, x + 2, y));
      else positional.push(this.evaluate(t, x, y));
    }
    return formatBraces(format, style, positional, (key) =>
      named.has(key) ? named.get(key) : style === 'rust' ? this.lookup(key) : undefined,
    );
  }
}

/** A `{` opens an object literal or pattern (not a block) when it follows one of these. */
function isLiteralBrace(previous: Token | undefined): boolean {
  if (!previous) return false;
  if (previous.kind === 'ident') return ['const', 'let', 'var', 'return', 'of', 'in', 'yield', 'await'].includes(previous.text);
  return ['=', '(', ',', ':', '[', '?', '??', '||', '&&', '=>', '...'].includes(previous.text);
}
