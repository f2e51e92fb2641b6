/**
 * One-line self-checks for exercises. A check never throws: in a student notebook the cell after an
 * unfinished exercise must still run (and say "✘ not implemented yet") so the rest of the notebook
 * works and CI can run it to the end.
 */
import { inspect, isDeepStrictEqual } from "node:util";
import { KernelHelpersError } from "./errors";

/**
 * A check failed while nbgrader grades the notebook. nbgrader scores a test cell by whether it
 * raises, and tells its kernels it is grading through the environment (`NBGRADER_EXECUTION` is
 * "autograde" or "validate"); there a ✘ fails its cell, after printing the same line a student sees.
 */
export class CheckFailedError extends KernelHelpersError {
  constructor(readonly line: string) {
    super("ERR_CHECK_FAILED", line);
  }
}

/** Whether nbgrader is grading (or validating) this notebook. */
export function isGrading(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NBGRADER_EXECUTION === "autograde" || env.NBGRADER_EXECUTION === "validate";
}

function report(line: string, ok: boolean, print: (line: string) => void): void {
  print(line);
  if (!ok && isGrading()) throw new CheckFailedError(line);
}

export interface CheckOptions {
  /**
   * Numbers (also inside arrays and objects) count as equal when they differ by at most this much.
   * @default 0 (exact)
   */
  readonly tolerance?: number;
  /** A sentence added to a failed verdict, e.g. "remember the result must stay in input order". */
  readonly hint?: string;
  /**
   * Where the verdict goes.
   * @default console.log
   */
  readonly print?: (line: string) => void;
}

/** What a check found; `ok` is also what `check` resolves to. */
export interface CheckResult {
  readonly ok: boolean;
  readonly line: string;
}

const NOT_IMPLEMENTED = /not implemented/i;

function show(value: unknown): string {
  return inspect(value, { depth: 4, maxArrayLength: 12, breakLength: Infinity, compact: true });
}

function close(a: unknown, b: unknown, tolerance: number): boolean {
  if (typeof a === "number" && typeof b === "number") {
    return a === b || (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= tolerance;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => close(x, b[i], tolerance));
  }
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b) && !(a instanceof DataView) && !(b instanceof DataView)) {
    return close(Array.from(a as unknown as ArrayLike<number>), Array.from(b as unknown as ArrayLike<number>), tolerance);
  }
  if (a && b && typeof a === "object" && typeof b === "object" && Object.getPrototypeOf(a) === Object.getPrototypeOf(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => close((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], tolerance));
  }
  return isDeepStrictEqual(a, b);
}

/** Compares without printing; `check` is this plus the printed line. */
export async function evaluateCheck<T>(
  name: string,
  actual: T | (() => T | Promise<T>),
  expected: T,
  options: Pick<CheckOptions, "tolerance" | "hint"> = {},
): Promise<CheckResult> {
  let value: unknown;
  try {
    value = typeof actual === "function" ? await (actual as () => T | Promise<T>)() : await actual;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const line = NOT_IMPLEMENTED.test(message)
      ? `✘ ${name}: not implemented yet — fill in the exercise above and run it again`
      : `✘ ${name}: your code threw ${error instanceof Error ? error.name : "an error"}: ${message}`;
    return { ok: false, line };
  }
  const tolerance = options.tolerance ?? 0;
  if (close(value, expected, tolerance)) return { ok: true, line: `✔ ${name}: correct` };
  const within = tolerance > 0 ? ` (within ${tolerance})` : "";
  const hint = options.hint ? ` — ${options.hint}` : "";
  return { ok: false, line: `✘ ${name}: expected ${show(expected)}${within}, got ${show(value)}${hint}` };
}

/**
 * Prints "✔ name: correct" or "✘ name: expected …, got …". It resolves to nothing on purpose: tslab
 * echoes a cell's last value, and a stray `true` under the verdict confuses students
 * (`evaluateCheck` gives the verdict as data).
 * `actual` may be a value, a promise, or a function to call (so an exercise stub that throws
 * "not implemented" is reported as such instead of breaking the cell).
 *
 * @example
 * await check("Exercise 2: cubes", () => cubes(10), [0, 1, 8, 27, 64, 125, 216, 343, 512, 729]);
 */
export async function check<T>(
  name: string,
  actual: T | (() => T | Promise<T>),
  expected: T,
  options: CheckOptions = {},
): Promise<void> {
  const result = await evaluateCheck(name, actual, expected, options);
  report(result.line, result.ok, options.print ?? console.log);
}

/**
 * For answers with no single expected value: `condition` returns true when right, or a string
 * saying what is wrong. Prints the same one-line verdict as `check`.
 *
 * @example
 * await checkThat("Exercise 7: speedup", () => speedup > 1.2 || `speedup ${speedup.toFixed(2)} is not above 1.2`);
 */
export async function checkThat(
  name: string,
  condition: () => boolean | string | Promise<boolean | string>,
  options: Pick<CheckOptions, "print" | "hint"> = {},
): Promise<void> {
  let line: string;
  let ok = false;
  try {
    const verdict = await condition();
    ok = verdict === true;
    const hint = options.hint ? ` — ${options.hint}` : "";
    line = ok ? `✔ ${name}: correct` : `✘ ${name}: ${verdict === false ? "not right yet" : verdict}${hint}`;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    line = NOT_IMPLEMENTED.test(message)
      ? `✘ ${name}: not implemented yet — fill in the exercise above and run it again`
      : `✘ ${name}: your code threw: ${message}`;
  }
  report(line, ok, options.print ?? console.log);
}
