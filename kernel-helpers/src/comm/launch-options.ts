/** What every launcher takes: the transports and `mpirun`'s options. */
/** How ranks run: threads of this process, child processes, or processes started by a real `mpiexec`. */
export type CommTransport = "threads" | "processes" | "mpiexec";

export interface MpirunOptions {
  /** @default "threads" */
  readonly transport?: CommTransport;
  /**
   * Reject with `CommTimeoutError` after this long. Deadlocks are detected without it on every
   * transport; the timeout catches what detection cannot (a rank spinning forever).
   * @default undefined (none) for threads and processes, 600000 for mpiexec
   */
  readonly timeoutMs?: number;
  /** @default true */
  readonly deadlockDetection?: boolean;
  /** Prefix each output line with `[rank] ` (like `mpirun --tag-output`). @default false */
  readonly tagOutput?: boolean;
  /**
   * Extra arguments passed to the function after `comm` (function mode) or to the program. In
   * function mode an argument that is a function (self-contained, like the rank function) or a
   * `moduleTask` reaches the rank as a function: a helper the rank function calls. @default []
   */
  readonly args?: readonly unknown[];
  /** Extra arguments for `mpiexec` (e.g. `["--hostfile", "hosts"]`). @default [] */
  readonly mpiexecArgs?: readonly string[];
  /**
   * The address ranks started by mpiexec use to reach this launcher.
   * @default the first non-loopback IPv4 address, or 127.0.0.1
   */
  readonly coordinatorHost?: string;
  /** Stops the run; the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
}
