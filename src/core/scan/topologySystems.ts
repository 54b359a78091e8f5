// Declared systems (the `zeromq.topology.systems` setting): named sets of files, by workspace-relative
// globs, whose programs run together. Inside a declared system the pairing check is strict (every
// binder meets every connector, two binders of one address collide); files outside any system are
// checked as unrelated programs that may or may not run together.

/** System name -> globs relative to a workspace folder (`services/**`, `gateway/*.py`, `{a,b}/main.go`). */
export type SystemsSetting = Record<string, readonly string[]>;

/** At most this many systems and globs are read: the setting comes from a workspace file. */
const MAX_SYSTEMS = 64;
const MAX_GLOBS = 64;

export class TopologySystems {
  private readonly systems: Array<{ name: string; patterns: RegExp[] }> = [];

  constructor(
    setting: SystemsSetting | undefined,
    private readonly roots: readonly string[] = [],
  ) {
    for (const [name, globs] of Object.entries(setting ?? {}).slice(0, MAX_SYSTEMS)) {
      if (!name || !Array.isArray(globs)) continue;
      const patterns = globs
        .filter((g): g is string => typeof g === 'string' && g.length > 0 && g.length < 512)
        .slice(0, MAX_GLOBS)
        .map(globToRegExp);
      if (patterns.length) this.systems.push({ name: name.slice(0, 80), patterns });
    }
  }

  get declared(): boolean {
    return this.systems.length > 0;
  }

  /** The systems a file belongs to (none when it matches no glob). */
  systemsOf(file: string): string[] {
    if (!this.systems.length) return [];
    const path = file.split('\\').join('/');
    const relatives = this.roots
      .map((r) => r.split('\\').join('/').replace(/\/$/, ''))
      .filter((r) => path.startsWith(`${r}/`))
      .map((r) => path.slice(r.length + 1));
    if (!relatives.length) relatives.push(path);
    return this.systems.filter((s) => relatives.some((rel) => s.patterns.some((p) => p.test(rel)))).map((s) => s.name);
  }
}

/**
 * `**` any folders, `*` and `?` within a name, `{a,b}` alternatives; a leading `/` or `./` is dropped.
 * Wildcards are capped (3 `**`, 8 `*` per glob) so that matching a path cannot backtrack for long.
 */
export function globToRegExp(glob: string): RegExp {
  let stars = 0;
  let globstars = 0;
  const g = glob
    .replace(/^\.?\//, '')
    .replace(/\*{3,}/g, '**')
    .replace(/(\*\*\/)+/g, '**/')
    .replace(/\*+/g, (run) => (run === '**' ? (++globstars <= 3 ? '**' : '') : ++stars <= 8 ? '*' : ''));
  let out = '';
  let braces = 0;
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*' && g[i + 1] === '*') {
      i++;
      if (g[i + 1] === '/') {
        i++;
        out += '(?:.*/)?';
      } else out += '.*';
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '{' && braces < 4) {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) out += '|';
    else out += c.replace(/[.+^$()|[\]\\{}]/g, '\\$&');
  }
  out += ')'.repeat(braces);
  // A glob naming a folder (`services` or `services/`) takes everything under it.
  return new RegExp(`^${out.replace(/\/$/, '')}(?:/.*)?$`);
}
