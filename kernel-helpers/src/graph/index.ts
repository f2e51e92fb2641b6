// Dask-style task graphs: delayed calls, a scheduler with pluggable executors, compute/persist.
export { delayed, delayedValue, makeTask, isDelayed, collectGraph, Delayed } from "./delayed";
export type { DelayedOptions, DelayedArgs, MaybeDelayed } from "./delayed";
export { compute, persist, visualize, graphSpec } from "./compute";
export type { ComputeOptions, SchedulerName, Computed, ComputedAll } from "./compute";
export { makeExecutor } from "./executors";
export type { GraphExecutorOptions } from "./executors";
export { runGraph, outcomeEvent } from "./scheduler";
export type { GraphExecutor, ReadyTask, TaskOutcome, SchedulerCallbacks } from "./scheduler";
export { startState, finishTask, releaseData, stateSnapshot } from "./state";
export type { SchedulerState } from "./state";
export { orderGraph } from "./order";
export { tokenize } from "./tokenize";
export { KeyRef, blockKey, keyLabel } from "./spec";
export type { Graph, GraphNode, DataNode, TaskNode, RefNode, TaskFunction } from "./spec";
export { GRAPH_PARTS, isComputable } from "./collection";
export type { Computable, GraphParts } from "./collection";
export { TaskFailedError, GraphError, ClusterError } from "./errors";
export { progressCallbacks } from "./callbacks";
