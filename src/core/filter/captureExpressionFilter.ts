// Field expressions over the capture store: the typed expression and the enabled presets (e.g. "hide
// heartbeats") compiled together into one predicate on sequence numbers that reads messages in place.
import { type CaptureStore, StoredMessageView } from '../capture/captureStore';
import type { CaptureFilter } from '../types';
import { compileFilter, FilterSyntaxError, type CompiledFilter } from './filterExpression';
import { MessageSubject, type SubjectSessions, type TreeDecoder } from './filterSubject';

/** A saved expression (setting zeromq.filters.presets); `enabled` ones apply until switched off. */
export interface FilterPreset {
  name: string;
  expression: string;
  enabled?: boolean;
}

export const MAX_PRESETS = 50;

/** Reads the presets setting, skipping malformed entries (it is user or workspace JSON). */
export function readFilterPresets(raw: unknown): FilterPreset[] {
  if (!Array.isArray(raw)) return [];
  const presets: FilterPreset[] = [];
  for (const entry of raw.slice(0, MAX_PRESETS)) {
    if (!entry || typeof entry !== 'object') continue;
    const { name, expression, enabled } = entry as Record<string, unknown>;
    if (typeof name !== 'string' || !name.trim() || typeof expression !== 'string' || !expression.trim()) continue;
    if (presets.some((p) => p.name === name)) continue;
    presets.push({ name: name.slice(0, 100), expression, enabled: enabled === true });
  }
  return presets;
}

/**
 * The expression and the presets named in `presetNames`, compiled; every one must hold. An error names
 * its source ("Preset "Hide heartbeats": ...") so the user knows which one to fix.
 */
export function compileFilters(expression: string, presets: readonly FilterPreset[], presetNames: readonly string[]): CompiledFilter[] {
  const compiled: CompiledFilter[] = [];
  if (expression.trim()) compiled.push(compileFilter(expression));
  for (const name of presetNames) {
    const preset = presets.find((p) => p.name === name);
    if (!preset) continue;
    try {
      compiled.push(compileFilter(preset.expression));
    } catch (error) {
      if (error instanceof FilterSyntaxError) throw new FilterSyntaxError(`Preset "${name}": ${error.message}`);
      throw error;
    }
  }
  return compiled;
}

/**
 * The byte-level filter with the typed expression's top-level topic prefix and direction folded in, when
 * they do not conflict with what it already asks: the store then skips those messages without reading a
 * field. `pushed` says whether the expression's own test may leave those conditions out.
 */
export function withPushdown(
  base: CaptureFilter | undefined,
  filters: readonly CompiledFilter[],
): { filter?: CaptureFilter; pushed: boolean } {
  const pushdown = filters[0]?.pushdown;
  if (!pushdown || (pushdown.topicPrefix === undefined && !pushdown.direction)) return { filter: base, pushed: false };
  if ((pushdown.topicPrefix !== undefined && base?.topicPrefix) || (pushdown.direction && base?.direction))
    return { filter: base, pushed: false };
  const filter: CaptureFilter = { ...base };
  if (pushdown.topicPrefix !== undefined) filter.topicPrefix = new TextEncoder().encode(pushdown.topicPrefix);
  if (pushdown.direction) filter.direction = pushdown.direction;
  return { filter, pushed: true };
}

/**
 * A predicate on seqs for CaptureView: false for messages no longer retained. With `pushed`, the first
 * filter's pushed-down conditions are taken as already checked by the store.
 */
export function storePredicate(
  store: Pick<CaptureStore, 'readInto'>,
  filters: readonly CompiledFilter[],
  sessions: SubjectSessions,
  decodeTree: TreeDecoder,
  pushed = false,
): (seq: number) => boolean {
  const view = new StoredMessageView();
  const subject = new MessageSubject(sessions, decodeTree);
  const tests = filters.map((f, i) => (i === 0 && pushed ? (s: MessageSubject) => f.testRest(s) : (s: MessageSubject) => f.test(s)));
  return (seq) => {
    if (!store.readInto(seq, view)) return false;
    subject.reset(view);
    try {
      for (const test of tests) if (!test(subject)) return false;
      return true;
    } catch {
      // Evaluation is total by design; a decoder bug must still not stop the scan.
      return false;
    }
  };
}
