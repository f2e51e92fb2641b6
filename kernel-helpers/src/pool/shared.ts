/**
 * The one cache of long-lived pools, kept from one call to the next as joblib keeps loky's reusable
 * executor and dask its thread pool: `compute`'s "threads" scheduler and the parallel searches of
 * `ml/` both draw from it, so a second call starts no workers and one `shutdownSharedPools()` frees
 * them all. One pool per backend and size. Idle workers never keep the process alive (both pools
 * unref them), so nothing needs closing.
 */
import { ProcessPool, ThreadPool, type Pool } from "./pool";

const pools = new Map<string, Pool>();

/** The shared pool of `kind` with `workers` workers, started on first use. */
export function sharedPool(kind: "threads" | "processes", workers: number): Pool {
  const key = `${kind}:${workers}`;
  let pool = pools.get(key);
  if (!pool) pools.set(key, (pool = kind === "processes" ? new ProcessPool(workers) : new ThreadPool(workers)));
  return pool;
}

/** Ends every shared pool now (joblib: `get_reusable_executor().shutdown()`); resolves when their workers are gone. */
export async function shutdownSharedPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((pool) => pool.terminate()));
}
