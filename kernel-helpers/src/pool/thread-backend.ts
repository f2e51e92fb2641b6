// ThreadPool's workers: piscina with one job per thread.
import path from "node:path";
import Piscina from "piscina";
import type { ResourceLimits } from "node:worker_threads";
import type { Backend, RunOptions } from "./backend";
import { PoolTerminatedError, WorkerExitError } from "./errors";
import type { Job, JobReply, WorkerSetup } from "./protocol";
import { decodeReply, encodeJob, RETIRED_EXIT_CODE, type WireJob, type WireReply } from "./protocol";

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

  // Promise chains rather than async functions: at chunksize 1 a no-op task costs a few
  // microseconds, and every extra async frame and options object on this path was measurable.
  run(job: Job, options?: RunOptions): Promise<JobReply> {
    this.inFlight++;
    return this.attempt(job, encodeJob(job), options);
  }

  private attempt(job: Job, wire: WireJob, options: RunOptions | undefined): Promise<JobReply> {
    const piscina = this.piscina;
    const runOptions =
      options?.transferList || options?.signal
        ? { transferList: options.transferList as ArrayBuffer[] | undefined, ...(options.signal ? { signal: options.signal } : {}) }
        : undefined;
    return piscina.run(wire, runOptions).then(
      (reply) => {
        this.settled();
        return decodeReply(reply as WireReply, job);
      },
      (error) => {
        if (this.interrupted.has(piscina)) {
          this.settled();
          throw new PoolTerminatedError("the task was cancelled by a kernel interrupt", { cause: error });
        }
        const mapped = this.mapError(error);
        if (mapped === "retry") return this.attempt(job, wire, options);
        this.settled();
        throw mapped;
      },
    );
  }

  private settled(): void {
    if (--this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
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
