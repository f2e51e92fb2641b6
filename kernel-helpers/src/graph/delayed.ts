/**
 * `delayed(fn)(...args)` records a call instead of making it: the result is a {@link Delayed}, a
 * key plus the node that computes it plus the `Delayed` values it depends on. Nothing is copied when
 * calls are chained; the whole graph is gathered once, by {@link collectGraph}, when it is computed.
 */
import { InvalidArgumentError, describeValue } from "../errors";
import { isModuleTask } from "../ship/ship";
import { GraphError } from "./errors";
import { KeyRef, type Graph, type GraphNode, type TaskFunction, nodeDeps } from "./spec";
import { KEYED, tokenize, uniqueToken } from "./tokenize";
import type { ComputeOptions } from "./compute";

/** Options of {@link delayed}. */
export interface DelayedOptions {
  /** The name part of the keys, e.g. `"inc"` → `inc-3f9a…`. @default the function's name, else "task" */
  readonly name?: string;
  /**
   * Whether equal calls are the same task. True: the key is a hash of the function's source and the
   * arguments, so repeated calls share one node, computed once. Use false for functions with side
   * effects or randomness, or closures whose source is equal but whose captured values differ.
   * @default true
   */
  readonly pure?: boolean;
}

/** A value not computed yet: the result of a `delayed` call. `T` is the type it will have. */
export class Delayed<T = unknown> {
  /** @internal so `tokenize` uses the key. */
  declare readonly [KEYED]: true;

  /**
   * @param key the node's key in the graph.
   * @param node how to compute it.
   * @param dependencies the `Delayed` values its arguments reference.
   */
  constructor(
    readonly key: string,
    readonly node: GraphNode,
    readonly dependencies: readonly Delayed[] = [],
  ) {}

  /** Computes this value; same as `compute(this, options)` but unwrapped. */
  async compute(options?: ComputeOptions): Promise<T> {
    const { compute } = await import("./compute");
    const [value] = await compute(this as Delayed<T>, options ?? {});
    return value as T;
  }

  /** The graph needed to compute this value. */
  graph(): Graph {
    return collectGraph([this]);
  }

  toString(): string {
    return `Delayed(${JSON.stringify(this.key)})`;
  }
}
Object.defineProperty(Delayed.prototype, KEYED, { value: true });

/** Whether `value` is a {@link Delayed}. */
export function isDelayed(value: unknown): value is Delayed {
  return value instanceof Delayed;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Replaces `Delayed`s in arguments (nested in arrays and plain objects) by `KeyRef`s. */
function template(value: unknown, found: Map<string, Delayed>): unknown {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Delayed) {
    if (!found.has(value.key)) found.set(value.key, value);
    return new KeyRef(value.key);
  }
  if (Array.isArray(value)) return value.map((v) => template(v, found));
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, template(v, found)]));
  }
  return value;
}

/**
 * Builds the node for `fn(...args)` with an explicit key name. Collections (`da`, `db`) use this to
 * make blocks with readable keys (`blockKey(name, i)`).
 */
export function makeTask<T>(key: string, fn: TaskFunction, args: readonly unknown[], label?: string): Delayed<T> {
  const found = new Map<string, Delayed>();
  const templated = args.map((a) => template(a, found));
  const node: GraphNode = { kind: "task", fn, args: templated, deps: [...found.keys()], ...(label ? { label } : {}) };
  return new Delayed<T>(key, node, [...found.values()]);
}

/** A known value as a graph node (keyed by its contents' token). */
export function delayedValue<T>(value: T, name = "data"): Delayed<T> {
  return new Delayed<T>(`${name}-${tokenize(value)}`, { kind: "data", value });
}

/** A value, or a `Delayed` of it, also inside arrays and plain objects (`[1, delayed(inc)(1)]`). */
export type MaybeDelayed<T> =
  | T
  | Delayed<T>
  | (T extends readonly (infer E)[] ? readonly MaybeDelayed<E>[] : T extends (...args: any[]) => unknown ? never : T extends object ? { [P in keyof T]: MaybeDelayed<T[P]> } : never);
/** Arguments of a delayed call: each may be the value or a `Delayed` of it, also nested. */
export type DelayedArgs<A extends unknown[]> = { [K in keyof A]: MaybeDelayed<A[K]> };

/**
 * Wraps `fn` so calling it records a task instead of running it (dask's `delayed`). Arguments may be
 * `Delayed` values, also inside arrays and plain objects; the task runs when they are computed.
 *
 * @example
 * const x = delayed(inc)(1), y = delayed(inc)(2);
 * const total = delayed(add)(x, y);
 * await total.compute({ scheduler: "threads" }); // 5
 */
export function delayed<A extends unknown[], R>(
  fn: ((...args: A) => R) | TaskFunction,
  options: DelayedOptions = {},
): (...args: DelayedArgs<A>) => Delayed<Awaited<R>> {
  if (typeof fn !== "function" && !isModuleTask(fn)) {
    throw new InvalidArgumentError(`delayed: fn must be a function or moduleTask(...), received ${describeValue(fn)}`);
  }
  const name = options.name ?? (typeof fn === "function" ? fn.name : fn.exportName) ?? "";
  const safeName = (name || "task").replace(/[^\w.$]/g, "_");
  const pure = options.pure ?? true;
  return (...args) => {
    const token = pure ? tokenize(fn, args) : uniqueToken();
    return makeTask<Awaited<R>>(`${safeName}-${token}`, fn as TaskFunction, args);
  };
}

/**
 * Gathers the graph of `values` by walking their dependencies once (shared sub-graphs appear
 * once). Throws {@link GraphError} when two different nodes claim the same key.
 */
export function collectGraph(values: readonly Delayed[]): Graph {
  const graph: Graph = new Map();
  const stack: Delayed[] = [...values];
  while (stack.length > 0) {
    const d = stack.pop()!;
    const existing = graph.get(d.key);
    if (existing) continue;
    graph.set(d.key, d.node);
    for (const dep of d.dependencies) if (!graph.has(dep.key)) stack.push(dep);
  }
  for (const [key, node] of graph) {
    for (const dep of nodeDeps(node)) {
      if (!graph.has(dep)) throw new GraphError(key, `graph: node ${JSON.stringify(key)} depends on ${JSON.stringify(dep)}, which has no node`);
    }
  }
  return graph;
}
