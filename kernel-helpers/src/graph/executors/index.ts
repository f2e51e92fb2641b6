/** Makes the executor behind each scheduler name. Pools and Redis load only when asked for. */
import { InvalidArgumentError, describeValue } from "../../errors";
import type { GraphExecutor } from "../scheduler";
import { syncExecutor } from "./sync";

/** Options of {@link makeExecutor}. */
export interface GraphExecutorOptions {
  /** Pool size ("threads", "processes"); tasks kept queued at once ("cluster"). @default cpuCount() */
  readonly workers?: number;
  /** Redis URL for "cluster". @default process.env.KERNEL_HELPERS_REDIS */
  readonly redis?: string;
  /** Queue name for "cluster". @default "kernel-helpers-tasks" */
  readonly queue?: string;
}

/**
 * An executor for `compute({ scheduler: executor })`: make one and reuse it across computes to pay
 * the start-up cost (threads, processes, Redis connections) once; `close()` it when done.
 */
export async function makeExecutor(kind: "sync" | "threads" | "processes" | "cluster", options: GraphExecutorOptions = {}): Promise<GraphExecutor> {
  switch (kind) {
    case "sync":
      return syncExecutor();
    case "threads":
    case "processes": {
      const { poolExecutor } = await import("./pool");
      return poolExecutor(kind, options.workers);
    }
    case "cluster": {
      const { clusterExecutor } = await import("./cluster");
      return clusterExecutor(options);
    }
    default:
      throw new InvalidArgumentError(`makeExecutor: kind must be "sync", "threads", "processes" or "cluster", received ${describeValue(kind)}`);
  }
}
