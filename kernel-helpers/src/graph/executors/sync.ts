/**
 * The synchronous executor: each task runs in this thread, one at a time, in priority order. The
 * one to debug with (stack traces point at your code, `console.log` just works) and the one that
 * runs closures, which cannot travel to workers.
 */
import { epochMs } from "../../events";
import { isModuleTask, reviveFunction, shipFunction } from "../../ship/ship";
import { isThenable } from "../../thenable";
import type { GraphExecutor, ReadyTask, TaskOutcome } from "../scheduler";

/** Runs `task.fn(...task.args)` here and reports the outcome as data (async results are awaited). */
export function runTaskHere(task: ReadyTask, workerId: string | number): Promise<TaskOutcome> | TaskOutcome {
  const start = epochMs();
  try {
    const fn = isModuleTask(task.fn) ? reviveFunction(shipFunction(task.fn, "compute")) : task.fn;
    const value = fn(...task.args);
    if (isThenable(value)) {
      return Promise.resolve(value).then(
        (v): TaskOutcome => ({ ok: true, value: v, start, end: epochMs(), workerId }),
        (error: unknown): TaskOutcome => ({ ok: false, error, start, end: epochMs(), workerId }),
      );
    }
    return { ok: true, value, start, end: epochMs(), workerId };
  } catch (error) {
    return { ok: false, error, start, end: epochMs(), workerId };
  }
}

/** An executor running every task in this thread, one at a time. */
export function syncExecutor(): GraphExecutor {
  return {
    name: "sync",
    capacity: 1,
    submit: (task) => Promise.resolve(runTaskHere(task, "main")),
    close: async () => {},
  };
}
