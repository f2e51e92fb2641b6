// The runner's errors. Each failure of a notebook is one of these, carried as data in the result
// (`result.error`) rather than thrown, so `runNotebooks` can go on with the next notebook; all share
// `cellIndex`, `ename` and `evalue` so the summary table and the JSON report treat them alike.
// Errors that stop a run before it starts (bad options, an output that would overwrite an input, a
// parameter of the wrong type) are thrown instead. All extend kernel-helpers' base error, so callers
// tell them apart by `code`, never by message text.
import { InvalidArgumentError, KernelHelpersError } from "kernel-helpers";

export { InvalidArgumentError, KernelHelpersError };

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

/** A cell printed a failed self-check line (`✘ name: …`); `line` is that line. */
export class FailedCheckError extends CellExecutionError {
  constructor(path: string, cellIndex: number, readonly line: string) {
    super(path, cellIndex, "FailedCheckError", line, "ERR_FAILED_CHECK");
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

/** An executed copy would be written over a notebook being run (or two copies over each other). */
export class OutputIsInputError extends KernelHelpersError {
  constructor(
    readonly input: string,
    readonly output: string,
    reason: string,
  ) {
    super("ERR_OUTPUT_IS_INPUT", `Refusing to write the executed copy of ${input} to ${output}: ${reason}; choose another --output-dir (or --inplace to overwrite the sources on purpose)`);
  }
}

/** A `-p NAME VALUE` whose value does not have the type of the notebook's default for NAME. */
export class ParameterTypeError extends KernelHelpersError {
  constructor(
    readonly path: string,
    readonly parameter: string,
    readonly expected: string,
    readonly received: unknown,
  ) {
    super("ERR_PARAMETER_TYPE", `${path}: parameter ${parameter} is ${expected} in the notebook's parameters cell, got ${JSON.stringify(received)} (${describeType(received)})`);
  }
}

/** The kernel could not be started: `code` is ERR_NO_SUCH_KERNEL or ERR_KERNEL_START. */
export class KernelStartError extends KernelHelpersError {
  constructor(
    code: "ERR_NO_SUCH_KERNEL" | "ERR_KERNEL_START",
    readonly kernelName: string,
    readonly detail: string,
  ) {
    super(code, detail);
  }
}

/** A notebook outside the folder the server serves: the server cannot open it. */
export class NotebookOutsideRootError extends KernelHelpersError {
  constructor(
    readonly path: string,
    readonly rootDir: string,
  ) {
    super("ERR_OUTSIDE_ROOT", `${path} is outside the server's root ${rootDir}: start the runner from a folder that holds it (or pass serverRootDir / --server-root)`);
  }
}

/** nbconvert could not turn an executed notebook into HTML. */
export class HtmlExportError extends KernelHelpersError {
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super("ERR_HTML_EXPORT", `${path}: nbconvert --to html failed: ${detail}`);
  }
}

/** A value's JSON type as a parameters cell would declare it. */
export function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
