// Debugging a scenario like a test: the runner calls `beforeStep` before every step (repeat's children each
// round); the stepper pauses there when the step's line has a breakpoint, when stepping one step at a time,
// or when a pause was asked, and hands the paused state (variables, captures, the last message received)
// to whoever shows it. Continue, next and stop resume it. No UI and no transport here: the engine relays it.
import type { Step } from './scenarioAst';

export interface DebugVariable {
  name: string;
  value: string;
  /** Where the value comes from: the file, an environment, or the step that captured it. */
  source?: string;
}

export interface PausedState {
  /** File variables and the selected environment, as the scenario sees them (later layers win). */
  variables: DebugVariable[];
  /** Values captured from earlier replies. */
  captured: DebugVariable[];
  /** The last message a receive or request step checked, frame by frame. */
  lastReceived?: { endpoint: string; frames: DebugVariable[] };
}

export type PauseReason = 'entry' | 'breakpoint' | 'step' | 'pause';

/** The runner's hook: resolves when the step may run. */
export type BeforeStep = (step: Step, state: () => PausedState) => Promise<void>;

export class ScenarioStepper {
  private breakpoints: Set<number>;
  private stepping: boolean;
  private pauseAsked = false;
  private stopped = false;
  private resume: (() => void) | undefined;
  private hasPaused = false;

  constructor(
    private readonly onPaused: (step: Step, reason: PauseReason, state: PausedState) => void,
    options: { breakpoints?: readonly number[]; stopOnEntry?: boolean } = {},
  ) {
    this.breakpoints = new Set(options.breakpoints ?? []);
    this.stepping = !!options.stopOnEntry;
  }

  /** Lines (1-based) where a step pauses; replaces the earlier set, also while running. */
  setBreakpoints(lines: readonly number[]): void {
    this.breakpoints = new Set(lines);
  }

  get isPaused(): boolean {
    return this.resume !== undefined;
  }

  /** Runs on to the next breakpoint. */
  continue(): void {
    this.stepping = false;
    this.release();
  }

  /** Runs the paused step and pauses before the next one. */
  next(): void {
    this.stepping = true;
    this.release();
  }

  /** Pauses before the next step. */
  pause(): void {
    this.pauseAsked = true;
  }

  /** Lets a paused run go with no more pauses (the run's own signal stops it). */
  stop(): void {
    this.stopped = true;
    this.release();
  }

  readonly beforeStep: BeforeStep = (step, state) => {
    if (this.stopped) return Promise.resolve();
    const reason: PauseReason | undefined = this.pauseAsked
      ? 'pause'
      : this.breakpoints.has(step.line)
        ? 'breakpoint'
        : this.stepping
          ? this.hasPaused
            ? 'step'
            : 'entry'
          : undefined;
    if (!reason) return Promise.resolve();
    this.pauseAsked = false;
    this.hasPaused = true;
    return new Promise<void>((resolve) => {
      this.resume = resolve;
      this.onPaused(step, reason, state());
    });
  };

  private release(): void {
    const resume = this.resume;
    this.resume = undefined;
    resume?.();
  }
}

/** Most characters of a frame a debugger shows (its size is shown beside it). */
const MAX_DEBUG_FRAME_CHARS = 4096;

/** A frame as text when it is printable UTF-8, else as hex; capped either way. */
export function frameForDebugger(frame: Uint8Array): string {
  const text = Buffer.from(frame.subarray(0, MAX_DEBUG_FRAME_CHARS)).toString('utf8');
  let printable = !text.includes('\ufffd');
  for (let i = 0; printable && i < text.length; i++) {
    const code = text.charCodeAt(i);
    printable = code >= 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
  }
  const shown = printable ? text : `hex ${Buffer.from(frame.subarray(0, MAX_DEBUG_FRAME_CHARS / 2)).toString('hex')}`;
  return frame.length > (printable ? MAX_DEBUG_FRAME_CHARS : MAX_DEBUG_FRAME_CHARS / 2) ? `${shown}… (truncated)` : shown;
}
