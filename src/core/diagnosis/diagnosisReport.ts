// The diagnosis as plain text for a read-only document: the headline, then the checklist with each
// finding's why, fix and evidence. Plain text on purpose: peer bytes in it are never rendered as markup.
import type { Diagnosis } from './diagnose';
import { clockTime, type CheckResult, type Finding } from './findings';

const STATUS_MARK: Record<CheckResult['status'], string> = { ok: '✓', problem: '✗', unknown: '?', skipped: '–' };
const SEVERITY_MARK: Record<Finding['severity'], string> = { error: '✗', warning: '⚠', info: 'ℹ' };
const MAX_LINE = 400;

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
  if (finding.detail) lines.push(`${indent}    Why: ${finding.detail}`);
  if (finding.fix) lines.push(`${indent}    Fix: ${finding.fix}`);
  if (finding.evidence.length) {
    lines.push(`${indent}    Evidence:`);
    for (const e of finding.evidence) lines.push(`${indent}      · ${e.text}`);
  }
  return lines;
}
