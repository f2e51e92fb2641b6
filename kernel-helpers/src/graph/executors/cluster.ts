/**
 * The 'cluster' executor: each ready task becomes a BullMQ job on Redis; `kernel-helpers worker`
 * processes on any machine take jobs, run them and return the outcome, which arrives back here
 * through BullMQ's queue events. BullMQ does the hard distributed parts: a job whose worker dies
 * keeps its lock only until `lockDuration`, then another worker's stalled-job check puts it back on
 * the queue (up to the workers' `maxStalledCount`), after which the job fails and so does the compute.
 */
import { Job, Queue, QueueEvents } from "bullmq";
import { settlesWithin, withDeadline } from "../../base/deadline";
import { epochMs } from "../../events";
import { shipFunction } from "../../ship/ship";
import { ClusterError } from "../errors";
import type { GraphExecutor, ReadyTask, TaskOutcome } from "../scheduler";
import { DEFAULT_QUEUE, decode, encode, redisConnection, type WireOutcome } from "../wire";
import type { GraphExecutorOptions } from "./index";
import { probeRedis } from "./redis-probe";

const CONNECT_TIMEOUT_MS = 5000;
/**
 * How often a waiting task also asks Redis for its job's state. BullMQ's completion events can be
 * missed (a run here waited forever on a job Redis listed as completed; its maintainers advise
 * against relying on `waitUntilFinished` alone), so the state is checked now and then too.
 */
const STATE_POLL_MS = 1000;

/** How long closing the queue connections may take when Redis has gone away meanwhile. */
const CLOSE_TIMEOUT_MS = 2000;

/** Where a URL points, without its password (for messages). */
function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(not a URL)";
  }
}

/** An executor that runs tasks on `kernel-helpers worker` processes through Redis. */
export async function clusterExecutor(options: GraphExecutorOptions): Promise<GraphExecutor> {
  const url = options.redis ?? process.env.KERNEL_HELPERS_REDIS;
  if (!url) {
    throw new ClusterError(`compute: the "cluster" scheduler needs a Redis URL: pass { redis: "redis://host:port" } or set KERNEL_HELPERS_REDIS`);
  }
  let connection: ReturnType<typeof redisConnection>;
  try {
    connection = redisConnection(url);
  } catch (error) {
    throw new ClusterError(`compute: options.redis is not a redis:// URL, received ${JSON.stringify(redacted(url))}`, error);
  }
  const where = redacted(url);
  // Before BullMQ sees the address: its connections report a failure to connect as an 'error'
  // event after they are closed, which would kill the process (redis-probe.ts).
  try {
    await probeRedis(connection, CONNECT_TIMEOUT_MS);
  } catch (error) {
    throw new ClusterError(`compute: cannot reach Redis at ${where} (cluster scheduler): ${(error as Error).message}`, error);
  }
  const name = options.queue ?? DEFAULT_QUEUE;
  // Fail fast instead of letting ioredis retry forever against a wrong address.
  const quick = { ...connection, retryStrategy: (times: number) => (times > 3 ? null : 200) };
  const queue = new Queue(name, { connection: quick });
  const events = new QueueEvents(name, { connection: quick });
  queue.on("error", () => {}); // surfaced through the timeout / job promises instead
  events.on("error", () => {});
  events.setMaxListeners(0);
  queue.setMaxListeners(0);
  const close = async () => {
    // With Redis gone a graceful quit never completes: give up waiting (the sockets are unref'd).
    await settlesWithin(Promise.allSettled([events.close(), queue.close()]), CLOSE_TIMEOUT_MS);
  };
  try {
    await withDeadline(Promise.all([queue.waitUntilReady(), events.waitUntilReady()]), CONNECT_TIMEOUT_MS, () => new ClusterError(`compute: cannot reach Redis at ${where} (cluster scheduler)`));
  } catch (error) {
    await close();
    throw error instanceof ClusterError ? error : new ClusterError(`compute: cannot reach Redis at ${where}: ${(error as Error).message}`, error);
  }

  /** The job's return value once it completes (by event or by polling its state); rejects if it fails. */
  async function finished(job: Job): Promise<string> {
    let waiting = true;
    const byEvent = job.waitUntilFinished(events) as Promise<string>;
    const byPolling = (async (): Promise<string> => {
      while (waiting) {
        await new Promise((r) => setTimeout(r, STATE_POLL_MS));
        if (!waiting) break;
        const state = await queue.getJobState(job.id!);
        if (state !== "completed" && state !== "failed") continue;
        const done = await Job.fromId(queue, job.id!);
        if (state === "completed") return done?.returnvalue as string;
        throw new Error(done?.failedReason || `job ${job.id} failed`);
      }
      return new Promise<never>(() => {});
    })();
    try {
      return await Promise.race([byEvent, byPolling]);
    } finally {
      waiting = false;
      byEvent.catch(() => undefined);
      byPolling.catch(() => undefined);
    }
  }

  async function submit(task: ReadyTask): Promise<TaskOutcome> {
    const submitted = epochMs();
    try {
      const fn = shipFunction(task.fn, `compute(scheduler: "cluster") task ${task.label}`);
      const job = await queue.add(task.label, { payload: encode({ fn, args: task.args }), key: task.key }, {
        removeOnComplete: { age: 600 },
        removeOnFail: { age: 3600 },
      });
      const returned = await finished(job);
      return decode<WireOutcome>(returned);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const lost = /stalled/i.test(reason);
      const message = lost
        ? `task ${JSON.stringify(task.key)} was lost with its worker too many times (${reason}); is a worker crashing on it?`
        : `task ${JSON.stringify(task.key)} could not run on the cluster: ${reason}`;
      return { ok: false, error: new ClusterError(message, error), start: submitted, end: epochMs(), workerId: "cluster" };
    }
  }

  return { name: "cluster", capacity: Math.max(1, options.workers ?? 64), submit, close };
}
