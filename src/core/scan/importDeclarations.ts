// What a file imports, read from its tokens: the names and modules through which a constant of another
// file can reach it. Python `from m import A as B` / `import m.n as x`; Java `import static p.C.NAME`,
// `import static p.C.*`, `import p.C` and its own package; C/C++ `#include "x.h"`; Go imports (path by
// qualifier); JS/TS `import { A } from './m'`, `import m from './m'`, `require('./m')`.
import type { ScanLanguage } from './scanTypes';
import type { Token } from './sourceLexer';

/** A module as the importing file names it; resolved to files by CrossFileConstants. */
export type ModuleRef =
  | { kind: 'python'; name: string; level: number }
  | { kind: 'java'; name: string }
  | { kind: 'include'; name: string }
  | { kind: 'go'; name: string }
  | { kind: 'js'; name: string };

export interface ImportTable {
  /** Local name -> the module it comes from and its name there. */
  names: Map<string, { module: ModuleRef; name: string }>;
  /** Local alias -> module, for qualified access (`settings.ADDR`, `Endpoints.QUOTES`, `config.Addr`). */
  modules: Map<string, ModuleRef>;
  /** Modules whose names are visible unqualified (`from m import *`, `import static p.C.*`, includes). */
  star: ModuleRef[];
  /** Java package of the file, Go package name. */
  packageName?: string;
}

/** Imports of one file: enough for real files, capped so a hostile one cannot make the table huge. */
const MAX_IMPORTS = 500;

export function readImports(tokens: readonly Token[], language: ScanLanguage): ImportTable {
  const table: ImportTable = { names: new Map(), modules: new Map(), star: [] };
  const t = tokens;
  const count = () => table.names.size + table.modules.size + table.star.length;
  for (let i = 0; i < t.length && count() < MAX_IMPORTS; i++) {
    const x = t[i].text;
    if (t[i].kind !== 'ident' && x !== '#') continue;
    switch (language) {
      case 'python':
        if (x === 'from' || (x === 'import' && t[i - 1]?.line !== t[i].line)) i = readPythonImport(t, i, table);
        break;
      case 'java':
        if (x === 'package' && i < 8) table.packageName = dotted(t, i + 1).name;
        else if (x === 'import') i = readJavaImport(t, i, table);
        break;
      case 'c':
      case 'cpp':
        if (x === '#' && t[i + 1]?.text === 'include' && t[i + 2]?.kind === 'string' && t[i + 2].line === t[i].line)
          table.star.push({ kind: 'include', name: t[i + 2].value! });
        break;
      case 'go':
        if (x === 'package' && i < 4) table.packageName = t[i + 1]?.text;
        else if (x === 'import') i = readGoImport(t, i, table);
        break;
      case 'javascript':
      case 'typescript':
        if (x === 'import' || x === 'require') readJsImport(t, i, table);
        break;
      default:
        return table;
    }
  }
  return table;
}

function dotted(t: readonly Token[], i: number): { name: string; end: number } {
  let name = '';
  let k = i;
  while (k < t.length && (t[k].kind === 'ident' || (t[k].text === '*' && name.endsWith('.'))) && name.length < 512) {
    name += t[k].text;
    if (t[k + 1]?.text !== '.' || t[k + 1].line !== t[k].line) {
      k++;
      break;
    }
    name += '.';
    k += 2;
  }
  return { name, end: k };
}

function readPythonImport(t: readonly Token[], i: number, table: ImportTable): number {
  if (t[i].text === 'import') {
    // import a.b.c [as x], d
    let k = i + 1;
    while (k < t.length && t[k].line === t[i].line) {
      const { name, end } = dotted(t, k);
      if (!name) break;
      k = end;
      const module: ModuleRef = { kind: 'python', name, level: 0 };
      if (t[k]?.text === 'as' && t[k + 1]?.kind === 'ident') {
        table.modules.set(t[k + 1].text, module);
        k += 2;
      } else table.modules.set(name, module);
      if (t[k]?.text !== ',') break;
      k++;
    }
    return k - 1;
  }
  // from [.]*a.b import x [as y], (x, y), *
  let k = i + 1;
  let level = 0;
  while (t[k]?.text === '.' || t[k]?.text === '...') level += t[k++].text.length;
  const { name, end } = dotted(t, k);
  k = end;
  if (t[k]?.text !== 'import') return k;
  k++;
  const module: ModuleRef = { kind: 'python', name, level };
  if (t[k]?.text === '*') {
    table.star.push(module);
    return k;
  }
  const parenthesised = t[k]?.text === '(';
  if (parenthesised) k++;
  while (k < t.length && t[k].kind === 'ident' && (parenthesised || t[k].line === t[i].line)) {
    const imported = t[k].text;
    let local = imported;
    k++;
    if (t[k]?.text === 'as' && t[k + 1]?.kind === 'ident') {
      local = t[k + 1].text;
      k += 2;
    }
    // `from pkg import settings` may name a submodule: keep both readings, the lookup tries the name first.
    table.names.set(local, { module, name: imported });
    table.modules.set(local, { kind: 'python', name: name ? `${name}.${imported}` : imported, level });
    if (t[k]?.text !== ',') break;
    k++;
  }
  return k;
}

function readJavaImport(t: readonly Token[], i: number, table: ImportTable): number {
  const isStatic = t[i + 1]?.text === 'static';
  const { name, end } = dotted(t, i + (isStatic ? 2 : 1));
  if (!name) return i;
  const lastDot = name.lastIndexOf('.');
  const owner = name.slice(0, lastDot);
  const member = name.slice(lastDot + 1);
  if (isStatic) {
    if (member === '*') table.star.push({ kind: 'java', name: owner });
    else table.names.set(member, { module: { kind: 'java', name: owner }, name: member });
  } else if (member !== '*') table.modules.set(member, { kind: 'java', name });
  return end - 1;
}

function readGoImport(t: readonly Token[], i: number, table: ImportTable): number {
  const one = (k: number): number => {
    let alias: string | undefined;
    if (t[k]?.kind === 'ident' || t[k]?.text === '.' || t[k]?.text === '_') alias = t[k++].text;
    if (t[k]?.kind !== 'string') return k;
    const path = t[k].value!;
    const module: ModuleRef = { kind: 'go', name: path };
    if (alias === '.') table.star.push(module);
    else if (alias !== '_') table.modules.set(alias ?? path.slice(path.lastIndexOf('/') + 1), module);
    return k + 1;
  };
  if (t[i + 1]?.text !== '(') return one(i + 1) - 1;
  let k = i + 2;
  while (k < t.length && t[k].text !== ')' && k < i + 2 + 4 * MAX_IMPORTS) {
    const next = one(k);
    k = next > k ? next : k + 1;
  }
  return k;
}

function readJsImport(t: readonly Token[], i: number, table: ImportTable): void {
  if (t[i].text === 'require') {
    // const x = require('m') / const { A, B: b } = require('m')
    if (t[i + 1]?.text !== '(' || t[i + 2]?.kind !== 'string' || t[i - 1]?.text !== '=') return;
    const module: ModuleRef = { kind: 'js', name: t[i + 2].value! };
    if (t[i - 2]?.kind === 'ident') table.modules.set(t[i - 2].text, module);
    else if (t[i - 2]?.text === '}') readJsBindings(t, i - 2, module, table, true);
    return;
  }
  // import x from 'm' / import * as x from 'm' / import { A, B as b } from 'm'
  let k = i + 1;
  let end = k;
  while (end < t.length && end < k + 200 && !(t[end].text === 'from' && t[end + 1]?.kind === 'string')) end++;
  if (t[end]?.text !== 'from') return;
  const module: ModuleRef = { kind: 'js', name: t[end + 1].value! };
  for (; k < end; k++) {
    if (t[k].text === '{') {
      let close = k + 1;
      while (close < end && t[close].text !== '}') close++;
      if (close < end) readJsBindings(t, close, module, table, false);
      k = close;
    } else if (t[k].text === '*' && t[k + 1]?.text === 'as' && t[k + 2]?.kind === 'ident') {
      table.modules.set(t[k + 2].text, module);
      k += 2;
    } else if (t[k].kind === 'ident' && t[k].text !== 'type') table.modules.set(t[k].text, module);
  }
}

/** `{ A, B as b }` (import) or `{ A, B: b }` (require destructuring), read backwards from the `}`. */
function readJsBindings(t: readonly Token[], close: number, module: ModuleRef, table: ImportTable, colon: boolean): void {
  let open = close;
  while (open > 0 && t[open].text !== '{' && close - open < 200) open--;
  for (let k = open + 1; k < close; k++) {
    if (t[k].kind !== 'ident') continue;
    const renamed = t[k + 1]?.text === (colon ? ':' : 'as') && t[k + 2]?.kind === 'ident';
    table.names.set(renamed ? t[k + 2].text : t[k].text, { module, name: t[k].text });
    if (renamed) k += 2;
  }
}
