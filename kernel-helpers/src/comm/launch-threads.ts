/**
 * Ranks as worker threads of this process: a MessageChannel per pair, shared-memory rings for
 * small messages (shm-ring.ts), the launcher's RunMonitor fed over each thread's parentPort.
 */
import path from "node:path";
import { MessageChannel, Worker } from "node:worker_threads";
import { settlesWithin } from "../base/deadline";
import { RankFailedError } from "./errors";
import { abortOn, OUTPUT_DRAIN_MS, prefix } from "./launch-common";
import type { MpirunOptions } from "./launch-options";
import { RunMonitor } from "./monitor";
import { forwardOutput } from "./output";
import type { RankTask } from "./rank-task";
import { allocateInbox } from "./shm-ring";

/** Worlds up to this size get shared-memory rings: n² × 64 KiB, 16 MiB at 16 ranks. */
const MAX_RING_RANKS = 16;

export async function runThreads(n: number, task: RankTask, options: MpirunOptions): Promise<unknown[]> {
  const monitor = new RunMonitor(n, { deadlockDetection: options.deadlockDetection ?? true, timeoutMs: options.timeoutMs });
  const stopListening = abortOn(options.signal, monitor);
  const ports: (import("node:worker_threads").MessagePort | undefined)[][] = Array.from({ length: n }, () => new Array(n));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const { port1, port2 } = new MessageChannel();
      ports[i]![j] = port1;
      ports[j]![i] = port2;
    }
  }
  // Shared-memory inboxes (64 KiB per pair) up to MAX_RING_RANKS ranks; bigger worlds use ports only.
  const inboxes = n <= MAX_RING_RANKS ? Array.from({ length: n }, () => allocateInbox(n)) : undefined;
  const workers: Worker[] = [];
  const outputs: Promise<void>[] = [];
  try {
    for (let rank = 0; rank < n; rank++) {
      const transfer = ports[rank]!.filter((p): p is import("node:worker_threads").MessagePort => p !== undefined);
      const worker = new Worker(path.join(__dirname, "thread-entry.js"), {
        workerData: { rank, size: n, task, ports: ports[rank], inboxes },
        transferList: transfer,
        stdout: true,
        stderr: true,
      });
      workers.push(worker);
      outputs.push(forwardOutput(worker.stdout, process.stdout, prefix(options, rank)));
      outputs.push(forwardOutput(worker.stderr, process.stderr, prefix(options, rank)));
      worker.on("message", (report) => monitor.report(rank, report));
      worker.on("error", (error) => monitor.fail(new RankFailedError(rank, `${error.name}: ${error.message}`, error.stack)));
      worker.on("exit", (code) => monitor.exited(rank, `its thread exited with code ${code} before it finished`));
    }
    return await monitor.result;
  } finally {
    stopListening();
    monitor.fail(new Error("stopped")); // no-op when settled; stops timers otherwise
    await Promise.all(workers.map((w) => w.terminate()));
    await settlesWithin(Promise.allSettled(outputs), OUTPUT_DRAIN_MS);
  }
}
