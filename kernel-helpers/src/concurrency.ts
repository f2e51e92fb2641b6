/**
 * Event-loop concurrency for the GIL lesson: many async tasks interleave on one thread, which is
 * how Python threads behave on I/O-bound work under the GIL.
 */
import { describeValue, InvalidArgumentError } from "./errors";

/** Resolves after `ms` milliseconds without blocking the event loop (Python's `time.sleep` in a thread / `asyncio.sleep`). */
export function sleep(ms: number): Promise<void> {
  if (typeof ms !== "number" || !(ms >= 0)) {
    return Promise.reject(new InvalidArgumentError(`sleep(ms): expected a non-negative number, received ${describeValue(ms)}`));
  }
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Options of {@link mapConcurrent}. */
export interface MapConcurrentOptions {
  /** How many calls may be in flight at once (the "lanes"). @default Infinity */
  readonly concurrency?: number;
}

/**
 * Calls the async `fn(item, index)` on every item with at most `concurrency` calls in flight, all on
 * this one event loop — the analogue of `ThreadPool(n).map` on I/O-bound work. Results keep item
 * order; the first error rejects (calls already started still finish, none new start).
 */
export async function mapConcurrent<T, R>(
  fn: (item: T, index: number) => R | PromiseLike<R>,
  items: Iterable<T>,
  options: MapConcurrentOptions = {},
): Promise<Awaited<R>[]> {
  const concurrency = options.concurrency ?? Infinity;
  if (typeof fn !== "function") throw new InvalidArgumentError(`mapConcurrent(fn): expected a function, received ${describeValue(fn)}`);
  if (!(concurrency >= 1) || (concurrency !== Infinity && !Number.isInteger(concurrency))) {
    throw new InvalidArgumentError(`mapConcurrent({ concurrency }): expected a positive integer, received ${describeValue(options.concurrency)}`);
  }
  const list = [...items];
  const results = new Array<Awaited<R>>(list.length);
  let next = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    while (!failed && next < list.length) {
      const index = next++;
      try {
        results[index] = await fn(list[index], index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const lanes = Math.min(concurrency, list.length);
  await Promise.all(Array.from({ length: lanes }, lane));
  return results;
}
