// Computes endpoint strings from source tokens: literals, names assigned a computable value in the same
// file (or, through `external`, in another file of the workspace), concatenation, f-strings/template
// literals/C# interpolation, printf-style (`%`, Sprintf, String.format, snprintf) and brace-style
// (str.format, format!, string.Format) formatting.
// It answers `undefined` rather than guess: a name assigned twice with different values, assigned
// from anything it cannot compute, bound as a parameter or loop variable, or updated (`+=`) is unknown.
// Scoping is by file, not by function: the rules above are what keep that from guessing.
// Bounded: each name is evaluated once (memoised, so a doubling chain a1 = a0 + a0 ... is linear), no
// value grows past 1 KiB (OVERSIZED instead), nesting is capped, and every step pays from the budget.
import { AssignmentTable } from './assignmentTable';
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
/** Evaluation nesting (sub-expressions, names defined by names...) deeper than this is not followed. */
const MAX_DEPTH = 200;
export class ConstantEvaluator {
  private readonly table: AssignmentTable;
  private readonly memo = new Map<string, Evaluated>();
  private readonly inProgress = new Set<string>();
  private depth = 0;

  constructor(
    private readonly nav: TokenNavigator,
    private readonly external?: ExternalNames,
  ) {
    this.table = new AssignmentTable(nav, (t, a, b) => this.evaluate(t, a, b));
  }

  /** Value of tokens[a, b) of the file. */
  evaluateRange(a: number, b: number): Evaluated {
    return this.evaluate(this.nav.tokens, a, b);
  }

  /** True when the file itself assigns `name` (so it is never looked up elsewhere). */
  defines(name: string): boolean {
    return this.table.assignments.has(name);
  }

  /**
   * The dotted name a name stands for, when it is assigned exactly once from a dotted name: the scanner
   * reads socket types through it (`auto type = zmqpp::socket_type::reply; zmqpp::socket s(ctx, type)`).
   */
  aliasOf(name: string): string | undefined {
    const entries = this.table.assignments.get(name);
    const a = this.table.assignedAt.get(name);
    if (entries?.length !== 1 || a === undefined) return undefined;
    return this.nav.chainText(this.nav.tokens, a, this.nav.statementEnd(a));
  }

  /** Value of a name (`PORT`, `self.addr`, `Config.PORT`). */
  lookup(chain: string): Evaluated {
    if (this.table.assignments.has(chain)) return this.resolveName(chain);
    const dot = chain.indexOf('.');
    if (dot > 0 && dot === chain.lastIndexOf('.')) {
      const owner = chain.slice(0, dot);
      const name = chain.slice(dot + 1);
      // `self.addr`, `Config.PORT` inside class/namespace Config: this file's own names.
      if (/^(self|this|Self|cls)$/.test(owner) || (this.table.declaredTypes.has(owner) && this.table.assignments.has(name)))
        return this.resolveName(name);
    }
    return this.external?.lookup(chain);
  }

  private resolveName(name: string): Evaluated {
    if (this.memo.has(name)) return this.memo.get(name);
    const entries = this.table.assignments.get(name);
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
