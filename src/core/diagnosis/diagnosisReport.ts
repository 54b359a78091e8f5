// The diagnosis as plain text for a read-only document: the headline, then the checklist with each
// finding's why, fix and evidence. Plain text on purpose: peer bytes in it are never rendered as markup.
import type { Diagnosis } from './diagnose';
import { clockTime, type CheckResult, type Finding } from './findings';

const STATUS_MARK: Record<CheckResult['status'], string> = { ok: '✓', problem: '✗', unknown: '?', skipped: '–' };
const SEVERITY_MARK: Record<Finding['severity'], string> = { error: '✗', warning: '⚠', info: 'ℹ' };
const MAX_LINE = 400;
const WRAP_WIDTH = 110;

export function renderDiagnosis(subject: string, diagnosis: Diagnosis, atMs: number): string {
  const lines = [`Why am I not receiving? ${subject}`, `Checked at ${clockTime(atMs)}`, ''];
  const worst = diagnosis.findings.find((f) => f.severity !== 'info');
  lines.push(worst ? `${SEVERITY_MARK[worst.severity]} ${worst.title}` : `✓ ${diagnosis.summary}`, '');
  lines.push('Checklist');
  for (const check of diagnosis.checks) {
    lines.push(`  ${STATUS_MARK[check.status]} ${check.check}${check.note ? ` — ${check.note}` : ''}`);
    for (const finding of check.findings) lines.push(...renderFinding(finding, '      '));
  }
  return lines.map((l) => (l.length > MAX_LINE ? `${l.slice(0, MAX_LINE)}…` : l)).join('\n') + '\n';
}

export function renderFinding(finding: Finding, indent = ''): string[] {
  const lines = [`${indent}${SEVERITY_MARK[finding.severity]} ${finding.title}`];
  if (finding.detail) lines.push(...wrap(`Why: ${finding.detail}`, `${indent}    `));
  if (finding.fix) lines.push(...wrap(`Fix: ${finding.fix}`, `${indent}    `));
  if (finding.evidence.length) {
    lines.push(`${indent}    Evidence:`);
    for (const e of finding.evidence) lines.push(`${indent}      · ${e.text}`);
  }
  return lines;
}

/**
 * Breaks prose at spaces so a report reads without scrolling sideways; continuation lines hang under the
 * text. Never inside quotes or parentheses: "ticks." stays next to its hex (74 69 63 6b 73 2e).
 */
function wrap(text: string, indent: string, width = WRAP_WIDTH): string[] {
  const lines: string[] = [];
  let rest = text;
  let prefix = indent;
  while (rest.length > width) {
    const cut = breakAt(rest, width);
    if (cut <= 0) break;
    lines.push(prefix + rest.slice(0, cut));
    rest = rest.slice(cut + 1);
    prefix = `${indent}     `;
  }
  lines.push(prefix + rest);
  return lines;
}

/** The last space at or before `width` outside quotes and parentheses, else the first one after; -1 if none. */
function breakAt(text: string, width: number): number {
  let depth = 0;
  let quoted = false;
  let best = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth = Math.max(0, depth - 1);
    else if (c === ' ' && depth === 0 && !quoted && text[i + 1] !== '(') {
      if (i > width) return best > 0 ? best : i;
      best = i;
    }
  }
  return best;
}
