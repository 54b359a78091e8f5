// Walking a file's tokens: dotted names, argument lists, statement ends and assignment targets. Shared by
// the constant evaluator and the scanner. Token arrays are either the file's (with a bracket match table)
// or an interpolated string's embedded expression (short; brackets found by scanning). Every walk pays
// from the file's budget.
import type { WorkBudget } from './scanBudget';
import type { ScanLanguage } from './scanTypes';
import type { Token } from './sourceLexer';

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
const TYPE_TOKENS = new Set(['.', '::', '<', '>', '&', '*', '[', ']', "'", ',']);

export function isSeparator(text: string): boolean {
  return text === '.' || text === '::' || text === '->';
}

export class TokenNavigator {
  constructor(
    readonly tokens: readonly Token[],
    readonly match: Int32Array,
    readonly language: ScanLanguage,
    /** Replaced per lookup when the tokens belong to another file's module, cached across scans. */
    public budget: WorkBudget,
  ) {}

  /** `a.b::c` as `a.b.c` when tokens[a, b) are exactly a dotted name. */
  chainText(t: readonly Token[], a: number, b: number): string | undefined {
    if (b <= a || (b - a) % 2 === 0 || b - a > 63) return undefined;
    let text = '';
    for (let k = a; k < b; k++) {
      if ((k - a) % 2 === 0) {
        if (t[k].kind !== 'ident') return undefined;
        text += t[k].text;
      } else {
        if (!isSeparator(t[k].text)) return undefined;
        text += '.';
      }
    }
    return text;
  }

  /** The dotted name ending at token i (`self.addr`, `Config::PORT` as `Config.PORT`), at most 32 segments. */
  chainBackward(i: number): { text: string; start: number } | undefined {
    const t = this.tokens;
    if (i < 0 || t[i].kind !== 'ident') return undefined;
    let start = i;
    while (start >= 2 && i - start < 62 && isSeparator(t[start - 1].text) && t[start - 2].kind === 'ident') start -= 2;
    this.budget.spend(i - start + 1);
    return { text: this.chainText(t, start, i + 1)!, start };
  }

  chainForward(i: number): string | undefined {
    const t = this.tokens;
    let end = i + 1;
    while (end + 1 < t.length && end - i < 62 && isSeparator(t[end].text) && t[end + 1].kind === 'ident') end += 2;
    this.budget.spend(end - i);
    return this.chainText(t, i, end);
  }

  closeOf(t: readonly Token[], open: number): number {
    if (t === this.tokens) return this.match[open];
    let depth = 0;
    for (let k = open; k < t.length; k++) {
      this.budget.spend();
      const x = t[k].text;
      if (t[k].kind !== 'punct') continue;
      if (x === '(' || x === '[' || x === '{') depth++;
      else if ((x === ')' || x === ']' || x === '}') && --depth === 0) return k;
    }
    return -1;
  }

  openOf(t: readonly Token[], close: number): number {
    if (t === this.tokens) return this.match[close];
    let depth = 0;
    for (let k = close; k >= 0; k--) {
      this.budget.spend();
      const x = t[k].text;
      if (t[k].kind !== 'punct') continue;
      if (x === ')' || x === ']' || x === '}') depth++;
      else if ((x === '(' || x === '[' || x === '{') && --depth === 0) return k;
    }
    return -1;
  }

  /** Argument ranges of the call whose `(` is at `open`. */
  splitArguments(t: readonly Token[], open: number, close = this.closeOf(t, open)): Array<[number, number]> {
    if (close < 0) return [];
    return this.splitTopLevel(t, open + 1, close, ',');
  }

  /** Ranges of tokens[a, b) between `separator`s at bracket depth 0 (a unary `+` does not split). */
  splitTopLevel(t: readonly Token[], a: number, b: number, separator: string): Array<[number, number]> {
    const parts: Array<[number, number]> = [];
    let depth = 0;
    let from = a;
    this.budget.spend(b - a);
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

  /** Where the statement that starts at `from` ends (exclusive). */
  statementEnd(from: number): number {
    const t = this.tokens;
    const lineBreaks =
      this.language === 'python' || this.language === 'go' || this.language === 'javascript' || this.language === 'typescript';
    for (let j = from; j < t.length; j++) {
      this.budget.spend();
      const tok = t[j];
      if (tok.kind === 'punct') {
        const x = tok.text;
        if ((x === '(' || x === '[' || x === '{') && this.match[j] > j) {
          // Jump over a bracketed group: each token is walked once per statement, not once per nesting level.
          j = this.match[j];
          continue;
        }
        if (x === '(' || x === '[' || x === '{') continue;
        if (x === ')' || x === ']' || x === '}') return j;
        if (x === ';' || (x === ',' && this.language !== 'python')) return j;
      }
      if (
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
        if (!(t[k].kind === 'ident' || TYPE_TOKENS.has(t[k].text))) break;
      }
    } else if (lang === 'go') {
      // `var name Type = value`, or `name Type = value` inside a const/var block.
      const prev = t[target.start - 1];
      if (prev?.kind === 'ident' && prev.line === t[eq].line && prev.text !== 'var' && prev.text !== 'const')
        target = { text: prev.text, start: target.start - 1 };
    }
    const targets = [target.text];
    let start = target.start;
    while (t[start - 1]?.text === ',' && t[start - 1].line === t[eq].line && targets.length < 16) {
      const previous = this.chainBackward(start - 2);
      if (!previous) break;
      targets.unshift(previous.text);
      start = previous.start;
    }
    return targets;
  }
}
