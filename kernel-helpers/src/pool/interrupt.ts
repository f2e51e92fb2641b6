// SIGINT (Ctrl-C, Jupyter's "interrupt kernel") stops pool work: busy pools listen — only while
// they have work, so an idle pool changes nothing — cancel queued chunks and stop running workers.
// In a kernel, tslab's own SIGINT handling (it ends the awaited cell) must go on after ours; in a plain
// script ours is the only listener, and the script should die as Node would have made it.
import { inJupyterKernel } from "../kernel-process";

/** Something that stops its queued and running work when the kernel is interrupted. */
export interface Interruptible {
  interrupt(): void;
}

const busy = new Set<Interruptible>();

function onSigint(): void {
  for (const target of [...busy]) target.interrupt();
  // In a plain script ours was the only listener: do what Node would have done without it.
  if (!inJupyterKernel() && process.listenerCount("SIGINT") === 1) {
    process.removeListener("SIGINT", onSigint);
    process.kill(process.pid, "SIGINT");
  }
}

function listen(): void {
  if (busy.size > 0 && !process.listeners("SIGINT").includes(onSigint)) process.on("SIGINT", onSigint);
}

/** Marks `target` busy (listening for SIGINT) or idle. */
export function setBusy(target: Interruptible, isBusy: boolean): void {
  if (isBusy) {
    busy.add(target);
    // Not now: tslab runs a cell's synchronous part in vm's `breakOnSigint` mode, which takes every
    // SIGINT listener off for its duration and swaps the signal handler; a listener added in
    // between leaves the kernel deaf to Jupyter's interrupt (measured). A microtask runs after it.
    queueMicrotask(listen);
  } else if (busy.delete(target) && busy.size === 0) {
    process.removeListener("SIGINT", onSigint);
  }
}
