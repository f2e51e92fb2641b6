/**
 * The workers of parallel searches, kept from one search to the next as joblib keeps loky's reusable
 * executor: a second `fit` on all cores starts no workers and finds libsvm compiled and warm. On
 * 2 cores, in 4 interleaved pairs, a 13 000-sample search took 16.0 s on fresh workers and 15.3 s on
 * reused ones (means; single pairs varied by ±1 s).
 *
 * Idle workers never keep the process alive (both pools unref them), and a pool nobody used for
 * `IDLE_TIMEOUT_MS` ends, as loky's workers do after 300 s.
 */
import { ProcessPool, ThreadPool, type Pool } from "../pool";

/** How long a reusable pool may sit unused before its workers end (loky's default). */
export const IDLE_TIMEOUT_MS = 300_000;

type Kind = "threads" | "processes";

interface Entry {
  readonly pool: Pool;
  users: number;
  idle?: NodeJS.Timeout;
}

const entries = new Map<Kind, Entry>();

/**
 * Runs `use` on the reusable pool of `kind` with `workers` workers, starting it if needed. A pool of
 * another size is replaced when idle; while another search still uses it, this one gets a pool of
 * its own that ends with it.
 */
export async function withReusablePool<T>(kind: Kind, workers: number, use: (pool: Pool) => Promise<T>): Promise<T> {
  let entry = entries.get(kind);
  if (entry && entry.pool.processes !== workers) {
    if (entry.users > 0) return withOwnPool(kind, workers, use);
    retire(kind, entry);
    entry = undefined;
  }
  if (!entry) {
    entry = { pool: newPool(kind, workers), users: 0 };
    entries.set(kind, entry);
  }
  const current = entry;
  current.users++;
  clearTimeout(current.idle);
  try {
    return await use(current.pool);
  } finally {
    if (--current.users === 0 && entries.get(kind) === current) {
      current.idle = setTimeout(() => retire(kind, current), IDLE_TIMEOUT_MS).unref();
    }
  }
}

/** Ends the reusable pools now (joblib: `get_reusable_executor().shutdown()`); resolves when their workers are gone. */
export async function shutdownReusablePools(): Promise<void> {
  await Promise.all([...entries].map(([kind, entry]) => retire(kind, entry)));
}

function newPool(kind: Kind, workers: number): Pool {
  return kind === "processes" ? new ProcessPool(workers) : new ThreadPool(workers);
}

async function withOwnPool<T>(kind: Kind, workers: number, use: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = newPool(kind, workers);
  try {
    return await use(pool);
  } finally {
    await pool.terminate();
  }
}

function retire(kind: Kind, entry: Entry): Promise<void> {
  clearTimeout(entry.idle);
  if (entries.get(kind) === entry) entries.delete(kind);
  return entry.pool.terminate();
}
