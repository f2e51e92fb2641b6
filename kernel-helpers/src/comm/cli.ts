/**
 * `npx kernel-helpers mpirun -n 4 prog.js [args...]`: the terminal launcher, like Open MPI's
 * `mpirun -np 4`. The program gets its communicator with `await Comm.world()`.
 *
 * Options: `-n N` / `-np N`; `--transport processes|mpiexec` (default processes: ranks are child
 * processes on this machine; mpiexec: a real `mpiexec` starts them, across the hosts it chooses);
 * `--tag-output` (prefix lines with the rank); `--timeout MS`; `--no-deadlock-detection`;
 * `--mpiexec-arg ARG` (repeatable, e.g. `--mpiexec-arg=--hostfile --mpiexec-arg=hosts`).
 * Everything after the program name goes to the program.
 */
import { KernelHelpersError } from "../errors";
import type { CommTransport, MpirunOptions } from "./mpirun";
import { mpirunProgram } from "./mpirun";

const USAGE = `usage: kernel-helpers mpirun -n N [--transport processes|mpiexec] [--tag-output] [--timeout MS]
                             [--no-deadlock-detection] [--mpiexec-arg ARG]... program.js [args...]`;

interface Parsed {
  n: number;
  program: string;
  options: MpirunOptions;
}

function parse(args: string[]): Parsed | string {
  let n = NaN;
  let transport: CommTransport = "processes";
  let tagOutput = false;
  let timeoutMs: number | undefined;
  let deadlockDetection = true;
  const mpiexecArgs: string[] = [];
  let i = 0;
  const value = (flag: string): string => {
    const eq = args[i]!.indexOf("=");
    if (eq > 0) return args[i]!.slice(eq + 1);
    const v = args[++i];
    if (v === undefined) throw new Error(`${flag} needs a value`);
    return v;
  };
  try {
    for (; i < args.length; i++) {
      const a = args[i]!;
      const flag = a.split("=")[0]!;
      if (flag === "-n" || flag === "-np" || flag === "--np") n = Number(value(flag));
      else if (flag === "--transport") transport = value(flag) as CommTransport;
      else if (flag === "--tag-output") tagOutput = true;
      else if (flag === "--timeout") timeoutMs = Number(value(flag));
      else if (flag === "--no-deadlock-detection") deadlockDetection = false;
      else if (flag === "--mpiexec-arg") mpiexecArgs.push(value(flag));
      else if (a === "-h" || a === "--help") return "";
      else if (a.startsWith("-")) return `unknown option ${a}`;
      else break;
    }
  } catch (error) {
    return (error as Error).message;
  }
  const program = args[i];
  if (!program) return "no program given";
  if (!Number.isInteger(n) || n < 1) return `-n needs a positive integer, got ${JSON.stringify(String(n))}`;
  if (timeoutMs !== undefined && !(timeoutMs > 0)) return `--timeout needs a positive number of milliseconds, got ${JSON.stringify(String(timeoutMs))}`;
  if (!["processes", "mpiexec"].includes(transport)) return `--transport must be processes or mpiexec, got ${JSON.stringify(transport)}`;
  return { n, program, options: { transport, tagOutput, timeoutMs, deadlockDetection, mpiexecArgs, args: args.slice(i + 1) } };
}

/** Runs the command; resolves to the exit code. */
export async function main(args: string[]): Promise<number> {
  const parsed = parse(args);
  if (typeof parsed === "string") {
    if (parsed) console.error(`mpirun: ${parsed}`);
    console.error(USAGE);
    return parsed ? 2 : 0;
  }
  // Ctrl-C or a kill: stop the ranks and remove the run's folder before leaving, like mpirun does
  // (a SIGKILL cannot be caught: then the ranks notice on their own, see tcp-link.ts).
  const stop = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    signalled = signal;
    stop.abort(new Error(`interrupted by ${signal}`));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    await mpirunProgram(parsed.n, parsed.program, { ...parsed.options, signal: stop.signal });
    return 0;
  } catch (error) {
    const e = error as Error;
    console.error(`mpirun: ${e instanceof KernelHelpersError ? `${e.name} (${e.code}): ` : ""}${signalled ? `interrupted by ${signalled}` : e.message}`);
    return signalled === "SIGINT" ? 130 : signalled === "SIGTERM" ? 143 : 1;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
