/**
 * The one way kernel-helpers races work against a clock. Every "wait at most N ms" in the package
 * (AsyncResult.get, executors, schedulers, launchers) goes through here, so the timer is always
 * cleared when the work settles first and never holds the process open on its own.
 */

/** Resolves with true when `promise` settles within `ms`, false when the time runs out first. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref?.();
  });
  try {
    return await Promise.race([promise.then(() => true, () => true), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Settles as `promise` does, or rejects with `onTimeout()` after `ms` ms (the work itself goes on:
 * cancelling it is the caller's business). `ms` undefined means no limit.
 */
export async function withDeadline<T>(promise: Promise<T>, ms: number | undefined, onTimeout: () => Error): Promise<T> {
  if (ms === undefined || ms === Infinity) return promise;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
    timer.unref?.();
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
