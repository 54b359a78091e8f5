// Offsets in a file's text to the 0-based line/UTF-16 character positions vscode.Range uses, and back.
import type { SourceRange } from './scanTypes';

export class SourcePositions {
  private lineStarts: number[] | undefined;

  constructor(
    private readonly path: string,
    private readonly text: string,
  ) {}

  range(start: number, end: number): SourceRange {
    const [line, character] = this.position(start);
    const [endLine, endCharacter] = this.position(end);
    return { file: this.path, line, character, endLine, endCharacter };
  }

  offsetOf(range: SourceRange): number {
    return this.starts()[range.line] + range.character;
  }

  /** The source text of a span on one line, whitespace runs collapsed, at most 200 characters. */
  expressionText(start: number, end: number): string {
    const text = this.text.slice(start, Math.min(end, start + 400)).replace(/\s+/g, ' ');
    return text.length > 200 || end - start > 400 ? `${text.slice(0, 199)}…` : text;
  }

  private starts(): number[] {
    if (!this.lineStarts) {
      const starts = [0];
      for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
    }
    return this.lineStarts;
  }

  private position(offset: number): [number, number] {
    const starts = this.starts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return [lo, offset - starts[lo]];
  }
}
