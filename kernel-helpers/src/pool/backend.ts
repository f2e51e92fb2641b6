// The seam between a pool's Python-style API and the workers that run its jobs.
import type { Job, JobReply } from "./protocol";

/** Per-job options. */
export interface RunOptions {
  /** Buffers to move to the worker instead of copying (threads; ignored by processes). */
  readonly transferList?: readonly ArrayBuffer[];
  /** Aborting removes a queued job or stops the worker running it. */
  readonly signal?: AbortSignal;
}

/** Runs jobs on a fixed number of workers, replacing workers that die. */
export interface Backend {
  readonly size: number;
  /**
   * Resolves with the worker's reply (task errors included); rejects with `WorkerExitError` when
   * the worker died, `PoolTerminatedError` when aborted or terminated.
   */
  run(job: Job, options?: RunOptions): Promise<JobReply>;
  /** Lets queued jobs finish, then stops the workers. */
  close(): Promise<void>;
  /** Kernel interrupt: queued and running jobs reject with `PoolTerminatedError`; fresh workers take over. */
  interrupt(): void;
  /** Stops the workers now; queued and running jobs reject. */
  terminate(): Promise<void>;
}
