// How a cell ended, decided from what the kernel did (nbclient's error check, apart from the cell
// step): an error reply, a reply, a timeout (interrupted or killed), a dead kernel, a cancelled run;
// the tag `raises-exception` turns an error into the expected result. Then the self-check lines
// the cell printed: a `✘` line is a failed check.
import type { CodeCell, Output } from "../notebook/nbformat";
import { cellTags, sourceText } from "../notebook/nbformat";
import { RAISES_EXCEPTION } from "../notebook/tags";
import type { NotebookFailure } from "./errors";
import { CellDidNotRaiseError, CellExecutionError, CellTimeoutError, DeadKernelError, FailedCheckError, NotebookRunError } from "./errors";
import { synthesiseError } from "./outputs";

/** How one cell ended. `not-run`: never reached (an earlier failure stopped the notebook). */
export type CellStatus = "passed" | "failed" | "expected-error" | "skipped" | "not-run";

/** What happened to a cell, once any timeout has been dealt with. */
export type CellEnd =
  | { readonly kind: "reply"; readonly status: "ok" | "error" }
  | { readonly kind: "timeout"; readonly timeoutMs: number; readonly killed: boolean; readonly notebookBound: boolean }
  | { readonly kind: "dead"; readonly detail: string }
  | { readonly kind: "aborted" };

export interface CellVerdict {
  readonly status: CellStatus;
  readonly failure?: NotebookFailure;
  /** The run cannot go on (the kernel is gone, wedged, or the notebook's time is up), even with allowErrors. */
  readonly fatal: boolean;
  /** The kernel must be killed rather than asked to shut down. */
  readonly wedged: boolean;
}

/** The verdict on cell `index` of `file`; an error reply also gets its `error` output (tslab sends none). */
export function judgeCell(file: string, index: number, cell: CodeCell, end: CellEnd): CellVerdict {
  const expectError = cellTags(cell).includes(RAISES_EXCEPTION);
  switch (end.kind) {
    case "reply":
      if (end.status === "error") {
        const { outputs, error } = synthesiseError(cell.outputs);
        cell.outputs = outputs;
        return expectError
          ? { status: "expected-error", fatal: false, wedged: false }
          : { status: "failed", failure: new CellExecutionError(file, index, error.ename, error.evalue), fatal: false, wedged: false };
      }
      return expectError
        ? { status: "failed", failure: new CellDidNotRaiseError(file, index), fatal: false, wedged: false }
        : { status: "passed", fatal: false, wedged: false };
    case "timeout":
      // Like nbclient: a cell whose kernel answered the interrupt is an error like any other
      // (allowErrors goes on); a killed kernel or the notebook's own timeout ends the run.
      if (!end.killed) cell.outputs = synthesiseError(cell.outputs).outputs;
      return { status: "failed", failure: new CellTimeoutError(file, index, end.timeoutMs, end.killed, end.notebookBound), fatal: end.killed || end.notebookBound, wedged: end.killed };
    case "dead":
      return { status: "failed", failure: new DeadKernelError(file, index, end.detail), fatal: true, wedged: true };
    case "aborted":
      return { status: "failed", failure: new NotebookRunError(file, "Aborted", "the run was cancelled", "ERR_ABORTED"), fatal: true, wedged: true };
  }
}

/** A self-check line starts with this mark (kernel-helpers' `check()` prints `✘ name: …`). */
export const FAILED_CHECK_MARK = "✘";

function printed(output: Output): string {
  if (output.output_type === "stream") return output.name === "stdout" ? sourceText(output.text) : "";
  if (output.output_type === "error") return "";
  const plain = output.data["text/plain"];
  return typeof plain === "string" || Array.isArray(plain) ? sourceText(plain as string | string[]) : "";
}

/** The failed self-checks a cell printed on stdout (or displayed as text), one per `✘` line. */
export function failedChecks(file: string, index: number, cell: CodeCell): FailedCheckError[] {
  const lines = cell.outputs.flatMap((output) => printed(output).split("\n"));
  return lines.filter((line) => line.trimStart().startsWith(FAILED_CHECK_MARK)).map((line) => new FailedCheckError(file, index, line.trim()));
}
