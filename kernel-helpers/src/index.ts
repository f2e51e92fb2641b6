/**
 * kernel-helpers: what the Parallel TypeScript notebooks import.
 *
 * The root only re-exports; each area lives in its own folder:
 * - `ship/`   how a task (function source or module export) and its errors travel to a worker: the
 *             contract pools, the communicator, the task graphs and ml all stand on
 * - `base/`   mechanisms every area shares (deadlines, stopping child processes)
 * - `pool/`   thread and process pools with Python's `multiprocessing.Pool` and `concurrent.futures` APIs
 * - `timing/` `%time` / `%timeit` analogues, stopwatch, speedup tables
 * - `plot/`   charts (vega-lite → SVG), tables, progress bars, task streams
 * - `comm/`   an MPI-style communicator (mpi4py's names) and its launcher
 * - `graph/`  Dask-style task graphs and schedulers; `array/` chunked arrays; `bag/` bags
 * - `ml/`     SVC on libsvm, make_classification, grid search
 * - `check`   one-line self-checks for exercises
 * - `python/` the lecture's Python originals run beside the notebooks' cells (`showPythonSideBySide`)
 */
export * from "./errors";
export * from "./events";
export * from "./check";
export * from "./system";
export * from "./concurrency";
export * from "./base";
export * from "./ship";
export * from "./pool";
export * from "./timing";
export * from "./plot";
export * from "./comm";
export * from "./graph";
export * from "./array";
export * from "./bag";
export * from "./ml";
export * from "./lesson";
export * from "./python";
export * as joblib from "./joblib";
