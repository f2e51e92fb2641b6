/**
 * Worker side of the 'threads' and 'processes' schedulers: the pools run this module's export on a
 * batch of graph tasks. A batch names each distinct function once (a task carries only its index),
 * and outcomes come back as parallel arrays: structured clone writes every property name of every
 * object, which for no-op tasks was most of the cost. Each function is revived once per worker;
 * failures come back as data, with the times measured here, so the task stream shows where the
 * time went.
 */
import { isMainThread, threadId } from "node:worker_threads";
import { epochMs } from "../events";
import { reviveFunction, type ShippedFunction } from "../ship/ship";
import { isThenable } from "../thenable";

/** One batch: `fns` once each; task `i` calls `fns[fnIndex[i]](...args[i])`. */
export type ShippedBatch = readonly [fns: readonly ShippedFunction[], fnIndex: readonly number[], args: readonly (readonly unknown[])[]];

/**
 * Outcomes of a batch: `values[i]` (undefined for a failure), `times[2i]`/`times[2i+1]` start/end
 * (epoch ms), and the failures as `[index, error]` pairs.
 */
export type ShippedOutcomes = readonly [workerId: string, values: unknown[], times: Float64Array, errors: Array<[number, unknown]>];

const workerId = isMainThread ? `process ${process.pid}` : `thread ${threadId}`;

/** Runs the tasks one after another (async ones awaited); never throws. */
export async function runGraphBatch(batch: ShippedBatch): Promise<ShippedOutcomes> {
  const [shipped, fnIndex, args] = batch;
  const fns = shipped.map((s) => {
    try {
      return reviveFunction(s);
    } catch (error) {
      return error as Error;
    }
  });
  const n = args.length;
  const values = new Array<unknown>(n);
  const times = new Float64Array(2 * n);
  const errors: Array<[number, unknown]> = [];
  for (let i = 0; i < n; i++) {
    const start = epochMs();
    times[2 * i] = start;
    try {
      const fn = fns[fnIndex[i]!]!;
      if (fn instanceof Error) throw fn;
      let value = fn(...args[i]!);
      if (isThenable(value)) value = await value;
      values[i] = value;
    } catch (error) {
      errors.push([i, error]);
    }
    times[2 * i + 1] = epochMs();
  }
  return [workerId, values, times, errors];
}
