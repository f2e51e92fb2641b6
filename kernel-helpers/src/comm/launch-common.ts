/**
 * What the three launchers share: output prefixes, the abort signal, a crashed child's last
 * words, and waiting for a child's streams to close.
 */
import type { ChildProcess } from "node:child_process";
import type { MpirunOptions } from "./launch-options";
import type { RunMonitor } from "./monitor";

/** How long the output streams of stopped ranks may take to drain. */
export const OUTPUT_DRAIN_MS = 1000;

export function prefix(options: MpirunOptions, rank: number): string {
  return options.tagOutput ? `[${rank}] ` : "";
}

export function abortOn(signal: AbortSignal | undefined, monitor: RunMonitor): () => void {
  if (!signal) return () => {};
  const onAbort = () => monitor.fail(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
  if (signal.aborted) onAbort();
  signal.addEventListener("abort", onAbort, { once: true });
  return () => signal.removeEventListener("abort", onAbort);
}

/** Keeps the last few KB a child wrote to stderr, to explain a crash. */
export function stderrTail(child: ChildProcess): () => string {
  let tail = "";
  child.stderr?.on("data", (chunk: Buffer) => (tail = (tail + chunk.toString("utf8")).slice(-2000)));
  return () => tail.trim().split("\n").slice(-8).join("\n");
}

export function waitClose(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("close", () => resolve()));
}
