/**
 * The scheduler's state: one object of Maps and Sets, changed only by the three functions below.
 * The model is `dask/local.py`. Take four tasks, where `a` and `b` are inputs of `c`, and `d` is the
 * result we want:
 *
 *       a   b          a = load(0)    b = load(1)
 *        \ /           c = add(a, b)
 *         c            d = inc(c)     → targets: {d}
 *         |
 *         d
 *
 * `startState` gives (priorities from `orderGraph`: a 0, b 1, c 2, d 3)
 *
 *   dependencies  a:{} b:{} c:{a,b} d:{c}       fixed: what each key needs
 *   dependents    a:{c} b:{c} c:{d} d:{}        fixed: who needs each key
 *   waiting       c:{a,b} d:{c}                 tasks not ready: the inputs they still lack
 *   waitingData   a:{c} b:{c} c:{d} d:{}        values still owed to someone
 *   ready         [a, b]                        runnable now, lowest priority first
 *   running {}    finished {}    released {}    cache {}
 *
 * The loop pops `a`, moves it to `running`, and when its outcome arrives `finishTask(a)` puts its
 * value in `cache`, crosses `a` off `waiting.c` (c still lacks b). After `b`, `waiting.c` is empty,
 * so `c` becomes ready. `finishTask(c)` crosses `c` off `waitingData.a` and `waitingData.b`; both are
 * now empty and neither is a target, so `releaseData` drops their values from `cache` and marks
 * them `released`: memory holds only what a future task still needs. That is what lets a reduction
 * over a file larger than memory run chunk by chunk.
 */
import { ReadyQueue, orderGraph } from "./order";
import { nodeDeps, type Graph } from "./spec";

/** Everything the scheduler knows while a graph runs; see the file header for a worked example. */
export interface SchedulerState {
  readonly graph: Graph;
  /** The keys whose values `compute` returns (never released). */
  readonly targets: ReadonlySet<string>;
  /** Run order: lower first (from `orderGraph`). Only keys the targets need are here. */
  readonly priority: ReadonlyMap<string, number>;
  readonly dependencies: Map<string, Set<string>>;
  readonly dependents: Map<string, Set<string>>;
  /** Task → the dependencies it still waits for; a key leaves when it becomes ready. */
  readonly waiting: Map<string, Set<string>>;
  /** Key → the dependents that have not finished; when empty (and not a target) the value goes. */
  readonly waitingData: Map<string, Set<string>>;
  readonly ready: ReadyQueue;
  readonly running: Set<string>;
  readonly finished: Set<string>;
  readonly released: Set<string>;
  /** Computed values still needed. */
  readonly cache: Map<string, unknown>;
}

/** The initial state for computing `targets` of `graph` (data nodes count as finished). */
export function startState(graph: Graph, targets: readonly string[]): SchedulerState {
  const priority = orderGraph(graph, targets);
  const state: SchedulerState = {
    graph,
    targets: new Set(targets),
    priority,
    dependencies: new Map(),
    dependents: new Map(),
    waiting: new Map(),
    waitingData: new Map(),
    ready: new ReadyQueue(priority),
    running: new Set(),
    finished: new Set(),
    released: new Set(),
    cache: new Map(),
  };
  for (const key of priority.keys()) {
    state.dependencies.set(key, new Set(nodeDeps(graph.get(key)!)));
    state.dependents.set(key, new Set());
  }
  for (const [key, deps] of state.dependencies) for (const dep of deps) state.dependents.get(dep)!.add(key);
  for (const [key, dependents] of state.dependents) state.waitingData.set(key, new Set(dependents));
  for (const key of priority.keys()) {
    const node = graph.get(key)!;
    if (node.kind === "data") {
      state.cache.set(key, node.value);
      state.finished.add(key);
    }
  }
  for (const [key, deps] of state.dependencies) {
    if (state.finished.has(key)) continue;
    const missing = new Set([...deps].filter((d) => !state.finished.has(d)));
    if (missing.size === 0) state.ready.push(key);
    else state.waiting.set(key, missing);
  }
  return state;
}

/**
 * Records that `key` produced `value`: dependents that now have all inputs become ready, and inputs
 * nobody else waits for are released.
 */
export function finishTask(state: SchedulerState, key: string, value: unknown): void {
  state.running.delete(key);
  state.finished.add(key);
  state.cache.set(key, value);
  for (const dependent of state.dependents.get(key)!) {
    const missing = state.waiting.get(dependent)!;
    missing.delete(key);
    if (missing.size === 0) {
      state.waiting.delete(dependent);
      state.ready.push(dependent);
    }
  }
  for (const dep of state.dependencies.get(key)!) {
    const owed = state.waitingData.get(dep);
    if (!owed) continue;
    owed.delete(key);
    if (owed.size === 0 && !state.targets.has(dep)) releaseData(state, dep);
  }
}

/** Drops the value of `key` (no remaining task needs it). */
export function releaseData(state: SchedulerState, key: string): void {
  state.cache.delete(key);
  state.waitingData.delete(key);
  state.released.add(key);
}

/** A plain, sorted copy of the state for tests and debugging. */
export function stateSnapshot(state: SchedulerState): Record<string, unknown> {
  const sets = (m: Map<string, Set<string>>) =>
    Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)).map(([k, s]) => [k, [...s].sort()]));
  return {
    dependencies: sets(state.dependencies),
    dependents: sets(state.dependents),
    waiting: sets(state.waiting),
    waitingData: sets(state.waitingData),
    ready: state.ready.toArray(),
    running: [...state.running].sort(),
    finished: [...state.finished].sort(),
    released: [...state.released].sort(),
    cache: Object.fromEntries([...state.cache].sort(([a], [b]) => a.localeCompare(b))),
  };
}
