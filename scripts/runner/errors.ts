// The runner's errors. Each failure of a notebook is one of these, carried as data in the result
// (`result.error`) rather than thrown, so `runNotebooks` can go on with the next notebook; all share
// `cellIndex`, `ename` and `evalue` so the summary table and the JSON report treat them alike.
// They extend kernel-helpers' base error (imported from its compiled module file, not the package
// root, so the runner keeps working while another area of the package is mid-edit).
import { KernelHelpersError } from "kernel-helpers/dist/errors";

export { InvalidArgumentError, KernelHelpersError } from "kernel-helpers/dist/errors";

/** What every notebook failure carries; `cellIndex` is null when no cell was at fault. */
export interface NotebookFailure {
  readonly code: string;
  /** Index into the executed notebook's `cells` (0-based), or null for notebook-level failures. */
  readonly cellIndex: number | null;
  readonly ename: string;
  readonly evalue: string;
}

function where(path: string, cellIndex: number | null): string {
  return cellIndex === null ? path : `${path}, cell ${cellIndex + 1}`;
}

/** A cell failed: it raised (tslab printed an error and replied "error"), or a type error stopped it. */
export class CellExecutionError extends KernelHelpersError implements NotebookFailure {
  constructor(
    readonly path: string,
    readonly cellIndex: number,
    readonly ename: string,
    readonly evalue: string,
    code = "ERR_CELL_EXECUTION",
  ) {
    super(code, `${where(path, cellIndex)}: ${ename}: ${evalue}`);
  }
}

/** A cell tagged `raises-exception` finished without an error. */
export class CellDidNotRaiseError extends CellExecutionError {
  constructor(path: string, cellIndex: number) {
    super(path, cellIndex, "CellDidNotRaiseError", "the cell is tagged raises-exception but finished without an error", "ERR_CELL_DID_NOT_RAISE");
  }
}

/** A cell ran longer than its timeout (or than what was left of the notebook's). */
export class CellTimeoutError extends CellExecutionError {
  constructor(
    path: string,
    cellIndex: number,
    readonly timeoutMs: number,
    /** Whether the kernel had to be killed because it did not answer the interrupt. */
    readonly killed: boolean,
    notebookTimeout = false,
  ) {
    super(
      path,
      cellIndex,
      "CellTimeoutError",
      `${notebookTimeout ? "the notebook's" : "the cell's"} timeout of ${timeoutMs / 1000} s expired${killed ? "; the kernel did not answer the interrupt and was killed" : "; the cell was interrupted"}`,
      notebookTimeout ? "ERR_NOTEBOOK_TIMEOUT" : "ERR_CELL_TIMEOUT",
    );
  }
}

/** The kernel process died (say, `process.exit(1)` in a cell) while a cell ran. */
export class DeadKernelError extends CellExecutionError {
  constructor(path: string, cellIndex: number, detail: string) {
    super(path, cellIndex, "DeadKernelError", `the kernel died while the cell ran (${detail})`, "ERR_DEAD_KERNEL");
  }
}

/** The notebook could not run at all: unreadable, unknown kernel, the kernel did not start. */
export class NotebookRunError extends KernelHelpersError implements NotebookFailure {
  readonly cellIndex = null;
  constructor(
    readonly path: string,
    readonly ename: string,
    readonly evalue: string,
    code: string,
  ) {
    super(code, `${path}: ${ename}: ${evalue}`);
  }
}
