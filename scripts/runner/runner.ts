// One notebook, one kernel: nbclient's NotebookClient for tslab, reduced to the cell loop. The
// kernel's life is kernel-manager.ts's, what is said to it kernel-client.ts's, how a cell ended
// outcome.ts's. The kernel starts with the notebook's path (so its working directory is the
// notebook's folder); code cells run in order; outputs go into each cell as they arrive; failures
// become data in the result (`result.error`), a printed `✘` check line included.
import path from "node:path";
import type { CodeCell, Notebook } from "../notebook/nbformat";
import { cellTags, readNotebook, writeNotebook, NotebookFormatError } from "../notebook/nbformat";
import type { RunnerConnection } from "./connection";
import type { FailedCheckError, NotebookFailure } from "./errors";
import { InvalidArgumentError, KernelStartError, NotebookRunError } from "./errors";
import { defaultOutputDir, outputPathFor } from "./files";
import { exportHtml } from "./html";
import { ABORT_WINDOW_MS, delay, executeCell, waitForReady } from "./kernel-client";
import { ManagedKernel } from "./kernel-manager";
import { failedChecks, judgeCell, type CellEnd, type CellStatus } from "./outcome";
import { resolveRunOptions, type ResolvedRunOptions } from "./options";
import { newOutputState } from "./outputs";
import { checkParameters, injectParameters } from "./parameters";

export type { CellStatus } from "./outcome";

export interface CellResult {
  /** Index into the executed notebook's `cells`. */
  readonly index: number;
  readonly status: CellStatus;
  readonly durationMs: number;
}

export interface NotebookResult {
  /** The source notebook, absolute. */
  readonly path: string;
  /** Where the executed copy was written; undefined when nothing was written. */
  readonly outputPath?: string;
  readonly status: "passed" | "failed";
  /** One entry per code cell. */
  readonly cells: readonly CellResult[];
  /** The first failure; absent when the notebook passed. */
  readonly error?: NotebookFailure;
  readonly durationMs: number;
  /** The executed notebook (null when the file could not be read). */
  readonly notebook: Notebook | null;
  /** Every `✘` line the notebook printed (a failure unless `allowFailedChecks`). */
  readonly failedChecks: readonly FailedCheckError[];
  /** The HTML export, with `to: "html"`. */
  readonly htmlPath?: string;
}

export interface CellEvent {
  readonly path: string;
  readonly cellIndex: number;
  readonly cellCount: number;
  readonly cell: CodeCell;
  /** This cell's place among the notebook's code cells, 1-based, and their number (what progress and summary count). */
  readonly codeCellNumber: number;
  readonly codeCellCount: number;
  /** Milliseconds since the notebook started. */
  readonly elapsedMs: number;
}

/** Progress and reporting hooks (nbclient's names); exceptions they throw are ignored. */
export interface RunnerHooks {
  readonly onNotebookStart?: (event: { readonly path: string; readonly cellCount: number }) => void;
  readonly onKernelStart?: (event: { readonly path: string; readonly kernelId: string; readonly pid?: number }) => void;
  readonly onCellStart?: (event: CellEvent) => void;
  readonly onCellExecuted?: (event: CellEvent & { readonly status: CellStatus; readonly durationMs: number }) => void;
  readonly onCellError?: (event: CellEvent & { readonly error: NotebookFailure }) => void;
  readonly onNotebookComplete?: (result: NotebookResult) => void;
  /** Something the run goes on despite, e.g. papermill's "passed unknown parameter". */
  readonly onWarning?: (message: string) => void;
}

/** Options for running one notebook; names follow nbclient's, camel-cased. */
export interface RunOptions extends RunnerHooks {
  /** Injected as `const NAME = value;` after the cell tagged `parameters`. @default {} */
  readonly parameters?: Readonly<Record<string, unknown>>;
  /**
   * Per-cell timeout. A cell overrides it with a tag `timeout=SECONDS` (e.g. `timeout=30`).
   * @default 600000
   */
  readonly timeoutMs?: number;
  /** Timeout for the whole notebook, kernel start included. @default 3600000 */
  readonly notebookTimeoutMs?: number;
  /** A printed `✘` self-check line does not fail the notebook (for student versions run on purpose). @default false */
  readonly allowFailedChecks?: boolean;
  /** Also write each executed notebook as HTML next to it, with nbconvert (SVG charts kept). @default "notebook" */
  readonly to?: "notebook" | "html";
  /** Go on after a cell fails or times out and is interrupted; the notebook then passes unless its kernel died or was killed, or the notebook's timeout expired. @default false */
  readonly allowErrors?: boolean;
  /** Cells with this tag are not run. @default "skip-execution" */
  readonly skipCellsWithTag?: string;
  /** Interrupt the kernel when a cell times out (then kill it if it does not answer). @default true */
  readonly interruptOnTimeout?: boolean;
  /** How long an interrupted kernel has to answer before it is killed. @default 3000 */
  readonly interruptGraceMs?: number;
  /** Write nbclient's `metadata.execution` timestamps into each cell. @default true */
  readonly recordTiming?: boolean;
  /** How long the kernel may take to start and answer. @default 60000 */
  readonly startupTimeoutMs?: number;
  /** @default the notebook's `metadata.kernelspec.name`, else "tslab" */
  readonly kernelName?: string;
  /** Where executed notebooks go, mirroring the tree under `notebooks/`. @default build/executed */
  readonly outputDir?: string;
  /** The executed notebook's path; overrides `outputDir`. */
  readonly outputPath?: string;
  /** Write the executed notebook over the source. @default false */
  readonly inplace?: boolean;
  /** Ends the run: running cells are stopped, the kernel shut down. */
  readonly signal?: AbortSignal;
}

/** The tag that marks a cell that must fail. */
export { RAISES_EXCEPTION as RAISES_EXCEPTION_TAG } from "../notebook/tags";

function cellTimeoutMs(cell: CodeCell, fallback: number, file: string, index: number): number {
  const tag = cellTags(cell).find((t) => t.startsWith("timeout="));
  if (!tag) return fallback;
  const seconds = Number(tag.slice("timeout=".length));
  if (!(seconds > 0)) throw new InvalidArgumentError(`${file}, cell ${index + 1}: expected the tag timeout=SECONDS with a positive number, got ${JSON.stringify(tag)}`);
  return seconds * 1000;
}

/** Where the executed copy of `file` goes under `options`. */
export function executedPath(file: string, options: RunOptions): string {
  if (options.inplace) return path.resolve(file);
  return options.outputPath ? path.resolve(options.outputPath) : outputPathFor(file, options.outputDir ?? defaultOutputDir);
}

/**
 * Reads `file` and injects the parameters: the notebook to run, or the failure that stops it.
 * Throws (before anything runs) for a parameter of the wrong type; warnings go to `onWarning`.
 */
export function prepareNotebook(file: string, options: ResolvedRunOptions): { notebook: Notebook } | { failure: NotebookFailure } {
  let source: Notebook;
  try {
    source = readNotebook(file);
  } catch (error) {
    if (!(error instanceof NotebookFormatError)) throw error;
    return { failure: new NotebookRunError(file, "NotebookFormatError", error.detail, error.code) };
  }
  for (const warning of checkParameters(file, source, options.parameters)) options.onWarning?.(warning);
  return { notebook: injectParameters(source, options.parameters) };
}

/**
 * Runs one notebook on a connection (nbclient's `NotebookClient`). Create one per run; `run()`
 * resolves with the result whether the notebook passed or failed, and rejects only for invalid options.
 */
export class NotebookRunner {
  readonly path: string;
  private readonly options: ResolvedRunOptions;
  private startedAt = 0;

  constructor(
    file: string,
    private readonly connection: RunnerConnection,
    options: RunOptions = {},
  ) {
    this.path = path.resolve(file);
    this.options = resolveRunOptions(options);
  }

  /** Where the executed copy goes. */
  get outputPath(): string {
    return executedPath(this.path, this.options);
  }

  async run(): Promise<NotebookResult> {
    this.startedAt = Date.now();
    const prepared = prepareNotebook(this.path, { ...this.options, onWarning: (w) => this.hook(() => this.options.onWarning?.(w)) });
    if ("failure" in prepared) return this.finish(null, [], prepared.failure, []);
    const nb = prepared.notebook;
    const codeCells = nb.cells.flatMap((cell, index) => (cell.cell_type === "code" ? [{ cell, index }] : []));
    const timeouts = codeCells.map(({ cell, index }) => cellTimeoutMs(cell, this.options.timeoutMs, this.path, index));
    for (const { cell } of codeCells) {
      cell.outputs = [];
      cell.execution_count = null;
      delete cell.metadata.execution;
    }
    this.hook(() => this.options.onNotebookStart?.({ path: this.path, cellCount: codeCells.length }));
    const results = new Map<number, CellResult>();
    const checks: FailedCheckError[] = [];
    let failure: NotebookFailure | undefined;
    let kernel: ManagedKernel | undefined;
    let wedged = false;
    try {
      const started = await this.startKernel(nb);
      if ("failure" in started) failure = started.failure;
      else kernel = started.kernel;
      const state = newOutputState();
      for (let k = 0; kernel && k < codeCells.length && !failure; k++) {
        const { cell, index } = codeCells[k]!;
        if (cellTags(cell).includes(this.options.skipCellsWithTag)) {
          results.set(index, { index, status: "skipped", durationMs: 0 });
          continue;
        }
        const event = (): CellEvent => ({ path: this.path, cellIndex: index, cellCount: nb.cells.length, cell, codeCellNumber: k + 1, codeCellCount: codeCells.length, elapsedMs: Date.now() - this.startedAt });
        this.hook(() => this.options.onCellStart?.(event()));
        const began = Date.now();
        const end = await this.step(kernel, cell, timeouts[k]!, state);
        const verdict = judgeCell(this.path, index, cell, end);
        // The next request must not land in tslab's abort window.
        if (!verdict.fatal && (verdict.status !== "passed" || end.kind === "timeout")) await delay(ABORT_WINDOW_MS);
        wedged ||= verdict.wedged;
        const durationMs = Date.now() - began;
        results.set(index, { index, status: verdict.status, durationMs });
        checks.push(...failedChecks(this.path, index, cell));
        this.hook(() => this.options.onCellExecuted?.({ ...event(), status: verdict.status, durationMs }));
        if (verdict.failure) {
          this.hook(() => this.options.onCellError?.({ ...event(), error: verdict.failure! }));
          if (verdict.fatal || !this.options.allowErrors) failure = verdict.failure;
        }
      }
    } finally {
      await kernel?.shutdown(wedged);
    }
    if (!failure && !this.options.allowFailedChecks) failure = checks[0];
    const cells = codeCells.map(({ index }) => results.get(index) ?? { index, status: "not-run" as const, durationMs: 0 });
    return this.finish(nb, cells, failure, checks);
  }

  /** Sends one cell and, when it runs past its deadline, interrupts it (or kills the kernel). */
  private async step(kernel: ManagedKernel, cell: CodeCell, cellTimeout: number, state: ReturnType<typeof newOutputState>): Promise<CellEnd> {
    const left = this.options.notebookTimeoutMs - (Date.now() - this.startedAt);
    const notebookBound = left < cellTimeout;
    const watch = kernel.watchDeath();
    try {
      const outcome = await executeCell(kernel.kernel, cell, state, { timeoutMs: Math.max(Math.min(left, cellTimeout), 1), death: watch.promise, signal: this.options.signal, recordTiming: this.options.recordTiming });
      switch (outcome.kind) {
        case "reply":
          return { kind: "reply", status: outcome.reply.content.status === "error" ? "error" : "ok" };
        case "timeout": {
          const answered = this.options.interruptOnTimeout && (await kernel.interrupt(outcome.future.done.then(() => true, () => false), this.options.interruptGraceMs));
          if (!answered) outcome.future.dispose();
          return { kind: "timeout", timeoutMs: notebookBound ? this.options.notebookTimeoutMs : cellTimeout, killed: !answered, notebookBound };
        }
        default:
          return outcome;
      }
    } finally {
      watch.stop();
    }
  }

  private finish(nb: Notebook | null, cells: CellResult[], error: NotebookFailure | undefined, checks: FailedCheckError[]): NotebookResult {
    let outputPath: string | undefined;
    let htmlPath: string | undefined;
    if (nb) {
      outputPath = this.outputPath;
      writeNotebook(outputPath, nb);
      if (this.options.to === "html") {
        try {
          htmlPath = exportHtml(outputPath);
        } catch (e) {
          error ??= new NotebookRunError(this.path, "HtmlExportError", (e as Error).message, (e as { code?: string }).code ?? "ERR_HTML_EXPORT");
        }
      }
    }
    const result: NotebookResult = { path: this.path, outputPath, htmlPath, status: error ? "failed" : "passed", cells, error, failedChecks: checks, durationMs: Date.now() - this.startedAt, notebook: nb };
    this.hook(() => this.options.onNotebookComplete?.(result));
    return result;
  }

  private hook(call: () => void): void {
    try {
      call();
    } catch {
      /* a reporting hook must not break the run */
    }
  }

  /** Starts the kernel and waits until it answers; a failure comes back as data. */
  private async startKernel(nb: Notebook): Promise<{ kernel: ManagedKernel } | { failure: NotebookFailure }> {
    const name = this.options.kernelName ?? nb.metadata.kernelspec?.name ?? "tslab";
    let kernel: ManagedKernel | undefined;
    try {
      kernel = await ManagedKernel.start(this.connection, this.path, name, this.options.startupTimeoutMs);
      const { id } = kernel.kernel;
      const pid = kernel.pid;
      this.hook(() => this.options.onKernelStart?.({ path: this.path, kernelId: id, pid }));
      await waitForReady(kernel.kernel, name, this.options.startupTimeoutMs);
      return { kernel };
    } catch (error) {
      await kernel?.shutdown(true);
      if (!(error instanceof KernelStartError)) throw error;
      return { failure: new NotebookRunError(this.path, error.code === "ERR_NO_SUCH_KERNEL" ? "NoSuchKernel" : "KernelStartError", error.detail, error.code) };
    }
  }
}
