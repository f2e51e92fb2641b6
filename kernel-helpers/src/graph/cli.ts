/**
 * `npx kernel-helpers worker --redis URL [--concurrency N] [--queue NAME] [--lock-duration MS]
 * [--stalled-interval MS]`: serves the 'cluster' scheduler from this machine until SIGINT/SIGTERM.
 * Start as many as you like, on any machines that reach the Redis server.
 */
import os from "node:os";
import { Worker } from "bullmq";
import { settlesWithin } from "../base/deadline";
import { dieWithParent } from "../base/parent-watch";
import { epochMs } from "../events";
import { reviveFunction } from "../ship/ship";
import { probeRedis } from "./executors/redis-probe";
import { DEFAULT_QUEUE, decode, encode, redisConnection, type TaskBody, type WireOutcome } from "./wire";

/** How long a stopping worker waits for its running tasks and a clean disconnect before it leaves anyway. */
const STOP_GRACE_MS = 3000;
const CONNECT_TIMEOUT_MS = 5000;

const USAGE = `usage: kernel-helpers worker --redis URL [--concurrency N] [--queue NAME] [--lock-duration MS] [--stalled-interval MS]

  --redis URL            redis://host:port of the scheduler's Redis; with a password, prefer the
                         environment: KERNEL_HELPERS_REDIS=redis://:PASSWORD@host:port (a command
                         line is visible to every local user in ps)
  --concurrency N        tasks run at once in this process (default 1)
  --queue NAME           queue to serve (default ${DEFAULT_QUEUE})
  --lock-duration MS     a task whose worker went silent this long is given to another (default 30000)
  --stalled-interval MS  how often this worker looks for such tasks (default 30000)`;

function parse(args: string[]): Map<string, string> | string {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--help" || a === "-h") return "help";
    if (!a.startsWith("--")) return `unexpected argument ${JSON.stringify(a)}`;
    const eq = a.indexOf("=");
    if (eq > 0) out.set(a.slice(2, eq), a.slice(eq + 1));
    else {
      const value = args[++i];
      if (value === undefined) return `${a} needs a value`;
      out.set(a.slice(2), value);
    }
  }
  return out;
}

function positive(opts: Map<string, string>, name: string, fallback: number): number {
  const raw = opts.get(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, received ${JSON.stringify(raw)}`);
  return n;
}

/** Runs one decoded task; user errors come back as data (they are not retried, like dask's). */
async function runJob(payload: string, workerId: string): Promise<string> {
  const start = epochMs();
  let outcome: WireOutcome;
  try {
    const body = decode<TaskBody>(payload);
    const fn = reviveFunction(body.fn);
    const value = await fn(...body.args);
    outcome = { ok: true, value, start, end: epochMs(), workerId };
  } catch (error) {
    outcome = { ok: false, error, start, end: epochMs(), workerId };
  }
  try {
    return encode(outcome);
  } catch (error) {
    return encode({ ok: false, error: new Error(`the task's result cannot be sent back (${(error as Error).message})`), start, end: epochMs(), workerId });
  }
}

/** The `worker` command. */
export async function main(args: string[]): Promise<number> {
  const opts = parse(args);
  if (opts === "help") {
    console.log(USAGE);
    return 0;
  }
  if (typeof opts === "string") {
    console.error(`kernel-helpers worker: ${opts}\n\n${USAGE}`);
    return 2;
  }
  const url = opts.get("redis") ?? process.env.KERNEL_HELPERS_REDIS;
  if (!url) {
    console.error(`kernel-helpers worker: --redis URL is required\n\n${USAGE}`);
    return 2;
  }
  const concurrency = positive(opts, "concurrency", 1);
  const lockDuration = positive(opts, "lock-duration", 30_000);
  const stalledInterval = positive(opts, "stalled-interval", 30_000);
  const queue = opts.get("queue") ?? DEFAULT_QUEUE;
  if (opts.has("redis") && new URL(url).password) {
    console.error("kernel-helpers worker: warning: the Redis password on the command line is visible to every local user (ps); pass it in KERNEL_HELPERS_REDIS instead");
  }
  // Started by startLocalCluster (a notebook): no worker outlives its kernel.
  if (process.env.KERNEL_HELPERS_DIE_WITH_PARENT === "1") dieWithParent();
  const workerId = `${os.hostname()}:${process.pid}`;
  // Stop on the first SIGINT/SIGTERM, even before Redis answered.
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  process.once("SIGINT", () => stop());
  process.once("SIGTERM", () => stop());
  const connection = redisConnection(url);
  try {
    await probeRedis(connection, CONNECT_TIMEOUT_MS);
  } catch (error) {
    console.error(`kernel-helpers worker: cannot reach Redis at ${url.replace(/\/\/([^@/]*)@/, "//***@")}: ${(error as Error).message}`);
    return 1;
  }
  const worker = new Worker(queue, (job) => runJob((job.data as { payload: string }).payload, workerId), {
    connection,
    concurrency,
    lockDuration,
    stalledInterval,
    maxStalledCount: 2,
  });
  worker.on("error", (error) => console.error(`kernel-helpers worker ${workerId}: ${error.message}`));
  const ready = worker.waitUntilReady().then(() => {
    console.log(`kernel-helpers worker ${workerId} ready: queue ${queue} on ${connection.host}:${connection.port}, concurrency ${concurrency}`);
  });
  ready.catch(() => {});
  await Promise.race([stopped, ready.then(() => stopped)]);
  // A clean close waits for running tasks and for Redis to acknowledge; with Redis gone it would
  // wait for reconnection attempts (a minute), and the tasks could not report anyway: then force
  // it at once. Either way, leave after a bounded time (the command's caller exits the process).
  const reachable = await probeRedis(connection, 500).then(() => true, () => false);
  if (!reachable || !(await settlesWithin(worker.close(), STOP_GRACE_MS))) await settlesWithin(worker.close(true), 1000);
  return 0;
}
