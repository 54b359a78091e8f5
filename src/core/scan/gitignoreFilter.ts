// A small .gitignore matcher for the workspace scan: enough of the format (names, globs with * and **,
// leading / anchors, trailing / for folders, ! negation) to skip what the user's repository ignores.

interface Rule {
  pattern: RegExp;
  negate: boolean;
  folderOnly: boolean;
}

export class GitignoreFilter {
  private readonly rules: Rule[] = [];

  constructor(text: string) {
    for (const rawLine of text.split(/\r?\n/)) {
      let line = rawLine.replace(/\s+$/, '');
      if (!line || line.startsWith('#')) continue;
      let negate = false;
      if (line.startsWith('!')) {
        negate = true;
        line = line.slice(1);
      }
      const folderOnly = line.endsWith('/');
      if (folderOnly) line = line.slice(0, -1);
      const anchored = line.startsWith('/') || line.slice(0, -1).includes('/');
      if (line.startsWith('/')) line = line.slice(1);
      const body = globToRegex(line);
      // Unanchored patterns match a name at any depth; anchored ones match from the root.
      const pattern = new RegExp(`${anchored ? '^' : '(^|/)'}${body}(/|$)`);
      this.rules.push({ pattern, negate, folderOnly });
    }
  }

  /** `relativePath` uses `/` separators and is relative to the folder holding the .gitignore. */
  ignores(relativePath: string): boolean {
    let ignored = false;
    for (const rule of this.rules) {
      const match = rule.pattern.exec(relativePath);
      if (!match) continue;
      // A folder-only rule must match a folder: something must follow the matched segment.
      if (rule.folderOnly && match.index + match[0].length >= relativePath.length && !match[0].endsWith('/')) continue;
      ignored = !rule.negate;
    }
    return ignored;
  }
}

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        out += '.*';
        i++;
        if (glob[i + 1] === '/') i++;
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return out;
}
