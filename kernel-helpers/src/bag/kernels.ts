/**
 * What runs inside tasks for bags. A partition is described by a {@link PartitionRecipe} (these
 * items, this file's lines, then map / filter / flatten) and evaluated in one task, so a chain of
 * element-wise steps costs one task per partition and only the reduced result travels back.
 */
import fs from "node:fs";
import { reviveFunction, type ShippedFunction } from "../ship/ship";

/** How to produce one partition. */
export type PartitionRecipe =
  | { readonly op: "items"; readonly value: unknown }
  | { readonly op: "text"; readonly path: string }
  | { readonly op: "map"; readonly fn: ShippedFunction; readonly a: PartitionRecipe }
  | { readonly op: "filter"; readonly fn: ShippedFunction; readonly a: PartitionRecipe }
  | { readonly op: "flatten"; readonly a: PartitionRecipe }
  | { readonly op: "product"; readonly a: PartitionRecipe; readonly b: PartitionRecipe };

/** Produces the partition's items. */
export function evalPartition(recipe: PartitionRecipe): unknown[] {
  switch (recipe.op) {
    case "items":
      return recipe.value as unknown[];
    case "text": {
      const text = fs.readFileSync(recipe.path, "utf8");
      const lines = text.split(/\r?\n/);
      if (lines[lines.length - 1] === "") lines.pop();
      return lines;
    }
    case "map": {
      const fn = reviveFunction(recipe.fn);
      return evalPartition(recipe.a).map((x) => fn(x));
    }
    case "filter": {
      const fn = reviveFunction(recipe.fn);
      return evalPartition(recipe.a).filter((x) => fn(x));
    }
    case "flatten": {
      const out: unknown[] = [];
      for (const x of evalPartition(recipe.a)) {
        if (x !== null && typeof x === "object" && Symbol.iterator in x) out.push(...(x as Iterable<unknown>));
        else throw new TypeError(`Bag.flatten: every element must be iterable, found ${typeof x}`);
      }
      return out;
    }
    case "product": {
      const left = evalPartition(recipe.a);
      const right = evalPartition(recipe.b);
      return left.flatMap((x) => right.map((y) => [x, y]));
    }
  }
}

/** Counts each distinct item of a partition. */
export function countPartition(recipe: PartitionRecipe): Map<unknown, number> {
  const counts = new Map<unknown, number>();
  for (const x of evalPartition(recipe)) counts.set(x, (counts.get(x) ?? 0) + 1);
  return counts;
}

/** Adds count maps; `finish` returns `[item, count]` pairs, most frequent first. */
export function mergeCounts(parts: readonly Map<unknown, number>[], finish: boolean): Map<unknown, number> | [unknown, number][] {
  const total = new Map<unknown, number>(parts[0]);
  for (let p = 1; p < parts.length; p++) for (const [k, n] of parts[p]!) total.set(k, (total.get(k) ?? 0) + n);
  if (!finish) return total;
  return [...total].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));
}

/** Folds a partition's items per key: `acc[key(x)] = binop(acc ?? initial, x)`. */
export function foldPartition(recipe: PartitionRecipe, key: ShippedFunction, binop: ShippedFunction, initial: unknown): Map<unknown, unknown> {
  const k = reviveFunction(key);
  const op = reviveFunction(binop);
  const acc = new Map<unknown, unknown>();
  for (const x of evalPartition(recipe)) {
    const g = k(x);
    acc.set(g, op(acc.has(g) ? acc.get(g) : structuredClone(initial), x));
  }
  return acc;
}

/** Merges per-key folds with `combine(a, b)`; `finish` returns `[key, value]` pairs. */
export function combineFolds(parts: readonly Map<unknown, unknown>[], combine: ShippedFunction, finish: boolean): Map<unknown, unknown> | [unknown, unknown][] {
  const c = reviveFunction(combine);
  const total = new Map<unknown, unknown>();
  for (const part of parts) for (const [k, v] of part) total.set(k, total.has(k) ? c(total.get(k), v) : v);
  return finish ? [...total] : total;
}

/** Sorts `items` largest first by `key` (stable: ties keep their order) and keeps the first `k`. */
function largest(items: unknown[], k: number, key: ShippedFunction | null): unknown[] {
  const by = key === null ? (x: unknown) => x : reviveFunction(key);
  const keyed = items.map((x) => [by(x) as number | string, x] as const);
  keyed.sort((a, b) => (b[0] > a[0] ? 1 : b[0] < a[0] ? -1 : 0));
  return keyed.slice(0, k).map((pair) => pair[1]);
}

/** A partition's `k` largest items. */
export function topkPartition(recipe: PartitionRecipe, k: number, key: ShippedFunction | null): unknown[] {
  return largest(evalPartition(recipe), k, key);
}

/** Merges partial top-k lists (in partition order, so ties keep the bag's order). */
export function mergeTopk(parts: readonly unknown[][], k: number, key: ShippedFunction | null, _finish: boolean): unknown[] {
  return largest(parts.flat(), k, key);
}
