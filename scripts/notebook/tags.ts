// The cell tags the course uses, as Jupyter's tools spell them (nbclient, papermill, nbgrader, JupyterLab).

/** The cell must fail: an error there is expected, its absence is a failure. */
export const RAISES_EXCEPTION = "raises-exception";
/** Never run headless (papermill, nbclient and our runner skip it). */
export const SKIP_EXECUTION = "skip-execution";
/** papermill's parameters cell: values given on the command line are injected after it. */
export const PARAMETERS = "parameters";
/** papermill marks the cell it injects with this tag. */
export const INJECTED_PARAMETERS = "injected-parameters";
