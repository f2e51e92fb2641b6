// Worker side, shared by the thread and process workers: runs the initializer once and then jobs.
import { epochMs } from "../events";
import type { Job, JobReply, WorkerSetup } from "./protocol";
import { packNumbers, serializeError } from "./protocol";
import { reviveFunction } from "./ship";

/** Runs jobs for one worker; `workerId` is the thread id or pid. */
export class TaskRunner {
  private initialized: Promise<void> | undefined;
  private tasksDone = 0;

  constructor(
    private readonly setup: WorkerSetup,
    private readonly workerId: number,
  ) {}

  /** True once this worker has run its `maxTasks` jobs and should be replaced. */
  get retiring(): boolean {
    return this.setup.maxTasks > 0 && this.tasksDone >= this.setup.maxTasks;
  }

  async run(job: Job): Promise<JobReply> {
    const start = epochMs();
    const workerId = this.workerId;
    try {
      this.initialized ??= this.initialize();
      await this.initialized;
    } catch (error) {
      return { ok: false, error: serializeError(error), workerId, start, end: epochMs() };
    }
    const fn = reviveFunction(job.fn);
    const results = new Array<unknown>(job.items.length);
    for (let i = 0; i < job.items.length; i++) {
      const item = job.items[i];
      try {
        let value = job.star ? fn(...(item as unknown[])) : fn(item);
        if (value !== null && typeof (value as PromiseLike<unknown>)?.then === "function") value = await value;
        results[i] = value;
      } catch (error) {
        this.tasksDone++;
        return { ok: false, error: serializeError(error, i), workerId, start, end: epochMs() };
      }
    }
    this.tasksDone++;
    return { ok: true, results: packNumbers(results) as unknown[] | Float64Array, workerId, start, end: epochMs() };
  }

  private async initialize(): Promise<void> {
    if (this.setup.initializer) await reviveFunction(this.setup.initializer)(...this.setup.initargs);
  }
}
