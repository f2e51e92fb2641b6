/**
 * Python's `concurrent.futures` on our pools: `ThreadPoolExecutor` / `ProcessPoolExecutor`,
 * `Future`, `asCompleted`, `wait`.
 */
import { settlesWithin, withDeadline } from "../base/deadline";
import { describeValue, InvalidArgumentError } from "../errors";
import type { TaskEvent } from "../events";
import { cpuCount } from "../system";
import { CancelledError, PoolClosedError, TimeoutError } from "./errors";
import { ProcessPool, ThreadPool, type Pool, type PoolOptions, type Task } from "./pool";

/** Where a future is: queued, on a worker, done (with a result or an error), or cancelled. */
export type FutureState = "pending" | "running" | "finished" | "cancelled";

/**
 * The handle `submit` returns, like Python's `concurrent.futures.Future`. Only a pending future can
 * be cancelled; `result()` waits and rejects with the task's error.
 */
export class Future<T = unknown> {
  private currentState: FutureState = "pending";
  private value: T | undefined;
  private error: unknown;
  private failed = false;
  private readonly callbacks: Array<(future: Future<T>) => void> = [];
  private readonly settledPromise: Promise<void>;
  private settle!: () => void;

  /** @internal */
  constructor() {
    this.settledPromise = new Promise((resolve) => (this.settle = resolve));
  }

  get state(): FutureState {
    return this.currentState;
  }

  /** Whether the future finished or was cancelled. */
  done(): boolean {
    return this.currentState === "finished" || this.currentState === "cancelled";
  }

  running(): boolean {
    return this.currentState === "running";
  }

  cancelled(): boolean {
    return this.currentState === "cancelled";
  }

  /** Cancels a pending future and returns true; a running or finished one cannot be cancelled (false). */
  cancel(): boolean {
    if (this.currentState === "cancelled") return true;
    if (this.currentState !== "pending") return false;
    this.currentState = "cancelled";
    this.finish();
    return true;
  }

  /**
   * The task's result. Rejects with its error, `CancelledError` if it was cancelled, or
   * `TimeoutError` when not done within `timeoutMs` (the task goes on).
   */
  async result(timeoutMs?: number): Promise<T> {
    await this.waitDone("result", timeoutMs);
    if (this.currentState === "cancelled") throw new CancelledError("Future.result(): the future was cancelled");
    if (this.failed) throw this.error;
    return this.value as T;
  }

  /** The task's error, or null when it succeeded; rejects like `result()` on cancel and timeout. */
  async exception(timeoutMs?: number): Promise<unknown> {
    await this.waitDone("exception", timeoutMs);
    if (this.currentState === "cancelled") throw new CancelledError("Future.exception(): the future was cancelled");
    return this.failed ? this.error : null;
  }

  /** Calls `fn(future)` when the future is done (at once when it already is). */
  addDoneCallback(fn: (future: Future<T>) => void): void {
    if (this.done()) fn(this);
    else this.callbacks.push(fn);
  }

  /** @internal Resolves when done; never rejects. */
  get settled(): Promise<void> {
    return this.settledPromise;
  }

  /** @internal Finished with an error. */
  get hasFailed(): boolean {
    return this.failed;
  }

  /** @internal */
  setRunning(): boolean {
    if (this.currentState !== "pending") return false;
    this.currentState = "running";
    return true;
  }

  /** @internal */
  setResult(value: T): void {
    this.value = value;
    this.currentState = "finished";
    this.finish();
  }

  /** @internal */
  setException(error: unknown): void {
    this.error = error;
    this.failed = true;
    this.currentState = "finished";
    this.finish();
  }

  private finish(): void {
    this.settle();
    for (const fn of this.callbacks.splice(0)) fn(this);
  }

  private async waitDone(method: string, timeoutMs: number | undefined): Promise<void> {
    if (timeoutMs === undefined) return this.settledPromise;
    await settlesWithin(this.settledPromise, timeoutMs);
    if (!this.done()) throw new TimeoutError(`Future.${method}(${timeoutMs}): not done within ${timeoutMs} ms`, timeoutMs);
  }
}

/** Options of the executor constructors. */
export interface PoolExecutorOptions extends Pick<PoolOptions, "initializer" | "initargs"> {
  /** Number of workers. @default cpuCount() */
  readonly maxWorkers?: number;
}

/** Options of `shutdown`. */
export interface ShutdownOptions {
  /** Wait for pending and running futures, then for the workers to exit. @default true */
  readonly wait?: boolean;
  /** Cancel the futures that have not started. @default false */
  readonly cancelFutures?: boolean;
}

/** What `Executor.map` returns: iterate it with `for await`, or `await` it for the array. */
export interface ExecutorMapResult<R> extends AsyncIterableIterator<R>, PromiseLike<R[]> {}

interface Queued {
  readonly future: Future<unknown>;
  readonly fn: Task;
  readonly args: unknown[];
}

abstract class BaseExecutor implements AsyncDisposable {
  private readonly pool: Pool;
  private readonly queue: Queued[] = [];
  private readonly live = new Set<Future<unknown>>();
  private running = 0;
  private shut = false;
  readonly maxWorkers: number;

  protected constructor(kind: "thread" | "process", options: PoolExecutorOptions) {
    const name = kind === "thread" ? "ThreadPoolExecutor" : "ProcessPoolExecutor";
    const count = options.maxWorkers ?? cpuCount();
    if (!Number.isInteger(count) || count < 1) {
      throw new InvalidArgumentError(`new ${name}({ maxWorkers }): expected a positive integer, received ${describeValue(options.maxWorkers)}`);
    }
    this.maxWorkers = count;
    const poolOptions: PoolOptions = { initializer: options.initializer, initargs: options.initargs };
    this.pool = kind === "thread" ? new ThreadPool(count, poolOptions) : new ProcessPool(count, poolOptions);
  }

  /** One {@link TaskEvent} per finished task. */
  get events(): readonly TaskEvent[] {
    return this.pool.events;
  }

  /**
   * Schedules `fn(...args)` on a worker and returns its {@link Future}. A function that is not
   * self-contained fails its future with `FunctionNotShippableError`.
   */
  submit<A extends unknown[], R>(fn: Task<A, R>, ...args: A): Future<Awaited<R>> {
    const future = new Future<Awaited<R>>();
    if (this.shut) {
      future.setException(new PoolClosedError(`${this.constructor.name}.submit: the executor was shut down`));
      return future;
    }
    this.live.add(future as Future<unknown>);
    void future.settled.then(() => this.live.delete(future as Future<unknown>));
    this.queue.push({ future: future as Future<unknown>, fn, args });
    this.pump();
    return future;
  }

  /**
   * `fn` on every item, results in item order, like Python's `Executor.map`. All items are
   * submitted at once. `await` it for the array or iterate it with `for await`. With several
   * iterables, `fn` gets one argument from each, and the shortest one ends the map (Python's `zip`):
   * `ex.map(pow, [2, 3], [5, 2])` gives `[32, 9]`.
   */
  map<A extends unknown[], R>(fn: Task<A, R>, ...iterables: { [K in keyof A]: Iterable<A[K]> }): ExecutorMapResult<Awaited<R>> {
    let futures: Future<Awaited<R>>[] | undefined;
    let failure: unknown;
    try {
      if (iterables.length === 0) throw new InvalidArgumentError(`${this.constructor.name}.map: expected at least one iterable of arguments`);
      const columns = iterables.map((it) => [...(it as Iterable<unknown>)]);
      const n = Math.min(...columns.map((c) => c.length));
      futures = Array.from({ length: n }, (_, i) => this.submit(fn, ...(columns.map((c) => c[i]) as A)));
    } catch (error) {
      failure = error;
    }
    async function* results(): AsyncGenerator<Awaited<R>> {
      if (!futures) throw failure;
      for (const future of futures) yield await future.result();
    }
    const iterator = results() as AsyncGenerator<Awaited<R>> & PromiseLike<Awaited<R>[]>;
    // Unconsumed failures must not become unhandled rejections: they surface on iteration.
    for (const future of futures ?? []) future.settled.catch(() => undefined);
    iterator.then = (onFulfilled, onRejected) => {
      const all = futures ? Promise.all(futures.map((f) => f.result())) : Promise.reject(failure);
      return all.then(onFulfilled, onRejected);
    };
    return iterator;
  }

  /**
   * Python's `shutdown`: no new submissions; optionally cancels pending futures; with `wait`,
   * resolves once the remaining futures are done and the workers have exited.
   */
  async shutdown(options: ShutdownOptions = {}): Promise<void> {
    this.shut = true;
    if (options.cancelFutures) for (const queued of this.queue.splice(0)) queued.future.cancel();
    const finished = (async () => {
      await Promise.all([...this.live].map((f) => f.settled));
      this.pool.close();
      await this.pool.join();
    })();
    if (options.wait ?? true) await finished;
    else finished.catch(() => undefined);
  }

  /** `await using ex = new ThreadPoolExecutor()` ends like Python's `with`: shutdown({ wait: true }). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown({ wait: true });
  }

  // At most maxWorkers futures are "running"; the rest stay pending (and cancellable) here.
  private pump(): void {
    while (this.running < this.maxWorkers && this.queue.length > 0) {
      const { future, fn, args } = this.queue.shift()!;
      if (!future.setRunning()) continue;
      this.running++;
      this.pool.apply(fn as Task, args).then(
        (value) => future.setResult(value),
        (error: unknown) => future.setException(error),
      ).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }
}

/** Python's `concurrent.futures.ThreadPoolExecutor` on a {@link ThreadPool}. */
export class ThreadPoolExecutor extends BaseExecutor {
  constructor(options: PoolExecutorOptions = {}) {
    super("thread", options);
  }
}

/** Python's `concurrent.futures.ProcessPoolExecutor` on a {@link ProcessPool}. */
export class ProcessPoolExecutor extends BaseExecutor {
  constructor(options: PoolExecutorOptions = {}) {
    super("process", options);
  }
}

/**
 * Yields the futures as they finish (or are cancelled), like Python's `as_completed`. With
 * `timeoutMs`, rejects with `TimeoutError` if they are not all done in time.
 */
export async function* asCompleted<T>(futures: Iterable<Future<T>>, options: { readonly timeoutMs?: number } = {}): AsyncGenerator<Future<T>> {
  const pending = new Set(futures);
  const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
  while (pending.size > 0) {
    const race = Promise.race([...pending].map((f) => f.settled.then(() => f)));
    let next: Future<T> | undefined;
    if (deadline === undefined) next = await race;
    else {
      next = await withDeadline(race, Math.max(0, deadline - Date.now()), () => new TimeoutError(`asCompleted: ${pending.size} futures were not done within ${options.timeoutMs} ms`, options.timeoutMs!));
    }
    // Several may have finished together: hand out every done one.
    for (const f of [...pending]) {
      if (f === next || f.done()) {
        pending.delete(f);
        yield f;
      }
    }
  }
}

/** When {@link wait} returns, as in Python's `concurrent.futures.wait`. */
export type ReturnWhen = "FIRST_COMPLETED" | "FIRST_EXCEPTION" | "ALL_COMPLETED";

/** Options of {@link wait}. */
export interface WaitOptions {
  /** @default "ALL_COMPLETED" */
  readonly returnWhen?: ReturnWhen;
  /** Return what is done after this long (no error). @default no limit */
  readonly timeoutMs?: number;
}

/**
 * Python's `concurrent.futures.wait`: resolves with the futures that are done and those that are not.
 * FIRST_EXCEPTION, as in Python, returns at the first future that raised; a cancelled future did not
 * raise, so with no failure it waits for all (like ALL_COMPLETED).
 */
export async function wait<T>(
  futures: Iterable<Future<T>>,
  options: WaitOptions = {},
): Promise<{ done: Set<Future<T>>; notDone: Set<Future<T>> }> {
  const all = [...futures];
  const returnWhen = options.returnWhen ?? "ALL_COMPLETED";
  const satisfied = (): boolean => {
    if (returnWhen === "FIRST_COMPLETED") return all.some((f) => f.done()) || all.length === 0;
    if (returnWhen === "FIRST_EXCEPTION") return all.every((f) => f.done()) || all.some((f) => f.hasFailed);
    return all.every((f) => f.done());
  };
  const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
  while (!satisfied()) {
    const notDone = all.filter((f) => !f.done());
    const next = Promise.race(notDone.map((f) => f.settled));
    if (deadline === undefined) await next;
    else if (!(await settlesWithin(next, Math.max(0, deadline - Date.now())))) break;
  }
  const done = new Set(all.filter((f) => f.done()));
  return { done, notDone: new Set(all.filter((f) => !done.has(f))) };
}
