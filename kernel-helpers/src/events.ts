/**
 * One finished task, as the pools and schedulers record it and the task-stream chart draws it.
 * Times are epoch milliseconds with sub-millisecond precision (`performance.timeOrigin +
 * performance.now()`), so records made in different threads and processes line up.
 */
export interface TaskEvent {
  /** Unique within one pool or one compute. */
  readonly taskId: string | number;
  /** Which worker ran it: a worker index, thread id, pid or rank. */
  readonly workerId: string | number;
  /** Epoch ms when the worker started the task. */
  readonly start: number;
  /** Epoch ms when it finished. */
  readonly end: number;
  /** What to call it in a chart, e.g. the function name or a task-graph key. */
  readonly label?: string;
  /** False when the task threw. @default true */
  readonly ok?: boolean;
}

/** Epoch milliseconds, comparable across threads and processes of one machine. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}
