// ProcessPool's workers: forked Node processes, one job each at a time.
import { terminate } from "../base/terminate";
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { Backend, RunOptions } from "./backend";
import { PoolTerminatedError, WorkerExitError } from "./errors";
import type { Job, JobReply, WireReply, WorkerSetup } from "./protocol";
import { decodeReply, encodeJob } from "./protocol";

interface Pending {
  readonly job: Job;
  readonly resolve: (reply: JobReply) => void;
  readonly reject: (error: Error) => void;
  readonly signal?: AbortSignal;
  readonly onAbort?: () => void;
  aborted?: boolean;
}

interface Child {
  readonly process: ChildProcess;
  current?: Pending;
  jobId: number;
  tasksDone: number;
  exited: Promise<void>;
}

/** Grace period between SIGTERM and SIGKILL when stopping a child. */
const KILL_GRACE_MS = 1000;

export class ProcessBackend implements Backend {
  private readonly children = new Set<Child>();
  private readonly queue: Pending[] = [];
  private closing = false;
  private terminated = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    readonly size: number,
    private readonly setup: WorkerSetup,
  ) {
    for (let i = 0; i < size; i++) this.spawn();
  }

  run(job: Job, options: RunOptions = {}): Promise<JobReply> {
    if (this.terminated) return Promise.reject(new PoolTerminatedError("ProcessPool was terminated"));
    if (options.signal?.aborted) return Promise.reject(new PoolTerminatedError("the task was cancelled before it started"));
    return new Promise<JobReply>((resolve, reject) => {
      const pending: Pending = { job, resolve, reject, signal: options.signal };
      if (options.signal) {
        const onAbort = () => this.abort(pending);
        (pending as { onAbort?: () => void }).onAbort = onAbort;
        options.signal.addEventListener("abort", onAbort, { once: true });
      }
      this.queue.push(pending);
      this.dispatch();
    });
  }

  private spawn(): Child {
    const proc = fork(path.join(__dirname, "process-worker.js"), [], {
      serialization: "advanced",
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      // The worker is plain JS: do not inherit loaders such as `--import tsx`.
      execArgv: [],
    });
    // Pipe into the parent's streams so that in tslab the output shows up in the notebook.
    proc.stdout!.on("data", (chunk: Buffer) => process.stdout.write(chunk));
    proc.stderr!.on("data", (chunk: Buffer) => process.stderr.write(chunk));
    const child: Child = {
      process: proc,
      jobId: 0,
      tasksDone: 0,
      exited: new Promise((resolve) => proc.once("exit", () => resolve())),
    };
    proc.on("message", (message: { __kh?: string; id?: number; reply?: WireReply }) => {
      if (message?.__kh === "reply" && child.current && message.id === child.jobId) this.finish(child, decodeReply(message.reply!, child.current.job));
    });
    proc.once("exit", (code, signal) => this.onExit(child, code, signal));
    proc.on("error", () => undefined); // reported through "exit"
    proc.send({ __kh: "setup", setup: { ...this.setup, maxTasks: 0 } });
    this.children.add(child);
    this.setRef(child, false);
    return child;
  }

  // Idle children must not keep a script (or a kernel shutting down) alive.
  private setRef(child: Child, ref: boolean): void {
    const p = child.process as ChildProcess & { channel?: { ref(): void; unref(): void } };
    const streams = [p.stdout, p.stderr] as Array<(NodeJS.ReadableStream & { ref?(): void; unref?(): void }) | null>;
    if (ref) {
      p.ref();
      p.channel?.ref();
      for (const s of streams) (s as unknown as { _handle?: { ref?(): void } })?._handle?.ref?.();
    } else {
      p.unref();
      p.channel?.unref();
      for (const s of streams) (s as unknown as { _handle?: { unref?(): void } })?._handle?.unref?.();
    }
  }

  private dispatch(): void {
    for (const child of this.children) {
      if (this.queue.length === 0) break;
      if (child.current || !child.process.connected) continue;
      const pending = this.queue.shift()!;
      child.current = pending;
      child.jobId++;
      this.setRef(child, true);
      child.process.send({ __kh: "job", id: child.jobId, job: encodeJob(pending.job) }, (error) => {
        if (error && child.current === pending) {
          child.current = undefined;
          this.settle(pending, error);
          this.dispatch();
        }
      });
    }
    this.checkIdle();
  }

  private finish(child: Child, reply: JobReply): void {
    const pending = child.current!;
    child.current = undefined;
    child.tasksDone++;
    this.setRef(child, false);
    this.settle(pending, undefined, reply);
    if (this.setup.maxTasks > 0 && child.tasksDone >= this.setup.maxTasks) {
      // Retire: the child exits when its channel closes; a fresh one takes its place.
      this.children.delete(child);
      child.process.disconnect();
      if (!this.closing && !this.terminated) this.spawn();
    }
    this.dispatch();
  }

  private settle(pending: Pending, error?: Error, reply?: JobReply): void {
    if (pending.onAbort) pending.signal?.removeEventListener("abort", pending.onAbort);
    if (error) pending.reject(error);
    else pending.resolve(reply!);
  }

  private onExit(child: Child, code: number | null, signal: NodeJS.Signals | null): void {
    const wasMember = this.children.delete(child);
    const pending = child.current;
    child.current = undefined;
    if (pending) {
      const error =
        this.terminated || pending.aborted
          ? new PoolTerminatedError(this.terminated ? "ProcessPool was terminated before this task finished" : "the task was cancelled (interrupt or abort signal)")
          : new WorkerExitError(
              `a ProcessPool worker (pid ${child.process.pid}) ${signal ? `was killed by ${signal}` : `exited with code ${code}`} while running this task; it was replaced`,
              code,
              signal,
            );
      this.settle(pending, error);
    }
    if (wasMember && !this.terminated && !(this.closing && this.queue.length === 0)) this.spawn();
    this.dispatch();
  }

  private abort(pending: Pending): void {
    const index = this.queue.indexOf(pending);
    if (index >= 0) {
      this.queue.splice(index, 1);
      this.settle(pending, new PoolTerminatedError("the task was cancelled before it started (interrupt or abort signal)"));
      this.checkIdle();
      return;
    }
    for (const child of this.children) {
      if (child.current === pending) {
        pending.aborted = true;
        void this.kill(child);
      }
    }
  }

  private async kill(child: Child): Promise<void> {
    // Keep the event loop alive until the child is gone, so an awaited terminate() completes.
    this.setRef(child, true);
    await terminate(child.process, { graceMs: KILL_GRACE_MS });
    await child.exited;
  }

  private checkIdle(): void {
    if (this.queue.length > 0) return;
    for (const child of this.children) if (child.current) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  interrupt(): void {
    for (const pending of this.queue.splice(0)) this.settle(pending, new PoolTerminatedError("the task was cancelled by a kernel interrupt before it started"));
    for (const child of this.children) {
      if (child.current) {
        child.current.aborted = true;
        void this.kill(child);
      }
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await new Promise<void>((resolve) => {
      this.idleWaiters.push(resolve);
      this.checkIdle();
    });
    const children = [...this.children];
    this.children.clear();
    for (const child of children) {
      this.setRef(child, true);
      if (child.process.connected) child.process.disconnect();
    }
    await Promise.all(children.map((c) => c.exited));
  }

  async terminate(): Promise<void> {
    this.terminated = true;
    for (const pending of this.queue.splice(0)) this.settle(pending, new PoolTerminatedError("ProcessPool was terminated before this task started"));
    const children = [...this.children];
    await Promise.all(children.map((c) => this.kill(c)));
    this.children.clear();
    this.checkIdle();
  }
}
