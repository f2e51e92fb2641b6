/**
 * The 'threads' and 'processes' executors: a `ThreadPool` / `ProcessPool` from `../pool` runs the
 * tasks. Tasks submitted in the same tick travel together, split into one batch per worker, so a
 * graph of tiny tasks pays one message round trip per batch instead of per task.
 */
import path from "node:path";
import { epochMs } from "../../events";
import { ProcessPool, ThreadPool } from "../../pool";
import { moduleTask, shipFunction } from "../../pool/ship";
import type { ShippedOutcome, ShippedTask } from "../run-task";
import type { GraphExecutor, ReadyTask, TaskOutcome } from "../scheduler";

const RUNNER = moduleTask(path.join(__dirname, "..", "run-task.js"), "runGraphBatch");

interface Pending {
  readonly task: ReadyTask;
  readonly resolve: (outcome: TaskOutcome) => void;
}

/**
 * @param kind which pool.
 * @param workers pool size. @default cpuCount()
 * @param inFlightPerWorker tasks kept submitted per worker, so a worker never waits for the
 *   scheduler between tasks. @default 2
 */
export async function poolExecutor(kind: "threads" | "processes", workers?: number, inFlightPerWorker = 2): Promise<GraphExecutor> {
  const pool = kind === "threads" ? new ThreadPool(workers) : new ProcessPool(workers);
  const what = `compute(scheduler: "${kind}")`;
  let pending: Pending[] = [];
  let flushing = false;

  const send = (batch: Pending[]): void => {
    const shipped: ShippedTask[] = [];
    const ready: Pending[] = [];
    for (const p of batch) {
      try {
        shipped.push({ fn: shipFunction(p.task.fn, `${what} task ${p.task.label}`), args: p.task.args });
        ready.push(p);
      } catch (error) {
        const now = epochMs();
        p.resolve({ ok: false, error, start: now, end: now, workerId: "main" });
      }
    }
    if (ready.length === 0) return;
    pool.apply(RUNNER, [shipped]).then(
      (outcomes) => {
        (outcomes as ShippedOutcome[]).forEach((o, i) => ready[i]!.resolve(o as TaskOutcome));
      },
      (error: unknown) => {
        const now = epochMs();
        for (const p of ready) p.resolve({ ok: false, error, start: now, end: now, workerId: kind });
      },
    );
  };

  const flush = (): void => {
    flushing = false;
    const all = pending;
    pending = [];
    const n = Math.min(pool.processes, all.length);
    const size = Math.ceil(all.length / n);
    for (let i = 0; i < all.length; i += size) send(all.slice(i, i + size));
  };

  return {
    name: kind,
    capacity: pool.processes * inFlightPerWorker,
    submit(task) {
      return new Promise<TaskOutcome>((resolve) => {
        pending.push({ task, resolve });
        if (!flushing) {
          flushing = true;
          queueMicrotask(flush);
        }
      });
    },
    async close() {
      pool.close();
      await pool.join();
    },
  };
}
