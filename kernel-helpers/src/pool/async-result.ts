import { settlesWithin } from "../base/deadline";
import { KernelHelpersError } from "../errors";
import { TimeoutError } from "./errors";

/** `AsyncResult.successful()` was called before the result was ready (Python raises ValueError). */
export class ResultNotReadyError extends KernelHelpersError {
  constructor(message: string) {
    super("ERR_RESULT_NOT_READY", message);
  }
}

/** Callbacks of the `*Async` methods, called once in completion order like Python's. */
export interface AsyncCallbacks<T> {
  /** Called with the result when the call succeeds. */
  readonly callback?: (result: T) => void;
  /** Called with the error when the call fails. */
  readonly errorCallback?: (error: unknown) => void;
}

/**
 * The handle `mapAsync` / `starmapAsync` / `applyAsync` return, like Python's
 * `multiprocessing.pool.AsyncResult`: poll with `ready()`, wait with `wait()`, fetch with `get()`.
 */
export class AsyncResult<T> {
  private state: "pending" | "fulfilled" | "rejected" = "pending";
  private value: T | undefined;
  private error: unknown;
  private readonly settled: Promise<void>;

  /** @internal */
  constructor(promise: Promise<T>, callbacks: AsyncCallbacks<T> = {}) {
    this.settled = promise.then(
      (value) => {
        this.state = "fulfilled";
        this.value = value;
        callbacks.callback?.(value);
      },
      (error: unknown) => {
        this.state = "rejected";
        this.error = error;
        callbacks.errorCallback?.(error);
      },
    );
  }

  /** Whether the call has finished (successfully or not). */
  ready(): boolean {
    return this.state !== "pending";
  }

  /** Whether the call finished without an error; throws {@link ResultNotReadyError} when not ready. */
  successful(): boolean {
    if (this.state === "pending") throw new ResultNotReadyError("AsyncResult.successful(): the result is not ready yet; call wait() first");
    return this.state === "fulfilled";
  }

  /** Waits until the call has finished, or `timeoutMs` has passed; never rejects. */
  async wait(timeoutMs?: number): Promise<void> {
    if (timeoutMs === undefined) return this.settled;
    await settlesWithin(this.settled, timeoutMs);
  }

  /**
   * The result; rejects with the task's error, or with {@link TimeoutError} when it is not ready
   * within `timeoutMs` (the work goes on).
   */
  async get(timeoutMs?: number): Promise<T> {
    await this.wait(timeoutMs);
    if (this.state === "pending") throw new TimeoutError(`AsyncResult.get(${timeoutMs}): the result was not ready within ${timeoutMs} ms`, timeoutMs!);
    if (this.state === "rejected") throw this.error;
    return this.value as T;
  }
}
