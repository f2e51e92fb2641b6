/**
 * What `mpirun(n, fn, { args })` sends to each rank: the rank function and its extra arguments,
 * where an argument that is a function (or a `moduleTask`) travels the way the rank function does
 * (ship/), so a rank can receive a helper: `mpirun(4, (comm, exchange) => exchange(comm, …), { args: [exchange] })`.
 * The helper must be self-contained like the rank function itself (or be a module export).
 */
import { describeValue } from "../errors";
import { isModuleTask, reviveFunction, shipFunction, type ModuleTask, type ShippedFunction } from "../ship/ship";

/** A function argument on its way to a rank. */
interface ShippedArgument {
  readonly __khShippedFunction: ShippedFunction;
}

export interface RankTask {
  readonly task: ShippedFunction;
  readonly args: unknown[];
}

function isShippedArgument(value: unknown): value is ShippedArgument {
  return typeof value === "object" && value !== null && "__khShippedFunction" in value;
}

/** Launcher side: ships the rank function and every function among `args`. */
export function shipRankTask(fn: Function | ModuleTask, args: readonly unknown[]): RankTask {
  return {
    task: shipFunction(fn, "mpirun"),
    args: args.map((a, i) => (typeof a === "function" || isModuleTask(a) ? ({ __khShippedFunction: shipFunction(a as Function | ModuleTask, `mpirun: args[${i}]`) } satisfies ShippedArgument) : a)),
  };
}

/** Rank side: the callable rank function and its arguments, helpers revived. */
export function reviveRankTask(rankTask: RankTask): { fn: (...args: any[]) => unknown; args: unknown[] } {
  return {
    fn: reviveFunction(rankTask.task),
    args: rankTask.args.map((a) => (isShippedArgument(a) ? reviveFunction(a.__khShippedFunction) : a)),
  };
}

/** The report of a rank whose return value cannot travel back to the launcher (a function, a socket…). */
export function unsendableResult(value: unknown, error: unknown): { type: "error"; name: string; message: string } {
  return {
    type: "error",
    name: "DataCloneError",
    message: `its return value (${describeValue(value)}) cannot be sent back to the launcher: ${(error as Error)?.message ?? String(error)}; return plain data (numbers, strings, arrays, objects, Map, typed arrays)`,
  };
}
