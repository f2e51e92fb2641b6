/**
 * The task graph is plain data: a `Map` from a string key to a node. A node is a value already
 * known (`data`), a function to call on arguments (`task`), or another key under a new name (`ref`).
 * Arguments are any nesting of arrays and plain objects in which {@link KeyRef}s stand for the
 * results of other nodes; the scheduler swaps each one for its value before the call.
 */
import type { ModuleTask } from "../ship/ship";

/** A function a task calls: a self-contained function, or a module export made with `moduleTask`. */
export type TaskFunction = ((...args: any[]) => unknown) | ModuleTask;

/** A value already known: an input, or a result kept by `persist`. */
export interface DataNode {
  readonly kind: "data";
  readonly value: unknown;
}

/** `fn(...args)` once the keys in `deps` are computed. */
export interface TaskNode {
  readonly kind: "task";
  readonly fn: TaskFunction;
  /** The arguments, with {@link KeyRef}s where results of other nodes go. */
  readonly args: readonly unknown[];
  /** Every key referenced in `args`, each once, in first-seen order. */
  readonly deps: readonly string[];
  /** What charts call it; defaults to the key's name part. */
  readonly label?: string;
}

/** Another node's value under this key (dask's alias: `{'y': 'x'}`). */
export interface RefNode {
  readonly kind: "ref";
  readonly target: string;
}

/** One node of a {@link Graph}. */
export type GraphNode = DataNode | TaskNode | RefNode;

/** A task graph: key → node. */
export type Graph = Map<string, GraphNode>;

/** Stands for the result of `key` inside a task's arguments. */
export class KeyRef {
  constructor(readonly key: string) {}
}

/** The dependencies of any node. */
export function nodeDeps(node: GraphNode): readonly string[] {
  return node.kind === "task" ? node.deps : node.kind === "ref" ? [node.target] : [];
}

/**
 * The key of block `(i, j)` of the collection `name`: the one place block keys are spelled, so
 * arrays never become Map keys. `blockKey("ones-ab12", 0, 3)` → `"ones-ab12[0,3]"`.
 */
export function blockKey(name: string, ...index: number[]): string {
  return `${name}[${index.join(",")}]`;
}

/** The readable part of a key: `"inc-3f9a0c…"` → `"inc"`, `"sum-ab[0,1]"` → `"sum[0,1]"`. */
export function keyLabel(key: string): string {
  return key.replace(/-[0-9a-f]{16}/, "");
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Swaps every {@link KeyRef} in `args` for its value, copying only the arrays and plain objects on
 * the way to a ref (typed arrays and class instances pass through untouched, so a chunk is never
 * walked).
 */
export function substitute(value: unknown, lookup: (key: string) => unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof KeyRef) return lookup(value.key);
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = substitute(value[i], lookup);
      if (v !== value[i] && !out) out = value.slice(0, i);
      if (out) out.push(v);
    }
    return out ?? value;
  }
  if (isPlainObject(value)) {
    let out: Record<string, unknown> | undefined;
    for (const [k, v0] of Object.entries(value)) {
      const v = substitute(v0, lookup);
      if (v !== v0 && !out) out = { ...(value as Record<string, unknown>) };
      if (out) out[k] = v;
    }
    return out ?? value;
  }
  return value;
}
