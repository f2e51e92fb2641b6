/**
 * The scheduler loop (dask's `get_async`): fire ready tasks until the executor is full, await the
 * next outcome, record it with `finishTask`, repeat. Executors plug in through one function,
 * `submit(task) → Promise<outcome>`; errors come back as data and are raised once, after the tasks
 * already running have settled (so nothing keeps computing behind a failed compute).
 */
import { epochMs, type TaskEvent } from "../events";
import { TaskFailedError } from "./errors";
import { keyLabel, substitute, type TaskFunction } from "./spec";
import { finishTask, startState, type SchedulerState } from "./state";
import type { Graph } from "./spec";

/** A task ready to run: its arguments are already values. */
export interface ReadyTask {
  readonly key: string;
  readonly fn: TaskFunction;
  readonly args: readonly unknown[];
  /** For charts: the key without its hash. */
  readonly label: string;
}

/** What became of a task, as data. Times are epoch ms measured where the task ran. */
export type TaskOutcome =
  | { readonly ok: true; readonly value: unknown; readonly start: number; readonly end: number; readonly workerId: string | number }
  | { readonly ok: false; readonly error: unknown; readonly start: number; readonly end: number; readonly workerId: string | number };

/** Runs tasks somewhere: in this thread, a pool, or a cluster. */
export interface GraphExecutor {
  /** e.g. "sync", "threads". */
  readonly name: string;
  /** How many tasks the scheduler keeps submitted at once. */
  readonly capacity: number;
  /** Runs one task; never rejects (failures are outcomes with `ok: false`). */
  submit(task: ReadyTask): Promise<TaskOutcome>;
  /** Releases what the executor owns (not called for executors the caller passed in). */
  close(): Promise<void>;
}

/** Hooks into a run (dask's callbacks): profiling, progress bars, task streams. */
export interface SchedulerCallbacks {
  /** Once, after the state is built. */
  start?(state: SchedulerState): void;
  /** Before a task is submitted. */
  pretask?(key: string, state: SchedulerState): void;
  /** After a task's outcome was recorded. */
  posttask?(key: string, outcome: TaskOutcome, state: SchedulerState): void;
  /** Once, at the end (also after a failure). */
  finish?(state: SchedulerState): void;
}

/** The outcome as a `TaskEvent` for the task-stream chart. */
export function outcomeEvent(key: string, outcome: TaskOutcome): TaskEvent {
  return { taskId: key, workerId: outcome.workerId, start: outcome.start, end: outcome.end, label: keyLabel(key), ok: outcome.ok };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Computes `targets` of `graph` on `executor`; resolves to a Map of the targets' values. Rejects with
 * {@link TaskFailedError} naming the first key that failed.
 */
export async function runGraph(
  graph: Graph,
  targets: readonly string[],
  executor: GraphExecutor,
  callbacks: readonly SchedulerCallbacks[] = [],
): Promise<Map<string, unknown>> {
  const state = startState(graph, targets);
  for (const cb of callbacks) cb.start?.(state);
  const done: Array<[string, TaskOutcome]> = [];
  let wake: (() => void) | undefined;
  let failure: [string, unknown] | undefined;
  const lookup = (key: string) => state.cache.get(key);

  const fire = (key: string): void => {
    const node = state.graph.get(key)!;
    if (node.kind === "ref") {
      // An alias costs nothing: no executor round trip.
      finishTask(state, key, state.cache.get(node.target));
      return;
    }
    if (node.kind !== "task") return;
    for (const cb of callbacks) cb.pretask?.(key, state);
    state.running.add(key);
    const args = substitute(node.args, lookup) as unknown[];
    const task: ReadyTask = { key, fn: node.fn, args, label: node.label ?? keyLabel(key) };
    executor.submit(task).then(
      (outcome) => {
        done.push([key, outcome]);
        wake?.();
      },
      (error: unknown) => {
        const now = epochMs();
        done.push([key, { ok: false, error, start: now, end: now, workerId: executor.name }]);
        wake?.();
      },
    );
  };

  try {
    for (;;) {
      while (!failure && state.running.size < executor.capacity && state.ready.size > 0) fire(state.ready.pop()!);
      if (done.length === 0) {
        if (state.running.size === 0) break;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      for (const [key, outcome] of done.splice(0)) {
        if (outcome.ok) {
          if (failure) state.running.delete(key);
          else finishTask(state, key, outcome.value);
        } else {
          state.running.delete(key);
          failure ??= [key, outcome.error];
        }
        for (const cb of callbacks) cb.posttask?.(key, outcome, state);
      }
    }
  } finally {
    for (const cb of callbacks) cb.finish?.(state);
  }
  if (failure) {
    const [key, error] = failure;
    throw new TaskFailedError(key, `task ${JSON.stringify(key)} failed: ${errorMessage(error)}`, error);
  }
  const missing = targets.filter((t) => !state.cache.has(t));
  if (missing.length > 0) throw new TaskFailedError(missing[0]!, `scheduler stopped before computing ${JSON.stringify(missing[0])}`);
  return new Map(targets.map((t) => [t, state.cache.get(t)]));
}
