/**
 * The one way kernel-helpers (and the bench) runs an outside program to its end under a time limit:
 * in its own process group, so that on timeout or abort the program and everything it started
 * (multiprocessing's workers, mpiexec's ranks) are stopped together, and nothing is left running.
 */
import { spawn } from "node:child_process";
import { terminate } from "../base/terminate";
import { PythonTimeoutError } from "./errors";

export interface RunCommandOptions {
  /** Stop the whole process group after this many ms. @default 300_000 */
  readonly timeoutMs?: number;
  readonly cwd?: string;
  /** Extra environment variables (merged over this process's). */
  readonly env?: Readonly<Record<string, string>>;
  /** Aborting stops the process group and rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
}

export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 300_000;

/**
 * Runs `command args…` and resolves with its output once it has exited (whatever the exit code).
 * Rejects with PythonTimeoutError after `timeoutMs` (the group killed first), with `signal.reason`
 * on abort, and with the spawn error (e.g. ENOENT) when the program cannot start.
 */
export function runCommand(command: string, args: readonly string[], options: RunCommandOptions = {}): Promise<CommandOutput> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  return new Promise<CommandOutput>((resolve, reject) => {
    if (options.signal?.aborted) return reject(options.signal.reason);
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env ? { ...process.env, ...options.env } : process.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // its own process group: one signal reaches every process it starts
    });
    let stdout = "";
    let stderr = "";
    let stopped: unknown;
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    const stop = (reason: unknown): void => {
      if (stopped !== undefined) return;
      stopped = reason;
      void terminate(child, { group: true });
    };
    const timer = setTimeout(() => stop(new PythonTimeoutError([command, ...args].join(" "), timeoutMs)), timeoutMs);
    const onAbort = (): void => stop(options.signal!.reason);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const finish = (): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
    };
    child.once("error", (error) => {
      finish();
      reject(error);
    });
    // "close": all of stdout and stderr have arrived.
    child.once("close", (exitCode, signal) => {
      finish();
      // The leader may end while a worker it started lives on in the group: end the group too,
      // and settle only once it is gone, so a caller never sees a process of ours still running.
      void groupGone(child.pid).then(() => {
        if (stopped !== undefined) reject(stopped);
        else resolve({ stdout, stderr, exitCode, signal });
      });
    });
  });
}

/** SIGKILLs what is left of process group `pgid` and waits (at most 2 s) until none of it is left. */
async function groupGone(pgid: number | undefined): Promise<void> {
  if (pgid === undefined) return;
  const exists = (): boolean => {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!exists()) return;
  try {
    process.kill(-pgid, "SIGKILL");
  } catch {
    return;
  }
  for (let waited = 0; waited < 2000 && exists(); waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** The last non-empty line of `text`. */
export function lastLine(text: string): string {
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l.length > 0);
  return lines[lines.length - 1] ?? "";
}
