/**
 * Whether this process is a Jupyter kernel (tslab, or any kernel Jupyter started: it sets
 * `JPY_PARENT_PID`). What a student sees there differs from a script or a test: Ctrl-C is
 * Jupyter's interrupt, and errors are read by a person in a notebook.
 */
export function inJupyterKernel(): boolean {
  return process.env.JPY_PARENT_PID !== undefined || (process.argv.some((a) => /tslab/.test(a)) && process.argv.includes("kernel"));
}
