/**
 * Chunked arrays (dask.array): a 1-D or 2-D array of float64 cut into blocks, each block a task in
 * a graph. Nothing is computed until `compute()`; reductions combine per-block partial results in
 * a tree, and the scheduler releases each block once its partial is made, so an array larger than
 * memory is reduced with a few blocks in memory at a time.
 */
import fs from "node:fs";
import path from "node:path";
import { InvalidArgumentError, describeValue } from "../errors";
import { moduleTask, shipFunction } from "../ship/ship";
import { GRAPH_PARTS, type Computable, type GraphParts } from "../graph/collection";
import { compute, persist, visualize, type ComputeOptions } from "../graph/compute";
import { Delayed, makeTask } from "../graph/delayed";
import { blockKey } from "../graph/spec";
import { tokenize } from "../graph/tokenize";
import { treeReduce } from "../graph/tree-reduce";
import { ChunkMismatchError } from "./errors";
import type { BinaryOp, Recipe, ReduceOp } from "./kernels";

const KERNELS = path.join(__dirname, "kernels.js");
const EVAL_BLOCK = moduleTask(KERNELS, "evalBlock");
const REDUCE_BLOCK = moduleTask(KERNELS, "reduceBlock");
const COMBINE = moduleTask(KERNELS, "combinePartials");

/** How many partials one combine task takes (dask's `split_every`). */

/** Block sizes: one number for every dimension, one per dimension, or explicit sizes per dimension. */
export type ChunksSpec = number | readonly number[] | readonly (readonly number[])[];

/** The computed value of a chunked array: 1-D → Float64Array; 2-D → one Float64Array per row. */
export type ArrayValue = Float64Array | Float64Array[];

/** Options of reductions. */
export interface ReduceOptions {
  /** 2-D only: 0 reduces down the columns (one value per column), 1 along rows. @default undefined (all) */
  readonly axis?: number;
}

function normalizeShape(shape: number | readonly number[], what: string): number[] {
  const s = typeof shape === "number" ? [shape] : [...shape];
  if (s.length < 1 || s.length > 2 || !s.every((n) => Number.isInteger(n) && n > 0)) {
    throw new InvalidArgumentError(`${what}: shape must be a positive integer or [rows, cols], received ${describeValue(shape)}`);
  }
  return s;
}

function normalizeChunks(shape: readonly number[], chunks: ChunksSpec | undefined, what: string): number[][] {
  const spec = chunks ?? shape.map((n) => n);
  const perDim: (number | readonly number[])[] = typeof spec === "number" ? shape.map(() => spec) : [...spec];
  if (perDim.length !== shape.length) {
    throw new InvalidArgumentError(`${what}: chunks must give ${shape.length} dimension(s), received ${describeValue(chunks)}`);
  }
  return perDim.map((c, d) => {
    const n = shape[d]!;
    if (typeof c === "number") {
      if (!Number.isInteger(c) || c <= 0) throw new InvalidArgumentError(`${what}: chunk size must be a positive integer, received ${describeValue(c)}`);
      const out: number[] = [];
      for (let i = 0; i < n; i += c) out.push(Math.min(c, n - i));
      return out;
    }
    if (c.reduce((a, b) => a + b, 0) !== n || !c.every((x) => Number.isInteger(x) && x > 0)) {
      throw new InvalidArgumentError(`${what}: chunks of dimension ${d} must be positive integers adding up to ${n}, received ${describeValue(c)}`);
    }
    return [...c];
  });
}

function offsets(sizes: readonly number[]): number[] {
  const out = [0];
  for (const s of sizes) out.push(out[out.length - 1]! + s);
  return out;
}

/** Groups `items` into a tree of combine tasks; the root gets `finish`. */
function tree(name: string, op: ReduceOp, items: Delayed[], finish: "vector" | "scalar", label: string): Delayed {
  return treeReduce(name, COMBINE, items, (group, root) => [op, group, root ? finish : "partial"], label);
}

/** A chunked 1-D or 2-D float64 array; create with `da.ones`, `da.fromArray`, `da.fromFile`, ... */
export class DArray implements Computable<ArrayValue> {
  /** Blocks along each dimension, e.g. `[[5, 5]]` for 10 elements in chunks of 5. */
  readonly chunks: readonly (readonly number[])[];
  private blockCache: Delayed[] | undefined;

  /**
   * @internal use the creation functions.
   * @param recipes one per block, row-major over the block grid.
   */
  constructor(
    /** The key prefix of this array's blocks. */
    readonly name: string,
    /** `[n]` or `[rows, cols]`. */
    readonly shape: readonly number[],
    chunks: readonly (readonly number[])[],
    private readonly recipes: readonly Recipe[],
  ) {
    this.chunks = chunks;
  }

  /** 1 or 2. */
  get ndim(): number {
    return this.shape.length;
  }

  /** The number of elements. */
  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  /** Blocks per dimension. */
  get numblocks(): number[] {
    return this.chunks.map((c) => c.length);
  }

  private get grid(): [number, number] {
    return this.ndim === 1 ? [1, this.chunks[0]!.length] : [this.chunks[0]!.length, this.chunks[1]!.length];
  }

  private recipe(bi: number, bj: number): Recipe {
    return this.recipes[bi * this.grid[1] + bj]!;
  }

  private key(bi: number, bj: number): string {
    return this.ndim === 1 ? blockKey(this.name, bj) : blockKey(this.name, bi, bj);
  }

  /** One task per block, row-major over the block grid. */
  blocks(): Delayed<Float64Array>[] {
    if (!this.blockCache) {
      const [gr, gc] = this.grid;
      const out: Delayed[] = [];
      for (let bi = 0; bi < gr; bi++) {
        for (let bj = 0; bj < gc; bj++) {
          const r = this.recipe(bi, bj);
          // A computed block is already a node; no task to copy it.
          out.push(r.op === "value" && r.value instanceof Delayed ? r.value : makeTask(this.key(bi, bj), EVAL_BLOCK, [r], this.name.replace(/-[0-9a-f]{16}$/, "")));
        }
      }
      this.blockCache = out;
    }
    return this.blockCache as Delayed<Float64Array>[];
  }

  private derive(op: string, params: unknown, make: (r: Recipe, bi: number, bj: number) => Recipe, shape = this.shape, chunks = this.chunks, grid = this.grid): DArray {
    const name = `${op}-${tokenize(this.name, params)}`;
    const recipes: Recipe[] = [];
    for (let bi = 0; bi < grid[0]; bi++) for (let bj = 0; bj < grid[1]; bj++) recipes.push(make(this.recipe(bi, bj), bi, bj));
    return new DArray(name, shape, chunks, recipes);
  }

  private binary(fn: BinaryOp, other: DArray | number, what: string): DArray {
    if (typeof other === "number") {
      return this.derive(fn, ["scalar", other], (r) => ({ op: "binary", fn, a: r, b: other, shape: r.shape }));
    }
    if (!(other instanceof DArray)) throw new InvalidArgumentError(`${what}: other must be a chunked array or a number, received ${describeValue(other)}`);
    if (other.shape.join() !== this.shape.join()) {
      throw new ChunkMismatchError(`${what}: shapes differ: [${this.shape}] and [${other.shape}]`);
    }
    if (JSON.stringify(other.chunks) !== JSON.stringify(this.chunks)) {
      throw new ChunkMismatchError(`${what}: chunks differ: ${JSON.stringify(this.chunks)} and ${JSON.stringify(other.chunks)} (create both with the same chunks; rechunking is not supported)`);
    }
    return this.derive(fn, other.name, (r, bi, bj) => ({ op: "binary", fn, a: r, b: other.recipe(bi, bj), shape: r.shape }));
  }

  /** Elementwise `this + other` (an array with the same shape and chunks, or a number). */
  add(other: DArray | number): DArray {
    return this.binary("add", other, "DArray.add");
  }
  /** Elementwise `this - other`. */
  sub(other: DArray | number): DArray {
    return this.binary("sub", other, "DArray.sub");
  }
  /** Elementwise `this * other`. */
  mul(other: DArray | number): DArray {
    return this.binary("mul", other, "DArray.mul");
  }
  /** Elementwise `this / other`. */
  div(other: DArray | number): DArray {
    return this.binary("div", other, "DArray.div");
  }

  /**
   * Applies `fn(block, [rows, cols])` to every block; it must return a Float64Array of the same
   * size. `fn` travels to workers, so it must be self-contained (or a `moduleTask`).
   */
  mapBlocks(fn: ((block: Float64Array, shape: [number, number]) => Float64Array) | ReturnType<typeof moduleTask>, options: { readonly name?: string } = {}): DArray {
    const shipped = shipFunction(fn, "DArray.mapBlocks");
    const base = options.name ?? (typeof fn === "function" && fn.name ? fn.name : "map");
    return this.derive(base, shipped, (r) => ({ op: "map", fn: shipped, a: r, shape: r.shape }));
  }

  /** The transpose (1-D arrays are their own transpose). */
  transpose(): DArray {
    if (this.ndim === 1) return this;
    const [gr, gc] = this.grid;
    const name = `transpose-${tokenize(this.name)}`;
    const recipes: Recipe[] = [];
    for (let bj = 0; bj < gc; bj++) {
      for (let bi = 0; bi < gr; bi++) {
        const r = this.recipe(bi, bj);
        recipes.push({ op: "transpose", a: r, shape: [r.shape[1], r.shape[0]] });
      }
    }
    return new DArray(name, [this.shape[1]!, this.shape[0]!], [this.chunks[1]!, this.chunks[0]!], recipes);
  }

  /** Same as {@link transpose}. */
  get T(): DArray {
    return this.transpose();
  }

  private reduce(op: ReduceOp, options: ReduceOptions, what: string): Delayed<number> | DArray {
    let axis: 0 | 1 | null = null;
    if (options.axis !== undefined) {
      if (options.axis !== 0 && options.axis !== 1 && options.axis !== -1) throw new InvalidArgumentError(`${what}: axis must be 0 or 1, received ${describeValue(options.axis)}`);
      const a = options.axis === -1 ? this.ndim - 1 : options.axis;
      if (a >= this.ndim) throw new InvalidArgumentError(`${what}: axis ${options.axis} is out of range for a ${this.ndim}-D array`);
      axis = this.ndim === 1 ? null : (a as 0 | 1);
    }
    const token = tokenize(this.name, op, axis);
    const partialName = `${op}-partial-${token}`;
    const [gr, gc] = this.grid;
    const partials: Delayed[][] = [];
    for (let bi = 0; bi < gr; bi++) {
      const row: Delayed[] = [];
      for (let bj = 0; bj < gc; bj++) {
        row.push(makeTask(this.ndim === 1 ? blockKey(partialName, bj) : blockKey(partialName, bi, bj), REDUCE_BLOCK, [this.recipe(bi, bj), op, axis], `${op}-partial`));
      }
      partials.push(row);
    }
    if (axis === null) return tree(`${op}-${token}`, op, partials.flat(), "scalar", op) as Delayed<number>;
    const name = `${op}-${token}`;
    const sizes = axis === 0 ? this.chunks[1]! : this.chunks[0]!;
    const recipes: Recipe[] = sizes.map((len, k) => {
      const group = axis === 0 ? partials.map((row) => row[k]!) : partials[k]!;
      return { op: "value", value: tree(`${name}-agg[${k}]`, op, group, "vector", op), shape: [1, len] };
    });
    return new DArray(name, [axis === 0 ? this.shape[1]! : this.shape[0]!], [sizes], recipes);
  }

  /** Sum of all elements (a `Delayed<number>`), or along `axis` (a 1-D array). */
  sum(): Delayed<number>;
  sum(options: { readonly axis: number }): DArray;
  sum(options: ReduceOptions = {}): Delayed<number> | DArray {
    return this.reduce("sum", options, "DArray.sum");
  }
  /** Mean of all elements, or along `axis`. */
  mean(): Delayed<number>;
  mean(options: { readonly axis: number }): DArray;
  mean(options: ReduceOptions = {}): Delayed<number> | DArray {
    return this.reduce("mean", options, "DArray.mean");
  }
  /** Population standard deviation (numpy's default, ddof = 0), of all elements or along `axis`. */
  std(): Delayed<number>;
  std(options: { readonly axis: number }): DArray;
  std(options: ReduceOptions = {}): Delayed<number> | DArray {
    return this.reduce("std", options, "DArray.std");
  }
  /** Smallest element, or along `axis`. */
  min(): Delayed<number>;
  min(options: { readonly axis: number }): DArray;
  min(options: ReduceOptions = {}): Delayed<number> | DArray {
    return this.reduce("min", options, "DArray.min");
  }
  /** Largest element, or along `axis`. */
  max(): Delayed<number>;
  max(options: { readonly axis: number }): DArray;
  max(options: ReduceOptions = {}): Delayed<number> | DArray {
    return this.reduce("max", options, "DArray.max");
  }

  /** Computes the array: 1-D → Float64Array, 2-D → an array of rows. */
  async compute(options: ComputeOptions = {}): Promise<ArrayValue> {
    const [value] = await compute(this, options);
    return value;
  }

  /** Computes the blocks and keeps them: later graphs on the result start from them. */
  async persist(options: ComputeOptions = {}): Promise<DArray> {
    const [value] = await persist(this, options);
    return value;
  }

  /** Draws this array's task graph. */
  visualize(): unknown {
    return visualize(this);
  }

  toString(): string {
    return `DArray<${this.name}, shape [${this.shape}], chunks ${JSON.stringify(this.chunks)}>`;
  }

  /** @internal */
  [GRAPH_PARTS](): GraphParts<ArrayValue> {
    const blocks = this.blocks();
    const [gr, gc] = this.grid;
    return {
      blocks,
      finalize: (values) => {
        const vs = values as Float64Array[];
        if (this.ndim === 1) {
          const out = new Float64Array(this.shape[0]!);
          let at = 0;
          for (const v of vs) {
            out.set(v, at);
            at += v.length;
          }
          return out;
        }
        const rows = Array.from({ length: this.shape[0]! }, () => new Float64Array(this.shape[1]!));
        const ro = offsets(this.chunks[0]!);
        const co = offsets(this.chunks[1]!);
        for (let bi = 0; bi < gr; bi++) {
          for (let bj = 0; bj < gc; bj++) {
            const v = vs[bi * gc + bj]!;
            const w = this.chunks[1]![bj]!;
            for (let i = 0; i < this.chunks[0]![bi]!; i++) rows[ro[bi]! + i]!.set(v.subarray(i * w, (i + 1) * w), co[bj]!);
          }
        }
        return rows;
      },
      rebuild: (persisted) =>
        new DArray(
          this.name,
          this.shape,
          this.chunks,
          persisted.map((d, k) => ({ op: "value", value: d, shape: this.recipes[k]!.shape })),
        ),
    };
  }
}

/** Options of the creation functions. */
export interface ArrayOptions {
  /** Block size: one number for all dimensions, one per dimension, or explicit sizes. @default the whole array in one block */
  readonly chunks?: ChunksSpec;
}

function create(op: string, shapeIn: number | readonly number[], options: ArrayOptions, what: string, token: unknown, make: (shape: [number, number], bi: number, bj: number, rowOffset: number, colOffset: number) => Recipe): DArray {
  const shape = normalizeShape(shapeIn, what);
  const chunks = normalizeChunks(shape, options.chunks, what);
  const rows = shape.length === 1 ? [1] : chunks[0]!;
  const cols = shape.length === 1 ? chunks[0]! : chunks[1]!;
  const ro = offsets(rows);
  const co = offsets(cols);
  const recipes: Recipe[] = [];
  rows.forEach((r, bi) => cols.forEach((c, bj) => recipes.push(make([r, c], bi, bj, ro[bi]!, co[bj]!))));
  return new DArray(`${op}-${tokenize(shape, chunks, token)}`, shape, chunks, recipes);
}

/** An array of ones. `ones(10, { chunks: 5 }).sum()` computes 10 in two blocks. */
export function ones(shape: number | readonly number[], options: ArrayOptions = {}): DArray {
  return create("ones", shape, options, "da.ones", 1, (s) => ({ op: "fill", value: 1, shape: s }));
}

/** An array of zeros. */
export function zeros(shape: number | readonly number[], options: ArrayOptions = {}): DArray {
  return create("zeros", shape, options, "da.zeros", 0, (s) => ({ op: "fill", value: 0, shape: s }));
}

/** An array filled with `value`. */
export function full(shape: number | readonly number[], value: number, options: ArrayOptions = {}): DArray {
  return create("full", shape, options, "da.full", value, (s) => ({ op: "fill", value, shape: s }));
}

/** Options of the random creation functions. */
export interface RandomOptions extends ArrayOptions {
  /** Same seed, same chunks → same numbers, on any scheduler. @default 0 */
  readonly seed?: number;
}

function randomArray(dist: "uniform" | "normal", shape: number | readonly number[], options: RandomOptions): DArray {
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new InvalidArgumentError(`da.random.${dist}: seed must be an integer, received ${describeValue(seed)}`);
  return create(`random_${dist}`, shape, options, `da.random.${dist}`, [dist, seed], (s, bi, bj) => ({
    op: "random",
    dist,
    // One independent stream per block.
    seed: (Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2d) ^ Math.imul(bi + 1, 0x9e3779b1) ^ Math.imul(bj + 1, 0x85ebca77)) >>> 0,
    shape: s,
  }));
}

/** Seeded random arrays: `random.normal` (mean 0, sd 1) and `random.uniform` ([0, 1)). */
export const random = {
  /** Standard normal numbers; scale with `.mul(sd).add(mean)`. */
  normal: (shape: number | readonly number[], options: RandomOptions = {}): DArray => randomArray("normal", shape, options),
  /** Uniform numbers in [0, 1). */
  uniform: (shape: number | readonly number[], options: RandomOptions = {}): DArray => randomArray("uniform", shape, options),
};

/** A chunked array over data in memory: a Float64Array or number[] (1-D), or rows (2-D). */
export function fromArray(data: Float64Array | readonly number[] | readonly (readonly number[] | Float64Array)[], options: ArrayOptions = {}): DArray {
  let shape: number[];
  let flat: Float64Array;
  if (data instanceof Float64Array || (Array.isArray(data) && data.every((x) => typeof x === "number"))) {
    flat = Float64Array.from(data as ArrayLike<number>);
    shape = [flat.length];
  } else if (Array.isArray(data) && data.length > 0) {
    const rows = data as readonly ArrayLike<number>[];
    const cols = rows[0]!.length;
    if (!rows.every((r) => r && r.length === cols)) throw new InvalidArgumentError(`da.fromArray: every row must have ${cols} numbers`);
    flat = new Float64Array(rows.length * cols);
    rows.forEach((r, i) => flat.set(Array.from(r), i * cols));
    shape = [rows.length, cols];
  } else {
    throw new InvalidArgumentError(`da.fromArray: data must be a Float64Array, a number[] or an array of rows, received ${describeValue(data)}`);
  }
  const name = `array-${tokenize(flat, shape, options.chunks ?? null)}`;
  const width = shape.length === 1 ? shape[0]! : shape[1]!;
  return create("array", shape, options, "da.fromArray", flat, (s, bi, bj, r0, c0) => {
    const block = new Float64Array(s[0] * s[1]);
    for (let i = 0; i < s[0]; i++) block.set(flat.subarray((r0 + i) * width + c0, (r0 + i) * width + c0 + s[1]), i * s[1]);
    const key = shape.length === 1 ? blockKey(name, bj) : blockKey(name, bi, bj);
    return { op: "value", value: new Delayed(key, { kind: "data", value: block }), shape: s };
  });
}

/** Options of {@link fromFile}. */
export interface FromFileOptions extends ArrayOptions {
  /** `n` or `[rows, cols]` (row-major in the file). */
  readonly shape: number | readonly number[];
  /** Only little-endian float64 for now. @default "float64" */
  readonly dtype?: "float64";
  /** Bytes to skip at the start of the file (a header). @default 0 */
  readonly offset?: number;
}

/**
 * A chunked array over a binary file of float64s: each block is read with `fs.read` at its offset
 * when a task needs it, so the file may be far larger than memory.
 */
export function fromFile(file: string, options: FromFileOptions): DArray {
  if (typeof file !== "string") throw new InvalidArgumentError(`da.fromFile: path must be a string, received ${describeValue(file)}`);
  if ((options.dtype ?? "float64") !== "float64") throw new InvalidArgumentError(`da.fromFile: dtype must be "float64", received ${describeValue(options.dtype)}`);
  const abs = path.resolve(file);
  const shape = normalizeShape(options.shape, "da.fromFile");
  const offset = options.offset ?? 0;
  const needed = offset + shape.reduce((a, b) => a * b, 1) * 8;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch (error) {
    throw new InvalidArgumentError(`da.fromFile: cannot read ${JSON.stringify(abs)} (${(error as Error).message})`);
  }
  if (stat.size < needed) throw new InvalidArgumentError(`da.fromFile: ${JSON.stringify(abs)} has ${stat.size} bytes, shape [${shape}] needs ${needed}`);
  const width = shape.length === 1 ? shape[0]! : shape[1]!;
  return create("fromfile", shape, options, "da.fromFile", [abs, offset, stat.size, stat.mtimeMs], (s, _bi, _bj, r0, c0) => ({
    op: "file",
    path: abs,
    offset: offset + (r0 * width + c0) * 8,
    rowStride: width,
    shape: s,
  }));
}
