// joblib's Parallel / delayed, exported as the `joblib` namespace (graph/ exports dask's `delayed`).
export { delayed, isDelayedCall } from "./delayed";
export type { DelayedCall } from "./delayed";
export { effectiveNJobs, Parallel } from "./parallel";
export type { ParallelCall, ParallelOptions } from "./parallel";
