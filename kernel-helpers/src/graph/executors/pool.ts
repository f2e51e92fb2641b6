/**
 * The 'threads' and 'processes' executors: a `ThreadPool` / `ProcessPool` from `../pool` runs the
 * tasks. Short tasks submitted in the same tick travel together, split into one batch per worker, so
 * a graph of tiny tasks pays one message round trip per batch instead of per task; long ones go one
 * by one, for the pool to balance.
 *
 * How many tasks to keep submitted adapts to how long tasks take (dask's local scheduler has a
 * fixed `chunksize`; a fixed number is either too small for no-ops or too big for 32 MiB chunks):
 * enough per worker to cover about {@link BATCH_MS} of work, at least 2 (so a worker never waits
 * for the scheduler between tasks) and at most {@link MAX_PER_WORKER}. It starts at 2 per worker,
 * so big tasks never pile up before the first durations are known. Whether tasks may share a batch
 * is decided per task label (the function's name): a label not yet timed counts as long, so a new
 * kind of task after many tiny ones is not tied to a worker.
 */
import path from "node:path";
import { epochMs } from "../../events";
import { ProcessPool, ThreadPool, type Pool } from "../../pool";
import { isModuleTask, moduleTask, shipFunction, type ModuleTask, type ShippedFunction } from "../../ship/ship";
import type { ShippedBatch, ShippedOutcomes } from "../run-task";
import type { GraphExecutor, ReadyTask, TaskOutcome } from "../scheduler";
import type { TaskFunction } from "../spec";

const RUNNER = moduleTask(path.join(__dirname, "..", "run-task.js"), "runGraphBatch");

/** Work per worker the scheduler aims to keep queued, in ms of measured task time. */
const BATCH_MS = 2;
/** Cap on tasks queued per worker (bounds a batch's message size and the results held). */
const MAX_PER_WORKER = 256;
/** Floor: one running, one waiting. */
const MIN_PER_WORKER = 2;

interface Pending {
  readonly task: ReadyTask;
  readonly resolve: (outcome: TaskOutcome) => void;
}

/**
 * @param kind which pool.
 * @param workers pool size. @default cpuCount()
 * @param shared a pool owned elsewhere (the shared cache): the executor runs on it and `close()`
 *   leaves it running.
 */
export async function poolExecutor(kind: "threads" | "processes", workers?: number, shared?: Pool): Promise<GraphExecutor> {
  const pool = shared ?? (kind === "threads" ? new ThreadPool(workers) : new ProcessPool(workers));
  const what = `compute(scheduler: "${kind}")`;
  // shipFunction checks a module file exists on every call; tasks reuse a few ModuleTask objects.
  const shippedModules = new WeakMap<ModuleTask, ShippedFunction>();
  const ship = (fn: TaskFunction, label: string): ShippedFunction => {
    if (!isModuleTask(fn)) return shipFunction(fn, `${what} task ${label}`);
    let s = shippedModules.get(fn);
    if (!s) shippedModules.set(fn, (s = shipFunction(fn, `${what} task ${label}`)));
    return s;
  };
  let pending: Pending[] = [];
  let flushing = false;
  // Mean task time (ms), smoothed; starts high so the first tasks go out 2 per worker.
  let meanMs = BATCH_MS;
  let perWorker = MIN_PER_WORKER;
  /** Mean time (ms) of each task label seen so far, smoothed. */
  const labelMs = new Map<string, number>();

  const learn = (batch: readonly Pending[], times: Float64Array): void => {
    const n = times.length / 2;
    if (n === 0) return;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const ms = times[2 * i + 1]! - times[2 * i]!;
      total += ms;
      const label = batch[i]!.task.label;
      const before = labelMs.get(label);
      labelMs.set(label, before === undefined ? ms : before + (ms - before) / 8);
    }
    const weight = Math.min(1, n / 16);
    meanMs += weight * (total / n - meanMs);
    perWorker = Math.max(MIN_PER_WORKER, Math.min(MAX_PER_WORKER, Math.floor(BATCH_MS / Math.max(meanMs, 1e-6))));
  };
  const isShort = (p: Pending): boolean => (labelMs.get(p.task.label) ?? Infinity) < BATCH_MS;

  const send = (batch: Pending[]): void => {
    const fns: ShippedFunction[] = [];
    const index = new Map<ShippedFunction, number>();
    const fnIndex: number[] = [];
    const args: (readonly unknown[])[] = [];
    const ready: Pending[] = [];
    for (const p of batch) {
      let shipped: ShippedFunction;
      try {
        shipped = ship(p.task.fn, p.task.label);
      } catch (error) {
        const now = epochMs();
        p.resolve({ ok: false, error, start: now, end: now, workerId: "main" });
        continue;
      }
      let i = index.get(shipped);
      if (i === undefined) {
        i = fns.push(shipped) - 1;
        index.set(shipped, i);
      }
      fnIndex.push(i);
      args.push(p.task.args);
      ready.push(p);
    }
    if (ready.length === 0) return;
    const wire: ShippedBatch = [fns, fnIndex, args];
    pool.apply(RUNNER, [wire]).then(
      (reply) => {
        const [workerId, values, times, errors] = reply as ShippedOutcomes;
        learn(ready, times);
        const failed = new Map(errors);
        for (let i = 0; i < ready.length; i++) {
          const start = times[2 * i]!;
          const end = times[2 * i + 1]!;
          ready[i]!.resolve(failed.has(i) ? { ok: false, error: failed.get(i), start, end, workerId } : { ok: true, value: values[i], start, end, workerId });
        }
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
    // Short tasks travel in one batch per worker; long or not yet timed ones go one by one, so the
    // pool hands each to whichever worker frees first (a batch would tie a long task's successor to
    // its worker while another worker idles).
    const n = Math.min(pool.processes, all.length);
    const size = all.every(isShort) ? Math.ceil(all.length / n) : 1;
    for (let i = 0; i < all.length; i += size) send(all.slice(i, i + size));
  };

  return {
    name: kind,
    get capacity() {
      return pool.processes * perWorker;
    },
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
      if (shared) return;
      pool.close();
      await pool.join();
    },
  };
}
