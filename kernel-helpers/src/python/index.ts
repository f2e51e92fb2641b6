// The Python side by side: the lecture's Python originals (python/examples/) run with the course's venv.
export { runPythonExample, exampleArgv, type PythonExampleResult, type PythonRow, type PythonExampleArgs, type RunPythonExampleOptions } from "./run-example";
export {
  showPythonSideBySide,
  sideBySideRows,
  sideBySideChartSpec,
  describePython,
  type SideBySideRow,
  type ComparedRow,
  type ShowPythonSideBySideOptions,
} from "./side-by-side";
export { PYTHON_EXAMPLES, type PythonExampleName } from "./examples";
export { findPython, findExamplesDir, mpiexecBeside, type FindPythonOptions } from "./find";
export { runCommand, lastLine, DEFAULT_COMMAND_TIMEOUT_MS, type RunCommandOptions, type CommandOutput } from "./process";
export {
  PythonError,
  PythonNotFoundError,
  PythonModuleMissingError,
  PythonTimeoutError,
  PythonExitError,
  PythonOutputError,
  PYTHON_FIX,
} from "./errors";
