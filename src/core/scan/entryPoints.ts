// Which files are programs (entry points), so the pairing check can tell sockets that run in one process
// from sockets that run in unrelated ones. A file is a program when it has a `main` (C, C++, Java, C#,
// Rust), is a Go `package main` (its folder is the program), has a Python `__main__` guard or a JS
// `require.main === module` / `import.meta.main` check, or is a script: Python or JS/TS that creates a
// socket at the top level (column 0, outside any block), as most example and tool scripts do.
import type { ScanLanguage } from './scanTypes';
import type { Token } from './sourceLexer';

/** `socketOffsets`: where each socket creation starts in `text`, in increasing order. */
export function programOf(
  path: string,
  language: ScanLanguage,
  t: readonly Token[],
  text: string,
  socketOffsets: number[],
): string | undefined {
  const has = (test: (i: number) => boolean) => {
    for (let i = 0; i < t.length; i++) if (test(i)) return true;
    return false;
  };
  const isMainCall = (i: number, name: string) => t[i].text === name && t[i + 1]?.text === '(';
  switch (language) {
    case 'python':
      if (has((i) => t[i].text === '__name__' && t[i + 1]?.text === '==' && t[i + 2]?.value === '__main__')) return path;
      return socketOffsets.slice(0, 64).some((offset) => startsLine(text, offset)) ? path : undefined;
    case 'c':
    case 'cpp':
      return has((i) => isMainCall(i, 'main') && (t[i - 1]?.text === 'int' || t[i - 1]?.text === 'void')) ? path : undefined;
    case 'go': {
      if (t[0]?.text !== 'package' || t[1]?.text !== 'main') return undefined;
      const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
      return slash > 0 ? path.slice(0, slash) : '.';
    }
    case 'java':
      return has((i) => isMainCall(i, 'main') && t[i - 1]?.text === 'void') ? path : undefined;
    case 'csharp':
      if (has((i) => isMainCall(i, 'Main') && ['void', 'int', 'Task', '>'].includes(t[i - 1]?.text))) return path;
      // C# 9 top-level statements: code before any type declaration.
      return socketOffsets.length && !has((i) => (t[i].text === 'class' || t[i].text === 'record') && socketOffsets[0] > t[i].start)
        ? path
        : undefined;
    case 'rust':
      return has((i) => isMainCall(i, 'main') && t[i - 1]?.text === 'fn') ? path : undefined;
    case 'javascript':
    case 'typescript': {
      const guarded = has(
        (i) =>
          (t[i].text === 'require' &&
            t[i + 2]?.text === 'main' &&
            (t[i + 3]?.text === '===' || t[i + 3]?.text === '==') &&
            t[i + 4]?.text === 'module') ||
          (t[i].text === 'import' && t[i + 2]?.text === 'meta' && t[i + 4]?.text === 'main'),
      );
      if (guarded) return path;
      const exports = has(
        (i) => t[i].text === 'export' || (t[i].text === 'module' && t[i + 1]?.text === '.' && t[i + 2]?.text === 'exports'),
      );
      return !exports && socketOffsets.length && braceDepthAt(t, socketOffsets[0]) === 0 ? path : undefined;
    }
  }
}

/** The statement at `offset` starts its line at column 0 (`sock = ctx.socket(...)` at module level). */
function startsLine(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return text[lineStart] !== ' ' && text[lineStart] !== '\t';
}

function braceDepthAt(t: readonly Token[], offset: number): number {
  let depth = 0;
  for (const tok of t) {
    if (tok.start >= offset) break;
    if (tok.text === '{') depth++;
    else if (tok.text === '}') depth = Math.max(0, depth - 1);
  }
  return depth;
}
