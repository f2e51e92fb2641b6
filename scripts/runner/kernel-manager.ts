// One kernel's life for one notebook (nbclient's KernelManager): start it in a session, find its
// process, notice when it dies, interrupt it, and shut it down leaving no process behind. What is
// said to the kernel (kernel_info, execute requests) is kernel-client.ts's job.
import type { Kernel, Session } from "@jupyterlab/services";
import { KernelSpecAPI } from "@jupyterlab/services";
import { settlesWithin, withDeadline } from "kernel-helpers";
import path from "node:path";
import type { RunnerConnection } from "./connection";
import { KernelStartError } from "./errors";
import { isAlive, killAll, pidsWithCommandLine, processTree, signalAll, type ProcessSet } from "./processes";

const KERNEL_DEAD_STATES = new Set<string>(["dead", "restarting", "autorestarting"]);
const SHUTDOWN_TIMEOUT_MS = 15_000;
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref?.());

/** Resolves with why the kernel died; `stop()` ends the watch. */
export interface DeathWatch {
  readonly promise: Promise<string>;
  stop(): void;
}

export class ManagedKernel {
  /** The kernel's process id, when the server runs on this machine. */
  pid: number | undefined;
  /** Every process seen in the kernel's tree, so children left behind can be ended. */
  private readonly seen: ProcessSet = new Map();
  private deathDetail: string | undefined;
  private readonly deathWaiters = new Set<(detail: string) => void>();
  private session: Session.ISessionConnection | undefined;

  private constructor(
    private readonly connection: RunnerConnection,
    session: Session.ISessionConnection,
    readonly kernel: Kernel.IKernelConnection,
  ) {
    this.session = session;
    kernel.statusChanged.connect(this.onStatus, this);
  }

  /**
   * Starts kernel `name` for `notebook` (its working directory is the notebook's folder). Throws
   * KernelStartError (ERR_NO_SUCH_KERNEL when the server has no such kernelspec).
   */
  static async start(connection: RunnerConnection, notebook: string, name: string, startupTimeoutMs: number): Promise<ManagedKernel> {
    const settings = connection.sessionManager.serverSettings;
    const specs = await withDeadline(KernelSpecAPI.getSpecs(settings), startupTimeoutMs, () => new KernelStartError("ERR_KERNEL_START", name, `the server did not list its kernels within ${startupTimeoutMs} ms`)).catch((error: Error) => {
      throw error instanceof KernelStartError ? error : new KernelStartError("ERR_KERNEL_START", name, firstLine(error));
    });
    if (!specs.kernelspecs[name]) {
      throw new KernelStartError("ERR_NO_SUCH_KERNEL", name, `no kernel named "${name}" on the server (the notebook's metadata.kernelspec.name)`);
    }
    const started = connection.sessionManager.startNew({ path: connection.sessionPath(notebook), type: "notebook", name: path.basename(notebook), kernel: { name } });
    let session: Session.ISessionConnection;
    try {
      session = await withDeadline(started, startupTimeoutMs, () => new KernelStartError("ERR_KERNEL_START", name, `the kernel "${name}" did not start within ${startupTimeoutMs} ms`));
    } catch (error) {
      // A session that starts late must not leak.
      void started.then((late) => late.shutdown().finally(() => late.dispose())).catch(() => undefined);
      throw error instanceof KernelStartError ? error : new KernelStartError("ERR_KERNEL_START", name, firstLine(error as Error));
    }
    if (!session.kernel) {
      await session.shutdown().catch(() => undefined);
      session.dispose();
      throw new KernelStartError("ERR_KERNEL_START", name, `the server started no kernel for "${name}"`);
    }
    const managed = new ManagedKernel(connection, session, session.kernel);
    if (connection.local) await managed.findPid();
    return managed;
  }

  private async findPid(): Promise<void> {
    for (let i = 0; i < 100 && this.pid === undefined; i++) {
      this.pid = pidsWithCommandLine(`kernel-${this.kernel.id}.json`)[0];
      if (this.pid === undefined) await delay(20);
    }
    this.remember();
  }

  private remember(): void {
    if (this.pid !== undefined) for (const [pid, start] of processTree(this.pid)) this.seen.set(pid, start);
  }

  /** Why the kernel died, once it has. */
  get dead(): string | undefined {
    return this.deathDetail;
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
  watchDeath(): DeathWatch {
    let waiter!: (detail: string) => void;
    const promise = new Promise<string>((resolve) => (waiter = resolve));
    if (this.deathDetail !== undefined) waiter(this.deathDetail);
    this.deathWaiters.add(waiter);
    const poll = setInterval(() => {
      if (this.pid === undefined) return;
      if (!isAlive(this.pid)) this.died("its process exited");
      else this.remember();
    }, 250);
    return { promise, stop: () => (this.deathWaiters.delete(waiter), clearInterval(poll)) };
  }

  /** Interrupts the kernel; resolves true when `answered` resolves true within `graceMs` and the kernel lives. */
  async interrupt(answered: Promise<boolean>, graceMs: number): Promise<boolean> {
    if (this.deathDetail !== undefined) return false;
    await this.kernel.interrupt().catch(() => undefined);
    const watch = this.watchDeath();
    let ok = false;
    try {
      const settled = await settlesWithin(Promise.race([answered.then((value) => void (ok = value)), watch.promise]), graceMs);
      return settled && ok && this.deathDetail === undefined;
    } finally {
      watch.stop();
    }
  }

  /**
   * Shuts the session down, then ends every process the kernel left (workers, children). A wedged
   * kernel (stuck in a busy loop, it never reads the shutdown request) is killed first.
   */
  async shutdown(wedged: boolean): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (!session) return;
    this.remember();
    if (wedged && this.pid !== undefined) signalAll(new Map([...this.seen].filter(([pid]) => pid === this.pid)), "SIGKILL");
    this.kernel.statusChanged.disconnect(this.onStatus, this);
    await settlesWithin(session.shutdown(), SHUTDOWN_TIMEOUT_MS); // what does not stop is ended below
    session.dispose();
    if (this.connection.local) {
      // The server may have restarted a dead kernel under the same connection file meanwhile.
      for (const pid of pidsWithCommandLine(`kernel-${this.kernel.id}.json`)) for (const [p, s] of processTree(pid)) this.seen.set(p, s);
    }
    await killAll(this.seen, 1000);
  }
}

function firstLine(error: Error): string {
  return String(error?.message ?? error).split("\n")[0]!;
}
