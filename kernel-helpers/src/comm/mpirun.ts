/**
 * `mpirun`: runs a function (or a program file) on N ranks over one of three transports, watches
 * the run (failures, deadlocks, timeout), and makes sure no rank thread or process outlives it.
 * This file checks the arguments and picks the launcher: launch-threads.ts, launch-processes.ts,
 * launch-mpiexec.ts.
 */
import path from "node:path";
import { InvalidArgumentError, describeValue } from "../errors";
import { cpuCount } from "../system";
import type { ModuleTask } from "../ship/ship";
import type { Comm } from "./comm";
import { runMpiexec } from "./launch-mpiexec";
import type { CommTransport, MpirunOptions } from "./launch-options";
import { runProcesses } from "./launch-processes";
import { runThreads } from "./launch-threads";
import { shipRankTask } from "./rank-task";

export type { CommTransport, MpirunOptions } from "./launch-options";
export { findMpiexec } from "./launch-mpiexec";

/** A rank's function: gets the communicator (and `args`), returns a value sent back to the launcher. */
export type RankFunction<T> = (comm: Comm, ...args: any[]) => T | Promise<T>;

/** mpiexec may spread ranks over many machines; this is the wire's and the monitor's limit. */
const MAX_RANKS = 256;
/**
 * Ranks on this machine (threads, processes): every one is a V8 instance started up front, so a
 * typo like n = 1000 must not fork a thousand. Oversubscribing a few times is fine (and taught).
 */
export function maxLocalRanks(): number {
  return Math.max(16, 8 * cpuCount());
}

function checkOptions(n: number, options: MpirunOptions): CommTransport {
  if (typeof options !== "object" || options === null) throw new InvalidArgumentError(`Expected \`options\` to be an object, got ${describeValue(options)}`);
  const transport = options.transport ?? "threads";
  if (!["threads", "processes", "mpiexec"].includes(transport)) throw new InvalidArgumentError(`Expected \`transport\` to be "threads", "processes" or "mpiexec", got ${describeValue(transport)}`);
  const max = transport === "mpiexec" ? MAX_RANKS : maxLocalRanks();
  if (!Number.isInteger(n) || n < 1 || n > max) {
    const why = transport === "mpiexec" ? "" : ` (on ${transport}, at most 8 per CPU of this machine, ${cpuCount()} CPUs: every rank is started up front)`;
    throw new InvalidArgumentError(`Expected \`n\` (the number of ranks) to be an integer 1…${max}${why}, got ${describeValue(n)}`);
  }
  const t = options.timeoutMs;
  if (t !== undefined && !(typeof t === "number" && t > 0 && !Number.isNaN(t))) throw new InvalidArgumentError(`Expected \`timeoutMs\` to be a positive number of milliseconds, got ${describeValue(t)}`);
  if (options.args !== undefined && !Array.isArray(options.args)) throw new InvalidArgumentError(`Expected \`args\` to be an array, got ${describeValue(options.args)}`);
  if (options.mpiexecArgs !== undefined && !(Array.isArray(options.mpiexecArgs) && options.mpiexecArgs.every((a) => typeof a === "string"))) {
    throw new InvalidArgumentError(`Expected \`mpiexecArgs\` to be an array of strings, got ${describeValue(options.mpiexecArgs)}`);
  }
  return transport;
}

/**
 * Runs `fn(comm)` on `n` ranks and resolves to every rank's return value, in rank order. Like
 * `mpirun -np n`, but from a notebook cell. The function is sent to each rank as source text, so it
 * must be self-contained (require what it needs inside), or be a `moduleTask(file, name)`; helper
 * functions it needs go in `args` and arrive as functions.
 *
 * No rank outlives the launcher: if the process that called mpirun dies (even by SIGKILL), its
 * ranks die too and remove their shared-memory folder; the next launch removes what is left.
 *
 * Rejects with `RankFailedError { rank }` when a rank throws, `DeadlockError { ranks, tags }` when
 * every rank waits for a message nobody sends, `CommAbortError` after `comm.abort()`, and
 * `CommTimeoutError` after `timeoutMs`. All ranks are stopped before it settles.
 *
 * @example
 * const hellos = await mpirun(4, async (comm) => `hello from rank ${comm.rank} of ${comm.size}`);
 */
export async function mpirun<T>(n: number, fn: RankFunction<T> | ModuleTask, options: MpirunOptions = {}): Promise<Awaited<T>[]> {
  const transport = checkOptions(n, options);
  const task = shipRankTask(fn as Function | ModuleTask, options.args ?? []);
  const entry = path.join(__dirname, "process-entry.js");
  if (transport === "threads") return (await runThreads(n, task, options)) as Awaited<T>[];
  if (transport === "processes") return (await runProcesses(n, entry, [], task, options)) as Awaited<T>[];
  return (await runMpiexec(n, entry, [], task, options)) as Awaited<T>[];
}

/**
 * Runs the JS program `file` on `n` ranks; the program gets its communicator with
 * `await Comm.world()`. What `npx kernel-helpers mpirun` does. Resolves when every rank ends.
 */
export async function mpirunProgram(n: number, file: string, options: MpirunOptions = {}): Promise<void> {
  const transport = checkOptions(n, options);
  const args = (options.args ?? []).map(String);
  const script = path.resolve(file);
  if (transport === "threads") {
    // A program file on threads: each rank requires the file's default export… only when it exports
    // a function; plain scripts need a process each.
    throw new InvalidArgumentError(`a program file runs on "processes" or "mpiexec"; for threads, export a rank function and use mpirun(n, moduleTask(file))`);
  }
  if (transport === "processes") await runProcesses(n, script, args, undefined, options);
  else await runMpiexec(n, script, args, undefined, options);
}
