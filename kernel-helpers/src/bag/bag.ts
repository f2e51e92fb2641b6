/**
 * Bags (dask.bag): a collection of any values cut into partitions, for text and semi-structured
 * data. `map`, `filter`, `flatten` and `product` are lazy and fused per partition; `frequencies`,
 * `topk` and `foldby` reduce each partition, then merge the partials in a tree.
 */
import fs from "node:fs";
import path from "node:path";
import { InvalidArgumentError, describeValue } from "../errors";
import { moduleTask, shipFunction, type ModuleTask } from "../ship/ship";
import { GRAPH_PARTS, type Computable, type GraphParts } from "../graph/collection";
import { compute, persist, visualize, type ComputeOptions } from "../graph/compute";
import { Delayed, makeTask } from "../graph/delayed";
import { blockKey } from "../graph/spec";
import { tokenize } from "../graph/tokenize";
import { treeReduce } from "../graph/tree-reduce";
import type { PartitionRecipe } from "./kernels";

const KERNELS = path.join(__dirname, "kernels.js");
const EVAL = moduleTask(KERNELS, "evalPartition");
const COUNT = moduleTask(KERNELS, "countPartition");
const MERGE_COUNTS = moduleTask(KERNELS, "mergeCounts");
const FOLD = moduleTask(KERNELS, "foldPartition");
const COMBINE_FOLDS = moduleTask(KERNELS, "combineFolds");
const TOPK = moduleTask(KERNELS, "topkPartition");
const MERGE_TOPK = moduleTask(KERNELS, "mergeTopk");

type Fn<A extends unknown[], R> = ((...args: A) => R) | ModuleTask;

function mergeTree(name: string, fn: ModuleTask, parts: Delayed[], extra: unknown[], label: string): Delayed {
  return treeReduce(name, fn, parts, (group, root) => [group, ...extra, root], label);
}

/** A partitioned collection of values; create with `db.fromSequence` or `db.readText`. */
export class Bag<T = unknown> implements Computable<T[]> {
  private partCache: Delayed<T[]>[] | undefined;

  /** @internal use `db.fromSequence` / `db.readText`. */
  constructor(
    /** The key prefix of the partitions. */
    readonly name: string,
    private readonly recipes: readonly PartitionRecipe[],
  ) {}

  /** The number of partitions. */
  get npartitions(): number {
    return this.recipes.length;
  }

  /** One task per partition. */
  partitions(): Delayed<T[]>[] {
    this.partCache ??= this.recipes.map((r, i) =>
      r.op === "items" && r.value instanceof Delayed ? (r.value as Delayed<T[]>) : makeTask<T[]>(blockKey(this.name, i), EVAL, [r], this.name.replace(/-[0-9a-f]{16}$/, "")),
    );
    return this.partCache;
  }

  private derive<U>(op: "map" | "filter", fn: Fn<[T], unknown>, what: string): Bag<U> {
    const shipped = shipFunction(fn, what);
    const base = typeof fn === "function" && fn.name ? fn.name : op;
    return new Bag<U>(`${base}-${tokenize(this.name, op, shipped)}`, this.recipes.map((a) => ({ op, fn: shipped, a })));
  }

  /** Applies `fn` to every element (fn travels to workers: self-contained, or a moduleTask). */
  map<U>(fn: ((x: T) => U) | ModuleTask): Bag<U> {
    return this.derive<U>("map", fn, "Bag.map");
  }

  /** Keeps the elements for which `predicate` is truthy. */
  filter(predicate: ((x: T) => unknown) | ModuleTask): Bag<T> {
    return this.derive<T>("filter", predicate, "Bag.filter");
  }

  /** Concatenates the elements, which must be iterable (e.g. a bag of word lists → a bag of words). */
  flatten<U = T extends Iterable<infer V> ? V : never>(): Bag<U> {
    return new Bag<U>(`flatten-${tokenize(this.name)}`, this.recipes.map((a) => ({ op: "flatten", a })));
  }

  /**
   * Every pair `[x, y]` of an element of this bag and one of `other` (dask's `product`, the nested
   * for loop as a bag): one partition per pair of partitions, so `n × m` partitions.
   */
  product<U>(other: Bag<U>): Bag<[T, U]> {
    if (!(other instanceof Bag)) throw new InvalidArgumentError(`Bag.product: expected a bag, received ${describeValue(other)}`);
    const recipes = this.recipes.flatMap((a) => other.recipes.map((b): PartitionRecipe => ({ op: "product", a, b })));
    return new Bag<[T, U]>(`product-${tokenize(this.name, other.name)}`, recipes);
  }

  /**
   * `[value, count]` pairs of the distinct elements, most frequent first: a bag of one partition, so
   * it chains (`.frequencies().topk(10, (p) => p[1])`, as in dask) and computes to the list of pairs.
   */
  frequencies(): Bag<[T, number]> {
    const token = tokenize(this.name, "frequencies");
    const parts = this.recipes.map((r, i) => makeTask(blockKey(`frequencies-partial-${token}`, i), COUNT, [r], "count"));
    return single(`frequencies-${token}`, mergeTree(`frequencies-${token}`, MERGE_COUNTS, parts, [], "frequencies") as Delayed<[T, number][]>);
  }

  /**
   * The `k` largest elements, largest first (by `key(x)` when given, else by the elements themselves;
   * ties keep the bag's order): each partition keeps its own top `k`, then the partials are merged in
   * a tree, so only `k` elements per partition travel. A bag of one partition, as dask's `topk`.
   */
  topk(k: number, key?: ((x: T) => unknown) | ModuleTask): Bag<T> {
    if (!Number.isInteger(k) || k < 0) throw new InvalidArgumentError(`Bag.topk: k must be a non-negative integer, received ${describeValue(k)}`);
    const shippedKey = key === undefined ? null : shipFunction(key, "Bag.topk key");
    const token = tokenize(this.name, "topk", k, shippedKey);
    const parts = this.recipes.map((r, i) => makeTask(blockKey(`topk-partial-${token}`, i), TOPK, [r, k, shippedKey], "topk"));
    return single(`topk-${token}`, mergeTree(`topk-${token}`, MERGE_TOPK, parts, [k, shippedKey], "topk") as Delayed<T[]>);
  }

  /**
   * Groups by `key` and folds each group: within a partition `acc = binop(acc, x)` starting from
   * `initial`, then partitions' results are merged with `combine(a, b)` (default `binop`). A
   * `Delayed` of `[key, value]` pairs (dask's `foldby`).
   */
  foldby<K, A>(key: ((x: T) => K) | ModuleTask, binop: ((acc: A, x: T) => A) | ModuleTask, initial: A, options: { readonly combine?: ((a: A, b: A) => A) | ModuleTask } = {}): Delayed<[K, A][]> {
    const k = shipFunction(key, "Bag.foldby key");
    const b = shipFunction(binop, "Bag.foldby binop");
    const c = options.combine ? shipFunction(options.combine, "Bag.foldby combine") : b;
    const token = tokenize(this.name, "foldby", k, b, c, initial);
    const parts = this.recipes.map((r, i) => makeTask(blockKey(`foldby-partial-${token}`, i), FOLD, [r, k, b, initial], "fold"));
    return mergeTree(`foldby-${token}`, COMBINE_FOLDS, parts, [c], "foldby") as Delayed<[K, A][]>;
  }

  /** All elements, partitions concatenated in order. */
  async compute(options: ComputeOptions = {}): Promise<T[]> {
    const [value] = await compute(this, options);
    return value;
  }

  /** Computes the partitions and keeps them. */
  async persist(options: ComputeOptions = {}): Promise<Bag<T>> {
    const [value] = await persist(this, options);
    return value;
  }

  /** Draws this bag's task graph. */
  visualize(): unknown {
    return visualize(this);
  }

  /** @internal */
  [GRAPH_PARTS](): GraphParts<T[]> {
    const blocks = this.partitions();
    return {
      blocks,
      finalize: (values) => (values as T[][]).flat(),
      rebuild: (persisted) => new Bag<T>(this.name, persisted.map((d) => ({ op: "items", value: d }))),
    };
  }
}

/** A bag whose one partition is the value of `partition` (the result of a reduction). */
function single<T>(name: string, partition: Delayed<T[]>): Bag<T> {
  return new Bag<T>(name, [{ op: "items", value: partition }]);
}

/** Options of {@link fromSequence}. */
export interface FromSequenceOptions {
  /** How many partitions. @default min(items, 8) */
  readonly npartitions?: number;
  /** Or: items per partition (wins over npartitions). */
  readonly partitionSize?: number;
}

/** A bag over values in memory, cut into partitions of equal size. */
export function fromSequence<T>(items: Iterable<T>, options: FromSequenceOptions = {}): Bag<T> {
  const all = [...items];
  let size: number;
  if (options.partitionSize !== undefined) {
    if (!Number.isInteger(options.partitionSize) || options.partitionSize <= 0) throw new InvalidArgumentError(`db.fromSequence: partitionSize must be a positive integer, received ${describeValue(options.partitionSize)}`);
    size = options.partitionSize;
  } else {
    const n = options.npartitions ?? Math.min(Math.max(all.length, 1), 8);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`db.fromSequence: npartitions must be a positive integer, received ${describeValue(n)}`);
    size = Math.max(1, Math.ceil(all.length / n));
  }
  const name = `from_sequence-${tokenize(all, size)}`;
  const recipes: PartitionRecipe[] = [];
  for (let i = 0, p = 0; i < Math.max(all.length, 1); i += size, p++) {
    recipes.push({ op: "items", value: new Delayed(blockKey(name, p), { kind: "data", value: all.slice(i, i + size) }) });
  }
  return new Bag<T>(name, recipes);
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]")}$`);
}

/** The files a path or `dir/*.txt`-style pattern names (wildcards in the file name only), sorted. */
function expand(spec: string): string[] {
  if (!/[*?]/.test(spec)) return [path.resolve(spec)];
  const dir = path.resolve(path.dirname(spec));
  if (/[*?]/.test(path.dirname(spec))) throw new InvalidArgumentError(`db.readText: wildcards are supported in the file name only, received ${JSON.stringify(spec)}`);
  const re = wildcard(path.basename(spec));
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (error) {
    throw new InvalidArgumentError(`db.readText: cannot list ${JSON.stringify(dir)} (${(error as Error).message})`);
  }
  return names.filter((n) => re.test(n)).sort().map((n) => path.join(dir, n));
}

/** A bag of the lines of text files (line endings removed), one partition per file. */
export function readText(paths: string | readonly string[]): Bag<string> {
  const specs = typeof paths === "string" ? [paths] : [...paths];
  const files = specs.flatMap(expand);
  if (files.length === 0) throw new InvalidArgumentError(`db.readText: no files match ${JSON.stringify(paths)}`);
  for (const f of files) if (!fs.existsSync(f)) throw new InvalidArgumentError(`db.readText: no such file ${JSON.stringify(f)}`);
  const stamps = files.map((f) => fs.statSync(f).mtimeMs);
  return new Bag<string>(`read_text-${tokenize(files, stamps)}`, files.map((f) => ({ op: "text", path: f })));
}
