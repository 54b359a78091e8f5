// A small JSONPath subset for assertions and captures: `$`, `.key`, `["key"]`, `[index]` (negative counts
// from the end). Enough to point at one value in a reply; no wildcards or filters, so evaluation is one
// walk down the tree and costs at most one step per segment.

export type JsonPathSegment = string | number;

export const MAX_PATH_SEGMENTS = 64;

/** Parses `$.a.b[0]["c d"]` into segments, or returns an error message naming the column (0-based offset). */
export function parseJsonPath(path: string): { segments: JsonPathSegment[] } | { error: string; offset: number } {
  if (!path.startsWith('$')) return { error: 'a JSON path starts with $, e.g. $.price or $.items[0].id', offset: 0 };
  const segments: JsonPathSegment[] = [];
  let i = 1;
  while (i < path.length) {
    if (segments.length >= MAX_PATH_SEGMENTS) return { error: `a JSON path has at most ${MAX_PATH_SEGMENTS} segments`, offset: i };
    const c = path[i];
    if (c === '.') {
      const match = /^[A-Za-z_$][\w$-]*/.exec(path.slice(i + 1, i + 257));
      if (!match) return { error: 'expected a key name after "." (use ["key"] for other characters)', offset: i + 1 };
      segments.push(match[0]);
      i += 1 + match[0].length;
    } else if (c === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) return { error: 'missing "]"', offset: i };
      const inside = path.slice(i + 1, close).trim();
      if (/^-?\d{1,9}$/.test(inside)) segments.push(Number(inside));
      else if (/^"(?:[^"\\]|\\.)*"$/.test(inside) || /^'[^']*'$/.test(inside)) {
        try {
          segments.push(inside.startsWith("'") ? inside.slice(1, -1) : (JSON.parse(inside) as string));
        } catch {
          return { error: `${inside} is not a valid quoted key`, offset: i + 1 };
        }
      } else return { error: `expected an index or a quoted key inside [ ], got "${inside.slice(0, 40)}"`, offset: i + 1 };
      // A quoted key may hold "]": the regex above checked the whole of it, so the close found is right
      // unless the key had one; those are rare enough to ask for .key or a key without "]".
      i = close + 1;
    } else {
      return { error: `unexpected "${c}" in the JSON path (write .key or [index])`, offset: i };
    }
  }
  return { segments };
}

/** The value at the path, or `{ found: false }` when some segment does not exist. */
export function evaluateJsonPath(value: unknown, segments: readonly JsonPathSegment[]): { found: true; value: unknown } | { found: false } {
  let current = value;
  for (const segment of segments) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current)) return { found: false };
      const index = segment < 0 ? current.length + segment : segment;
      if (index < 0 || index >= current.length) return { found: false };
      current = current[index];
    } else {
      if (typeof current !== 'object' || current === null || Array.isArray(current)) return { found: false };
      if (!Object.prototype.hasOwnProperty.call(current, segment)) return { found: false };
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return { found: true, value: current };
}
