// ThreadPool's workers: piscina with one job per thread.
import path from "node:path";
import Piscina from "piscina";
import type { ResourceLimits } from "node:worker_threads";
import type { Backend, RunOptions } from "./backend";
import { PoolTerminatedError, WorkerExitError } from "./errors";
import type { Job, JobReply, WorkerSetup } from "./protocol";
import { decodeReply, encodeJob, RETIRED_EXIT_CODE, type WireReply } from "./protocol";

export class ThreadBackend implements Backend {
  private piscina: Piscina;
  private terminated = false;
  /** Piscina instances destroyed by an interrupt: their tasks reject as interrupted. */
  private readonly interrupted = new WeakSet<Piscina>();

  constructor(
    readonly size: number,
    private readonly setup: WorkerSetup,
    private readonly resourceLimits: ResourceLimits | undefined,
  ) {
    this.piscina = this.create();
  }

  private create(): Piscina {
    const { size, setup, resourceLimits } = this;
    const piscina = new Piscina({
      filename: path.join(__dirname, "thread-worker.js"),
      minThreads: size,
      maxThreads: size,
      concurrentTasksPerWorker: 1,
      workerData: setup,
      ...(resourceLimits ? { resourceLimits } : {}),
      // The pool records its own task events; piscina's histograms would only cost time.
      recordTiming: false,
    });
    // A worker dying with no task on it is replaced; swallow the event so it is not "unhandled".
    piscina.on("error", () => undefined);
    return piscina;
  }

  interrupt(): void {
    // piscina has no "cancel everything": destroy this instance (its tasks reject) and start anew.
    // Cheaper than an AbortSignal per task, which costs piscina a listener each.
    const old = this.piscina;
    this.interrupted.add(old);
    this.piscina = this.create();
    void old.destroy();
  }

  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  async run(job: Job, options: RunOptions = {}): Promise<JobReply> {
    this.inFlight++;
    try {
      return await this.runOnce(job, options);
    } finally {
      if (--this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private async runOnce(job: Job, options: RunOptions): Promise<JobReply> {
    for (;;) {
      const piscina = this.piscina;
      try {
        return decodeReply((await piscina.run(encodeJob(job), {
          transferList: options.transferList as ArrayBuffer[] | undefined,
          ...(options.signal ? { signal: options.signal } : {}),
        })) as WireReply);
      } catch (error) {
        if (this.interrupted.has(piscina)) throw new PoolTerminatedError("the task was cancelled by a kernel interrupt", { cause: error });
        const mapped = this.mapError(error);
        if (mapped === "retry") continue;
        throw mapped;
      }
    }
  }

  private mapError(error: unknown): Error | "retry" {
    const err = error as Error & { code?: string };
    if (this.terminated) return new PoolTerminatedError("ThreadPool was terminated before this task finished", { cause: err });
    if (err?.name === "AbortError") return new PoolTerminatedError("the task was cancelled (interrupt or abort signal)", { cause: err });
    if (err?.code === "ERR_WORKER_OUT_OF_MEMORY") {
      return new WorkerExitError(
        `a ThreadPool worker ran out of memory (resourceLimits) while running this task; it was replaced`,
        null,
        null,
        { cause: err },
      );
    }
    const exit = /worker exited with code: (-?\d+)/.exec(err?.message ?? "");
    if (exit) {
      const code = Number(exit[1]);
      if (code === RETIRED_EXIT_CODE) return "retry";
      return new WorkerExitError(`a ThreadPool worker exited with code ${code} while running this task; it was replaced`, code, null, {
        cause: err,
      });
    }
    return err;
  }

  async close(): Promise<void> {
    // piscina.close() waits for running tasks only; Python's close() lets queued ones run too.
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await this.piscina.close();
  }

  async terminate(): Promise<void> {
    this.terminated = true;
    await this.piscina.destroy();
  }
}
