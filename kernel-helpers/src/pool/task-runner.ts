// Worker side, shared by the thread and process workers: runs the initializer once and then jobs.
import { epochMs } from "../events";
import type { Job, JobReply, WorkerSetup } from "./protocol";
import { serializeError } from "../ship/serialize-error";
import { findUncloneable } from "../ship/uncloneable";
import { resultNotCloneable } from "./errors";
import { packNumbers } from "./protocol";
import { reviveFunction } from "../ship/ship";
import { isThenable } from "../thenable";

type TaskFunction = (...args: any[]) => unknown;

/** True when a successful reply holds a value structured clone cannot carry (packed numbers never do). */
export function holdsUncloneable(reply: JobReply): boolean {
  return reply.ok && Array.isArray(reply.results) && findUncloneable(reply.results) !== undefined;
}

/** Runs jobs for one worker; `workerId` is the thread id or pid. */
export class TaskRunner {
  private initialized: Promise<void> | undefined;
  /** Set once the initializer has run: from then on a job of synchronous tasks is answered synchronously. */
  private ready: boolean;
  private tasksDone = 0;

  constructor(
    private readonly setup: WorkerSetup,
    private readonly workerId: number,
  ) {
    this.ready = setup.initializer === undefined;
  }

  /** True once this worker has run its `maxTasks` jobs and should be replaced. */
  get retiring(): boolean {
    return this.setup.maxTasks > 0 && this.tasksDone >= this.setup.maxTasks;
  }

  /**
   * Runs `job`'s items in order. Synchronous when every task is: a chunksize-1 no-op is a few
   * microseconds, and each promise and microtask on this path showed up in its cost.
   */
  run(job: Job): JobReply | Promise<JobReply> {
    const start = epochMs();
    return this.ready ? this.runFrom(job, start) : this.initializeThenRun(job, start);
  }

  private async initializeThenRun(job: Job, start: number): Promise<JobReply> {
    try {
      this.initialized ??= this.initialize();
      await this.initialized;
      this.ready = true;
    } catch (error) {
      return { ok: false, error: serializeError(error), workerId: this.workerId, start, end: epochMs() };
    }
    return this.runFrom(job, start);
  }

  private runFrom(job: Job, start: number): JobReply | Promise<JobReply> {
    const fn = reviveFunction(job.fn);
    const { items, star } = job;
    const results = new Array<unknown>(items.length);
    for (let i = 0; i < items.length; i++) {
      let value: unknown;
      try {
        value = star ? fn(...(items[i] as unknown[])) : fn(items[i]);
      } catch (error) {
        return this.failed(error, i, start);
      }
      if (isThenable(value)) return this.finishAsync(job, fn, results, i, value, start);
      results[i] = value;
    }
    return this.succeeded(results, start);
  }

  /** The rest of a job once one of its tasks returned a promise. */
  private async finishAsync(job: Job, fn: TaskFunction, results: unknown[], from: number, pending: unknown, start: number): Promise<JobReply> {
    const { items, star } = job;
    let value = pending;
    for (let i = from; ; ) {
      try {
        results[i] = await value;
        if (++i >= items.length) break;
        value = star ? fn(...(items[i] as unknown[])) : fn(items[i]);
      } catch (error) {
        return this.failed(error, i, start);
      }
    }
    return this.succeeded(results, start);
  }

  private succeeded(results: unknown[], start: number): JobReply {
    this.tasksDone++;
    return { ok: true, results: packNumbers(results) as unknown[] | Float64Array, workerId: this.workerId, start, end: epochMs() };
  }

  private failed(error: unknown, index: number, start: number): JobReply {
    this.tasksDone++;
    return { ok: false, error: serializeError(error, index), workerId: this.workerId, start, end: epochMs() };
  }

  /** The reply that replaces `reply` when its results cannot be sent: which value and why. */
  uncloneable(reply: JobReply, cause?: unknown): JobReply {
    const results = reply.ok && Array.isArray(reply.results) ? reply.results : [];
    const error = resultNotCloneable(results, cause);
    return { ok: false, error: serializeError(error, (error as { index?: number }).index), workerId: this.workerId, start: reply.start, end: reply.end };
  }

  private async initialize(): Promise<void> {
    if (this.setup.initializer) await reviveFunction(this.setup.initializer)(...this.setup.initargs);
  }
}
