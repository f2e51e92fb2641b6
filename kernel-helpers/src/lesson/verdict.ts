/**
 * The one-line verdicts of lesson checks, in the format of `check()` (✔ / ✘), plus a third kind a
 * value check never needs: ○ for a lesson this machine cannot show (one core has no speed-up).
 */
export interface LessonVerdict {
  /** True for ✔ and for a skip: a skip is no failure of the student's. */
  readonly ok: boolean;
  readonly skipped: boolean;
  readonly line: string;
}

export interface LessonOptions {
  /**
   * Where the verdict goes.
   * @default console.log
   */
  readonly print?: (line: string) => void;
}

export function pass(name: string, why: string): LessonVerdict {
  return { ok: true, skipped: false, line: `✔ ${name}: ${why}` };
}

export function fail(name: string, why: string): LessonVerdict {
  return { ok: false, skipped: false, line: `✘ ${name}: ${why}` };
}

export function skip(name: string, why: string): LessonVerdict {
  return { ok: true, skipped: true, line: `○ ${name}: skipped — ${why}` };
}

export function emit(verdict: LessonVerdict, options: LessonOptions): LessonVerdict {
  (options.print ?? console.log)(verdict.line);
  return verdict;
}

/** `1.83×` */
export function times(ratio: number): string {
  return `${ratio.toFixed(ratio >= 10 ? 0 : 2)}×`;
}

/** `0.412 s` / `3.1 ms`: seconds with three significant digits, ms below 0.1 s. */
export function seconds(s: number): string {
  return s >= 0.1 ? `${s.toPrecision(3)} s` : `${(s * 1000).toPrecision(3)} ms`;
}
