// Which files the workspace scan reads (by extension) and a cheap text prefilter that lets the
// scanner skip, without tokenizing, the vast majority of files that never mention ZeroMQ.
import type { ScanLanguage } from './scanTypes';

const LANGUAGE_BY_EXTENSION: Record<string, ScanLanguage> = {
  py: 'python',
  pyw: 'python',
  c: 'c',
  h: 'c',
  cc: 'cpp',
  cpp: 'cpp',
  cxx: 'cpp',
  'c++': 'cpp',
  hpp: 'cpp',
  hh: 'cpp',
  hxx: 'cpp',
  ipp: 'cpp',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'typescript',
  go: 'go',
  java: 'java',
  cs: 'csharp',
  rs: 'rust',
};

/** Folders whose files are dependencies or build output, not the user's services. */
const SKIPPED_FOLDERS =
  /(^|[\\/])(node_modules|\.git|\.hg|\.svn|__pycache__|\.venv|venv|site-packages|target|obj|dist|out|build|vendor)[\\/]/;

/** The glob a shell can hand to findFiles / a FileSystemWatcher for the files worth feeding in. */
export const SCANNABLE_FILE_GLOB = `**/*.{${Object.keys(LANGUAGE_BY_EXTENSION).join(',')}}`;

export function languageOfFile(path: string): ScanLanguage | undefined {
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  if (name.endsWith('.d.ts') || name.endsWith('.min.js')) return undefined;
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  return LANGUAGE_BY_EXTENSION[name.slice(dot + 1).toLowerCase()];
}

/**
 * True for source files of a language the scanner knows, outside dependency and build folders. The
 * folder test applies to the path inside its workspace folder: a workspace that itself sits under a
 * folder named `build` or `out` is scanned. Give the workspace folders as `roots` (or a relative path).
 */
export function isScannableFile(path: string, roots: readonly string[] = []): boolean {
  return languageOfFile(path) !== undefined && !SKIPPED_FOLDERS.test(relativeToRoots(path, roots));
}

/** `path` relative to the deepest root that contains it (unchanged when none does). */
export function relativeToRoots(path: string, roots: readonly string[]): string {
  let best = '';
  for (const root of roots) {
    const r = root.replace(/[\\/]+$/, '');
    if (r.length > best.length && (path.startsWith(`${r}/`) || path.startsWith(`${r}\\`))) best = r;
  }
  return best ? path.slice(best.length + 1) : path;
}

// Every binding the scanner understands names its library somewhere in the file (an import, an include,
// a namespace): pyzmq/libzmq/cppzmq/zmqpp/Rust `zmq`, czmq/goczmq, Go's zmq4, zeromq.js, JeroMQ's
// org.zeromq, NetMQ, clrzmq4's `ZeroMQ` namespace.
const ZEROMQ_MENTION = /zmq|zeromq|netmq/i;

/** Cheap check before tokenizing: a file that never mentions zmq, zeromq or NetMQ has no sockets. */
export function mightUseZeroMQ(text: string): boolean {
  return ZEROMQ_MENTION.test(text);
}
