// SIGINT (Ctrl-C) stops pool work in a Node process: busy pools listen — only while they have
// work, so an idle pool changes nothing — cancel queued chunks and stop running workers. Not in a
// Jupyter kernel yet (see setBusy).

/** Something that stops its queued and running work when the kernel is interrupted. */
export interface Interruptible {
  interrupt(): void;
}

const busy = new Set<Interruptible>();

/**
 * Whether this process is a Jupyter kernel. tslab handles SIGINT with a listener that
 * `process.listenerCount` does not see, so the count alone cannot tell a kernel from a script.
 */
function inKernel(): boolean {
  return process.env.JPY_PARENT_PID !== undefined || (process.argv.some((a) => /tslab/.test(a)) && process.argv.includes("kernel"));
}

function onSigint(): void {
  for (const target of [...busy]) target.interrupt();
  // In a plain script ours was the only listener: do what Node would have done without it.
  if (process.listenerCount("SIGINT") === 1) {
    process.removeListener("SIGINT", onSigint);
    process.kill(process.pid, "SIGINT");
  }
}

/** Marks `target` busy (listening for SIGINT) or idle. */
export function setBusy(target: Interruptible, isBusy: boolean): void {
  // Measured with a real tslab kernel: a JS SIGINT listener of ours makes Jupyter's interrupt kill
  // the kernel (tslab's own handling is not a listener we can see or cooperate with). Until that
  // is understood, kernels keep tslab's behaviour: the cell ends, running tasks finish on their own.
  if (inKernel()) return;
  if (isBusy) {
    if (process.listeners("SIGINT").indexOf(onSigint) < 0) process.on("SIGINT", onSigint);
    busy.add(target);
  } else if (busy.delete(target) && busy.size === 0) {
    process.removeListener("SIGINT", onSigint);
  }
}
