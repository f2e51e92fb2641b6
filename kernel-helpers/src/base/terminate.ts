/**
 * The one way kernel-helpers stops a child process (or its whole process group): SIGTERM, then SIGKILL
 * after a grace period if it is still there. Pools, the launcher and the cluster workers use it.
 */
import type { ChildProcess } from "node:child_process";

/** Grace between SIGTERM and SIGKILL unless a caller says otherwise. */
export const DEFAULT_KILL_GRACE_MS = 1000;

export interface TerminateOptions {
  /** @default DEFAULT_KILL_GRACE_MS */
  readonly graceMs?: number;
  /** Signal the child's whole process group (it must have been spawned with `detached: true`). @default false */
  readonly group?: boolean;
}

function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function signal(child: ChildProcess, sig: NodeJS.Signals, group: boolean): void {
  try {
    if (group && child.pid !== undefined) process.kill(-child.pid, sig);
    else child.kill(sig);
  } catch {
    /* already gone */
  }
}

/** Resolves once `child` has exited; SIGKILL follows SIGTERM after the grace period. */
export async function terminate(child: ChildProcess, options: TerminateOptions = {}): Promise<void> {
  const group = options.group ?? false;
  if (!alive(child)) {
    // The leader may be gone while its group lives on.
    if (group) signal(child, "SIGKILL", true);
    return;
  }
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  signal(child, "SIGTERM", group);
  const timer = setTimeout(() => signal(child, "SIGKILL", group), options.graceMs ?? DEFAULT_KILL_GRACE_MS);
  await exited;
  clearTimeout(timer);
  if (group) signal(child, "SIGKILL", true);
}
