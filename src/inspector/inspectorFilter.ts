// Turns what the user typed in the inspector's filter bar into a CaptureFilter the store understands.
import { compileFilters, type FilterPreset } from '../core/filter/captureExpressionFilter';
import { FilterSyntaxError, type CompiledFilter } from '../core/filter/filterExpression';
import { parsePrefix } from '../core/session/prefixBytes';
import type { CaptureFilter } from '../core/types';
import type { FilterSpec } from '../shared/inspectorProtocol';

/** A filter the user can fix (shown next to the filter box). */
export class InspectorFilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InspectorFilterError';
  }
}

/** `topic:PREFIX` or `topic:"PREFIX WITH SPACES"`, at the start or after a space. */
const TOPIC_TERM = /(^|\s)topic:(?:"([^"]*)"|(\S*))\s*/gi;

function prefixBytes(text: string, what: string): Uint8Array {
  try {
    return parsePrefix(text);
  } catch (error) {
    throw new InspectorFilterError(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * `topic:PREFIX` terms set the topic prefix; the rest of the text must occur in some frame
 * (ASCII case-insensitive), or as bytes when written `hex:0a0b`. Returns undefined for "all".
 */
export function toCaptureFilter(spec: FilterSpec): CaptureFilter | undefined {
  const filter: CaptureFilter = {};
  // The rest is searched verbatim: quotes are part of what people look for in JSON ("status":"error").
  const text = (spec.text ?? '')
    .replace(TOPIC_TERM, (_match, before: string, quoted?: string, bare?: string) => {
      const prefix = quoted ?? bare ?? '';
      if (prefix) filter.topicPrefix = prefixBytes(prefix, 'Topic filter');
      return before;
    })
    .trim();
  if (text.startsWith('hex:')) {
    filter.contains = prefixBytes(text, 'Hex filter');
  } else if (text) {
    filter.contains = new TextEncoder().encode(text);
    filter.ignoreCase = true;
  }
  if (spec.topic) filter.topicPrefix = prefixBytes(spec.topic, 'Topic prefix');
  if (spec.sessionId) filter.sessionIds = [spec.sessionId];
  if (spec.direction === 'in' || spec.direction === 'out') filter.direction = spec.direction;
  if (filter.contains?.length === 0) delete filter.contains;
  if (filter.topicPrefix?.length === 0) delete filter.topicPrefix;
  return Object.keys(filter).length ? filter : undefined;
}

/**
 * The field expression and the presets switched on (by name; when the webview names none yet, those
 * the settings enable by default), compiled. Throws InspectorFilterError with the parser's words.
 */
export function compileExpressionFilters(spec: FilterSpec, presets: readonly FilterPreset[]): CompiledFilter[] {
  const names = spec.presets ?? presets.filter((p) => p.enabled).map((p) => p.name);
  try {
    return compileFilters(spec.expression ?? '', presets, names);
  } catch (error) {
    if (!(error instanceof FilterSyntaxError)) throw error;
    throw new InspectorFilterError(error.message.startsWith('Preset "') ? error.message : `Expression: ${error.message}`);
  }
}
