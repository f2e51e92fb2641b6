/**
 * Where a parallel grid search runs its fits. Each fit is shipped by module name (`fit-task.js`,
 * export `fitAndScore`), never as function source, so every worker `require`s the module once and
 * libsvm's WebAssembly is compiled once per worker, not once per fit.
 */
import { setMaxListeners } from "node:events";
import { InvalidArgumentError, describeValue } from "../errors";
import { type CallOptions } from "../pool";
import { moduleTask, type ModuleTask } from "../ship";
import { compute, delayed, type SchedulerName } from "../graph";
import type { FitResult, FitTask } from "./fit-task";
import { reusablePool } from "./reusable-pool";

/** Where parallel fits run: worker threads, child processes, or tasks of a task graph. */
export type SearchBackend = "threads" | "processes" | "graph";

/** What the search needs from a pool: `apply` with a module task, as `ThreadPool` and `ProcessPool` have. */
export interface FitTaskPool {
  apply(fn: ModuleTask, args: [FitTask], options?: CallOptions): Promise<unknown>;
}

/** Options of {@link runFitTasks}. */
export interface RunFitTasksOptions {
  readonly nJobs: number;
  readonly backend: SearchBackend;
  readonly pool?: FitTaskPool;
  readonly graphScheduler?: SchedulerName;
  readonly signal?: AbortSignal;
}

/** The fit task as pools and schedulers take it: the compiled `fit-task.js` beside this file. */
export function fitTaskModule(): ModuleTask {
  return moduleTask(require.resolve("./fit-task"), "fitAndScore");
}

/** Runs `tasks` in parallel, calling `onResult` as each finishes; resolves to all results (any order). */
export async function runFitTasks(
  tasks: readonly FitTask[],
  onResult: (result: FitResult) => void,
  options: RunFitTasksOptions,
): Promise<FitResult[]> {
  options.signal?.throwIfAborted();
  if (options.backend === "graph") return runOnGraph(tasks, onResult, options);
  if (options.pool) return applyAll(options.pool, tasks, onResult, options.signal);
  if (options.backend !== "threads" && options.backend !== "processes") {
    throw new InvalidArgumentError(`Expected \`backend\` to be "threads", "processes" or "graph", got ${describeValue(options.backend)}`);
  }
  return applyAll(reusablePool(options.backend, options.nJobs), tasks, onResult, options.signal);
}

async function applyAll(
  pool: FitTaskPool,
  tasks: readonly FitTask[],
  onResult: (result: FitResult) => void,
  signal?: AbortSignal,
): Promise<FitResult[]> {
  const task = fitTaskModule();
  // The pool outlives the search: once one fit has failed, the others must not run on.
  const failed = new AbortController();
  const stop = signal ? AbortSignal.any([signal, failed.signal]) : failed.signal;
  setMaxListeners(0, stop); // a listener per fit (the pool's), which is no leak
  try {
    return await Promise.all(
      tasks.map(async (t) => {
        const result = (await pool.apply(task, [t], { signal: stop })) as FitResult;
        onResult(result);
        return result;
      }),
    );
  } catch (error) {
    failed.abort(error);
    // An abort by the caller surfaces as its reason, not as the pool's cancellation of each fit.
    throw signal?.aborted ? signal.reason : error;
  }
}

/**
 * One delayed task per fit, computed by the task-graph scheduler (dask's `delayed` + `compute`): the
 * same work as the pool with a scheduler in between, so more overhead and the same answer. Results
 * arrive together, so the per-fit log lines print when the graph has finished.
 */
async function runOnGraph(
  tasks: readonly FitTask[],
  onResult: (result: FitResult) => void,
  options: RunFitTasksOptions,
): Promise<FitResult[]> {
  // pure: false skips hashing the data of every task into its key; each fit is its own node anyway.
  const fit = delayed<[FitTask], FitResult>(fitTaskModule(), { name: "fit_and_score", pure: false });
  const values = tasks.map((task) => fit(task));
  const results = (await compute(...values, {
    scheduler: options.graphScheduler ?? "threads",
    workers: Math.min(options.nJobs, tasks.length),
  })) as FitResult[];
  for (const result of results) onResult(result);
  return results;
}
