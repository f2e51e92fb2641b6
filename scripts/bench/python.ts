// Runs Python baselines: a script whose last stdout line is JSON (`runPython`), or a session that
// answers request lines with JSON lines (`PythonSession`). Python's own tools are the pinned releases
// `npm run setup` installed (the course's .venv, recorded in build/jupyter/env.json).
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { type CommandOutput, lastLine, mpiexecBeside, runCommand } from "kernel-helpers";
import { readJupyterEnv } from "../jupyter/paths";

export function pythonExecutable(): string {
  return process.env.BENCH_PYTHON ?? readJupyterEnv().python;
}

/** Whether `import <module>` works in the baseline Python; the reason when it does not. */
export async function pythonHas(module: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    await runPython(`import ${module}\nprint("{}")`);
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `${pythonExecutable()} cannot import ${module} (${(error as Error).message.split("\n").pop()})` };
  }
}

function exitError(code: number | null, signal: NodeJS.Signals | null, stderr: string): Error {
  return new Error(`python exited with ${code ?? signal}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`);
}

/**
 * Runs `source` with the baseline Python and returns the JSON value printed last. The time limit and
 * the stopping of Python with every process it started are kernel-helpers' `runCommand`, the same
 * mechanism the notebooks' Python cells use.
 */
export async function runPython<T = unknown>(source: string, args: readonly string[] = [], timeoutMs = 600_000): Promise<T> {
  return parseLastJson<T>(await runCommand(pythonExecutable(), ["-c", source, ...args], { timeoutMs }));
}

/** The JSON value on the last line of a finished baseline's stdout, or an error with its stderr. */
export function parseLastJson<T>(output: CommandOutput, what = "python"): T {
  if (output.exitCode !== 0) throw exitError(output.exitCode, output.signal, output.stderr);
  const last = lastLine(output.stdout);
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`${what} printed no JSON on its last line: ${last.slice(0, 200)}`);
  }
}

/** The venv's mpiexec (Open MPI from PyPI sits next to its Python), else one on PATH. */
export function baselineMpiexec(): string {
  return mpiexecBeside(pythonExecutable()) ?? "mpiexec";
}

const VERSIONS = `
import json, platform
from importlib.metadata import version, PackageNotFoundError
found = {"python": platform.python_version()}
for name in ["numpy", "scikit-learn", "dask", "joblib", "mpi4py", "nbconvert", "nbclient", "jupyter_server"]:
    try:
        found[name] = version(name)
    except PackageNotFoundError:
        pass
print(json.dumps(found))
`;

let versions: Promise<Record<string, string>> | undefined;

/** Versions of the baselines, read from the baseline Python itself (and its mpiexec), once per run. */
export function baselineVersions(): Promise<Record<string, string>> {
  versions ??= (async () => {
    const found = await runPython<Record<string, string>>(VERSIONS, [], 60_000).catch(() => ({}) as Record<string, string>);
    const mpi = await runCommand(baselineMpiexec(), ["--version"], { timeoutMs: 30_000 }).catch(() => undefined);
    // "mpiexec (Open MPI) 5.0.11" → "Open MPI 5.0.11"
    const first = mpi?.exitCode === 0 ? lastLine(mpi.stdout.split("\n")[0] ?? "") : "";
    const library = /\(([^)]+)\)\s+(\S+)/.exec(first);
    if (library) found[library[1]!] = library[2]!;
    return found;
  })();
  return versions;
}

/** "scikit-learn 1.9.1, numpy 2.4.6" for the named baselines; a missing one says so. */
export async function baselineVersion(...names: string[]): Promise<string> {
  const found = await baselineVersions();
  return names.map((name) => `${name} ${found[name] ?? "(not installed)"}`).join(", ");
}

/**
 * A baseline Python that stays up between measurements, so ours and Python's can take turns in one
 * run (drift in this noisy machine's speed then hits both alike) while Python keeps its imports and
 * its worker processes, as it would in one script. `source` must read one line per request from
 * stdin and answer each with one JSON line on stdout.
 */
export class PythonSession {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffered = "";
  private stderr = "";
  private waiting: { resolve: (value: unknown) => void; reject: (error: Error) => void } | undefined;
  private exited: Error | undefined;

  constructor(source: string, args: readonly string[] = []) {
    this.child = spawn(pythonExecutable(), ["-u", "-c", source, ...args], { stdio: ["pipe", "pipe", "pipe"] });
    this.child.stdout.on("data", (chunk: Buffer) => this.onData(String(chunk)));
    this.child.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk));
    this.child.once("error", (error) => this.fail(error));
    // "close", not "exit": only then has all of stderr arrived for the message.
    this.child.once("close", (code, signal) => this.fail(exitError(code, signal, this.stderr)));
  }

  /** The Python process's id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Sends one request line; resolves to the JSON line Python answers with. One request at a time. */
  request<T = unknown>(line: string): Promise<T> {
    if (this.exited) return Promise.reject(this.exited);
    if (this.waiting) return Promise.reject(new Error("PythonSession.request: the previous request has not been answered yet"));
    return new Promise<T>((resolve, reject) => {
      this.waiting = { resolve: resolve as (value: unknown) => void, reject };
      this.child.stdin.write(`${line}\n`);
    });
  }

  /** Ends Python (closing its stdin ends its request loop) and waits for it to exit. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("close", resolve));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }

  private onData(text: string): void {
    this.buffered += text;
    let newline: number;
    while ((newline = this.buffered.indexOf("\n")) >= 0) {
      const line = this.buffered.slice(0, newline).trim();
      this.buffered = this.buffered.slice(newline + 1);
      // Only a JSON line answers; anything else Python prints (warnings, logs) is not the answer.
      if (!line.startsWith("{") && !line.startsWith("[")) continue;
      const waiting = this.waiting;
      this.waiting = undefined;
      try {
        waiting?.resolve(JSON.parse(line));
      } catch (error) {
        waiting?.reject(new Error(`python printed a line that is not JSON: ${line.slice(0, 200)}`, { cause: error }));
      }
    }
  }

  private fail(error: Error): void {
    this.exited ??= error;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
  }
}
