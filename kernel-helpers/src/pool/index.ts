// Thread and process pools with Python's multiprocessing.Pool and concurrent.futures APIs.
export * from "./errors";
export { ThreadPool, ProcessPool, PoolStateError, defaultChunksize, maxWorkers, MAX_WORKERS_PER_CORE } from "./pool";
export type { Pool, PoolOptions, CallOptions, MapOptions, Task } from "./pool";
export { AsyncResult, ResultNotReadyError } from "./async-result";
export type { AsyncCallbacks } from "./async-result";
export { Future, ThreadPoolExecutor, ProcessPoolExecutor, asCompleted, wait } from "./executor";
export type { FutureState, PoolExecutorOptions, ShutdownOptions, ExecutorMapResult, ReturnWhen, WaitOptions } from "./executor";
export { sharedPool, shutdownSharedPools } from "./shared";
