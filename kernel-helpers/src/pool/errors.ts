import { KernelHelpersError } from "../errors";
import { findUncloneable } from "../ship/uncloneable";


/**
 * The worker running a task died (`process.exit`, a crash, a signal, out of memory under resource
 * limits) before the task finished. The pool replaces the worker and keeps going.
 */
export class WorkerExitError extends KernelHelpersError {
  /** The worker's exit code, or null when it was ended by a signal. */
  readonly exitCode: number | null;
  /** The signal that ended a child process, e.g. "SIGKILL"; null for threads and normal exits. */
  readonly signal: NodeJS.Signals | null;

  constructor(message: string, exitCode: number | null, signal: NodeJS.Signals | null, options?: { cause?: unknown }) {
    super("ERR_WORKER_EXITED", message, options);
    this.exitCode = exitCode;
    this.signal = signal;
  }
}

/** Work was submitted to a pool or executor after `close()`, `terminate()` or `shutdown()`. */
export class PoolClosedError extends KernelHelpersError {
  constructor(message: string) {
    super("ERR_POOL_CLOSED", message);
  }
}

/** Queued or running work was stopped by `terminate()`, a kernel interrupt (SIGINT) or an abort signal. */
export class PoolTerminatedError extends KernelHelpersError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_POOL_TERMINATED", message, options);
  }
}

/** `AsyncResult.get(timeoutMs)` or `Future.result(timeoutMs)` waited longer than `timeoutMs`. */
export class TimeoutError extends KernelHelpersError {
  readonly timeoutMs: number;

  constructor(message: string, timeoutMs: number) {
    super("ERR_TIMEOUT", message);
    this.timeoutMs = timeoutMs;
  }
}

/** A future was cancelled before it ran (`Future.cancel()`, `shutdown({ cancelFutures: true })`). */
export class CancelledError extends KernelHelpersError {
  constructor(message: string) {
    super("ERR_CANCELLED", message);
  }
}


/**
 * A task returned a value that cannot be sent back from its worker (a function, a symbol, a Promise,
 * an object holding one): structured clone carries data only. The pool stays usable.
 */
export class ResultNotCloneableError extends KernelHelpersError {
  constructor(message: string) {
    super("ERR_RESULT_NOT_CLONEABLE", message);
  }
}

/** The error a worker sends instead of a result it cannot send; `index` is the task's item in its chunk. */
export function resultNotCloneable(results: readonly unknown[], cause?: unknown): ResultNotCloneableError {
  for (let i = 0; i < results.length; i++) {
    const found = findUncloneable(results[i], "result");
    if (found) {
      const error = new ResultNotCloneableError(`the task's return value could not be sent back from its worker: ${found.path} is ${found.reason}`);
      return Object.assign(error, { index: i });
    }
  }
  const detail = cause instanceof Error ? cause.message : String(cause);
  return Object.assign(new ResultNotCloneableError(`the task's return value could not be sent back from its worker: ${detail}`), { index: 0 });
}
