// Issue 23's cluster faults: no Redis, Redis gone under a worker, and a Redis that any local user
// could have used to run code in the workers.
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { describe, it } from "node:test";
import { compute, delayed, startLocalCluster } from "kernel-helpers";
import { alive, cmdline } from "../processes";

import { CLI, freePort, hasRedis } from "./cluster-helpers";

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}



/** Sends Redis one command over a raw socket; resolves to its first reply line. */
function redisReply(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1", () => s.write(`${command}\r\n`));
    s.setEncoding("utf8");
    s.once("data", (d: string) => (s.destroy(), resolve(d.split("\r\n")[0]!)));
    s.once("error", reject);
  });
}

describe("cluster scheduler faults", { timeout: 90_000 }, () => {
  it("with no Redis the compute rejects with a ClusterError and the process lives on (exit 0)", async () => {
    const closed = await freePort();
    const silent = net.createServer(() => {}).listen(0, "127.0.0.1");
    await new Promise((r) => silent.once("listening", r));
    try {
      const child = spawn(process.execPath, [path.join(__dirname, "fixtures", "no-redis.js"), `redis://127.0.0.1:${closed}`, "redis://no-such-host.invalid:6379"], { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout!.on("data", (c: Buffer) => (out += c));
      child.stderr!.on("data", (c: Buffer) => (out += c));
      const code = await exited(child);
      assert.equal(code, 0, out);
      assert.equal(out.match(/^rejected ERR_CLUSTER: compute: cannot reach Redis/gm)?.length, 2, out);
      assert.match(out, /still alive/);
    } finally {
      silent.close();
    }
  });

  it("a worker started with no Redis exits 1 saying so", async () => {
    const r = spawnSync(process.execPath, [CLI, "worker"], { encoding: "utf8", timeout: 30_000, env: { ...process.env, KERNEL_HELPERS_REDIS: `redis://127.0.0.1:${await freePort()}` } });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /cannot reach Redis/);
  });

  it("a worker whose Redis is gone exits on the first SIGTERM", { skip: hasRedis ? false : "redis-server is not installed" }, async () => {
    const port = await freePort();
    const redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    const worker = spawn(process.execPath, [CLI, "worker"], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, KERNEL_HELPERS_REDIS: `redis://127.0.0.1:${port}` } });
    try {
      let out = "";
      await new Promise<void>((resolve, reject) => {
        worker.stdout!.on("data", (c: Buffer) => {
          out += c;
          if (out.includes(" ready:")) resolve();
        });
        worker.once("exit", (code) => reject(new Error(`worker exited with ${code}: ${out}`)));
      });
      redis.kill("SIGKILL");
      await exited(redis);
      await new Promise((r) => setTimeout(r, 500)); // the worker notices and starts reconnecting
      const t0 = Date.now();
      worker.kill("SIGTERM");
      const done = await Promise.race([exited(worker).then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 15_000))]);
      assert.ok(done, "the worker ignored SIGTERM");
      // Before the fix it waited about a minute; a bound well below that and well above the grace.
      assert.ok(Date.now() - t0 < 10_000, `the worker took ${Date.now() - t0} ms to stop`);
    } finally {
      worker.kill("SIGKILL");
      redis.kill("SIGKILL");
    }
  });

  it("startLocalCluster: Redis asks for a password that no command line shows; compute works; close leaves nothing", { skip: hasRedis ? false : "redis-server is not installed" }, async () => {
    const cluster = await startLocalCluster({ workers: 2, concurrency: 2 });
    const url = new URL(cluster.url);
    const password = decodeURIComponent(url.password);
    assert.ok(password.length >= 32, "no generated password");
    const parentOf = (pid: string) => fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[1];
    const redisPid = Number(fs.readdirSync("/proc").find((p) => /^\d+$/.test(p) && cmdline(Number(p)).startsWith("redis-server") && parentOf(p) === String(cluster.redisSupervisorPid)));
    try {
      assert.ok(redisPid > 0, "redis-server not found among this process's children");
      for (const pid of [redisPid, cluster.redisSupervisorPid, ...cluster.workerPids]) assert.ok(!cmdline(pid).includes(password), `the password is on the command line of ${pid}: ${cmdline(pid)}`);
      // Anyone on this machine may connect; without the password Redis refuses every command.
      assert.match(await redisReply(Number(url.port), "PING"), /^-NOAUTH/);
      assert.match(await redisReply(Number(url.port), "AUTH wrong-password"), /^-(WRONGPASS|ERR)/);
      const total = await compute(delayed((a: number, b: number) => a + b)(20, 22), { scheduler: "cluster", redis: cluster.url });
      assert.deepEqual(total, [42]);
    } finally {
      await cluster.close();
    }
    for (const pid of [redisPid, cluster.redisSupervisorPid, ...cluster.workerPids]) assert.ok(!alive(pid), `process ${pid} is still running after close`);
  });

  it("startLocalCluster: Redis and the workers die with the process that started them, even by SIGKILL", { skip: hasRedis ? false : "redis-server is not installed" }, async () => {
    const owner = spawn(process.execPath, [path.join(__dirname, "fixtures", "cluster-then-wait.js")], { stdio: ["ignore", "pipe", "inherit"] });
    const pids = await new Promise<number[]>((resolve, reject) => {
      let out = "";
      owner.stdout!.on("data", (c: Buffer) => {
        out += c;
        const m = /pids ([\d ]+)\n/.exec(out);
        if (m) resolve(m[1]!.trim().split(" ").map(Number));
      });
      owner.once("exit", (code) => reject(new Error(`exited with ${code}: ${out}`)));
    });
    assert.equal(pids.length, 4);
    assert.ok(pids.every((p) => p > 0 && alive(p)), `not all running: ${pids}`);
    owner.kill("SIGKILL");
    let left = pids;
    for (const end = Date.now() + 5000; Date.now() < end && left.length > 0; await new Promise((r) => setTimeout(r, 100))) left = pids.filter(alive);
    for (const p of left) process.kill(p, "SIGKILL");
    assert.deepEqual(left, [], `still running after their owner died: ${left.map((p) => `${p} ${cmdline(p)}`).join("; ")}`);
  });

  it("Redis dying in the middle of a compute rejects it (ClusterError inside) and the process lives on", { skip: hasRedis ? false : "redis-server is not installed" }, async () => {
    const port = await freePort();
    const redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    const url = `redis://127.0.0.1:${port}`;
    const worker = spawn(process.execPath, [CLI, "worker"], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, KERNEL_HELPERS_REDIS: url } });
    try {
      await new Promise<void>((resolve, reject) => {
        let out = "";
        worker.stdout!.on("data", (c: Buffer) => ((out += c), out.includes(" ready:") && resolve()));
        worker.once("exit", (code) => reject(new Error(`worker exited with ${code}: ${out}`)));
      });
      const child = spawn(process.execPath, [path.join(__dirname, "fixtures", "redis-dies.js"), url, String(redis.pid)], { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout!.on("data", (c: Buffer) => (out += c));
      child.stderr!.on("data", (c: Buffer) => (out += c));
      assert.equal(await exited(child), 0, out);
      assert.match(out, /^rejected .*ClusterError/m);
      assert.match(out, /still alive/);
    } finally {
      worker.kill("SIGKILL");
      redis.kill("SIGKILL");
    }
  });
});
