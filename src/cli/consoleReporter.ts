// The CLI's readable report: one line per scenario and per step as they finish, the failing assertions
// with expected and actual, and a summary line. Colour only on a terminal (and never with NO_COLOR).
import { formatMs, type ScenarioResult, type StepResult } from '../core/scenario/scenarioRunner';
import type { ScenarioProblem } from '../core/scenario/scenarioAst';

export interface Output {
  write(text: string): void;
}

export class ConsoleReporter {
  private readonly color: boolean;
  private readonly totals = {
    scenarios: 0,
    passed: 0,
    failed: 0,
    steps: 0,
    stepsPassed: 0,
    stepsFailed: 0,
    stepsSkipped: 0,
    fileErrors: 0,
  };

  constructor(
    private readonly out: Output,
    color: boolean,
  ) {
    this.color = color;
  }

  private paint(code: number, text: string): string {
    return this.color ? `\u001b[${code}m${text}\u001b[0m` : text;
  }

  file(path: string): void {
    this.out.write(`\n${this.paint(1, path)}\n`);
  }

  problems(path: string, problems: ScenarioProblem[]): void {
    for (const p of problems) {
      const label = p.severity === 'error' ? this.paint(31, 'error') : this.paint(33, 'warning');
      this.out.write(`  ${path}:${p.line}:${p.column}: ${label}: ${p.message}\n`);
    }
  }

  fileError(path: string, message: string): void {
    this.totals.fileErrors++;
    this.out.write(`  ${this.paint(31, '✗')} ${path}: ${message}\n`);
  }

  scenario(result: ScenarioResult): void {
    this.totals.scenarios++;
    const ok = result.status === 'passed';
    if (ok) this.totals.passed++;
    else this.totals.failed++;
    const mark = ok ? this.paint(32, '✓') : this.paint(31, '✗');
    this.out.write(`  ${mark} ${result.scenario.name} ${this.paint(2, `(${formatMs(result.durationMs)})`)}\n`);
    if (result.setupError) this.out.write(`      ${this.paint(31, result.setupError)}\n`);
    for (const step of result.steps) this.step(step);
  }

  private step(result: StepResult): void {
    this.totals.steps++;
    const depth = stepDepth(result);
    const indent = '      ' + '  '.repeat(depth);
    const text = `line ${result.step.line}: ${result.step.text.length > 100 ? `${result.step.text.slice(0, 100)}…` : result.step.text}`;
    if (result.status === 'skipped') {
      this.totals.stepsSkipped++;
      this.out.write(`${indent}${this.paint(2, `- ${text} (skipped)`)}\n`);
      return;
    }
    if (result.status === 'passed') {
      this.totals.stepsPassed++;
      this.out.write(`${indent}${this.paint(32, '✓')} ${text} ${this.paint(2, `${formatMs(result.durationMs)}: ${result.message}`)}\n`);
      return;
    }
    this.totals.stepsFailed++;
    this.out.write(`${indent}${this.paint(31, '✗')} ${text} ${this.paint(2, formatMs(result.durationMs))}\n`);
    const failedOutcomes = (result.outcomes ?? []).filter((o) => !o.ok);
    if (!failedOutcomes.length) this.out.write(`${indent}    ${this.paint(31, result.message)}\n`);
    for (const o of failedOutcomes) {
      this.out.write(`${indent}    ${this.paint(31, `line ${o.line}: ${o.assertion}`)}\n`);
      this.out.write(`${indent}      expected: ${o.expected}\n${indent}      actual:   ${o.actual}\n`);
    }
    if (result.received) this.out.write(`${indent}    received: ${result.received}\n`);
  }

  /** The closing summary; returns the exit code the results call for (0 or 1; file errors are 2). */
  summary(elapsedMs: number): number {
    const t = this.totals;
    const parts = [
      `${t.scenarios} scenario(s): ${t.passed} passed, ${t.failed} failed`,
      `steps: ${t.stepsPassed} passed, ${t.stepsFailed} failed, ${t.stepsSkipped} skipped`,
    ];
    if (t.fileErrors) parts.push(`${t.fileErrors} file(s) not run`);
    const line = `${parts.join('; ')} (${formatMs(elapsedMs)})`;
    this.out.write(`\n${t.failed || t.fileErrors ? this.paint(31, line) : this.paint(32, line)}\n`);
    return t.fileErrors ? 2 : t.failed ? 1 : 0;
  }
}

/** How deep in repeat blocks a step sits, from its indentation relative to the scenario. */
function stepDepth(result: StepResult): number {
  return Math.max(0, Math.round((result.step.column - 3) / 2));
}
