// What a diagnosis says: findings in plain words, each with the evidence it rests on (captured messages,
// monitor events, probe results, counters, bytes). Pure data, so the engine can send it over IPC as is.

export type FindingSeverity = 'error' | 'warning' | 'info';

export type FindingKind =
  | 'nothing-bound'
  | 'mechanism-mismatch'
  | 'zmtp-version'
  | 'pairing-invalid'
  | 'handshake-failing'
  | 'no-subscription'
  | 'subscription-trailing-bytes'
  | 'subscription-matches-nothing'
  | 'subscription-case-mismatch'
  | 'subscription-prefix-overmatch'
  | 'topic-without-subscriber'
  | 'late-joiner'
  | 'sequence-gaps'
  | 'sequence-duplicates'
  | 'sequence-reordered'
  | 'sequence-restarts'
  | 'req-stuck'
  | 'router-undeliverable'
  | 'duplicate-routing-id'
  | 'capture-shedding'
  | 'heartbeats-seen'
  | 'no-heartbeats'
  | 'heartbeats-stopped'
  | 'subscriber-subscriptions'
  | 'no-traffic';

export type Evidence =
  | { kind: 'message'; seq: number; text: string }
  | { kind: 'event'; time: number; type: string; text: string }
  | { kind: 'probe'; address: string; text: string }
  | { kind: 'counter'; name: string; value: number; text: string }
  | { kind: 'bytes'; hex: string; text: string };

export interface Finding {
  kind: FindingKind;
  severity: FindingSeverity;
  /** One line: what is wrong. */
  title: string;
  /** Why it happens, in plain words. */
  detail?: string;
  /** What to change. */
  fix?: string;
  evidence: Evidence[];
  /** Numbers a test or a view can read without parsing the words. */
  numbers?: Record<string, number>;
}

/** One line of the "Why am I not receiving?" checklist. */
export interface CheckResult {
  check: string;
  status: 'ok' | 'problem' | 'unknown' | 'skipped';
  /** Why ok, unknown or skipped, in a few words. */
  note?: string;
  findings: Finding[];
}

const MAX_HEX_BYTES = 64;
const MAX_TEXT_CHARS = 80;

/** "74 69 63 6b 00", cut after 64 bytes. */
export function hexBytes(bytes: Uint8Array): string {
  const shown = bytes.subarray(0, MAX_HEX_BYTES);
  const hex = Array.from(shown, (b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > MAX_HEX_BYTES ? `${hex} … (${bytes.length} B)` : hex;
}

/** Bytes as quoted text with escapes for what does not print: "tick\0", "a\x80b". Peer data: never markup. */
export function quotedBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes.subarray(0, MAX_TEXT_CHARS)) {
    if (b === 0) out += '\\0';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x09) out += '\\t';
    else if (b === 0x22 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return `"${out}${bytes.length > MAX_TEXT_CHARS ? '…' : ''}"`;
}

export function bytesEvidence(label: string, bytes: Uint8Array): Evidence {
  return { kind: 'bytes', hex: hexBytes(bytes), text: `${label} ${quotedBytes(bytes)} = ${hexBytes(bytes) || '(empty)'}` };
}

/** 1204 → "1,204". */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** "12:00:01.234" in local time. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function formatSeconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

const SEVERITY_RANK: Record<FindingSeverity, number> = { error: 0, warning: 1, info: 2 };

export function bySeverity(a: Finding, b: Finding): number {
  return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity];
}
