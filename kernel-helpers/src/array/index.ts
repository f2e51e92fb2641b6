// Chunked arrays (dask.array): the namespace object `da`.
import { DArray, fromArray, fromFile, full, ones, random, zeros } from "./array";

export { DArray } from "./array";
export type { ArrayValue, ArrayOptions, ChunksSpec, FromFileOptions, RandomOptions, ReduceOptions } from "./array";
export { ChunkMismatchError } from "./errors";

/**
 * Chunked arrays, named like dask.array: `da.ones(10, { chunks: 5 }).sum().compute()` → 10.
 */
export const da = { DArray, ones, zeros, full, random, fromArray, fromFile } as const;
