/**
 * Where a rank learns who it is: our launcher's `KH_COMM_*` variables, Open MPI's
 * `OMPI_COMM_WORLD_RANK/SIZE`, or MPICH's `PMI_RANK/PMI_SIZE`.
 *
 * Variables (all set by `npx kernel-helpers mpirun`; set KH_COMM_COORD yourself only to run a bare
 * `mpiexec` across machines with a coordinator you started):
 * - `KH_COMM_COORD=host:port`: the coordinator to say hello to. Under a bare `mpiexec` without it,
 *   rank 0 runs the coordinator and publishes its address in `KH_COMM_DIR` (default: the temp
 *   folder, so one machine or a shared folder).
 * - `KH_COMM_RANK`, `KH_COMM_SIZE`: rank and size (our processes launcher).
 * - `KH_COMM_BIND`: the address ranks listen on for peers (default 0.0.0.0), or `unix:DIR` for Unix
 *   sockets in DIR when every rank runs on this host (what `mpirun` uses for processes).
 * - `KH_COMM_TIMEOUT_MS`: the run's timeout when rank 0 coordinates (default 600000).
 */
import { CommSetupError } from "./errors";

export interface RankEnvironment {
  readonly rank: number;
  readonly size: number;
  /** Which launcher started us, for messages. */
  readonly launcher: "kernel-helpers" | "open-mpi" | "mpich";
}

function int(name: string, env: NodeJS.ProcessEnv): number {
  const value = Number(env[name]);
  if (!Number.isInteger(value) || value < 0) throw new CommSetupError(`environment variable ${name} should be a non-negative integer, got ${JSON.stringify(env[name])}`);
  return value;
}

/** The rank and size the environment gives, or undefined when no launcher started this process. */
export function rankEnvironment(env: NodeJS.ProcessEnv = process.env): RankEnvironment | undefined {
  if (env.KH_COMM_RANK !== undefined) return { rank: int("KH_COMM_RANK", env), size: int("KH_COMM_SIZE", env), launcher: "kernel-helpers" };
  if (env.OMPI_COMM_WORLD_RANK !== undefined) return { rank: int("OMPI_COMM_WORLD_RANK", env), size: int("OMPI_COMM_WORLD_SIZE", env), launcher: "open-mpi" };
  if (env.PMI_RANK !== undefined && env.PMI_SIZE !== undefined) return { rank: int("PMI_RANK", env), size: int("PMI_SIZE", env), launcher: "mpich" };
  return undefined;
}

/** `host:port` → parts. */
export function parseAddress(text: string): { host: string; port: number } {
  const i = text.lastIndexOf(":");
  const port = Number(text.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port) || port <= 0) throw new CommSetupError(`KH_COMM_COORD should be host:port, got ${JSON.stringify(text)}`);
  return { host: text.slice(0, i).replace(/^\[|\]$/g, ""), port };
}

/** A key shared by the ranks of one mpiexec job, for the rendezvous file. */
export function jobKey(env: NodeJS.ProcessEnv = process.env): string {
  return (env.OMPI_MCA_ess_base_jobid ?? env.PMIX_NAMESPACE ?? env.PMI_JOBID ?? `ppid${process.ppid}`).replace(/[^\w.-]/g, "_");
}
