/**
 * The headless notebook runner (`npm run notebooks`), modelled on nbclient: a `NotebookRunner`
 * class for one notebook on a connection, `runNotebook(path, options)` for one notebook on a
 * server of its own, and `runNotebooks(paths, options)` sharing one server across `jobs` kernels.
 *
 * Conventions a notebook can use:
 * - tag `parameters` on the cell with the defaults (`const TIME_SCALE = 1;`); `-p NAME VALUE`
 *   injects a cell tagged `injected-parameters` after it (`const NAME = VALUE;`);
 * - tag `raises-exception`: the cell must fail (it is an error if it does not);
 * - tag `skip-execution`: never run headless;
 * - tag `timeout=SECONDS` (e.g. `timeout=30`): this cell's timeout instead of `timeoutMs`.
 */
import { commonFolder, connect, type RunnerConnection, type ServerOptions } from "./connection";
import path from "node:path";
import { projectRoot } from "../jupyter/paths";
import { InvalidArgumentError } from "./errors";
import { assertOutputsAreNotInputs } from "./files";
import { resolveRunOptions } from "./options";
import { executedPath, NotebookRunner, prepareNotebook, type NotebookResult, type RunOptions } from "./runner";

export { connect, RUNNER_ID_ENV } from "./connection";
export type { RunnerConnection, ServerOptions } from "./connection";
export { CellDidNotRaiseError, CellExecutionError, CellTimeoutError, DeadKernelError, NotebookRunError } from "./errors";
export type { NotebookFailure } from "./errors";
export { defaultOutputDir, outputPathFor, resolveNotebookPaths } from "./files";
export { applyMessage, newOutputState, parseStderrError, synthesiseError } from "./outputs";
export type { IOPubMessageLike, OutputState, ParsedError } from "./outputs";
export { INJECTED_PARAMETERS_TAG, injectParameters, parseParameterValue, parametersSource } from "./parameters";
export { NotebookRunner, RAISES_EXCEPTION_TAG } from "./runner";
export type { CellEvent, CellResult, CellStatus, NotebookResult, RunnerHooks, RunOptions } from "./runner";

/** Options of `runNotebook`: how to run it, and which server to use. */
export interface RunNotebookOptions extends RunOptions, ServerOptions {
  /** Run on this connection instead of connecting (the caller closes it). */
  readonly connection?: RunnerConnection;
}

/** Options of `runNotebooks`. */
export interface RunNotebooksOptions extends RunNotebookOptions {
  /** How many notebooks run at once, each with its own kernel. @default 1 */
  readonly jobs?: number;
}

/** Runs one notebook; resolves with its result (passed or failed), rejects only for invalid options. */
export async function runNotebook(path: string, options: RunNotebookOptions = {}): Promise<NotebookResult> {
  const [result] = await runNotebooks([path], options);
  return result!;
}

/**
 * Runs notebooks on one server, `jobs` at a time, each with its own kernel; a failing notebook
 * does not stop the others. Results come in the order of `paths`. The server we start is always
 * stopped, and whatever the kernels left is ended, also when this rejects.
 */
export async function runNotebooks(paths: readonly string[], options: RunNotebooksOptions = {}): Promise<NotebookResult[]> {
  const jobs = options.jobs ?? 1;
  if (!Number.isInteger(jobs) || jobs < 1) throw new InvalidArgumentError(`Expected jobs to be a positive integer, got ${JSON.stringify(jobs)}`);
  if (paths.length > 1 && options.outputPath) throw new InvalidArgumentError(`Expected one notebook with outputPath, got ${paths.length}`);
  // Bad options and an executed copy that would land on a source are refused before a server starts.
  const resolved = resolveRunOptions(options);
  for (const file of paths) prepareNotebook(file, { ...resolved, onWarning: undefined }); // a parameter of the wrong type throws here
  assertOutputsAreNotInputs(paths, paths.map((file) => executedPath(file, options)), options.inplace);
  // Our own server is rooted where the notebooks are: the project, or the folder that holds them all.
  const root = paths.every((p) => !path.relative(projectRoot, path.resolve(p)).startsWith("..")) ? projectRoot : commonFolder(paths);
  const connection = options.connection ?? (await connect({ ...options, serverRootDir: options.serverRootDir ?? (options.serverUrl === undefined ? root : undefined) }));
  try {
    for (const file of paths) connection.sessionPath(file); // a notebook the server cannot open is refused before any kernel starts
    const results: NotebookResult[] = new Array(paths.length);
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < paths.length && !options.signal?.aborted) {
        const i = next++;
        results[i] = await new NotebookRunner(paths[i]!, connection, options).run();
      }
    };
    await Promise.all(Array.from({ length: Math.min(jobs, paths.length) }, lane));
    return results.filter(Boolean);
  } finally {
    if (!options.connection) await connection.close();
  }
}
