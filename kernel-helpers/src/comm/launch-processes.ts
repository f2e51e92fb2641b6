/**
 * Ranks as child processes of this one: a TcpCoordinator on loopback, the ranks' peer sockets and
 * /dev/shm files in a run folder named after this process (run-folder.ts), every child stopped
 * and the folder removed when the run ends.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { settlesWithin } from "../base/deadline";
import { terminate } from "../base/terminate";
import { CommSetupError } from "./errors";
import { abortOn, OUTPUT_DRAIN_MS, prefix, stderrTail, waitClose } from "./launch-common";
import type { MpirunOptions } from "./launch-options";
import { forwardOutput } from "./output";
import { makeRunFolder } from "./run-folder";
import { TcpCoordinator } from "./tcp-coordinator";

export async function runProcesses(n: number, script: string, args: string[], task: unknown, options: MpirunOptions): Promise<unknown[]> {
  const coordinator = await TcpCoordinator.start({
    size: n,
    task,
    deadlockDetection: options.deadlockDetection ?? true,
    timeoutMs: options.timeoutMs,
    onDisconnect: () => {}, // the child's exit explains it better (exit code, stderr)
    ranksExplain: false,
  });
  const monitor = coordinator.monitor;
  const stopListening = abortOn(options.signal, monitor);
  const children: ChildProcess[] = [];
  const outputs: Promise<void>[] = [];
  // All ranks on this host: peers talk over Unix sockets in a private folder (about twice the
  // speed of TCP loopback), in memory-backed /dev/shm when there is one, where big arrays also
  // take file lanes (file-lane.ts); the coordinator stays on TCP. Named with our PID, so the next
  // launch can remove it if this process dies before its `finally` (run-folder.ts).
  const socketDir = makeRunFolder();
  try {
    for (let rank = 0; rank < n; rank++) {
      const child = spawn(process.execPath, [script, ...args], {
        env: { ...process.env, KH_COMM_COORD: `127.0.0.1:${coordinator.port}`, KH_COMM_RANK: String(rank), KH_COMM_SIZE: String(n), KH_COMM_BIND: `unix:${socketDir}` },
        stdio: ["ignore", "pipe", "pipe"],
      });
      children.push(child);
      const tail = stderrTail(child);
      outputs.push(forwardOutput(child.stdout, process.stdout, prefix(options, rank)));
      outputs.push(forwardOutput(child.stderr, process.stderr, prefix(options, rank)));
      child.once("error", (error) => monitor.fail(new CommSetupError(`could not start rank ${rank}: ${error.message}`, { cause: error })));
      child.once("close", (code, signal) => {
        if (code === 0 && task === undefined) {
          // A program that ended with process.exit(0) never said done: its clean exit says it.
          if (!monitor.isDone(rank)) monitor.report(rank, { type: "done", value: undefined, sent: 0, received: 0 });
        }
        else monitor.exited(rank, `its process exited with ${code ?? signal} before it finished${tail() ? `:\n${tail()}` : ""}`);
      });
    }
    return await monitor.result;
  } finally {
    stopListening();
    monitor.fail(new Error("stopped"));
    coordinator.close();
    await Promise.all(children.map((c) => terminate(c)));
    await Promise.all(children.map(waitClose));
    await settlesWithin(Promise.allSettled(outputs), OUTPUT_DRAIN_MS);
    fs.rmSync(socketDir, { recursive: true, force: true });
  }
}
