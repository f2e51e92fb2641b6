/**
 * The tree reduction every collection uses (dask's `split_every`): partial results are combined
 * `SPLIT_EVERY` at a time, level after level, until one task is left. Arrays and bags share it; only
 * the combine function and its arguments differ.
 */
import { type Delayed, makeTask } from "./delayed";
import { type TaskFunction, blockKey } from "./spec";

/** How many partial results one combine task takes. */
export const SPLIT_EVERY = 8;

/**
 * Combines `items` with `fn` in a tree of tasks keyed `name`/level/index. `argsFor(group, root)` gives one
 * task's arguments from its inputs; `root` is true for the last task (so it can finish the result).
 */
export function treeReduce<T = unknown>(
  name: string,
  fn: TaskFunction,
  items: readonly Delayed[],
  argsFor: (group: Delayed[], root: boolean) => unknown[],
  label: string,
): Delayed<T> {
  let level = 0;
  let layer: readonly Delayed[] = items;
  for (;;) {
    const root = layer.length <= SPLIT_EVERY;
    const next: Delayed[] = [];
    for (let k = 0; k < layer.length; k += SPLIT_EVERY) {
      next.push(makeTask(blockKey(name, level, k / SPLIT_EVERY), fn, argsFor(layer.slice(k, k + SPLIT_EVERY), root), label));
    }
    if (root) return next[0]! as Delayed<T>;
    layer = next;
    level += 1;
  }
}
