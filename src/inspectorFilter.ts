// Turns what the user typed in the inspector's filter bar into a CaptureFilter the store understands.
import { parsePrefix } from './core/session';
import type { CaptureFilter } from './core/types';
import type { FilterSpec } from './shared/inspectorProtocol';

/** A filter the user can fix (shown next to the filter box). */
export class InspectorFilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InspectorFilterError';
  }
}

/** Splits on spaces, keeping "quoted phrases" (and topic:"a b") together. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  const pattern = /(?:[^\s"]+|"[^"]*")+/g;
  for (const match of text.matchAll(pattern)) terms.push(match[0].replace(/"/g, ''));
  return terms;
}

function prefixBytes(text: string, what: string): Uint8Array {
  try {
    return parsePrefix(text);
  } catch (error) {
    throw new InspectorFilterError(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * `topic:PREFIX` terms set the topic prefix; the other terms, joined by single spaces, must occur
 * in some frame (case-insensitive), or as bytes when written `hex:0a0b`. Returns undefined for "all".
 */
export function toCaptureFilter(spec: FilterSpec): CaptureFilter | undefined {
  const filter: CaptureFilter = {};
  const words: string[] = [];
  for (const term of splitTerms(spec.text ?? '')) {
    if (term.toLowerCase().startsWith('topic:')) {
      const prefix = term.slice('topic:'.length);
      if (prefix) filter.topicPrefix = prefixBytes(prefix, 'Topic filter');
    } else {
      words.push(term);
    }
  }
  const text = words.join(' ');
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
