// One notebook, one kernel session: nbclient's NotebookClient for tslab. The kernel starts with the
// notebook's path (so its working directory is the notebook's folder); code cells run in order;
// outputs go into each cell as they arrive; failures become data in the result (`result.error`).
// tslab quirks handled here: its errors are stderr text + reply "error" (an `error` output is
// synthesised), and it aborts requests that arrive within 200 ms of an error (an aborted request is
// never counted as run: the runner waits that window out and sends the cell again).
import type { Kernel, KernelMessage, Session } from "@jupyterlab/services";
import path from "node:path";
import type { CodeCell, Notebook } from "../notebook/nbformat";
import { cellTags, readNotebook, sourceText, writeNotebook } from "../notebook/nbformat";
import type { RunnerConnection } from "./connection";
import type { NotebookFailure } from "./errors";
import { CellDidNotRaiseError, CellExecutionError, CellTimeoutError, DeadKernelError, InvalidArgumentError, NotebookRunError } from "./errors";
import { defaultOutputDir, outputPathFor } from "./files";
import { applyMessage, newOutputState, synthesiseError, type OutputState } from "./outputs";
import { injectParameters } from "./parameters";
import { isAlive, killAll, pidsWithCommandLine, processTree, signalAll, type ProcessSet } from "./processes";

/** How one cell ended. `not-run`: never reached (an earlier failure stopped the notebook). */
export type CellStatus = "passed" | "failed" | "expected-error" | "skipped" | "not-run";

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
}

export interface CellEvent {
  readonly path: string;
  readonly cellIndex: number;
  readonly cellCount: number;
  readonly cell: CodeCell;
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
import { RAISES_EXCEPTION as RAISES_EXCEPTION_TAG } from "../notebook/tags";
/** How often a kernel that has not yet answered kernel_info is asked again (jupyter_client: 1 s). */
const KERNEL_INFO_RETRY_MS = 1000;
const ABORT_WINDOW_MS = 250; // tslab aborts requests for 200 ms after an error
const MAX_ABORTED_ATTEMPTS = 4;
const KERNEL_DEAD_STATES = new Set<string>(["dead", "restarting", "autorestarting"]);

type Outcome =
  | { readonly kind: "reply"; readonly reply: KernelMessage.IExecuteReplyMsg }
  | { readonly kind: "timeout" }
  | { readonly kind: "dead"; readonly detail: string }
  | { readonly kind: "aborted" };

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref?.());

function cellTimeoutMs(cell: CodeCell, fallback: number, file: string, index: number): number {
  const tag = cellTags(cell).find((t) => t.startsWith("timeout="));
  if (!tag) return fallback;
  const seconds = Number(tag.slice("timeout=".length));
  if (!(seconds > 0)) throw new InvalidArgumentError(`${file}, cell ${index + 1}: expected the tag timeout=SECONDS with a positive number, got ${JSON.stringify(tag)}`);
  return seconds * 1000;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(typeof value === "number" && value > 0)) throw new InvalidArgumentError(`Expected ${name} to be a positive number of milliseconds, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * Runs one notebook on a connection (nbclient's `NotebookClient`). Create one per run; `run()`
 * resolves with the result whether the notebook passed or failed, and rejects only for invalid options.
 */
export class NotebookRunner {
  readonly path: string;
  private readonly options: RunOptions;
  private readonly timeoutMs: number;
  private readonly notebookTimeoutMs: number;
  private readonly interruptGraceMs: number;
  private readonly startupTimeoutMs: number;
  private readonly skipTag: string;
  private session: Session.ISessionConnection | undefined;
  private kernelPid: number | undefined;
  /** Every process seen in the kernel's tree, so children left behind can be ended. */
  private readonly seen: ProcessSet = new Map();
  private deathDetail: string | undefined;
  private readonly deathWaiters = new Set<(detail: string) => void>();
  private startedAt = 0;

  constructor(
    file: string,
    private readonly connection: RunnerConnection,
    options: RunOptions = {},
  ) {
    this.path = path.resolve(file);
    this.options = options;
    this.timeoutMs = positive("timeoutMs", options.timeoutMs, 600_000);
    this.notebookTimeoutMs = positive("notebookTimeoutMs", options.notebookTimeoutMs, 3_600_000);
    this.interruptGraceMs = positive("interruptGraceMs", options.interruptGraceMs, 3000);
    this.startupTimeoutMs = positive("startupTimeoutMs", options.startupTimeoutMs, 60_000);
    this.skipTag = options.skipCellsWithTag ?? "skip-execution";
  }

  /** Where the executed copy goes. */
  get outputPath(): string {
    if (this.options.inplace) return this.path;
    return this.options.outputPath ? path.resolve(this.options.outputPath) : outputPathFor(this.path, this.options.outputDir ?? defaultOutputDir);
  }

  async run(): Promise<NotebookResult> {
    this.startedAt = Date.now();
    let nb: Notebook;
    try {
      nb = injectParameters(readNotebook(this.path), this.options.parameters ?? {});
    } catch (error) {
      if (error instanceof InvalidArgumentError) throw error;
      const e = error as Error & { code?: string };
      return this.finish(null, [], new NotebookRunError(this.path, "NotebookFormatError", e.message.replace(`${this.path}: `, ""), e.code ?? "ERR_NOTEBOOK_FORMAT"), false);
    }
    const codeCells = nb.cells.flatMap((cell, index) => (cell.cell_type === "code" ? [{ cell, index }] : []));
    const timeouts = codeCells.map(({ cell, index }) => cellTimeoutMs(cell, this.timeoutMs, this.path, index));
    for (const { cell } of codeCells) {
      cell.outputs = [];
      cell.execution_count = null;
      delete cell.metadata.execution;
    }
    this.hook(() => this.options.onNotebookStart?.({ path: this.path, cellCount: nb.cells.length }));
    const results = new Map<number, CellResult>();
    let failure: NotebookFailure | undefined;
    let wedged = false;
    try {
      failure = await this.startKernel(nb);
      const state = newOutputState();
      for (let k = 0; k < codeCells.length && !failure; k++) {
        const { cell, index } = codeCells[k]!;
        if (cellTags(cell).includes(this.skipTag)) {
          results.set(index, { index, status: "skipped", durationMs: 0 });
          continue;
        }
        const left = this.notebookTimeoutMs - (Date.now() - this.startedAt);
        const notebookBound = left < timeouts[k]!;
        const event = (): CellEvent => ({ path: this.path, cellIndex: index, cellCount: nb.cells.length, cell, elapsedMs: Date.now() - this.startedAt });
        this.hook(() => this.options.onCellStart?.(event()));
        const started = Date.now();
        const outcome = await this.executeCell(cell, Math.max(Math.min(left, timeouts[k]!), 1), state);
        const durationMs = Date.now() - started;
        const expectError = cellTags(cell).includes(RAISES_EXCEPTION_TAG);
        let status: CellStatus;
        let cellFailure: NotebookFailure | undefined;
        let fatal = false;
        if (outcome.kind === "reply" && outcome.reply.content.status === "error") {
          const { outputs, error } = synthesiseError(cell.outputs);
          cell.outputs = outputs;
          status = expectError ? "expected-error" : "failed";
          if (!expectError) cellFailure = new CellExecutionError(this.path, index, error.ename, error.evalue);
          // The next request must not land in tslab's abort window.
          await delay(ABORT_WINDOW_MS);
        } else if (outcome.kind === "reply") {
          status = expectError ? "failed" : "passed";
          if (expectError) cellFailure = new CellDidNotRaiseError(this.path, index);
        } else {
          status = "failed";
          fatal = true;
          if (outcome.kind === "timeout") {
            const killed = await this.interruptOrKill(cell);
            wedged = killed;
            // Like nbclient: a cell whose kernel answered the interrupt is an error like any other
            // (--allow-errors goes on); a killed kernel or the notebook's own timeout ends the run.
            fatal = killed || notebookBound;
            if (!fatal) await delay(ABORT_WINDOW_MS);
            cellFailure = new CellTimeoutError(this.path, index, notebookBound ? this.notebookTimeoutMs : timeouts[k]!, killed, notebookBound);
          } else if (outcome.kind === "dead") {
            wedged = true;
            cellFailure = new DeadKernelError(this.path, index, outcome.detail);
          } else {
            wedged = true;
            cellFailure = new NotebookRunError(this.path, "Aborted", "the run was cancelled", "ERR_ABORTED");
          }
        }
        results.set(index, { index, status, durationMs });
        this.hook(() => this.options.onCellExecuted?.({ ...event(), status, durationMs }));
        if (cellFailure) {
          this.hook(() => this.options.onCellError?.({ ...event(), error: cellFailure! }));
          if (fatal || !this.options.allowErrors) failure = cellFailure;
        }
      }
    } finally {
      await this.shutdownKernel(wedged);
    }
    const cells = codeCells.map(({ index }) => results.get(index) ?? { index, status: "not-run" as const, durationMs: 0 });
    return this.finish(nb, cells, failure, true);
  }

  private finish(nb: Notebook | null, cells: CellResult[], error: NotebookFailure | undefined, write: boolean): NotebookResult {
    let outputPath: string | undefined;
    if (nb && write) {
      outputPath = this.outputPath;
      writeNotebook(outputPath, nb);
    }
    const result: NotebookResult = { path: this.path, outputPath, status: error ? "failed" : "passed", cells, error, durationMs: Date.now() - this.startedAt, notebook: nb };
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

  /** Starts the session; returns a failure instead of throwing. */
  private async startKernel(nb: Notebook): Promise<NotebookFailure | undefined> {
    const name = this.options.kernelName ?? nb.metadata.kernelspec?.name ?? "tslab";
    const sessionPath = this.connection.sessionPath(this.path);
    const started = this.connection.sessionManager.startNew({ path: sessionPath, type: "notebook", name: path.basename(this.path), kernel: { name } });
    try {
      this.session = await this.withTimeout(started, this.startupTimeoutMs, `the kernel "${name}" did not start`);
      const kernel = this.session.kernel;
      if (!kernel) throw new Error(`the server started no kernel for "${name}"`);
      kernel.statusChanged.connect(this.onStatus, this);
      if (this.connection.local) await this.findKernelPid(kernel.id);
      this.hook(() => this.options.onKernelStart?.({ path: this.path, kernelId: kernel.id, pid: this.kernelPid }));
      await this.withTimeout(this.kernelInfo(kernel), this.startupTimeoutMs, `the kernel "${name}" did not answer`);
      return undefined;
    } catch (error) {
      // A session that started late must not leak.
      void started.then((s) => ((this.session = s), this.shutdownKernel(true))).catch(() => undefined);
      const message = (error as Error).message;
      if (/no such kernel|kernel is not available/i.test(message)) {
        return new NotebookRunError(this.path, "NoSuchKernel", `no kernel named "${name}" on the server (the notebook's metadata.kernelspec.name)`, "ERR_NO_SUCH_KERNEL");
      }
      return new NotebookRunError(this.path, "KernelStartError", message.split("\n")[0]!, "ERR_KERNEL_START");
    }
  }

  /**
   * The kernel's first kernel_info reply. A kernel can drop a request that arrives while it is still
   * binding its sockets (tslab does: see KERNEL_INFO_TIMEOUT_S in ../jupyter/server.ts), and when the
   * server stopped waiting for a slow kernel, the request @jupyterlab/services sends on connect can
   * be that one. So, like jupyter_client's `wait_for_ready`, ask again every second until one reply arrives.
   */
  private async kernelInfo(kernel: Kernel.IKernelConnection): Promise<void> {
    let answered = false;
    const info = kernel.info.then(() => void (answered = true));
    const deadline = Date.now() + this.startupTimeoutMs;
    const asking = () => !answered && !kernel.isDisposed && Date.now() < deadline;
    while (asking()) {
      await Promise.race([info, delay(KERNEL_INFO_RETRY_MS)]);
      if (asking()) kernel.requestKernelInfo().catch(() => undefined);
    }
    await info;
  }

  private async withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)))]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async findKernelPid(kernelId: string): Promise<void> {
    for (let i = 0; i < 100 && this.kernelPid === undefined; i++) {
      this.kernelPid = pidsWithCommandLine(`kernel-${kernelId}.json`)[0];
      if (this.kernelPid === undefined) await delay(20);
    }
    this.remember();
  }

  private remember(): void {
    if (this.kernelPid !== undefined) for (const [pid, start] of processTree(this.kernelPid)) this.seen.set(pid, start);
  }

  private onStatus(_: Kernel.IKernelConnection, status: Kernel.Status): void {
    if (KERNEL_DEAD_STATES.has(status)) this.died(`kernel status "${status}"`);
  }

  private died(detail: string): void {
    if (this.deathDetail !== undefined) return;
    this.deathDetail = detail;
    for (const waiter of this.deathWaiters) waiter(detail);
  }

  /** Resolves when the kernel dies: a status from the server, or (local) its process is gone. */
  private deathWatch(): { promise: Promise<string>; stop: () => void } {
    let waiter!: (detail: string) => void;
    const promise = new Promise<string>((resolve) => (waiter = resolve));
    if (this.deathDetail !== undefined) waiter(this.deathDetail);
    this.deathWaiters.add(waiter);
    const poll = setInterval(() => {
      if (this.kernelPid === undefined) return;
      if (!isAlive(this.kernelPid)) this.died("its process exited");
      else this.remember();
    }, 250);
    return { promise, stop: () => (this.deathWaiters.delete(waiter), clearInterval(poll)) };
  }

  /** Sends the cell until tslab does not abort it, and waits for the reply, a timeout, or death. */
  private async executeCell(cell: CodeCell, timeoutMs: number, state: OutputState): Promise<Outcome> {
    const kernel = this.session!.kernel!;
    const deadline = Date.now() + timeoutMs;
    const watch = this.deathWatch();
    const signal = this.options.signal;
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<Outcome>((resolve) => {
      onAbort = () => resolve({ kind: "aborted" });
      if (signal?.aborted) onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
    });
    try {
      for (let attempt = 1; ; attempt++) {
        cell.outputs = [];
        state.clearPending = false;
        const timing: Record<string, string> = {};
        const future = kernel.requestExecute({ code: sourceText(cell.source), silent: false, store_history: true, allow_stdin: false, stop_on_error: false });
        // Timing from the future (it sees the idle status before `done` resolves); outputs from the
        // kernel, because @jupyterlab/services routes `update_display_data` only to the (long
        // disposed) future of the cell that created the display.
        future.onIOPub = (msg) => {
          const type = msg.header.msg_type;
          if (type === "status") {
            const s = (msg.content as { execution_state: string }).execution_state;
            if (s === "busy" || s === "idle") timing[`iopub.status.${s}`] = msg.header.date;
          } else if (type === "execute_input") timing["iopub.execute_input"] = msg.header.date;
        };
        const onIOPub = (_: Kernel.IKernelConnection, msg: KernelMessage.IIOPubMessage) => {
          if (msg.header.msg_type !== "update_display_data" && (msg.parent_header as Partial<KernelMessage.IHeader>).msg_id !== future.msg.header.msg_id) return;
          cell.outputs = applyMessage(cell.outputs, msg, state);
        };
        kernel.iopubMessage.connect(onIOPub);
        future.onReply = (msg) => void (timing["shell.execute_reply"] = msg.header.date);
        let timer: NodeJS.Timeout | undefined;
        const outcome = await Promise.race<Outcome>([
          future.done.then(
            (reply) => ({ kind: "reply" as const, reply }),
            (error: Error) => ({ kind: "dead" as const, detail: error.message }),
          ),
          new Promise<Outcome>((resolve) => (timer = setTimeout(() => resolve({ kind: "timeout" }), Math.max(deadline - Date.now(), 1)))),
          watch.promise.then((detail) => ({ kind: "dead" as const, detail })),
          aborted,
        ]);
        clearTimeout(timer);
        kernel.iopubMessage.disconnect(onIOPub);
        if (outcome.kind === "reply" && outcome.reply.content.status === "abort" && attempt < MAX_ABORTED_ATTEMPTS) {
          // Aborted by tslab's post-error window: not run at all; wait the window out and resend.
          await delay(ABORT_WINDOW_MS);
          continue;
        }
        if (outcome.kind === "reply") {
          cell.execution_count = outcome.reply.content.execution_count ?? null;
          if (outcome.reply.content.status === "abort") {
            return { kind: "dead", detail: `tslab aborted the request ${attempt} times` };
          }
          if (this.options.recordTiming ?? true) cell.metadata.execution = timing;
        } else {
          this.pending = future;
        }
        return outcome;
      }
    } finally {
      watch.stop();
      if (onAbort) signal?.removeEventListener("abort", onAbort);
    }
  }

  private pending: Kernel.IShellFuture<KernelMessage.IExecuteRequestMsg, KernelMessage.IExecuteReplyMsg> | undefined;

  /** After a timeout: interrupt and wait for the reply; kill the kernel if it does not come. */
  private async interruptOrKill(cell: CodeCell): Promise<boolean> {
    const future = this.pending;
    this.pending = undefined;
    if ((this.options.interruptOnTimeout ?? true) && future && this.deathDetail === undefined) {
      const kernel = this.session!.kernel!;
      await kernel.interrupt().catch(() => undefined);
      const watch = this.deathWatch();
      const answered = await Promise.race([future.done.then(() => true, () => false), delay(this.interruptGraceMs).then(() => false), watch.promise.then(() => false)]);
      watch.stop();
      if (answered) {
        cell.outputs = synthesiseError(cell.outputs).outputs;
        await delay(ABORT_WINDOW_MS);
        return false;
      }
    }
    future?.dispose();
    return true;
  }

  /** Shuts the session down, then ends every process the kernel left (workers, children). */
  private async shutdownKernel(wedged: boolean): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (!session) return;
    this.remember();
    const kernelId = session.kernel?.id;
    if (wedged && this.kernelPid !== undefined) {
      // A kernel stuck in a busy loop never reads the shutdown request; don't wait for it.
      signalAll(new Map([...this.seen].filter(([pid]) => pid === this.kernelPid)), "SIGKILL");
    }
    session.kernel?.statusChanged.disconnect(this.onStatus, this);
    try {
      await this.withTimeout(session.shutdown(), 15_000, "the session did not shut down");
    } catch {
      /* the processes are ended below */
    }
    session.dispose();
    if (this.connection.local && kernelId) {
      // The server may have restarted a dead kernel under the same connection file meanwhile.
      for (const pid of pidsWithCommandLine(`kernel-${kernelId}.json`)) for (const [p, s] of processTree(pid)) this.seen.set(p, s);
    }
    await killAll(this.seen, 1000);
  }
}
