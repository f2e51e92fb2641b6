import { max, mean, min, standardDeviation } from "simple-statistics";
import { describeValue, InvalidArgumentError } from "../errors";
import { isThenable } from "../thenable";
import { formatDuration } from "./format";
import type { TimingPrintOptions } from "./time";

/** Options of {@link timeit}. */
export interface TimeitOptions extends TimingPrintOptions {
  /** Number of runs, each of `number` loops. @default 7 */
  readonly repeat?: number;
  /** Calls per run. @default chosen like IPython: 1, 10, 100, … until a run takes at least 0.2 s */
  readonly number?: number;
}

/** What {@link timeit} measured; times are per loop (one call). */
export interface TimeitResult {
  readonly meanMs: number;
  /** Population standard deviation over the runs, as `%timeit` reports. */
  readonly stdevMs: number;
  readonly bestMs: number;
  readonly worstMs: number;
  /** Per-loop time of each run. */
  readonly runsMs: readonly number[];
  readonly repeat: number;
  readonly number: number;
}

/**
 * Times `fn` over several runs like IPython's `%timeit` and prints
 * `12.3 ms ± 0.4 ms per loop (mean ± std. dev. of 7 runs, 10 loops each)`. Works with sync and async
 * functions (async ones are awaited one after another).
 */
export async function timeit(fn: () => unknown, options: TimeitOptions = {}): Promise<TimeitResult> {
  const repeat = options.repeat ?? 7;
  if (typeof fn !== "function") throw new InvalidArgumentError(`timeit(fn): expected a function, received ${describeValue(fn)}`);
  if (!Number.isInteger(repeat) || repeat < 1) throw new InvalidArgumentError(`timeit({ repeat }): expected a positive integer, received ${describeValue(repeat)}`);
  if (options.number !== undefined && (!Number.isInteger(options.number) || options.number < 1)) {
    throw new InvalidArgumentError(`timeit({ number }): expected a positive integer, received ${describeValue(options.number)}`);
  }
  // The first call tells whether fn is async; it also serves as a warm-up, like IPython's autorange.
  const isAsync = isThenable(fn());
  if (isAsync) await (fn() as PromiseLike<unknown>);
  const run = async (loops: number): Promise<number> => {
    const start = performance.now();
    if (isAsync) for (let i = 0; i < loops; i++) await fn();
    else for (let i = 0; i < loops; i++) fn();
    return performance.now() - start;
  };
  let number = options.number ?? 0;
  if (!number) {
    // IPython's autorange: 1, 2, 5, 10, 20, 50, … until one run takes 0.2 s.
    outer: for (let scale = 1; ; scale *= 10) {
      for (const factor of [1, 2, 5]) {
        number = factor * scale;
        if ((await run(number)) >= 200) break outer;
      }
    }
  }
  const runsMs: number[] = [];
  for (let r = 0; r < repeat; r++) runsMs.push((await run(number)) / number);
  const result: TimeitResult = {
    meanMs: mean(runsMs),
    stdevMs: standardDeviation(runsMs),
    bestMs: min(runsMs),
    worstMs: max(runsMs),
    runsMs,
    repeat,
    number,
  };
  if (options.print ?? true) console.log(formatTimeit(result));
  return result;
}

/** The line `%timeit` prints. */
export function formatTimeit(result: TimeitResult): string {
  const runs = `${result.repeat} run${result.repeat === 1 ? "" : "s"}`;
  const loops = `${result.number.toLocaleString("en-US")} loop${result.number === 1 ? "" : "s"}`;
  return `${formatDuration(result.meanMs)} ± ${formatDuration(result.stdevMs)} per loop (mean ± std. dev. of ${runs}, ${loops} each)`;
}
