import { KernelHelpersError } from "../errors";

/**
 * A task of a graph threw (or its worker was lost too often). Raised once by `compute`, naming the
 * key that failed; the task's own error is the `cause`.
 */
export class TaskFailedError extends KernelHelpersError {
  /** The graph key of the failed task, e.g. `"inc-3f9a…"`. */
  readonly key: string;

  constructor(key: string, message: string, cause?: unknown) {
    super("ERR_TASK_FAILED", message, { cause });
    this.key = key;
  }
}

/** A graph is malformed: a dependency has no node, or the graph has a cycle. */
export class GraphError extends KernelHelpersError {
  /** The key the problem was found at. */
  readonly key: string;

  constructor(key: string, message: string) {
    super("ERR_INVALID_GRAPH", message);
    this.key = key;
  }
}

/** The 'cluster' scheduler could not talk to Redis or its workers. */
export class ClusterError extends KernelHelpersError {
  constructor(message: string, cause?: unknown) {
    super("ERR_CLUSTER", message, { cause });
  }
}
