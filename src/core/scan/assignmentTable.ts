// Who assigns what in one file: every name given a value (`=`, `:=`, `#define`, snprintf into a buffer),
// every name whose value cannot be a constant (parameters, loop variables, `+=`, imports bound `as`), and
// the classes/namespaces the file declares. The constant evaluator computes values from this table.
// Scoping is by file, not by function: a name assigned twice with different values is simply unknown.
import type { Token } from './sourceLexer';
import type { TokenNavigator } from './tokenNavigation';
import { OVERSIZED, formatPrintf, type Evaluated } from './valueFormatting';

/** How a name got its value: a producer evaluated on demand, or 'unknown'. */
export type Assignment = (() => Evaluated) | 'unknown';

/** Evaluates tokens[a, b) (the evaluator, handed in so that assignments are computed lazily). */
type Evaluate = (t: readonly Token[], a: number, b: number) => Evaluated;

/** Distinct names one file may define: a generated file with millions is not a config module. */
const MAX_NAMES = 20_000;
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

export class AssignmentTable {
  readonly assignments = new Map<string, Assignment[]>();
  /** Where each name's first plain assignment starts (`type = zmqpp::socket_type::reply`), for aliases. */
  readonly assignedAt = new Map<string, number>();
  /** Classes, structs, enums and namespaces this file declares (`Config` of `Config.PORT`). */
  readonly declaredTypes = new Set<string>();

  constructor(
    private readonly nav: TokenNavigator,
    private readonly evaluate: Evaluate,
  ) {
    this.collect();
  }

  private record(name: string, assignment: Assignment): void {
    const list = this.assignments.get(name);
    if (list) list.push(assignment);
    else if (this.assignments.size < MAX_NAMES) this.assignments.set(name, [assignment]);
  }

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
}

/** A `{` opens an object literal or pattern (not a block) when it follows one of these. */
function isLiteralBrace(previous: Token | undefined): boolean {
  if (!previous) return false;
  if (previous.kind === 'ident') return ['const', 'let', 'var', 'return', 'of', 'in', 'yield', 'await'].includes(previous.text);
  return ['=', '(', ',', ':', '[', '?', '??', '||', '&&', '=>', '...'].includes(previous.text);
}
