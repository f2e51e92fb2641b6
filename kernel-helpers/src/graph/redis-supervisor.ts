/**
 * A redis-server that dies with whoever started it. Redis has no "exit when my parent exits", so
 * startLocalCluster starts this small Node process instead: it passes its stdin (Redis's config,
 * password included) to `redis-server -`, forwards SIGTERM/SIGINT, exits with Redis, and, through
 * the parent watchdog, kills Redis when the notebook's kernel dies, even by SIGKILL.
 */
import { spawn } from "node:child_process";
import { dieWithParent } from "../base/parent-watch";

const redis = spawn("redis-server", ["-"], { stdio: ["pipe", "ignore", "inherit"] });
redis.once("error", (error) => {
  process.stderr.write(`redis-supervisor: could not start redis-server: ${error.message}\n`);
  process.exit(1);
});
if (redis.pid !== undefined) dieWithParent({ kill: [redis.pid] });
process.stdin.pipe(redis.stdin!);
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => redis.kill(signal));
redis.once("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
