// A session directory for inspector tests that hold a store without real sessions: a fixed set of SUB
// sessions (id -> name) that never changes.
import type { InspectorSessions } from '../../src/inspector/inspectorDeps';

export function fixedSubSessions(names: Record<string, string>): InspectorSessions {
  return {
    list: () => Object.entries(names).map(([id, name]) => ({ id, name, type: 'SUB' as const })),
    get: (id) => (Object.hasOwn(names, id) ? { name: names[id], type: 'SUB' } : undefined),
    onDidChange: () => ({ dispose: () => undefined }),
  };
}
