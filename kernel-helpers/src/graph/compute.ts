/**
 * `compute`, `persist` and `visualize`: the user-facing side of the graph. They turn values
 * (`Delayed`s and collections) into one graph, pick an executor and run the scheduler loop.
 */
import { InvalidArgumentError, describeValue } from "../errors";
import type { TaskEvent } from "../events";
import type { Pool } from "../pool";
import { cpuCount } from "../system";
import { GRAPH_PARTS, isComputable, type Computable } from "./collection";
import { Delayed, collectGraph } from "./delayed";
import { progressCallbacks } from "./callbacks";
import { makeExecutor } from "./executors";
import { outcomeEvent, runGraph, type GraphExecutor, type SchedulerCallbacks } from "./scheduler";
import { keyLabel, nodeDeps } from "./spec";

/** The built-in schedulers. */
export type SchedulerName = "sync" | "threads" | "processes" | "cluster";

/** Options of {@link compute} and {@link persist}. */
export interface ComputeOptions {
  /**
   * Where tasks run: "sync" (this thread, one at a time; runs closures), "threads" (a ThreadPool,
   * kept for later computes, as dask keeps its thread pool), "processes" (a ProcessPool), "cluster"
   * (BullMQ workers on Redis, see `redis`), or a {@link GraphExecutor} you made with `makeExecutor`
   * and reuse across computes.
   * @default "threads"
   */
  readonly scheduler?: SchedulerName | GraphExecutor;
  /** Pool size for "threads"/"processes"; for "cluster", tasks kept queued at once. @default cpuCount() (cluster: 64) */
  readonly workers?: number;
  /** Show a progress bar (one tick per task). @default false */
  readonly progress?: boolean;
  /** Called with each finished task's record, e.g. to draw `show.taskStream(events)`. */
  readonly onTaskEvent?: (event: TaskEvent) => void;
  /** More scheduler callbacks (`start`, `pretask`, `posttask`, `finish`). */
  readonly callbacks?: readonly SchedulerCallbacks[];
  /** For "cluster": the Redis URL, e.g. `redis://127.0.0.1:6379`. @default process.env.KERNEL_HELPERS_REDIS */
  readonly redis?: string;
  /** For "cluster": the BullMQ queue the workers serve. @default "kernel-helpers-tasks" */
  readonly queue?: string;
}

const OPTION_KEYS = new Set(["scheduler", "workers", "progress", "onTaskEvent", "callbacks", "redis", "queue"]);

/** The computed type of a value: `Delayed<T>` → T, a collection → its value, anything else itself. */
export type Computed<X> = X extends Delayed<infer U> ? U : X extends Computable<infer U> ? U : X;
/** The computed types of a tuple of values. */
export type ComputedAll<T extends readonly unknown[]> = { -readonly [K in keyof T]: Computed<T[K]> };

function isOptions(value: unknown): value is ComputeOptions {
  if (typeof value !== "object" || value === null || Object.getPrototypeOf(value) !== Object.prototype) return false;
  const keys = Object.keys(value);
  return keys.every((k) => OPTION_KEYS.has(k));
}

function splitArgs(args: readonly unknown[]): [unknown[], ComputeOptions] {
  if (args.length > 0 && isOptions(args[args.length - 1])) return [args.slice(0, -1), args[args.length - 1] as ComputeOptions];
  return [[...args], {}];
}

interface Plan {
  readonly delayeds: Delayed[];
  /** For each input value: how to build its result from the computed delayeds. */
  readonly assemble: Array<(values: Map<string, unknown>) => unknown>;
  readonly rebuild: Array<(values: Map<string, unknown>) => unknown>;
}

function plan(values: readonly unknown[]): Plan {
  const delayeds: Delayed[] = [];
  const assemble: Plan["assemble"] = [];
  const rebuild: Plan["rebuild"] = [];
  const asData = (d: Delayed, m: Map<string, unknown>) => new Delayed(d.key, { kind: "data", value: m.get(d.key) });
  for (const value of values) {
    if (value instanceof Delayed) {
      delayeds.push(value);
      assemble.push((m) => m.get(value.key));
      rebuild.push((m) => asData(value, m));
    } else if (isComputable(value)) {
      const parts = value[GRAPH_PARTS]();
      delayeds.push(...parts.blocks);
      assemble.push((m) => parts.finalize(parts.blocks.map((b) => m.get(b.key))));
      rebuild.push((m) => parts.rebuild(parts.blocks.map((b) => asData(b, m))));
    } else {
      assemble.push(() => value);
      rebuild.push(() => value);
    }
  }
  return { delayeds, assemble, rebuild };
}

// Like dask's threaded scheduler, "threads" reuses one pool per size across computes: starting
// worker threads and loading the task modules in them costs 60–80 ms here, where a small array sum
// on a warm pool takes under 10 ms. The pool comes from the package's one cache (pool/shared.ts,
// shared with ml/'s searches; `shutdownSharedPools()` frees it); an executor per shared pool keeps
// what it learned about task times.
// Both load only when "threads" is asked for, as the other executors do.
const sharedExecutors = new WeakMap<Pool, Promise<GraphExecutor>>();

async function sharedThreadsExecutor(workers: number): Promise<GraphExecutor> {
  const { sharedPool } = await import("../pool/shared");
  const pool = sharedPool("threads", workers);
  let executor = sharedExecutors.get(pool);
  if (!executor) {
    executor = import("./executors/pool").then(({ poolExecutor }) => poolExecutor("threads", workers, pool));
    sharedExecutors.set(pool, executor);
    executor.catch(() => sharedExecutors.delete(pool));
  }
  return executor;
}

async function run(values: readonly unknown[], options: ComputeOptions): Promise<{ plan: Plan; results: Map<string, unknown> }> {
  const p = plan(values);
  const callbacks: SchedulerCallbacks[] = [...(options.callbacks ?? [])];
  if (options.progress) callbacks.push(progressCallbacks());
  if (options.onTaskEvent) {
    const onTaskEvent = options.onTaskEvent;
    callbacks.push({ posttask: (key, outcome) => onTaskEvent(outcomeEvent(key, outcome)) });
  }
  const graph = collectGraph(p.delayeds);
  const targets = [...new Set(p.delayeds.map((d) => d.key))];
  const scheduler = options.scheduler ?? "threads";
  let executor: GraphExecutor;
  let owned = false;
  if (scheduler === "threads") {
    executor = await sharedThreadsExecutor(options.workers ?? cpuCount());
  } else if (typeof scheduler === "string") {
    executor = await makeExecutor(scheduler, {
      workers: options.workers ?? (scheduler === "cluster" ? 64 : Math.max(1, Math.min(cpuCount(), graph.size))),
      redis: options.redis,
      queue: options.queue,
    });
    owned = true;
  } else if (scheduler && typeof scheduler.submit === "function") {
    executor = scheduler;
  } else {
    throw new InvalidArgumentError(`compute: options.scheduler must be "sync", "threads", "processes", "cluster" or an GraphExecutor, received ${describeValue(scheduler)}`);
  }
  try {
    return { plan: p, results: await runGraph(graph, targets, executor, callbacks) };
  } finally {
    if (owned) await executor.close();
  }
}

/**
 * Computes any number of `Delayed` values and collections in one run (shared work done once) and
 * resolves to their values, in order. Other values pass through unchanged. The last argument may
 * be the options.
 *
 * @example
 * const [a, b] = await compute(x, y, { scheduler: "processes", progress: true });
 */
export function compute<T extends readonly unknown[]>(...args: [...values: T, options: ComputeOptions]): Promise<ComputedAll<T>>;
export function compute<T extends readonly unknown[]>(...values: T): Promise<ComputedAll<T>>;
export async function compute(...args: unknown[]): Promise<unknown[]> {
  const [values, options] = splitArgs(args);
  const { plan: p, results } = await run(values, options);
  return p.assemble.map((f) => f(results));
}

/**
 * Like {@link compute}, but resolves to the same kind of values with the results kept inside:
 * `Delayed`s whose nodes are data, collections over computed blocks. Later graphs built on them
 * start from the results instead of recomputing.
 */
export function persist<T extends readonly unknown[]>(...args: [...values: T, options: ComputeOptions]): Promise<T>;
export function persist<T extends readonly unknown[]>(...values: T): Promise<T>;
export async function persist(...args: unknown[]): Promise<unknown[]> {
  const [values, options] = splitArgs(args);
  const { plan: p, results } = await run(values, options);
  return p.rebuild.map((f) => f(results));
}

/** Nodes and edges of the graph of `values`, in the shape `show.graph` draws. */
export function graphSpec(...values: unknown[]): { nodes: { id: string; label: string; kind: string }[]; edges: { from: string; to: string }[] } {
  const graph = collectGraph(plan(values).delayeds);
  const nodes = [...graph].map(([key, node]) => ({ id: key, label: keyLabel(key), kind: node.kind }));
  const edges = [...graph].flatMap(([key, node]) => nodeDeps(node).map((dep) => ({ from: dep, to: key })));
  return { nodes, edges };
}

/** Draws the task graph of `values` in the notebook (data flows top to bottom) with `show.graph`. */
export function visualize(...values: unknown[]): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { show } = require("../plot") as { show: { graph(spec: ReturnType<typeof graphSpec>): unknown } };
  return show.graph(graphSpec(...values));
}
