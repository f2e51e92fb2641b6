/**
 * Worker side of the 'threads' and 'processes' schedulers: the pools run this module's export on a
 * batch of graph tasks. Each task's own function arrives shipped (source or module export) and is
 * revived once per worker; failures come back as data, with the times measured here, so the task
 * stream shows where the time went.
 */
import { isMainThread, threadId } from "node:worker_threads";
import { epochMs } from "../events";
import { reviveFunction, type ShippedFunction } from "../pool/ship";

/** One task of a batch. */
export interface ShippedTask {
  readonly fn: ShippedFunction;
  readonly args: readonly unknown[];
}

/** A task's outcome as it travels back. */
export interface ShippedOutcome {
  readonly ok: boolean;
  readonly value?: unknown;
  readonly error?: unknown;
  readonly start: number;
  readonly end: number;
  readonly workerId: string;
}

const workerId = isMainThread ? `process ${process.pid}` : `thread ${threadId}`;

/** Runs the tasks one after another (async ones awaited); never throws. */
export async function runGraphBatch(tasks: readonly ShippedTask[]): Promise<ShippedOutcome[]> {
  const out: ShippedOutcome[] = [];
  for (const task of tasks) {
    const start = epochMs();
    try {
      let value = reviveFunction(task.fn)(...task.args);
      if (value !== null && typeof (value as PromiseLike<unknown>)?.then === "function") value = await value;
      out.push({ ok: true, value, start, end: epochMs(), workerId });
    } catch (error) {
      out.push({ ok: false, error, start, end: epochMs(), workerId });
    }
  }
  return out;
}
