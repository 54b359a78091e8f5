// The work budget of one file's scan. Every loop of the lexer, the constant evaluator and the scanner
// spends from it, so the whole scan is linear in the file's size by construction (a budget of steps
// proportional to its length) and bounded in time (a wall-clock deadline as a backstop). A file that
// exhausts it is skipped as "too complex": the rest of the workspace is still scanned.

/** Thrown by WorkBudget.spend when a file's scan must stop. */
export class ScanTooComplex extends Error {
  constructor(readonly reason: string) {
    super(`skipped: too complex (${reason})`);
    this.name = 'ScanTooComplex';
  }
}

export interface BudgetLimits {
  /** Steps allowed per character of the file (lexing a token, visiting a token while evaluating, ...). */
  stepsPerChar: number;
  /** Steps every file may take whatever its size (small files with imports still get room to resolve). */
  baseSteps: number;
  /** Wall-clock milliseconds for one file, checked every few thousand steps... */
  deadlineMs: number;
  /** ...plus this many per KiB, so a big legitimate file on a busy machine is not taken for a hostile one. */
  deadlineMsPerKiB?: number;
}

export const DEFAULT_BUDGET: BudgetLimits = { stepsPerChar: 40, baseSteps: 200_000, deadlineMs: 250, deadlineMsPerKiB: 1 };

/** How often (in steps) the wall clock is read: performance.now() is cheap but not free. */
const CLOCK_EVERY = 4096;

export class WorkBudget {
  private left: number;
  private untilClock = CLOCK_EVERY;
  private readonly deadline: number;

  constructor(chars: number, limits: BudgetLimits = DEFAULT_BUDGET) {
    this.left = limits.baseSteps + limits.stepsPerChar * chars;
    this.deadline = performance.now() + limits.deadlineMs + (limits.deadlineMsPerKiB ?? 0) * (chars / 1024);
  }

  /** An unlimited budget, for callers that bound their input some other way. */
  static unlimited(): WorkBudget {
    return new WorkBudget(0, { stepsPerChar: 0, baseSteps: Number.POSITIVE_INFINITY, deadlineMs: Number.POSITIVE_INFINITY });
  }

  spend(steps = 1): void {
    this.left -= steps;
    if (this.left < 0) throw new ScanTooComplex('step budget exhausted');
    this.untilClock -= steps;
    if (this.untilClock <= 0) {
      this.untilClock = CLOCK_EVERY;
      if (performance.now() > this.deadline) throw new ScanTooComplex('time budget exhausted');
    }
  }
}
