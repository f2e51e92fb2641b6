/**
 * How collections (`da` arrays, `db` bags) take part in `compute`/`persist`: they hand over the
 * `Delayed` blocks that make them up and say how to assemble the computed blocks, here, in the
 * calling thread (dask's `__dask_graph__` / `__dask_postcompute__`).
 */
import type { Delayed } from "./delayed";

/** The marker method of a {@link Computable}. */
export const GRAPH_PARTS = Symbol.for("kernel-helpers.graph.parts");

/** What a collection gives `compute`. */
export interface GraphParts<T> {
  /** The blocks to compute. */
  readonly blocks: readonly Delayed[];
  /** Assembles the computed blocks (same order) into the collection's value. */
  finalize(values: unknown[]): T;
  /** The same collection over already-computed blocks (for `persist`). */
  rebuild(blocks: readonly Delayed[]): unknown;
}

/** A collection `compute` understands; `T` is its computed value. */
export interface Computable<T> {
  [GRAPH_PARTS](): GraphParts<T>;
}

/** Whether `value` is a {@link Computable} collection. */
export function isComputable(value: unknown): value is Computable<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { [GRAPH_PARTS]?: unknown })[GRAPH_PARTS] === "function";
}
