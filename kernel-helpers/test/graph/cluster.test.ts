// The 'cluster' scheduler against a real redis-server and real `kernel-helpers worker` processes.
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { ClusterError, TaskFailedError, compute, da, delayed, type TaskEvent } from "kernel-helpers";

import { CLI, freePort, hasRedis } from "./cluster-helpers";

async function waitForPort(port: number, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s: net.Socket = net.connect(port, "127.0.0.1", () => (s.end(), resolve(true)));
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function startWorker(url: string, queue: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CLI, "worker", "--redis", url, "--queue", queue, "--lock-duration", "1000", "--stalled-interval", "500"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready: ${out}`)), 15_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk;
      if (out.includes("ready")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => (out += chunk));
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}: ${out}`)));
  });
}

function stop(child: ChildProcess | undefined, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => (clearTimeout(timer), resolve()));
    child.kill(signal);
  });
}

// A timeout per test: a compute that never finishes must fail the suite, not hang it.
describe("scheduler \"cluster\" (Redis + 2 workers)", { skip: hasRedis ? false : "redis-server is not installed", timeout: 60_000 }, () => {
  let redis: ChildProcess | undefined;
  let workers: ChildProcess[] = [];
  let url = "";
  const queue = `kh-test-${process.pid}`;

  before(async () => {
    const port = await freePort();
    redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    await waitForPort(port);
    url = `redis://127.0.0.1:${port}`;
    workers = await Promise.all([startWorker(url, queue), startWorker(url, queue)]);
  });

  after(async () => {
    await Promise.all(workers.map((w) => stop(w)));
    await stop(redis);
  });

  it("gives the same results as the local schedulers, spread over both workers", async () => {
    const events: TaskEvent[] = [];
    const incs = Array.from({ length: 8 }, (_, i) => delayed((x: number) => x + 1, { name: "inc" })(i));
    const total = delayed((xs: number[]) => xs.reduce((a, b) => a + b, 0), { name: "total" })(incs);
    const x = da.random.uniform([40, 30], { chunks: 10, seed: 3 });
    const options = { scheduler: "cluster" as const, redis: url, queue };
    const [t, s, cols] = await compute(total, x.sum(), x.mean({ axis: 0 }), { ...options, onTaskEvent: (e: TaskEvent) => events.push(e) });
    const [ls, lcols] = await compute(x.sum(), x.mean({ axis: 0 }), { scheduler: "sync" });
    assert.equal(t, 36);
    assert.equal(s, ls);
    assert.deepEqual(cols, lcols);
    assert.ok(cols instanceof Float64Array, "typed arrays survive the trip through Redis");
    assert.equal(new Set(events.map((e) => e.workerId)).size, 2, "both workers ran tasks");
  });

  it("reports a task's error with its key, without retrying it", async () => {
    const bad = delayed((x: number) => {
      throw new Error(`no ${x}`);
    }, { name: "bad" })(1);
    await assert.rejects(compute(bad, { scheduler: "cluster", redis: url, queue }), (e: unknown) => e instanceof TaskFailedError && e.key === bad.key && /no 1/.test(e.message));
  });

  it("finishes correctly when a worker is killed mid-compute", async () => {
    const events: TaskEvent[] = [];
    const slow = delayed(async (x: number) => {
      await new Promise((r) => setTimeout(r, 1500));
      return x * 2;
    }, { name: "slow" });
    const parts = Array.from({ length: 6 }, (_, i) => slow(i));
    const total = delayed((xs: number[]) => xs.reduce((a, b) => a + b, 0), { name: "total" })(parts);
    const victim = workers[0]!;
    const running = compute(total, { scheduler: "cluster", redis: url, queue, onTaskEvent: (e: TaskEvent) => events.push(e) });
    await new Promise((r) => setTimeout(r, 600)); // both workers are inside their first task now
    victim.kill("SIGKILL");
    const [value] = await running;
    assert.equal(value, 30);
    assert.equal(victim.signalCode ?? "SIGKILL", "SIGKILL");
    assert.equal(events.length, 7);
    assert.ok(!events.some((e) => String(e.workerId).endsWith(`:${victim.pid}`) && e.label === "total"));
    assert.equal(new Set(events.map((e) => e.workerId)).size, 1, "after the kill, the survivor ran every task");
  });

  it("says clearly when Redis cannot be reached", async () => {
    const port = await freePort();
    await assert.rejects(compute(delayed((x: number) => x)(1), { scheduler: "cluster", redis: `redis://127.0.0.1:${port}` }), (e: unknown) => e instanceof ClusterError && e.code === "ERR_CLUSTER" && /cannot reach Redis/.test(e.message));
  });
});
