/**
 * Ranks started by a real `mpiexec` (Open MPI or MPICH), on the hosts it chooses: they reach this
 * launcher's TcpCoordinator over TCP; mpiexec runs in its own process group so stopping the group
 * reaches every rank it started.
 */
import { spawn, spawnSync } from "node:child_process";
import { settlesWithin } from "../base/deadline";
import { terminate } from "../base/terminate";
import { CommSetupError } from "./errors";
import { abortOn, OUTPUT_DRAIN_MS, stderrTail, waitClose } from "./launch-common";
import type { MpirunOptions } from "./launch-options";
import { publicHost } from "./host";
import { forwardOutput } from "./output";
import { TcpCoordinator } from "./tcp-coordinator";

/** The mpiexec on PATH and how it passes environment variables (`-x` for Open MPI, `-genv` for MPICH). */
export function findMpiexec(): { command: string; flavor: "open-mpi" | "mpich" } | undefined {
  const probe = spawnSync("mpiexec", ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) return undefined;
  const text = `${probe.stdout}${probe.stderr}`;
  return { command: "mpiexec", flavor: /open ?mpi|openrte/i.test(text) ? "open-mpi" : "mpich" };
}

/** How long mpiexec may take to end on its own, and then after SIGTERM. */
const MPIEXEC_GRACE_MS = 2000;

export async function runMpiexec(n: number, script: string, args: string[], task: unknown, options: MpirunOptions): Promise<unknown[]> {
  const mpiexec = findMpiexec();
  if (!mpiexec) throw new CommSetupError(`mpiexec was not found on PATH (install Open MPI, e.g. apt install openmpi-bin, or MPICH)`);
  const host = options.coordinatorHost ?? publicHost();
  const coordinator = await TcpCoordinator.start({
    size: n,
    task,
    bindHost: "0.0.0.0",
    deadlockDetection: options.deadlockDetection ?? true,
    timeoutMs: options.timeoutMs ?? 600_000,
    ranksExplain: false,
    // mpiexec reports a crashed rank itself; give its output a moment before failing.
    onDisconnect: (rank) => setTimeout(() => coordinator.monitor.exited(rank, "its process ended before it finished (see its output above)"), 300).unref(),
  });
  const monitor = coordinator.monitor;
  const stopListening = abortOn(options.signal, monitor);
  const env = `KH_COMM_COORD=${host}:${coordinator.port}`;
  const flags = mpiexec.flavor === "open-mpi"
    ? [...(process.getuid?.() === 0 ? ["--allow-run-as-root"] : []), "--oversubscribe", ...(options.tagOutput ? ["--tag-output"] : []), "-x", env]
    : ["-genv", "KH_COMM_COORD", `${host}:${coordinator.port}`, ...(options.tagOutput ? ["-prepend-rank"] : [])];
  const child = spawn(mpiexec.command, [...flags, ...(options.mpiexecArgs ?? []), "-n", String(n), process.execPath, script, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group, so cleanup reaches every rank it started
  });
  const tail = stderrTail(child);
  const outputs = [forwardOutput(child.stdout, process.stdout, ""), forwardOutput(child.stderr, process.stderr, "")];
  child.once("error", (error) => monitor.fail(new CommSetupError(`could not start mpiexec: ${error.message}`, { cause: error })));
  child.once("close", (code, signal) => {
    if (task === undefined && code === 0) for (let r = 0; r < n; r++) if (!monitor.isDone(r)) monitor.report(r, { type: "done", value: undefined, sent: 0, received: 0 });
    if (!monitor.done) monitor.fail(new CommSetupError(`mpiexec exited with ${code ?? signal} before every rank finished${tail() ? `:\n${tail()}` : ""}`));
  });
  try {
    return await monitor.result;
  } finally {
    stopListening();
    monitor.fail(new Error("stopped"));
    coordinator.close();
    // Give mpiexec a moment to end on its own (ranks exit when told), then stop its group.
    if (!(await settlesWithin(waitClose(child), MPIEXEC_GRACE_MS))) await terminate(child, { group: true, graceMs: MPIEXEC_GRACE_MS });
    await waitClose(child);
    await settlesWithin(Promise.allSettled(outputs), OUTPUT_DRAIN_MS);
  }
}
