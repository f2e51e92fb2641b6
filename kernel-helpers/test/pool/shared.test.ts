// One pool cache for compute's "threads" scheduler and ml/'s searches, freed by one shutdown.
import assert from "node:assert/strict";
import { it } from "node:test";
import { compute, delayed, PoolClosedError, sharedPool, shutdownReusablePools, shutdownSharedPools } from "kernel-helpers";

it("compute's shared thread pool is the cache's; shutdownReusablePools (alias of shutdownSharedPools) frees it", async () => {
  assert.equal(shutdownReusablePools, shutdownSharedPools);
  const inc = (x: number) => x + 1;
  const pool = sharedPool("threads", 2);
  pool.clearEvents();
  assert.equal(await compute(delayed(inc)(41), { scheduler: "threads", workers: 2 }).then(([v]) => v), 42);
  assert.ok(pool.events.length > 0, "compute ran on the shared pool");
  await shutdownReusablePools();
  await assert.rejects(pool.map(inc, [1]), PoolClosedError);
  // The next compute starts a fresh shared pool and works.
  assert.equal(await compute(delayed(inc)(1), { scheduler: "threads", workers: 2 }).then(([v]) => v), 2);
  assert.notEqual(sharedPool("threads", 2), pool);
  await shutdownSharedPools();
});
