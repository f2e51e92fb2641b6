import { KernelHelpersError } from "../errors";

/** How to get the course's Python and its packages back: the one fix every Python error names. */
export const PYTHON_FIX = "run `npm run setup` in the course folder (it makes .venv/ with the pinned Python packages), then restart the kernel";

/** The base of every error the Python side by side raises; `message` is one sentence for a student. */
export class PythonError extends KernelHelpersError {}

/** No Python was found: none given, no $PARALLEL_TS_PYTHON, no build/jupyter/env.json, or the recorded path is gone. */
export class PythonNotFoundError extends PythonError {
  readonly searched: readonly string[];
  constructor(message: string, searched: readonly string[]) {
    super("ERR_PYTHON_NOT_FOUND", message);
    this.searched = searched;
  }
}

/** The script reported a module it could not import (its `{"missing_module": …}` line). */
export class PythonModuleMissingError extends PythonError {
  readonly module: string;
  readonly python: string;
  constructor(module: string, python: string) {
    super("ERR_PYTHON_MODULE_MISSING", `${python} has no module ${module}: ${PYTHON_FIX}.`);
    this.module = module;
    this.python = python;
  }
}

/** The script ran past its time limit; it and its whole process group were killed. */
export class PythonTimeoutError extends PythonError {
  readonly timeoutMs: number;
  readonly command: string;
  constructor(command: string, timeoutMs: number) {
    super("ERR_PYTHON_TIMEOUT", `${command} ran longer than its limit of ${(timeoutMs / 1000).toFixed(1)} s and was stopped with all its processes (give a longer \`timeoutMs\`, or a smaller TIME_SCALE).`);
    this.timeoutMs = timeoutMs;
    this.command = command;
  }
}

/** The script exited with a non-zero code or a signal; `stderrTail` holds its last lines. */
export class PythonExitError extends PythonError {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderrTail: string;
  constructor(command: string, exitCode: number | null, signal: NodeJS.Signals | null, stderrTail: string) {
    super("ERR_PYTHON_EXIT", `${command} failed (exit ${exitCode ?? signal})${stderrTail ? `: ${stderrTail}` : ""}.`);
    this.exitCode = exitCode;
    this.signal = signal;
    this.stderrTail = stderrTail;
  }
}

/** The script's last line was not the JSON it promises (or not of the expected shape). */
export class PythonOutputError extends PythonError {
  readonly output: string;
  constructor(command: string, what: string, output: string) {
    super("ERR_PYTHON_OUTPUT", `${command} ${what}: ${JSON.stringify(output.slice(0, 120))} (is ${"`"}python${"`"} the course's venv? ${PYTHON_FIX}).`);
    this.output = output;
  }
}
