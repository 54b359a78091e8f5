// Variables in scenario text: `{{name}}` (file variables, the selected environment, captures) and the
// dynamic ones `{{$seq}}`, `{{$timestamp}}`, `{{$isoTimestamp}}`, `{{$uuid}}`, `{{$random.int(1,100)}}`.
// Templates compile once (a generator expands the same one thousands of times a second); expansion is
// bounded in depth and size, and an unknown name is an error that says where names come from.
import { randomInt, randomUUID } from 'node:crypto';

export type TemplatePart =
  string | { name: string } | { dynamic: 'seq' | 'timestamp' | 'isoTimestamp' | 'uuid' } | { randomInt: [number, number] };

export interface CompiledTemplate {
  parts: TemplatePart[];
  /** The template has no `{{...}}`: its text is the value. */
  constant: boolean;
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const RANDOM_INT = /^\$random\.int\(\s*(-?\d{1,15})\s*,\s*(-?\d{1,15})\s*\)$/;
export const MAX_EXPANDED_CHARS = 16 * 1024 * 1024;
const MAX_NESTING = 10;

export class TemplateError extends Error {}

export function compileTemplate(text: string): CompiledTemplate {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (match.index! > last) parts.push(text.slice(last, match.index));
    parts.push(placeholder(match[1]));
    last = match.index! + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return { parts, constant: parts.every((p) => typeof p === 'string') };
}

function placeholder(inner: string): Exclude<TemplatePart, string> {
  if (inner === '$seq' || inner === '$timestamp' || inner === '$isoTimestamp' || inner === '$uuid')
    return { dynamic: inner.slice(1) as 'seq' };
  const random = RANDOM_INT.exec(inner);
  if (random) return { randomInt: [Number(random[1]), Number(random[2])] };
  return { name: inner };
}

/** Problems in a template's placeholders (unknown dynamic variables, bad names), for diagnostics. */
export function templateProblems(text: string): { offset: number; length: number; message: string }[] {
  const problems: { offset: number; length: number; message: string }[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const part = placeholder(match[1]);
    if ('name' in part && !/^[A-Za-z_][\w.-]{0,63}$/.test(part.name))
      problems.push({
        offset: match.index!,
        length: match[0].length,
        message: part.name.startsWith('$')
          ? `${part.name.slice(0, 40)} is not a dynamic variable: $seq, $timestamp, $isoTimestamp, $uuid, $random.int(min,max)`
          : `"${part.name.slice(0, 40)}" is not a variable name`,
      });
    if ('randomInt' in part && part.randomInt[0] > part.randomInt[1])
      problems.push({ offset: match.index!, length: match[0].length, message: '$random.int(min,max) needs min <= max' });
  }
  return problems;
}

/** Names a template refers to (not the dynamic ones). */
export function templateNames(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)]
    .map((m) => placeholder(m[1]))
    .flatMap((p) => (typeof p === 'object' && 'name' in p ? [p.name] : []));
}

/** Where names are looked up, highest priority first; a value is itself a template (file variables refer to others). */
export interface VariableScope {
  /** A template (file and environment values may refer to others), or literal text (captured from a peer). */
  lookup(name: string): { value: string; literal: boolean } | undefined;
  /** The current message number for {{$seq}}. */
  seq(): number;
  /** Words for the "not defined" error: where this name could have been defined. */
  describeSources(): string;
}

export function expandTemplate(template: CompiledTemplate | string, scope: VariableScope, depth = 0): string {
  const compiled = typeof template === 'string' ? compileTemplate(template) : template;
  if (compiled.constant) return compiled.parts.join('');
  if (depth >= MAX_NESTING) throw new TemplateError(`variables refer to each other more than ${MAX_NESTING} levels deep (a cycle?)`);
  let out = '';
  for (const part of compiled.parts) {
    if (typeof part === 'string') out += part;
    else if ('name' in part) {
      const found = scope.lookup(part.name);
      if (found === undefined) throw new TemplateError(`{{${part.name}}} is not defined (${scope.describeSources()})`);
      out += found.literal ? found.value : expandTemplate(found.value, scope, depth + 1);
    } else if ('randomInt' in part) {
      const [min, max] = part.randomInt;
      if (min > max) throw new TemplateError('$random.int(min,max) needs min <= max');
      out += String(max - min < 2 ** 47 ? min + randomInt(0, max - min + 1) : min);
    } else if (part.dynamic === 'seq') out += String(scope.seq());
    else if (part.dynamic === 'timestamp') out += String(Date.now());
    else if (part.dynamic === 'isoTimestamp') out += new Date().toISOString();
    else out += randomUUID();
    if (out.length > MAX_EXPANDED_CHARS)
      throw new TemplateError(`a value grew past ${MAX_EXPANDED_CHARS} characters while expanding variables`);
  }
  return out;
}

/** Layers of variables; later layers win. */
export class LayeredScope implements VariableScope {
  private counter = 0;
  constructor(
    private readonly layers: { source: string; values: ReadonlyMap<string, string> }[],
    private readonly captured = new Map<string, string>(),
  ) {}

  lookup(name: string): { value: string; literal: boolean } | undefined {
    const captured = this.captured.get(name);
    if (captured !== undefined) return { value: captured, literal: true };
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const value = this.layers[i].values.get(name);
      if (value !== undefined) return { value, literal: false };
    }
    return undefined;
  }

  /** Every variable the layers define, with the value that wins and where it comes from (for a debugger). */
  variables(): { name: string; value: string; source: string }[] {
    const winners = new Map<string, { name: string; value: string; source: string }>();
    for (const layer of this.layers) for (const [name, value] of layer.values) winners.set(name, { name, value, source: layer.source });
    return [...winners.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Values captured from replies so far. */
  capturedValues(): { name: string; value: string; source: string }[] {
    return [...this.captured].map(([name, value]) => ({ name, value, source: 'captured' }));
  }

  /** A value taken from a reply: data, never a template (its `{{` is not expanded again). */
  capture(name: string, value: string): void {
    this.captured.set(name, value);
  }

  nextSeq(): number {
    return ++this.counter;
  }

  seq(): number {
    return this.counter;
  }

  describeSources(): string {
    return `define it with @name = value, in ${this.layers.map((l) => l.source).join(', ') || 'an environment'}, or capture it from an earlier reply`;
  }
}
