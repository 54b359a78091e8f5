// JUnit XML for CI: one <testsuite> per scenario, one <testcase> per step (named by its line and text),
// so a CI page points at the step that failed, with expected and actual in the failure.
import type { ScenarioResult, StepResult } from './scenarioRunner';

export interface FileResults {
  /** The scenario file as given on the command line. */
  path: string;
  results: ScenarioResult[];
  /** Problems that kept the file from running (syntax errors, unknown environment). */
  fileError?: string;
}

// XML 1.0 allows tabs, newlines and characters from 0x20 on (minus lone surrogates); peers send anything.
const NOT_XML =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function xmlEscape(text: string): string {
  return text.replace(NOT_XML, '\ufffd').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

export function stepName(result: StepResult): string {
  return `line ${result.step.line}: ${result.step.text.slice(0, 200)}`;
}

function failureBody(result: StepResult): string {
  const lines = [result.message];
  for (const o of result.outcomes ?? [])
    lines.push(`${o.ok ? 'ok  ' : 'FAIL'} line ${o.line}: ${o.assertion}\n       expected: ${o.expected}\n       actual:   ${o.actual}`);
  if (result.received) lines.push(`received: ${result.received}`);
  return lines.join('\n');
}

export function junitXml(files: FileResults[], timestamp = new Date()): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const all = files.flatMap((f) => f.results.flatMap((r) => r.steps));
  const failures = all.filter((s) => s.status === 'failed').length + files.filter((f) => f.fileError).length;
  const totalMs = files.flatMap((f) => f.results).reduce((sum, r) => sum + r.durationMs, 0);
  out.push(
    `<testsuites name="zeromq-inspector scenarios" tests="${all.length + files.filter((f) => f.fileError).length}" ` +
      `failures="${failures}" time="${seconds(totalMs)}">`,
  );
  for (const file of files) {
    if (file.fileError) {
      out.push(
        `  <testsuite name="${xmlEscape(file.path)}" tests="1" failures="1" errors="0" skipped="0" time="0" timestamp="${timestamp.toISOString()}">`,
      );
      out.push(`    <testcase name="parse" classname="${xmlEscape(file.path)}" time="0">`);
      out.push(`      <failure message="${xmlEscape(file.fileError.split('\n')[0])}">${xmlEscape(file.fileError)}</failure>`);
      out.push('    </testcase>', '  </testsuite>');
      continue;
    }
    for (const result of file.results) {
      const suite = `${file.path} › ${result.scenario.name}`;
      const failed = result.steps.filter((s) => s.status === 'failed').length + (result.setupError ? 1 : 0);
      const skipped = result.steps.filter((s) => s.status === 'skipped').length;
      out.push(
        `  <testsuite name="${xmlEscape(suite)}" tests="${result.steps.length + (result.setupError ? 1 : 0)}" failures="${failed}" errors="0" ` +
          `skipped="${skipped}" time="${seconds(result.durationMs)}" timestamp="${timestamp.toISOString()}" file="${xmlEscape(file.path)}">`,
      );
      if (result.setupError) {
        out.push(`    <testcase name="open endpoints" classname="${xmlEscape(suite)}" time="0">`);
        out.push(`      <failure message="${xmlEscape(result.setupError)}">${xmlEscape(result.setupError)}</failure>`, '    </testcase>');
      }
      for (const step of result.steps) {
        out.push(
          `    <testcase name="${xmlEscape(stepName(step))}" classname="${xmlEscape(suite)}" ` +
            `time="${seconds(step.durationMs)}" file="${xmlEscape(file.path)}" line="${step.step.line}">`,
        );
        if (step.status === 'failed')
          out.push(`      <failure message="${xmlEscape(step.message.slice(0, 1000))}">${xmlEscape(failureBody(step))}</failure>`);
        else if (step.status === 'skipped') out.push(`      <skipped message="${xmlEscape(step.message)}"/>`);
        out.push('    </testcase>');
      }
      out.push('  </testsuite>');
    }
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}
