// Two messages side by side, frame by frame: decoded structures by path (changed, added, removed, from
// microdiff), text by line and binary by byte (from jsdiff, with an edit budget), each bounded in what
// it reads and in what it returns. Peer data on both sides: nothing here trusts sizes or depth.
import { diffArrays, diffLines } from 'diff';
import microdiff from 'microdiff';

export interface FieldChange {
  op: 'changed' | 'added' | 'removed';
  /** `$.price`, `$.legs[2].qty`, `$["odd key"]` */
  path: string;
  before?: string;
  after?: string;
}

export interface DiffRun {
  op: 'same' | 'added' | 'removed';
  /** Lines of text, or bytes as hex pairs. */
  text: string;
}

export interface FrameDiff {
  index: number;
  kind: 'fields' | 'text' | 'bytes' | 'only-left' | 'only-right';
  /** True when the frames are byte for byte the same. */
  same: boolean;
  fields?: FieldChange[];
  runs?: DiffRun[];
  /** Why the diff is partial ("first 64 KiB compared", "over 500 changes"). */
  note?: string;
}

export interface MessageDiffResult {
  frames: FrameDiff[];
}

/** Decodes a frame to a plain structured value (object or array), or undefined when it is not one. */
export type StructuredValueOf = (frame: Uint8Array, index: number, side: 'left' | 'right') => unknown;

export const DIFF_LIMITS = {
  /** Bytes of each frame compared. */
  frameBytes: 64 * 1024,
  /** Bytes compared byte by byte for binary frames (the edit distance is quadratic at worst). */
  binaryBytes: 4096,
  changes: 500,
  valueChars: 200,
  /** jsdiff gives up past this many edits and reports the frames as replaced. */
  maxEditLength: 2000,
  timeoutMs: 200,
};

const strict = new TextDecoder('utf-8', { fatal: true });

export function diffMessages(left: Uint8Array[], right: Uint8Array[], valueOf: StructuredValueOf): MessageDiffResult {
  const frames: FrameDiff[] = [];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    if (i >= right.length) frames.push({ index: i, kind: 'only-left', same: false });
    else if (i >= left.length) frames.push({ index: i, kind: 'only-right', same: false });
    else frames.push(diffFrame(left[i], right[i], i, valueOf));
  }
  return { frames };
}

function diffFrame(a: Uint8Array, b: Uint8Array, index: number, valueOf: StructuredValueOf): FrameDiff {
  const same = a.length === b.length && a.every((byte, i) => byte === b[i]);
  const cut = a.length > DIFF_LIMITS.frameBytes || b.length > DIFF_LIMITS.frameBytes;
  const note = cut ? `the first ${DIFF_LIMITS.frameBytes / 1024} KiB of each frame compared` : undefined;
  const x = a.subarray(0, DIFF_LIMITS.frameBytes);
  const y = b.subarray(0, DIFF_LIMITS.frameBytes);
  const va = cut ? undefined : valueOf(x, index, 'left');
  const vb = cut ? undefined : valueOf(y, index, 'right');
  if (isStructure(va) && isStructure(vb)) {
    const fields = fieldChanges(va, vb);
    if (fields) return { index, kind: 'fields', same, fields: fields.changes, note: fields.note ?? note };
  }
  const ta = text(x);
  const tb = text(y);
  if (ta !== undefined && tb !== undefined) {
    const runs = diffLines(ta, tb, { maxEditLength: DIFF_LIMITS.maxEditLength, timeout: DIFF_LIMITS.timeoutMs });
    return runs
      ? { index, kind: 'text', same, runs: runs.map((r) => ({ op: opOf(r), text: r.value })), note }
      : { index, kind: 'text', same, runs: replaced(ta, tb), note: 'too different to align line by line' };
  }
  const ba = Array.from(x.subarray(0, DIFF_LIMITS.binaryBytes));
  const bb = Array.from(y.subarray(0, DIFF_LIMITS.binaryBytes));
  const byteNote =
    x.length > DIFF_LIMITS.binaryBytes || y.length > DIFF_LIMITS.binaryBytes ? `the first ${DIFF_LIMITS.binaryBytes} bytes compared` : note;
  const runs = diffArrays(ba, bb, { maxEditLength: DIFF_LIMITS.maxEditLength, timeout: DIFF_LIMITS.timeoutMs });
  return runs
    ? { index, kind: 'bytes', same, runs: runs.map((r) => ({ op: opOf(r), text: hex(r.value) })), note: byteNote }
    : { index, kind: 'bytes', same, runs: replaced(hex(ba), hex(bb)), note: 'too different to align byte by byte' };
}

function opOf(change: { added: boolean; removed: boolean }): DiffRun['op'] {
  return change.added ? 'added' : change.removed ? 'removed' : 'same';
}

function replaced(before: string, after: string): DiffRun[] {
  return [
    { op: 'removed', text: before },
    { op: 'added', text: after },
  ];
}

function isStructure(value: unknown): value is Record<string, unknown> | unknown[] {
  return value !== null && typeof value === 'object';
}

function fieldChanges(
  a: Record<string, unknown> | unknown[],
  b: Record<string, unknown> | unknown[],
): { changes: FieldChange[]; note?: string } | undefined {
  let differences;
  try {
    differences = microdiff(a, b, { cyclesFix: true });
  } catch {
    // Nested deeper than the stack allows: compared as text instead.
    return undefined;
  }
  const changes = differences.slice(0, DIFF_LIMITS.changes).map((d): FieldChange => {
    const path = pathText(d.path);
    if (d.type === 'CREATE') return { op: 'added', path, after: valueText(d.value) };
    if (d.type === 'REMOVE') return { op: 'removed', path, before: valueText(d.oldValue) };
    return { op: 'changed', path, before: valueText(d.oldValue), after: valueText(d.value) };
  });
  return {
    changes,
    note: differences.length > DIFF_LIMITS.changes ? `${differences.length} changes, the first ${DIFF_LIMITS.changes} shown` : undefined,
  };
}

export function pathText(path: (string | number)[]): string {
  let out = '$';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(key.slice(0, 100))}]`;
  }
  return out.slice(0, 500);
}

function valueText(value: unknown): string {
  let text: string;
  try {
    text =
      typeof value === 'bigint'
        ? value.toString()
        : (JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > DIFF_LIMITS.valueChars ? `${text.slice(0, DIFF_LIMITS.valueChars - 1)}…` : text;
}

function text(bytes: Uint8Array): string | undefined {
  try {
    const s = strict.decode(bytes);
    // eslint-disable-next-line no-control-regex
    return /[\u0000-\u0008\u000e-\u001f]/.test(s) ? undefined : s;
  } catch {
    return undefined;
  }
}

function hex(bytes: number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (i ? ' ' : '') + bytes[i].toString(16).padStart(2, '0');
  return out;
}
