/**
 * `ThreadPool` and `ProcessPool`: Python's `multiprocessing.Pool` API over worker threads (piscina)
 * or child processes. Everything but the workers lives here, so both behave the same.
 */
import type { ResourceLimits } from "node:worker_threads";
import { describeValue, InvalidArgumentError, KernelHelpersError } from "../errors";
import type { TaskEvent } from "../events";
import { progress as progressBar, type ProgressBar } from "../plot/progress";
import { cpuCount } from "../system";
import { AsyncResult, type AsyncCallbacks } from "./async-result";
import type { Backend } from "./backend";
import { PoolClosedError, ResultNotCloneableError } from "./errors";
import { setBusy, type Interruptible } from "./interrupt";
import { ProcessBackend } from "./process-backend";
import type { Job, WorkerSetup } from "./protocol";
import { deserializeError } from "../ship/serialize-error";
import { collectTransferables, packNumbers, unpackNumbers } from "./protocol";
import { capturedError, shipFunction, type ModuleTask, type ShippedFunction } from "../ship/ship";
import { ThreadBackend } from "./thread-backend";

/** A task: a self-contained function (sent by its source text) or {@link moduleTask}. */
export type Task<A extends unknown[] = any[], R = unknown> = ((...args: A) => R) | ModuleTask;

/** What a task's result becomes once awaited. */
type Result<R> = Awaited<R>;

/** Options of the pool constructors. */
export interface PoolOptions {
  /** Run once in every worker before its first task (e.g. load a model). @default none */
  readonly initializer?: Task;
  /** Arguments of `initializer`. @default [] */
  readonly initargs?: readonly unknown[];
  /** Replace a worker after it ran this many tasks (chunks), as Python's `maxtasksperchild`. @default unlimited */
  readonly maxtasksperchild?: number;
  /** ThreadPool only: V8 heap limits per worker thread; exceeding them fails the task with `WorkerExitError`. @default none */
  readonly resourceLimits?: ResourceLimits;
}

/** Options shared by every call. */
export interface CallOptions {
  /**
   * Move the typed arrays and ArrayBuffers among the arguments (and results, for threads) instead
   * of copying them: fast, but the sender's copy becomes empty (detached). SharedArrayBuffers are
   * always shared by threads, never copied. Processes always copy. @default false
   */
  readonly transfer?: boolean;
  /** Aborting cancels queued chunks and stops the workers running this call's chunks. */
  readonly signal?: AbortSignal;
}

/** Options of `map`, `starmap`, `imap` and their async forms. */
export interface MapOptions extends CallOptions {
  /**
   * Items per task. @default for map/starmap Python's rule: `ceil(items / (processes * 4))`;
   * for imap/imapUnordered 1
   */
  readonly chunksize?: number;
  /** Show a progress bar (a string sets its label). @default false */
  readonly progress?: boolean | string;
}

/** The pool interface shared by {@link ThreadPool} and {@link ProcessPool}, mirroring `multiprocessing.Pool`. */
export interface Pool extends AsyncDisposable {
  /** Number of workers. */
  readonly processes: number;
  /** One {@link TaskEvent} per finished chunk, for `show.taskStream(pool.events)`. */
  readonly events: readonly TaskEvent[];
  clearEvents(): void;
  map<T, R>(fn: Task<[T], R>, items: Iterable<T>, options?: MapOptions): Promise<Result<R>[]>;
  starmap<A extends unknown[], R>(fn: Task<A, R>, argsList: Iterable<A>, options?: MapOptions): Promise<Result<R>[]>;
  apply<A extends unknown[], R>(fn: Task<A, R>, args?: A, options?: CallOptions): Promise<Result<R>>;
  imap<T, R>(fn: Task<[T], R>, items: Iterable<T>, options?: MapOptions): AsyncIterableIterator<Result<R>>;
  imapUnordered<T, R>(fn: Task<[T], R>, items: Iterable<T>, options?: MapOptions): AsyncIterableIterator<Result<R>>;
  mapAsync<T, R>(fn: Task<[T], R>, items: Iterable<T>, options?: MapOptions & AsyncCallbacks<Result<R>[]>): AsyncResult<Result<R>[]>;
  starmapAsync<A extends unknown[], R>(fn: Task<A, R>, argsList: Iterable<A>, options?: MapOptions & AsyncCallbacks<Result<R>[]>): AsyncResult<Result<R>[]>;
  applyAsync<A extends unknown[], R>(fn: Task<A, R>, args?: A, options?: CallOptions & AsyncCallbacks<Result<R>>): AsyncResult<Result<R>>;
  close(): void;
  join(): Promise<void>;
  terminate(): Promise<void>;
}

/** `join()` was called on a pool that is still open (Python raises ValueError). */
export class PoolStateError extends KernelHelpersError {
  constructor(message: string) {
    super("ERR_POOL_STATE", message);
  }
}

/** Python's default chunksize for `map`: about four chunks per worker. */
export function defaultChunksize(length: number, processes: number): number {
  if (length === 0) return 0;
  let chunksize = Math.floor(length / (processes * 4));
  if (length % (processes * 4) !== 0) chunksize += 1;
  return chunksize;
}

/**
 * The most workers a pool may have per core. Pools start every worker up front (a process is about
 * 40 MB, a thread about 10 MB), so `new ProcessPool(10000)` would fork until the machine swaps.
 * Past a few workers per core CPU-bound work only slows down; the course's oversubscription demos
 * go to 4× the cores and I/O-bound pools may want more, so 8× leaves room for both.
 */
export const MAX_WORKERS_PER_CORE = 8;
/** Floor of the cap, so a 1- or 2-core machine can still run a 16-worker demo. */
const MIN_WORKER_CAP = 16;

/** The largest worker count a pool accepts here: {@link MAX_WORKERS_PER_CORE} × cores, at least 16. */
export function maxWorkers(): number {
  return Math.max(MIN_WORKER_CAP, MAX_WORKERS_PER_CORE * cpuCount());
}

/** How many chunks per worker `imap` keeps submitted ahead of the consumer: enough that no worker idles between chunks. */
const LOOKAHEAD_PER_WORKER = 2;

/** The size of an iterable that knows it without being consumed (arrays, typed arrays, Sets, Maps). */
function knownSize(items: Iterable<unknown>): number | undefined {
  if (Array.isArray(items) || ArrayBuffer.isView(items)) return (items as ArrayLike<unknown>).length;
  if (items instanceof Set || items instanceof Map) return items.size;
  return undefined;
}

interface Chunk {
  readonly start: number;
  readonly items: unknown[];
}

abstract class BasePool implements Pool, Interruptible {
  readonly processes: number;
  private readonly backend: Backend;
  private readonly recorded: TaskEvent[] = [];
  private state: "open" | "closed" | "terminated" = "open";
  private inFlight = 0;
  private nextTaskId = 0;
  private closed: Promise<void> | undefined;

  protected constructor(kind: "thread" | "process", processes: number | undefined, options: PoolOptions) {
    const name = kind === "thread" ? "ThreadPool" : "ProcessPool";
    const count = processes ?? cpuCount();
    if (!Number.isInteger(count) || count < 1) {
      throw new InvalidArgumentError(`new ${name}(processes): expected a positive integer, received ${describeValue(processes)}`);
    }
    const cap = maxWorkers();
    if (count > cap) {
      throw new InvalidArgumentError(
        `new ${name}(${count}): at most ${cap} workers on this machine (${MAX_WORKERS_PER_CORE} per core, ${cpuCount()} cores); ` +
          `every worker is started up front and more only add memory and switching`,
      );
    }
    const maxTasks = options.maxtasksperchild ?? 0;
    if (!Number.isInteger(maxTasks) || maxTasks < 0) {
      throw new InvalidArgumentError(`new ${name}({ maxtasksperchild }): expected a positive integer, received ${describeValue(maxTasks)}`);
    }
    const setup: WorkerSetup = {
      ...(options.initializer ? { initializer: shipFunction(options.initializer, `new ${name}({ initializer })`) } : {}),
      initargs: options.initargs ?? [],
      maxTasks,
    };
    this.processes = count;
    this.backend = kind === "thread" ? new ThreadBackend(count, setup, options.resourceLimits) : new ProcessBackend(count, setup);
  }

  get events(): readonly TaskEvent[] {
    return this.recorded;
  }

  clearEvents(): void {
    this.recorded.length = 0;
  }

  map<T, R>(fn: Task<[T], R>, items: Iterable<T>, options: MapOptions = {}): Promise<Result<R>[]> {
    return this.mapAsync(fn, items, options).get();
  }

  starmap<A extends unknown[], R>(fn: Task<A, R>, argsList: Iterable<A>, options: MapOptions = {}): Promise<Result<R>[]> {
    return this.starmapAsync(fn, argsList, options).get();
  }

  apply<A extends unknown[], R>(fn: Task<A, R>, args?: A, options: CallOptions = {}): Promise<Result<R>> {
    return this.applyAsync(fn, args, options).get();
  }

  mapAsync<T, R>(fn: Task<[T], R>, items: Iterable<T>, options: MapOptions & AsyncCallbacks<Result<R>[]> = {}): AsyncResult<Result<R>[]> {
    return new AsyncResult(this.runAll("map", fn, items, false, options) as Promise<Result<R>[]>, options);
  }

  starmapAsync<A extends unknown[], R>(
    fn: Task<A, R>,
    argsList: Iterable<A>,
    options: MapOptions & AsyncCallbacks<Result<R>[]> = {},
  ): AsyncResult<Result<R>[]> {
    return new AsyncResult(this.runAll("starmap", fn, argsList, true, options) as Promise<Result<R>[]>, options);
  }

  applyAsync<A extends unknown[], R>(fn: Task<A, R>, args?: A, options: CallOptions & AsyncCallbacks<Result<R>> = {}): AsyncResult<Result<R>> {
    const promise = (async () => {
      const list = args ?? [];
      if (!Array.isArray(list)) throw new InvalidArgumentError(`${this.name}.apply(fn, args): args must be an array, received ${describeValue(args)}`);
      const results = await this.runAll("apply", fn, [list], true, { ...options, chunksize: 1 });
      return results[0];
    })();
    return new AsyncResult(promise as Promise<Result<R>>, options);
  }

  imap<T, R>(fn: Task<[T], R>, items: Iterable<T>, options: MapOptions = {}): AsyncIterableIterator<Result<R>> {
    return this.iterate("imap", fn, items, options, true) as AsyncIterableIterator<Result<R>>;
  }

  imapUnordered<T, R>(fn: Task<[T], R>, items: Iterable<T>, options: MapOptions = {}): AsyncIterableIterator<Result<R>> {
    return this.iterate("imapUnordered", fn, items, options, false) as AsyncIterableIterator<Result<R>>;
  }

  /** Python's `close()`: no new work; workers exit once the submitted work is done. */
  close(): void {
    if (this.state !== "open") return;
    this.state = "closed";
    this.closed = this.backend.close();
  }

  /** Waits for the workers to exit; call `close()` or `terminate()` first. */
  async join(): Promise<void> {
    if (this.state === "open") throw new PoolStateError(`${this.name}.join(): the pool is still running; call close() or terminate() first`);
    await this.closed;
  }

  /** Stops the workers now; queued and running work rejects with `PoolTerminatedError`. */
  async terminate(): Promise<void> {
    if (this.state !== "terminated") {
      this.state = "terminated";
      this.closed = this.backend.terminate();
      setBusy(this, false);
    }
    await this.closed;
  }

  /** `await using pool = new ThreadPool()` ends like Python's `with Pool() as pool`: terminate(). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.terminate();
  }

  /** @internal Called on SIGINT while this pool has work: cancel queued chunks, stop running ones. */
  interrupt(): void {
    this.backend.interrupt();
  }

  private get name(): string {
    return this.constructor.name;
  }

  private ship(fn: Task, method: string): ShippedFunction {
    return shipFunction(fn, `${this.name}.${method}`);
  }

  private checkIterable(method: string, items: Iterable<unknown>): void {
    if (items === null || items === undefined || typeof (items as Iterable<unknown>)[Symbol.iterator] !== "function") {
      throw new InvalidArgumentError(`${this.name}.${method}: items must be an iterable, received ${describeValue(items)}`);
    }
  }

  private chunks(method: string, items: Iterable<unknown>, options: MapOptions, fallback: (n: number) => number): Chunk[] {
    this.checkIterable(method, items);
    const list = Array.isArray(items) ? items : [...items];
    const size = options.chunksize ?? fallback(list.length);
    if (list.length > 0 && (!Number.isInteger(size) || size < 1)) {
      throw new InvalidArgumentError(`${this.name}.${method}({ chunksize }): expected a positive integer, received ${describeValue(options.chunksize)}`);
    }
    const chunks: Chunk[] = [];
    for (let start = 0; start < list.length; start += size) chunks.push({ start, items: list.slice(start, start + size) });
    return chunks;
  }

  private check(method: string): void {
    if (this.state !== "open") throw new PoolClosedError(`${this.name}.${method}: the pool is ${this.state}; create a new pool`);
  }

  private async runAll(method: string, fn: Task, items: Iterable<unknown>, star: boolean, options: MapOptions): Promise<unknown[]> {
    this.check(method);
    const shipped = this.ship(fn, method);
    const chunks = this.chunks(method, items, options, (n) => defaultChunksize(n, this.processes));
    const total = chunks.reduce((sum, c) => sum + c.items.length, 0);
    const results = new Array<unknown>(total);
    const bar = this.bar(method, shipped, total, options);
    try {
      await Promise.all(
        chunks.map((chunk) =>
          this.runChunk(method, shipped, chunk, star, options, (values) => {
            for (let i = 0; i < values.length; i++) results[chunk.start + i] = values[i];
            bar?.tick(values.length);
          }),
        ),
      );
    } finally {
      bar?.done();
    }
    return results;
  }

  /**
   * `imap` / `imapUnordered`: pulls items from the iterable only as results are consumed, at most
   * {@link LOOKAHEAD_PER_WORKER} chunks per worker ahead, so an endless generator streams with
   * bounded memory. (Python's task handler thread reads the whole iterable into its queue; a
   * bounded window is what that laziness is meant to give.) When the consumer stops early the
   * source iterator is closed (its `finally` runs); chunks still running finish, failures ignored.
   */
  private async *iterate(method: string, fn: Task, items: Iterable<unknown>, options: MapOptions, ordered: boolean): AsyncGenerator<unknown> {
    this.check(method);
    const shipped = this.ship(fn, method);
    this.checkIterable(method, items);
    const size = options.chunksize ?? 1;
    if (!Number.isInteger(size) || size < 1) {
      throw new InvalidArgumentError(`${this.name}.${method}({ chunksize }): expected a positive integer, received ${describeValue(options.chunksize)}`);
    }
    const total = knownSize(items);
    if (options.progress && total === undefined) {
      throw new InvalidArgumentError(`${this.name}.${method}({ progress }): a progress bar needs the number of items; pass an array (or a Set or Map), not a generator`);
    }
    const bar = total === undefined ? undefined : this.bar(method, shipped, total, options);
    const iterator = items[Symbol.iterator]();
    let exhausted = false;
    let start = 0;
    const pull = (): Chunk | undefined => {
      const chunkItems: unknown[] = [];
      while (!exhausted && chunkItems.length < size) {
        const next = iterator.next();
        if (next.done) exhausted = true;
        else chunkItems.push(next.value);
      }
      if (chunkItems.length === 0) return undefined;
      const chunk = { start, items: chunkItems };
      start += chunkItems.length;
      return chunk;
    };
    const submit = (chunk: Chunk): Promise<unknown[]> => {
      const promise = this.runChunk(method, shipped, chunk, false, options);
      // The consumer may stop early: later failures must not become unhandled rejections.
      promise.catch(() => undefined);
      return promise;
    };
    const window = LOOKAHEAD_PER_WORKER * this.processes;
    try {
      if (ordered) {
        const queue: Promise<unknown[]>[] = [];
        const fill = (): void => {
          for (let chunk; queue.length < window && (chunk = pull()); ) queue.push(submit(chunk));
        };
        fill();
        while (queue.length > 0) {
          const values = await queue.shift()!;
          fill();
          bar?.tick(values.length);
          yield* values;
        }
      } else {
        const pending = new Map<number, Promise<{ id: number; values: unknown[] }>>();
        let nextId = 0;
        const fill = (): void => {
          for (let chunk; pending.size < window && (chunk = pull()); ) {
            const id = nextId++;
            pending.set(id, submit(chunk).then((values) => ({ id, values })));
          }
        };
        fill();
        while (pending.size > 0) {
          const { id, values } = await Promise.race(pending.values());
          pending.delete(id);
          fill();
          bar?.tick(values.length);
          yield* values;
        }
      }
    } finally {
      bar?.done();
      // Like for-of: an iterator we stop pulling from is told so.
      if (!exhausted) iterator.return?.();
    }
  }

  private bar(method: string, fn: ShippedFunction, total: number, options: MapOptions): ProgressBar | undefined {
    if (!options.progress) return undefined;
    const label = typeof options.progress === "string" ? options.progress : `${method} ${fn.kind === "source" ? fn.name || "task" : fn.exportName}`;
    return progressBar(total, { label });
  }

  /**
   * Runs one chunk; its values go to `deliver` when given, else resolve the promise. Promise chains
   * and a callback rather than async functions, like ThreadBackend.run: at chunksize 1 this runs
   * once per task, and each promise, async frame and options object cost measurable microseconds.
   */
  private runChunk(method: string, fn: ShippedFunction, chunk: Chunk, star: boolean, options: CallOptions): Promise<unknown[]>;
  private runChunk(method: string, fn: ShippedFunction, chunk: Chunk, star: boolean, options: CallOptions, deliver: (values: unknown[]) => void): Promise<void>;
  private runChunk(
    method: string,
    fn: ShippedFunction,
    chunk: Chunk,
    star: boolean,
    options: CallOptions,
    deliver?: (values: unknown[]) => void,
  ): Promise<unknown[] | void> {
    const items = star ? chunk.items : packNumbers(chunk.items);
    const job: Job = { fn, items, star, transferResults: options.transfer === true };
    const transferList = items instanceof Float64Array ? [items.buffer as ArrayBuffer] : options.transfer ? collectTransferables(chunk.items, star ? 1 : 0) : undefined;
    const taskId = this.nextTaskId++;
    if (++this.inFlight === 1) setBusy(this, true);
    return this.backend.run(job, transferList || options.signal ? { transferList, signal: options.signal } : undefined).then(
      (reply) => {
        this.chunkDone();
        this.recorded.push({
          taskId,
          workerId: reply.workerId,
          start: reply.start,
          end: reply.end,
          label: fn.kind === "source" ? fn.name || "task" : fn.exportName,
          ok: reply.ok,
        });
        if (!reply.ok) throw this.taskError(method, fn, deserializeError(reply.error));
        const values = unpackNumbers(reply.results);
        if (!deliver) return values;
        deliver(values);
      },
      (error) => {
        this.chunkDone();
        throw error;
      },
    );
  }

  private chunkDone(): void {
    if (--this.inFlight === 0) setBusy(this, false);
  }

  /** A task's error; a function that used a variable from outside gets the error that says so. */
  private taskError(method: string, fn: ShippedFunction, error: Error): Error {
    if ((error as { code?: unknown }).code === "ERR_RESULT_NOT_CLONEABLE") {
      return new ResultNotCloneableError(`${this.name}.${method}(${fn.kind === "source" ? fn.name || "task" : fn.exportName}): ${error.message}`);
    }
    const missing = error.name === "ReferenceError" ? /^(\S+) is not defined$/.exec(error.message) : null;
    if (!missing || fn.kind !== "source") return error;
    const wrapped = capturedError(`${this.name}.${method}`, fn.name, missing[1], error);
    wrapped.stack = `${wrapped.name}: ${wrapped.message}\n  worker stack: ${error.stack ?? ""}`;
    return wrapped;
  }
}

/**
 * Python's `multiprocessing.pool.ThreadPool` on worker threads (piscina): real parallelism for
 * CPU-bound JavaScript, cheap start-up, SharedArrayBuffers shared.
 *
 * ```ts
 * const pool = new ThreadPool(4);
 * const squares = await pool.map((x: number) => x * x, [1, 2, 3]); // [1, 4, 9]
 * await pool.terminate();
 * ```
 * Functions travel by source text and must be self-contained (see `shipFunction`).
 */
export class ThreadPool extends BasePool {
  /** @param processes number of worker threads. @default cpuCount() */
  constructor(processes?: number, options: PoolOptions = {}) {
    super("thread", processes, options);
  }
}

/**
 * Python's `multiprocessing.Pool` on child processes (`child_process.fork`): separate heaps and
 * event loops; a crash or `process.exit` in a task only loses that worker. Children exit when the
 * parent dies; their output appears in the notebook.
 */
export class ProcessPool extends BasePool {
  /** @param processes number of worker processes. @default cpuCount() */
  constructor(processes?: number, options: PoolOptions = {}) {
    if (options.resourceLimits) throw new InvalidArgumentError("new ProcessPool({ resourceLimits }): resourceLimits applies to ThreadPool only");
    super("process", processes, options);
  }
}
