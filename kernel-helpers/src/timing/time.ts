import { formatDuration } from "./format";

/** Options of {@link time} and {@link timeit}. */
export interface TimingPrintOptions {
  /** Print the result like IPython does. @default true */
  readonly print?: boolean;
}

/** What {@link time} measured: wall-clock and CPU time of the whole process (all its threads). */
export interface TimeResult<R> {
  readonly wallMs: number;
  readonly userMs: number;
  readonly systemMs: number;
  /** The function's (awaited) return value. */
  readonly result: R;
}

/**
 * Runs `fn` once and measures it, like IPython's `%time`: prints
 * `CPU times: user 1.2 s, sys 15 ms, total 1.21 s` and `Wall time: 650 ms`. CPU time counts every
 * thread of this process (worker threads too) but not child processes, exactly as `%time` does.
 * Works with sync and async functions.
 */
export async function time<R>(fn: () => R | PromiseLike<R>, options: TimingPrintOptions = {}): Promise<TimeResult<Awaited<R>>> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await fn();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const timing = { wallMs, userMs: used.user / 1000, systemMs: used.system / 1000, result };
  if (options.print ?? true) console.log(formatTime(timing));
  return timing;
}

/** The two lines `%time` prints. */
export function formatTime(timing: Pick<TimeResult<unknown>, "wallMs" | "userMs" | "systemMs">): string {
  return (
    `CPU times: user ${formatDuration(timing.userMs)}, sys ${formatDuration(timing.systemMs)}, ` +
    `total ${formatDuration(timing.userMs + timing.systemMs)}\nWall time: ${formatDuration(timing.wallMs)}`
  );
}
