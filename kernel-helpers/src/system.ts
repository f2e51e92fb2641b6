import os from "node:os";

/**
 * The number of CPUs this process may use: the analogue of Python's `os.cpu_count()` /
 * `multiprocessing.cpu_count()`. Uses `os.availableParallelism()`, which respects CPU affinity.
 */
export function cpuCount(): number {
  return os.availableParallelism();
}
