// What the runner says to a kernel (nbclient's KernelClient): wait until it answers kernel_info,
// send one cell and collect its outputs until the reply, a deadline, the kernel's death or a
// cancelled run. Whether the cell passed is decided elsewhere (outcome.ts).
// tslab aborts requests that arrive within 200 ms of an error: an aborted request was never run, so
// the client waits that window out and sends the cell again.
import type { Kernel, KernelMessage } from "@jupyterlab/services";
import { KernelHelpersError, settlesWithin, withDeadline } from "kernel-helpers";
import type { CodeCell } from "../notebook/nbformat";
import { sourceText } from "../notebook/nbformat";
import { KernelStartError } from "./errors";
import { applyMessage, type OutputState } from "./outputs";

/** How often a kernel that has not yet answered kernel_info is asked again (jupyter_client: 1 s). */
const KERNEL_INFO_RETRY_MS = 1000;
/** tslab aborts requests for 200 ms after an error. */
export const ABORT_WINDOW_MS = 250;
const MAX_ABORTED_ATTEMPTS = 4;

export type ExecuteFuture = Kernel.IShellFuture<KernelMessage.IExecuteRequestMsg, KernelMessage.IExecuteReplyMsg>;

/** How sending a cell ended. `timeout` carries the request still running, to interrupt it. */
export type ExecuteOutcome =
  | { readonly kind: "reply"; readonly reply: KernelMessage.IExecuteReplyMsg }
  | { readonly kind: "timeout"; readonly future: ExecuteFuture }
  | { readonly kind: "dead"; readonly detail: string }
  | { readonly kind: "aborted" };

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref?.());

/**
 * Waits for the kernel's first kernel_info reply. A kernel can drop a request that arrives while it
 * is still binding its sockets (tslab does: see KERNEL_INFO_TIMEOUT_S in ../jupyter/server.ts), and
 * the request @jupyterlab/services sends on connect can be that one. So, like jupyter_client's
 * `wait_for_ready`, ask again every second until one reply arrives.
 */
export async function waitForReady(kernel: Kernel.IKernelConnection, name: string, timeoutMs: number): Promise<void> {
  let answered = false;
  const info = kernel.info.then(() => void (answered = true));
  const deadline = Date.now() + timeoutMs;
  const asking = () => !answered && !kernel.isDisposed && Date.now() < deadline;
  while (asking()) {
    await settlesWithin(info, KERNEL_INFO_RETRY_MS);
    if (asking()) kernel.requestKernelInfo().catch(() => undefined);
  }
  await withDeadline(info, Math.max(deadline - Date.now(), 1), () => new KernelStartError("ERR_KERNEL_START", name, `the kernel "${name}" did not answer within ${timeoutMs} ms`));
}

export interface ExecuteOptions {
  readonly timeoutMs: number;
  /** Resolves with a reason when the kernel dies. */
  readonly death: Promise<string>;
  readonly signal?: AbortSignal;
  /** Write nbclient's `metadata.execution` timestamps into the cell. */
  readonly recordTiming: boolean;
}

class DeadlineExpired extends KernelHelpersError {
  constructor() {
    super("ERR_CELL_DEADLINE", "the cell's deadline expired");
  }
}

/** Runs `cell` on `kernel`: its outputs, execution count and timing go into the cell as they arrive. */
export async function executeCell(kernel: Kernel.IKernelConnection, cell: CodeCell, state: OutputState, options: ExecuteOptions): Promise<ExecuteOutcome> {
  const deadline = Date.now() + options.timeoutMs;
  const { signal } = options;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<ExecuteOutcome>((resolve) => {
    onAbort = () => resolve({ kind: "aborted" });
    if (signal?.aborted) onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
  });
  const died = options.death.then((detail): ExecuteOutcome => ({ kind: "dead", detail }));
  try {
    for (let attempt = 1; ; attempt++) {
      cell.outputs = [];
      state.clearPending = false;
      const timing: Record<string, string> = {};
      const future: ExecuteFuture = kernel.requestExecute({ code: sourceText(cell.source), silent: false, store_history: true, allow_stdin: false, stop_on_error: false });
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
      const replied = future.done.then(
        (reply): ExecuteOutcome => ({ kind: "reply", reply }),
        (error: Error): ExecuteOutcome => ({ kind: "dead", detail: error.message }),
      );
      const outcome = await withDeadline(Promise.race([replied, died, aborted]), Math.max(deadline - Date.now(), 1), () => new DeadlineExpired()).catch((error: unknown): ExecuteOutcome => {
        if (error instanceof DeadlineExpired) return { kind: "timeout", future };
        throw error;
      });
      kernel.iopubMessage.disconnect(onIOPub);
      if (outcome.kind !== "reply") return outcome;
      if (outcome.reply.content.status === "abort" && attempt < MAX_ABORTED_ATTEMPTS) {
        // Aborted by tslab's post-error window: not run at all; wait the window out and resend.
        await delay(ABORT_WINDOW_MS);
        continue;
      }
      cell.execution_count = outcome.reply.content.execution_count ?? null;
      if (outcome.reply.content.status === "abort") return { kind: "dead", detail: `tslab aborted the request ${attempt} times` };
      if (options.recordTiming) cell.metadata.execution = timing;
      return outcome;
    }
  } finally {
    if (onAbort) signal?.removeEventListener("abort", onAbort);
  }
}
