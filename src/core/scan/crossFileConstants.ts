// Constants from other files of the workspace: a name a file imports (Python `from settings import ADDR`,
// `settings.ADDR`; Java static imports, `Endpoints.QUOTES`; C `#define`s of an included header; Go
// package-level constants of a sibling file or an imported package; JS `import { ADDR } from './config'`)
// is evaluated in the file that defines it, with the same evaluator and rules as a same-file constant.
// Modules are read on demand (config modules rarely mention ZeroMQ, so the scan never tokenized them),
// cached, and invalidated with everything that consulted them. Chains are at most MAX_DEPTH files deep,
// a cycle yields "unknown", and each module lookup pays from a budget of its own.
import { ConstantEvaluator, type ExternalNames } from './constantEvaluator';
import { readImports, type ImportTable, type ModuleRef } from './importDeclarations';
import { ScanTooComplex, WorkBudget } from './scanBudget';
import type { ScanLanguage } from './scanTypes';
import { languageOfFile } from './scannableFiles';
import { matchBrackets, tokenize, type Token } from './sourceLexer';
import { TokenNavigator } from './tokenNavigation';
import type { Evaluated } from './valueFormatting';

/** Where module files come from: the disk (with unsaved editor text over it) in the product, a map in tests. */
export interface SourceFiles {
  read(path: string): string | undefined;
  /** Every scannable file of the workspace (absolute, `/`-separated); used to find a module by path suffix. */
  list(): readonly string[];
}

const MAX_DEPTH = 4;
const MAX_MODULES = 512;
/** Go packages and C include trees can be big; a lookup reads at most this many files. */
const MAX_FILES_PER_LOOKUP = 64;
const MAX_LOOKUPS_PER_FILE = 2000;

interface ModuleConstants {
  evaluator: ConstantEvaluator;
  nav: TokenNavigator;
  chars: number;
  /** Modules this one consulted: when one changes, this one is stale too. */
  deps: Set<string>;
}

export class CrossFileConstants {
  private readonly cache = new Map<string, ModuleConstants | null>();
  private readonly consumers: Array<Set<string>> = [];
  private readonly resolving = new Set<string>();
  /** Files entered by the lookup under way: an import chain is followed at most MAX_DEPTH files deep. */
  private hops = 0;
  private index: { byName: Map<string, string[]>; byDir: Map<string, string[]>; known: Set<string> } | undefined;
  private listed: readonly string[] | undefined;

  constructor(private readonly files: SourceFiles) {}

  /** The names `path` can see from other files; lookups record the files consulted in `dependencies`. */
  namesFor(path: string, language: ScanLanguage, tokens: readonly Token[], dependencies: Set<string>): ExternalNames {
    const imports = readImports(tokens, language);
    // A file asks for each name once; a hostile one with thousands of unknown names gets no more answers.
    const answers = new Map<string, Evaluated>();
    return {
      lookup: (chain) => {
        if (answers.has(chain)) return answers.get(chain);
        const value =
          answers.size < MAX_LOOKUPS_PER_FILE
            ? this.withConsumer(dependencies, () => this.lookupFrom(path, language, imports, chain))
            : undefined;
        answers.set(chain, value);
        return value;
      },
    };
  }

  /** Forgets `path` and every cached module that consulted it; returns all the paths forgotten. */
  invalidate(path: string): Set<string> {
    const gone = new Set([path]);
    for (let changed = true; changed;) {
      changed = false;
      for (const [file, module] of this.cache) {
        if (gone.has(file) || !module || ![...module.deps].some((d) => gone.has(d))) continue;
        gone.add(file);
        changed = true;
      }
    }
    for (const file of gone) this.cache.delete(file);
    return gone;
  }

  /** The file list changed (files created or deleted): suffix lookups must be rebuilt. */
  filesChanged(): void {
    this.index = undefined;
  }

  private withConsumer<T>(sink: Set<string>, body: () => T): T {
    this.consumers.push(sink);
    try {
      return body();
    } finally {
      this.consumers.pop();
    }
  }

  private lookupFrom(path: string, language: ScanLanguage, imports: ImportTable, chain: string): Evaluated {
    const segments = chain.split('.');
    if (segments.length === 1) {
      const named = imports.names.get(chain);
      if (named) return this.fromModule(path, named.module, named.name);
      for (const module of imports.star) {
        const value = this.fromModule(path, module, chain, true);
        if (value !== undefined) return value;
      }
      if (language === 'go') return this.fromFiles(this.goPackageFiles(dirOf(path), path), chain, true);
      return undefined;
    }
    for (let k = segments.length - 1; k >= 1; k--) {
      const prefix = segments.slice(0, k).join('.');
      const rest = segments.slice(k).join('.');
      const module = imports.modules.get(prefix);
      if (module) return this.fromModule(path, module, rest);
      const named = k === 1 ? imports.names.get(prefix) : undefined;
      if (named) return this.fromModule(path, named.module, `${named.name}.${rest}`);
    }
    const last = segments[segments.length - 1];
    if (language === 'java') {
      // `Endpoints.QUOTES` for a class of the same package, or a fully qualified `com.x.Endpoints.QUOTES`.
      const owner = segments.slice(0, -1).join('.');
      const sibling = segments.length === 2 ? this.fromFiles([`${dirOf(path)}/${owner}.java`], last) : undefined;
      return sibling ?? this.fromModule(path, { kind: 'java', name: owner }, last);
    }
    if (language === 'c' || language === 'cpp') {
      // `Config::PORT` from a namespace or class in an included header.
      for (const module of imports.star) {
        const value = this.fromModule(path, module, last, true);
        if (value !== undefined) return value;
      }
    }
    return undefined;
  }

  private fromModule(importer: string, module: ModuleRef, name: string, onlyIfDefined = false): Evaluated {
    return this.fromFiles(this.resolve(importer, module), name, onlyIfDefined);
  }

  private fromFiles(files: string[], name: string, onlyIfDefined = false): Evaluated {
    for (const file of files.slice(0, MAX_FILES_PER_LOOKUP)) {
      const module = this.load(file);
      if (!module) continue;
      const head = name.split('.')[0];
      const defines = module.evaluator.defines(name) || module.evaluator.defines(head) || module.evaluator.defines(`exports.${name}`);
      if (!defines && (onlyIfDefined || files.length > 1)) continue;
      this.consumers[this.consumers.length - 1]?.add(file);
      const key = `${file}\0${name}`;
      if (this.resolving.has(key) || this.hops >= MAX_DEPTH) return undefined;
      this.resolving.add(key);
      this.hops++;
      module.nav.budget = new WorkBudget(module.chars);
      try {
        return this.withConsumer(module.deps, () => module.evaluator.lookup(name) ?? module.evaluator.lookup(`exports.${name}`));
      } catch (error) {
        if (!(error instanceof ScanTooComplex)) throw error;
        this.cache.set(file, null);
        return undefined;
      } finally {
        this.resolving.delete(key);
        this.hops--;
      }
    }
    return undefined;
  }

  private load(file: string): ModuleConstants | undefined {
    const cached = this.cache.get(file);
    if (cached !== undefined) return cached ?? undefined;
    const language = languageOfFile(file);
    const text = language ? this.files.read(file) : undefined;
    if (!language || text === undefined) return undefined;
    if (this.cache.size >= MAX_MODULES) this.cache.clear();
    try {
      const budget = new WorkBudget(text.length);
      const tokens = tokenize(text, language, budget);
      const nav = new TokenNavigator(tokens, matchBrackets(tokens), language, budget);
      const deps = new Set<string>();
      const module: ModuleConstants = { nav, chars: text.length, deps, evaluator: undefined! };
      module.evaluator = new ConstantEvaluator(nav, this.namesFor(file, language, tokens, deps));
      this.cache.set(file, module);
      return module;
    } catch (error) {
      if (!(error instanceof ScanTooComplex)) throw error;
      this.cache.set(file, null);
      return undefined;
    }
  }

  // ---- finding the files of a module ----

  private resolve(importer: string, module: ModuleRef): string[] {
    const dir = dirOf(importer);
    switch (module.kind) {
      case 'python': {
        const relative = module.name.split('.').filter(Boolean).join('/');
        if (module.level > 0) {
          let base = dir;
          for (let up = 1; up < module.level; up++) base = dirOf(base);
          return this.existing(relative ? [`${base}/${relative}.py`, `${base}/${relative}/__init__.py`] : [`${base}/__init__.py`]);
        }
        return this.closest(importer, [`${relative}.py`, `${relative}/__init__.py`]);
      }
      case 'java':
        for (let name = module.name; name.includes('.'); name = name.slice(0, name.lastIndexOf('.'))) {
          const found = this.closest(importer, [`${name.split('.').join('/')}.java`]);
          if (found.length) return found;
        }
        return [];
      case 'include':
        return this.existing([normalize(`${dir}/${module.name}`)])
          .concat(this.closest(importer, [module.name.replace(/^(\.\.?\/)+/, '')]))
          .slice(0, 1);
      case 'go': {
        const segments = module.name.split('/');
        for (let take = Math.min(segments.length, 4); take >= 1; take--) {
          const suffix = segments.slice(-take).join('/');
          for (const [folder, files] of this.fileIndex().byDir) {
            if (!folder.endsWith(`/${suffix}`)) continue;
            const sources = files.filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'));
            if (sources.length) return sources;
          }
        }
        return [];
      }
      case 'js': {
        if (!module.name.startsWith('.')) return [];
        const base = normalize(`${dir}/${module.name}`);
        const extensions = ['', '.js', '.ts', '.mjs', '.cjs', '.jsx', '.tsx', '/index.js', '/index.ts'];
        return this.existing(extensions.map((e) => base + e)).slice(0, 1);
      }
    }
  }

  /** Go files of the importer's package: its folder's other non-test files. */
  private goPackageFiles(dir: string, importer: string): string[] {
    return (this.fileIndex().byDir.get(dir) ?? []).filter((f) => f !== importer && f.endsWith('.go') && !f.endsWith('_test.go'));
  }

  private existing(paths: string[]): string[] {
    const { known } = this.fileIndex();
    return paths.filter((p) => (known.size ? known.has(p) : this.files.read(p) !== undefined));
  }

  /** Files ending with one of `suffixes`, the ones sharing the longest folder prefix with the importer first. */
  private closest(importer: string, suffixes: string[]): string[] {
    const found: string[] = [];
    for (const suffix of suffixes) {
      const name = suffix.slice(suffix.lastIndexOf('/') + 1);
      for (const file of this.fileIndex().byName.get(name) ?? []) if (file === suffix || file.endsWith(`/${suffix}`)) found.push(file);
    }
    if (!found.length) {
      // No file list (tests, or a file outside it): try the importer's folder and its parents.
      for (let dir = dirOf(importer), up = 0; dir && up < 8 && !found.length; dir = dirOf(dir), up++)
        found.push(...suffixes.map((s) => `${dir}/${s}`).filter((p) => this.files.read(p) !== undefined));
    }
    return found.sort((a, b) => commonPrefix(b, importer) - commonPrefix(a, importer) || a.length - b.length).slice(0, 4);
  }

  /** The workspace's files by name and by folder, rebuilt when the list changes. */
  private fileIndex(): { byName: Map<string, string[]>; byDir: Map<string, string[]>; known: Set<string> } {
    const list = this.files.list();
    if (list !== this.listed || !this.index) {
      this.listed = list;
      const index = { byName: new Map<string, string[]>(), byDir: new Map<string, string[]>(), known: new Set(list) };
      const add = (map: Map<string, string[]>, key: string, file: string) => {
        const entries = map.get(key);
        if (entries) entries.push(file);
        else map.set(key, [file]);
      };
      for (const file of list) {
        add(index.byName, file.slice(file.lastIndexOf('/') + 1), file);
        add(index.byDir, dirOf(file), file);
      }
      this.index = index;
    }
    return this.index;
  }
}

function dirOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash > 0 ? path.slice(0, slash) : slash === 0 ? '/' : '.';
}

function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '.' || (part === '' && out.length)) continue;
    if (part === '..' && out.length > 1) out.pop();
    else out.push(part);
  }
  return out.join('/');
}

function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}
