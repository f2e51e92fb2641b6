/**
 * joblib's `Parallel(n_jobs=2)(delayed(f)(x) for x in xs)`. TypeScript has no generator expressions,
 * so the calls come as an iterable: `await joblib.Parallel({ nJobs: 2 })(xs.map((x) => joblib.delayed(f)(x)))`
 * (or `joblib.Parallel({ nJobs: 2 }).run(calls)`).
 *
 * Kept from joblib: `nJobs` -1 is every core and -2 all but one (`cores + 1 + nJobs`), 1 runs the
 * calls here one by one (no workers); results come back in input order; backend "processes" (joblib's
 * default loky, and "multiprocessing") or "threads" ("threading"); workers are reused from one call to
 * the next, as loky's reusable executor is (`shutdownSharedPools()` ends them). `batchSize: "auto"`
 * is multiprocessing's chunk rule (about four batches per worker) where joblib times its batches.
 */
import { describeValue, InvalidArgumentError } from "../errors";
import { defaultChunksize, type Task } from "../pool";
import { sharedPool } from "../pool/shared";
import { cpuCount } from "../system";
import { isDelayedCall, type DelayedCall } from "./delayed";

/** Backend names joblib users write, and what runs them here. */
const BACKENDS = {
  processes: "processes",
  loky: "processes",
  multiprocessing: "processes",
  threads: "threads",
  threading: "threads",
} as const;

/** Options of {@link Parallel}, named after joblib's arguments. */
export interface ParallelOptions {
  /** Workers: a positive count, or -1 for every core, -2 for all but one, … (joblib's `n_jobs`). @default 1 */
  readonly nJobs?: number;
  /** Where the calls run (joblib's `backend`). @default "processes" (joblib's loky) */
  readonly backend?: keyof typeof BACKENDS;
  /** Calls per batch sent to a worker (joblib's `batch_size`). @default "auto" */
  readonly batchSize?: number | "auto";
}

type Results<C extends readonly DelayedCall[]> = { [K in keyof C]: C[K] extends DelayedCall<any, infer R> ? Awaited<R> : never };

/** The worker count joblib gives `n_jobs` on this machine. */
export function effectiveNJobs(nJobs: number, cores = cpuCount()): number {
  if (!Number.isInteger(nJobs) || nJobs === 0) {
    throw new InvalidArgumentError(`Parallel({ nJobs }): expected a non-zero integer (-1 for every core), received ${describeValue(nJobs)}`);
  }
  return nJobs > 0 ? nJobs : Math.max(1, cores + 1 + nJobs);
}

/** What {@link Parallel} returns: call it with the calls, as joblib's `Parallel(...)(...)`. */
export interface ParallelCall {
  <C extends readonly DelayedCall[]>(calls: C | Iterable<DelayedCall>): Promise<Results<C>>;
  /** The same, spelled as a method. */
  run<C extends readonly DelayedCall[]>(calls: C | Iterable<DelayedCall>): Promise<Results<C>>;
  /** Workers used (after -1 → cores). */
  readonly nJobs: number;
  readonly backend: "processes" | "threads";
  readonly batchSize: number | "auto";
}

class ParallelRunner {
  /** Workers this Parallel uses (after -1 → cores). */
  readonly nJobs: number;
  readonly backend: "processes" | "threads";
  readonly batchSize: number | "auto";

  constructor(options: ParallelOptions = {}) {
    this.nJobs = effectiveNJobs(options.nJobs ?? 1);
    const backend = options.backend ?? "processes";
    if (!Object.hasOwn(BACKENDS, backend)) {
      throw new InvalidArgumentError(`Parallel({ backend }): expected one of ${Object.keys(BACKENDS).join(", ")}, received ${describeValue(backend)}`);
    }
    this.backend = BACKENDS[backend];
    const batchSize = options.batchSize ?? "auto";
    if (batchSize !== "auto" && (!Number.isInteger(batchSize) || batchSize < 1)) {
      throw new InvalidArgumentError(`Parallel({ batchSize }): expected a positive integer or "auto", received ${describeValue(batchSize)}`);
    }
    this.batchSize = batchSize;
  }

  /** Runs the calls and resolves with their results in input order. */
  async run<C extends readonly DelayedCall[]>(calls: C | Iterable<DelayedCall>): Promise<Results<C>> {
    if (calls === null || calls === undefined || typeof (calls as Iterable<unknown>)[Symbol.iterator] !== "function") {
      throw new InvalidArgumentError(`Parallel(...)(calls): calls must be an array of joblib.delayed(f)(...) calls, received ${describeValue(calls)}`);
    }
    const list = [...(calls as Iterable<unknown>)];
    list.forEach((call, i) => {
      if (!isDelayedCall(call)) {
        throw new InvalidArgumentError(`Parallel(...)(calls): item ${i} is ${describeValue(call)}, not a call; write joblib.delayed(f)(x), not f(x)`);
      }
    });
    const typed = list as DelayedCall[];
    if (typed.length === 0) return [] as unknown as Results<C>;
    // n_jobs=1: joblib runs the calls in the caller, one after another.
    if (this.nJobs === 1) {
      const results: unknown[] = [];
      for (const { fn, args } of typed) results.push(await (fn as (...a: unknown[]) => unknown)(...args));
      return results as Results<C>;
    }
    const pool = sharedPool(this.backend, this.nJobs);
    const fn = typed[0]!.fn;
    if (typed.every((call) => call.fn === fn)) {
      const chunksize = this.batchSize === "auto" ? defaultChunksize(typed.length, this.nJobs) : this.batchSize;
      return (await pool.starmap(fn as Task<unknown[], unknown>, typed.map((call) => call.args), { chunksize })) as Results<C>;
    }
    // Different functions in one list: one call per task, each shipped on its own.
    return (await Promise.all(typed.map((call) => pool.apply(call.fn as Task<unknown[], unknown>, call.args)))) as Results<C>;
  }
}

/**
 * joblib's `Parallel`: `await joblib.Parallel({ nJobs: 2 })(xs.map((x) => joblib.delayed(f)(x)))`.
 * Options are checked here, before any worker starts.
 */
export function Parallel(options: ParallelOptions = {}): ParallelCall {
  const runner = new ParallelRunner(options);
  const call = <C extends readonly DelayedCall[]>(calls: C | Iterable<DelayedCall>) => runner.run<C>(calls);
  return Object.assign(call, { run: call, nJobs: runner.nJobs, backend: runner.backend, batchSize: runner.batchSize }) as ParallelCall;
}
