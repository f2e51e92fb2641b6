/**
 * joblib's `delayed(f)(x)`: records a call without making it, for {@link Parallel} to run. Named
 * `joblib.delayed` in the package (graph/'s `delayed` is dask's, which builds a task graph instead).
 */
import type { Task } from "../pool";

/** A recorded call `fn(...args)`, made by {@link delayed}. */
export interface DelayedCall<A extends unknown[] = any[], R = unknown> {
  readonly fn: Task<A, R>;
  readonly args: A;
}

const CALLS = new WeakSet<object>();

/** `delayed(f)(x, y)` is the call `f(x, y)`, not yet made (joblib's `delayed`). */
export function delayed<A extends unknown[], R>(fn: Task<A, R>): (...args: A) => DelayedCall<A, R> {
  return (...args: A) => {
    const call = Object.freeze({ fn, args });
    CALLS.add(call);
    return call;
  };
}

/** Whether `value` was made by {@link delayed}. */
export function isDelayedCall(value: unknown): value is DelayedCall {
  return typeof value === "object" && value !== null && CALLS.has(value);
}
