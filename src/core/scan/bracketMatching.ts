// Bracket pairs of a token list, found in one pass (the scanner and evaluator jump over groups with it).
import type { Token } from './sourceLexer';

const OPENER_OF: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/**
 * For each bracket token, the index of its partner (-1 when unbalanced or not a bracket). A closer pops
 * to the nearest opener of its kind, so one stray bracket does not unbalance the file; a closer with no
 * opener of its kind open is skipped at once. Each opener is pushed and popped once: linear time.
 */
export function matchBrackets(tokens: readonly Token[]): Int32Array {
  const match = new Int32Array(tokens.length).fill(-1);
  const stack: number[] = [];
  const open: Record<string, number> = { '(': 0, '[': 0, '{': 0 };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind !== 'punct') continue;
    const x = t.text;
    if (x === '(' || x === '[' || x === '{') {
      stack.push(i);
      open[x]++;
      continue;
    }
    const opener = OPENER_OF[x];
    if (!opener || open[opener] === 0) continue;
    for (;;) {
      const k = stack.pop()!;
      const kind = tokens[k].text;
      open[kind]--;
      if (kind === opener) {
        match[i] = k;
        match[k] = i;
        break;
      }
    }
  }
  return match;
}
