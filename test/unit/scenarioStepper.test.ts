// The stepping hook a debugger uses: the runner waits in `beforeStep`; the stepper pauses at breakpoint
// lines (each round of a repeat), on entry, one step at a time after `next`, and after `pause`, hands over
// the variables as the scenario sees them, and lets go of a cancelled run without hanging it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseScenarioFile } from '../../src/core/scenario/scenarioParser';
import { runScenario } from '../../src/core/scenario/scenarioRunner';
import { ScenarioStepper, frameForDebugger, type PausedState, type PauseReason } from '../../src/core/scenario/scenarioStepper';

const FILE = [
  '@who = file', // 1
  '', // 2
  'scenario steps', // 3
  '  wait 1ms', // 4
  '  wait 1ms', // 5
  '  repeat 2', // 6
  '    wait 1ms', // 7
  '  wait 1ms', // 8
].join('\n');

type Pause = { line: number; reason: PauseReason; state: PausedState };

/** Runs the scenario; `onPause` decides what the "user" does at each pause (by its index). */
async function debugRun(
  options: { breakpoints?: number[]; stopOnEntry?: boolean },
  onPause: (stepper: ScenarioStepper, index: number) => void,
  signal?: AbortSignal,
) {
  const file = parseScenarioFile(FILE);
  assert.deepEqual(file.problems, []);
  const pauses: Pause[] = [];
  const stepper: ScenarioStepper = new ScenarioStepper((step, reason, state) => {
    pauses.push({ line: step.line, reason, state });
    setImmediate(() => onPause(stepper, pauses.length - 1));
  }, options);
  signal?.addEventListener('abort', () => stepper.stop());
  const result = await runScenario(file, file.scenarios[0], {
    baseDir: '.',
    layers: [
      { source: 'the file', values: new Map([['who', 'file']]) },
      {
        source: 'environment ci',
        values: new Map([
          ['who', 'ci'],
          ['host', '127.0.0.1'],
        ]),
      },
    ],
    beforeStep: stepper.beforeStep,
    signal,
  });
  return { result, pauses };
}

test('a breakpoint pauses before its step; next pauses at the following step; continue runs to the end', async () => {
  const { result, pauses } = await debugRun({ breakpoints: [5] }, (stepper, index) => (index === 0 ? stepper.next() : stepper.continue()));
  assert.equal(result.status, 'passed');
  assert.deepEqual(
    pauses.map((p) => `${p.line} ${p.reason}`),
    ['5 breakpoint', '6 step'],
  );
  // Environment layers win over file variables, and say where a value comes from.
  assert.deepEqual(pauses[0].state.variables, [
    { name: 'host', value: '127.0.0.1', source: 'environment ci' },
    { name: 'who', value: 'ci', source: 'environment ci' },
  ]);
  assert.deepEqual(pauses[0].state.captured, []);
  assert.equal(pauses[0].state.lastReceived, undefined);
});

test('stepping goes into a repeat, one step at a time; a breakpoint inside it pauses every round', async () => {
  const stepped = await debugRun({ stopOnEntry: true }, (stepper) => stepper.next());
  assert.deepEqual(
    stepped.pauses.map((p) => `${p.line} ${p.reason}`),
    ['4 entry', '5 step', '6 step', '7 step', '7 step', '8 step'],
  );
  const rounds = await debugRun({ breakpoints: [7] }, (stepper) => stepper.continue());
  assert.deepEqual(
    rounds.pauses.map((p) => p.line),
    [7, 7],
  );
});

test('pause stops before the next step; breakpoints can change while running', async () => {
  const { pauses } = await debugRun({ breakpoints: [4] }, (stepper, index) => {
    if (index === 0) {
      stepper.setBreakpoints([8]);
      stepper.pause();
      stepper.continue();
    } else stepper.continue();
  });
  assert.deepEqual(
    pauses.map((p) => `${p.line} ${p.reason}`),
    ['4 breakpoint', '5 pause', '8 breakpoint'],
  );
});

test('a run cancelled while paused ends at once with the rest not run', async () => {
  const abort = new AbortController();
  const started = performance.now();
  const { result, pauses } = await debugRun({ breakpoints: [5] }, () => abort.abort(), abort.signal);
  assert.equal(pauses.length, 1);
  assert.equal(result.status, 'failed');
  assert.ok(result.steps.slice(1).every((s) => s.status === 'skipped'));
  assert.ok(performance.now() - started < 2000);
});

test('frames show as text when printable, else as hex, capped', () => {
  assert.equal(frameForDebugger(Buffer.from('{"ok":true}')), '{"ok":true}');
  assert.equal(frameForDebugger(Uint8Array.from([0, 255, 1])), 'hex 00ff01');
  assert.match(frameForDebugger(Buffer.alloc(10_000, 'a')), /… \(truncated\)$/);
  assert.ok(frameForDebugger(Buffer.alloc(10_000, 'a')).length < 4200);
});
