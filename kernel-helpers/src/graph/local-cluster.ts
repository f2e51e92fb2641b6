/**
 * `startLocalCluster()`: a Redis server and `kernel-helpers worker` processes on this machine, for
 * the 'cluster' scheduler in a notebook (07) or a test. Redis gets a generated password, since its
 * workers run function source taken from the queue: without one any local user could run code in
 * them. The password travels in Redis's config on its stdin and in the workers' environment
 * (readable only by this user), never on a command line that `ps` shows.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import net from "node:net";
import path from "node:path";
import { withDeadline } from "../base/deadline";
import { terminate } from "../base/terminate";
import { InvalidArgumentError, describeValue } from "../errors";
import { ClusterError } from "./errors";
import { probeRedis } from "./executors/redis-probe";

export interface LocalClusterOptions {
  /** Worker processes. @default 2 */
  readonly workers?: number;
  /** Tasks each worker runs at once. @default 1 */
  readonly concurrency?: number;
  /** How long Redis and the workers may take to start. @default 15000 */
  readonly startTimeoutMs?: number;
}

export interface LocalCluster {
  /** The Redis URL, password included: pass it as `compute({ scheduler: "cluster", redis: cluster.url })`. */
  readonly url: string;
  /** The workers' process ids. */
  readonly workerPids: number[];
  /** The process id of the Node process that supervises redis-server (it dies with this process). */
  readonly redisSupervisorPid: number;
  /** Stops the workers, then Redis. */
  close(): Promise<void>;
}

/** Whether `redis-server` is on PATH. */
export function redisServerAvailable(): boolean {
  return spawnSync("redis-server", ["--version"]).status === 0;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.once("error", reject);
  });
}

function count(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 64) throw new InvalidArgumentError(`Expected \`${name}\` to be an integer 1…64, got ${describeValue(value)}`);
  return value as number;
}

/** Waits until Redis answers PING with the password. */
async function redisReady(address: { host: string; port: number; password: string }, redis: ChildProcess): Promise<void> {
  for (;;) {
    if (redis.exitCode !== null) throw new ClusterError(`redis-server exited with code ${redis.exitCode} before it answered`);
    try {
      return await probeRedis(address, 1000);
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Resolves once `worker` printed its ready line. */
function workerReady(worker: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = "";
    worker.stdout!.on("data", (chunk: Buffer) => {
      out += chunk;
      if (out.includes(" ready:")) resolve();
    });
    worker.once("exit", (code) => reject(new ClusterError(`a kernel-helpers worker exited with code ${code} before it was ready`)));
  });
}

/** Starts Redis (with a generated password) and `workers` worker processes on this machine. */
export async function startLocalCluster(options: LocalClusterOptions = {}): Promise<LocalCluster> {
  const workers = count(options.workers, "workers", 2);
  const concurrency = count(options.concurrency, "concurrency", 1);
  if (!redisServerAvailable()) throw new ClusterError("startLocalCluster: redis-server is not installed (apt install redis-server)");
  const port = await freePort();
  const password = crypto.randomBytes(24).toString("hex");
  // Through a supervisor that kills Redis if this process dies (redis-supervisor.ts); "-" makes
  // redis-server read its config from stdin, so the password stays off its command line.
  const redis = spawn(process.execPath, [path.join(__dirname, "redis-supervisor.js")], { stdio: ["pipe", "ignore", "inherit"] });
  redis.stdin!.end([`port ${port}`, "bind 127.0.0.1", "protected-mode yes", `requirepass ${password}`, 'save ""', "appendonly no", ""].join("\n"));
  const children: ChildProcess[] = [];
  const close = async () => {
    await Promise.all(children.map((c) => terminate(c)));
    await terminate(redis);
  };
  const url = `redis://:${password}@127.0.0.1:${port}`;
  try {
    const timeout = options.startTimeoutMs ?? 15_000;
    await withDeadline(redisReady({ host: "127.0.0.1", port, password }, redis), timeout, () => new ClusterError(`redis-server did not answer within ${timeout} ms`));
    const cli = path.join(__dirname, "..", "cli.js");
    for (let i = 0; i < workers; i++) {
      const worker = spawn(process.execPath, [cli, "worker", "--concurrency", String(concurrency)], {
        env: { ...process.env, KERNEL_HELPERS_REDIS: url, KERNEL_HELPERS_DIE_WITH_PARENT: "1" },
        stdio: ["ignore", "pipe", "inherit"],
      });
      children.push(worker);
    }
    await withDeadline(Promise.all(children.map(workerReady)), timeout, () => new ClusterError(`the workers were not ready within ${timeout} ms`));
  } catch (error) {
    await close();
    throw error;
  }
  return { url, workerPids: children.map((c) => c.pid!), redisSupervisorPid: redis.pid!, close };
}
