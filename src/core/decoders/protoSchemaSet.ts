// The .proto schemas the protobuf decoder knows. Files are read and parsed one by one (not with
// Root.load) so that every error names the file and, when protobufjs gives one, the line; imports
// resolve against the include roots, then the importing file's folder, then protobufjs's bundled
// google/protobuf types.
import * as protobuf from 'protobufjs';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';

export type SchemaLoad = { ok: true; messageTypes: string[]; files: string[] } | { ok: false; error: string; file?: string; line?: number };

class SchemaError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

/** Imports followed before giving up (protoc has no limit; a cycle is caught separately). */
const MAX_FILES = 10_000;

/** "illegal token '}' (line 4)" becomes ["illegal token '}'", 4]. */
function splitLine(message: string): [string, number | undefined] {
  const match = /\s*\((?:[^()]*?,\s*)?line (\d+)\)\s*$/.exec(message);
  return match ? [message.slice(0, match.index), Number(match[1])] : [message, undefined];
}

function importLine(source: string, name: string): number | undefined {
  const at = source.search(new RegExp(`import\\s+(?:weak\\s+|public\\s+)?["']${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']`));
  return at < 0 ? undefined : source.slice(0, at).split('\n').length;
}

/** Parses one file's text into `root` and returns its imports; errors carry the file and line. */
function parseInto(root: protobuf.Root, source: string, file: string): string[] {
  // protobufjs stamps this name on the types it parses (and on some errors): it is how a later
  // resolution error finds its file.
  (protobuf.parse as unknown as { filename: string | null }).filename = file;
  try {
    const parsed = protobuf.parse(source, root, { keepCase: true });
    return [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])];
  } catch (error) {
    const [message, line] = splitLine(error instanceof Error ? error.message : String(error));
    throw new SchemaError(`${basename(file)}${line ? `:${line}` : ''}: ${message}`, file, line);
  }
}

/** Type references are resolved once every file is in: an error names the file of the type at fault. */
function resolveAll(root: protobuf.Root): void {
  try {
    root.resolveAll();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const owner = /in (?:Type|Service|Enum|Namespace) (\S+)$/.exec(message)?.[1];
    let file: string | undefined;
    try {
      file = owner ? (root.lookup(owner)?.filename ?? undefined) : undefined;
    } catch {
      file = undefined;
    }
    throw new SchemaError(file ? `${basename(file)}: ${message}` : message, file ?? undefined);
  }
}

export function collectMessageTypes(ns: protobuf.NamespaceBase): string[] {
  const out = new Set<string>();
  const walk = (n: protobuf.NamespaceBase) => {
    for (const nested of n.nestedArray) {
      if (nested instanceof protobuf.Type) out.add(nested.fullName.replace(/^\./, ''));
      if (nested instanceof protobuf.Namespace) walk(nested);
    }
  };
  walk(ns);
  return [...out].sort();
}

/**
 * The .proto files loaded for the protobuf decoder. A failed load keeps the schemas in force before it;
 * of overlapping loads, the last one started wins (an earlier one still returns what it read).
 */
export class ProtoSchemaSet {
  private root: protobuf.Root | undefined;
  private types: string[] = [];
  private loadedFiles: string[] = [];
  /** Counts loads, so that of two overlapping loads the one started last is the one kept. */
  private generation = 0;
  /** Looked-up names of the root in force (misses too): rules name the same few types over and over. */
  private typeCache = new Map<string, protobuf.Type | undefined>();

  /** Fully-qualified names of the message types loaded, sorted. */
  get messageTypes(): string[] {
    return this.types;
  }

  get files(): string[] {
    return this.loadedFiles;
  }

  /** The message type, or undefined when no loaded schema declares it. */
  lookupType(name: string): protobuf.Type | undefined {
    if (!this.root) return undefined;
    if (this.typeCache.has(name)) return this.typeCache.get(name);
    let found: protobuf.ReflectionObject | null;
    try {
      found = this.root.lookup(name.startsWith('.') ? name : `.${name}`);
    } catch {
      found = null;
    }
    const type = found instanceof protobuf.Type ? found : undefined;
    if (this.typeCache.size < 10_000) this.typeCache.set(name, type);
    return type;
  }

  /** Loads `files` (paths) and what they import. */
  async loadSchemas(files: string[], includeRoots: string[] = []): Promise<SchemaLoad> {
    const generation = ++this.generation;
    const root = new protobuf.Root();
    const loaded: string[] = [];
    const seen = new Set<string>();
    const load = async (file: string): Promise<void> => {
      if (seen.has(file)) return;
      seen.add(file);
      if (seen.size > MAX_FILES) throw new SchemaError(`More than ${MAX_FILES} .proto files are imported.`);
      let source: string;
      try {
        source = await readFile(file, 'utf8');
      } catch (error) {
        throw new SchemaError(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`, file);
      }
      loaded.push(file);
      for (const name of parseInto(root, source, file)) {
        const found = this.resolveImport(name, file, includeRoots);
        if (found === undefined) {
          const line = importLine(source, name);
          const places = [...includeRoots, dirname(file)].join(', ');
          throw new SchemaError(
            `${basename(file)}${line ? `:${line}` : ''}: import "${name}" was not found (looked in ${places}).`,
            file,
            line,
          );
        }
        if (typeof found === 'string') await load(found);
        else if (!seen.has(name)) {
          seen.add(name);
          root.addJSON(found.nested ?? {});
        }
      }
    };
    try {
      for (const file of files) await load(resolve(file));
      resolveAll(root);
    } catch (error) {
      if (error instanceof SchemaError)
        return { ok: false, error: `Could not load the .proto files: ${error.message}`, file: error.file, line: error.line };
      return { ok: false, error: `Could not load the .proto files: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (generation !== this.generation) return { ok: true, messageTypes: collectMessageTypes(root), files: loaded };
    return this.adopt(root, loaded);
  }

  /** Loads .proto source text (schemas pasted by the user, tests); it may import only bundled google types. */
  loadText(source: string, fileName = 'inline.proto'): SchemaLoad {
    this.generation++;
    const root = new protobuf.Root();
    try {
      for (const name of parseInto(root, source, fileName)) {
        const bundled = protobuf.common.get(name);
        if (!bundled)
          throw new SchemaError(
            `${fileName}: import "${name}" cannot be resolved for a schema given as text.`,
            fileName,
            importLine(source, name),
          );
        root.addJSON(bundled.nested ?? {});
      }
      resolveAll(root);
    } catch (error) {
      if (error instanceof SchemaError) return { ok: false, error: error.message, file: error.file, line: error.line };
      return { ok: false, error: `${fileName}: ${error instanceof Error ? error.message : String(error)}` };
    }
    return this.adopt(root, [fileName]);
  }

  clear(): void {
    this.generation++;
    this.typeCache = new Map();
    this.root = undefined;
    this.types = [];
    this.loadedFiles = [];
  }

  private adopt(root: protobuf.Root, files: string[]): SchemaLoad {
    this.root = root;
    this.typeCache = new Map();
    this.types = collectMessageTypes(root);
    this.loadedFiles = files;
    return { ok: true, messageTypes: this.types, files };
  }

  /** A file path, a bundled definition, or undefined when the import is nowhere. */
  private resolveImport(name: string, importer: string, includeRoots: string[]): string | protobuf.INamespace | undefined {
    if (isAbsolute(name)) return existsSync(name) ? name : undefined;
    for (const dir of [...includeRoots, dirname(importer)]) {
      const candidate = resolve(join(dir, name));
      if (existsSync(candidate)) return candidate;
    }
    return protobuf.common.get(name) ?? undefined;
  }
}
