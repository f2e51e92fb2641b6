/**
 * The one way a child process of kernel-helpers dies with its parent (a kernel restart, a launcher
 * killed with SIGKILL): Linux has no portable "parent death signal" reachable from Node, so a small
 * watchdog thread, with its own event loop that a busy main thread cannot starve, checks the parent
 * PID and, once it changes (the child was re-parented), removes the paths it was given and kills
 * the process. Pool workers and mpirun's ranks use it.
 */
import { Worker } from "node:worker_threads";

/** How often the watchdog looks at the parent PID. */
export const PARENT_CHECK_MS = 250;

export interface ParentWatchOptions {
  /** Files or folders to remove (recursively) before dying, e.g. shared-memory files the parent would have removed. */
  readonly cleanup?: readonly string[];
  /** Processes to SIGKILL before dying: children that cannot watch for themselves (a redis-server). */
  readonly kill?: readonly number[];
}

/** Starts the watchdog; once per process (later calls do nothing). */
export function dieWithParent(options: ParentWatchOptions = {}): void {
  if (started) return;
  started = true;
  const parent = process.ppid;
  // A parent already gone (ppid 1 from the start) is not ours to judge: only a change counts.
  const source = `
    const fs = require("node:fs");
    const { workerData } = require("node:worker_threads");
    setInterval(() => {
      if (process.ppid === workerData.parent) return;
      for (const p of workerData.cleanup) { try { fs.rmSync(p, { recursive: true, force: true }); } catch {} }
      for (const pid of workerData.kill) { try { process.kill(pid, "SIGKILL"); } catch {} }
      process.kill(process.pid, "SIGKILL");
    }, ${PARENT_CHECK_MS});`;
  new Worker(source, { eval: true, workerData: { parent, cleanup: [...(options.cleanup ?? [])], kill: [...(options.kill ?? [])] }, resourceLimits: { maxOldGenerationSizeMb: 8 } }).unref();
}

let started = false;
