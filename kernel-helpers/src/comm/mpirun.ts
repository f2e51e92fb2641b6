/**
 * `mpirun`: runs a function (or a program file) on N ranks over one of three transports, watches
 * the run (failures, deadlocks, timeout), and makes sure no rank thread or process outlives it.
 */
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { MessageChannel, Worker } from "node:worker_threads";
import { settlesWithin } from "../base/deadline";
import { terminate } from "../base/terminate";
import { InvalidArgumentError, describeValue } from "../errors";
import { cpuCount } from "../system";
import type { ModuleTask } from "../ship/ship";
import type { Comm } from "./comm";
import { CommSetupError, RankFailedError } from "./errors";
import { publicHost } from "./host";
import { RunMonitor } from "./monitor";
import { forwardOutput } from "./output";
import { shipRankTask, type RankTask } from "./rank-task";
import { makeRunFolder } from "./run-folder";
import { allocateInbox } from "./shm-ring";
import { TcpCoordinator } from "./tcp-coordinator";

/** How ranks run: threads of this process, child processes, or processes started by a real `mpiexec`. */
export type CommTransport = "threads" | "processes" | "mpiexec";

export interface MpirunOptions {
  /** @default "threads" */
  readonly transport?: CommTransport;
  /**
   * Reject with `CommTimeoutError` after this long. Deadlocks are detected without it on every
   * transport; the timeout catches what detection cannot (a rank spinning forever).
   * @default undefined (none) for threads and processes, 600000 for mpiexec
   */
  readonly timeoutMs?: number;
  /** @default true */
  readonly deadlockDetection?: boolean;
  /** Prefix each output line with `[rank] ` (like `mpirun --tag-output`). @default false */
  readonly tagOutput?: boolean;
  /**
   * Extra arguments passed to the function after `comm` (function mode) or to the program. In
   * function mode an argument that is a function (self-contained, like the rank function) or a
   * `moduleTask` reaches the rank as a function: a helper the rank function calls. @default []
   */
  readonly args?: readonly unknown[];
  /** Extra arguments for `mpiexec` (e.g. `["--hostfile", "hosts"]`). @default [] */
  readonly mpiexecArgs?: readonly string[];
  /**
   * The address ranks started by mpiexec use to reach this launcher.
   * @default the first non-loopback IPv4 address, or 127.0.0.1
   */
  readonly coordinatorHost?: string;
  /** Stops the run; the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
}

/** A rank's function: gets the communicator (and `args`), returns a value sent back to the launcher. */
export type RankFunction<T> = (comm: Comm, ...args: any[]) => T | Promise<T>;

/** mpiexec may spread ranks over many machines; this is the wire's and the monitor's limit. */
const MAX_RANKS = 256;
/**
 * Ranks on this machine (threads, processes): every one is a V8 instance started up front, so a
 * typo like n = 1000 must not fork a thousand. Oversubscribing a few times is fine (and taught).
 */
export function maxLocalRanks(): number {
  return Math.max(16, 8 * cpuCount());
}

function checkOptions(n: number, options: MpirunOptions): CommTransport {
  if (typeof options !== "object" || options === null) throw new InvalidArgumentError(`Expected \`options\` to be an object, got ${describeValue(options)}`);
  const transport = options.transport ?? "threads";
  if (!["threads", "processes", "mpiexec"].includes(transport)) throw new InvalidArgumentError(`Expected \`transport\` to be "threads", "processes" or "mpiexec", got ${describeValue(transport)}`);
  const max = transport === "mpiexec" ? MAX_RANKS : maxLocalRanks();
  if (!Number.isInteger(n) || n < 1 || n > max) {
    const why = transport === "mpiexec" ? "" : ` (on ${transport}, at most 8 per CPU of this machine, ${cpuCount()} CPUs: every rank is started up front)`;
    throw new InvalidArgumentError(`Expected \`n\` (the number of ranks) to be an integer 1…${max}${why}, got ${describeValue(n)}`);
  }
  const t = options.timeoutMs;
  if (t !== undefined && !(typeof t === "number" && t > 0 && !Number.isNaN(t))) throw new InvalidArgumentError(`Expected \`timeoutMs\` to be a positive number of milliseconds, got ${describeValue(t)}`);
  if (options.args !== undefined && !Array.isArray(options.args)) throw new InvalidArgumentError(`Expected \`args\` to be an array, got ${describeValue(options.args)}`);
  if (options.mpiexecArgs !== undefined && !(Array.isArray(options.mpiexecArgs) && options.mpiexecArgs.every((a) => typeof a === "string"))) {
    throw new InvalidArgumentError(`Expected \`mpiexecArgs\` to be an array of strings, got ${describeValue(options.mpiexecArgs)}`);
  }
  return transport;
}

/**
 * Runs `fn(comm)` on `n` ranks and resolves to every rank's return value, in rank order. Like
 * `mpirun -np n`, but from a notebook cell. The function is sent to each rank as source text, so it
 * must be self-contained (require what it needs inside), or be a `moduleTask(file, name)`; helper
 * functions it needs go in `args` and arrive as functions.
 *
 * No rank outlives the launcher: if the process that called mpirun dies (even by SIGKILL), its
 * ranks die too and remove their shared-memory folder; the next launch removes what is left.
 *
 * Rejects with `RankFailedError { rank }` when a rank throws, `DeadlockError { ranks, tags }` when
 * every rank waits for a message nobody sends, `CommAbortError` after `comm.abort()`, and
 * `CommTimeoutError` after `timeoutMs`. All ranks are stopped before it settles.
 *
 * @example
 * const hellos = await mpirun(4, async (comm) => `hello from rank ${comm.rank} of ${comm.size}`);
 */
export async function mpirun<T>(n: number, fn: RankFunction<T> | ModuleTask, options: MpirunOptions = {}): Promise<Awaited<T>[]> {
  const transport = checkOptions(n, options);
  const task = shipRankTask(fn as Function | ModuleTask, options.args ?? []);
  const entry = path.join(__dirname, "process-entry.js");
  if (transport === "threads") return (await runThreads(n, task, options)) as Awaited<T>[];
  if (transport === "processes") return (await runProcesses(n, entry, [], task, options)) as Awaited<T>[];
  return (await runMpiexec(n, entry, [], task, options)) as Awaited<T>[];
}

/**
 * Runs the JS program `file` on `n` ranks; the program gets its communicator with
 * `await Comm.world()`. What `npx kernel-helpers mpirun` does. Resolves when every rank ends.
 */
export async function mpirunProgram(n: number, file: string, options: MpirunOptions = {}): Promise<void> {
  const transport = checkOptions(n, options);
  const args = (options.args ?? []).map(String);
  const script = path.resolve(file);
  if (transport === "threads") {
    // A program file on threads: each rank requires the file's default export… only when it exports
    // a function; plain scripts need a process each.
    throw new InvalidArgumentError(`a program file runs on "processes" or "mpiexec"; for threads, export a rank function and use mpirun(n, moduleTask(file))`);
  }
  if (transport === "processes") await runProcesses(n, script, args, undefined, options);
  else await runMpiexec(n, script, args, undefined, options);
}

function prefix(options: MpirunOptions, rank: number): string {
  return options.tagOutput ? `[${rank}] ` : "";
}

function abortOn(signal: AbortSignal | undefined, monitor: RunMonitor): () => void {
  if (!signal) return () => {};
  const onAbort = () => monitor.fail(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
  if (signal.aborted) onAbort();
  signal.addEventListener("abort", onAbort, { once: true });
  return () => signal.removeEventListener("abort", onAbort);
}

/** Worlds up to this size get shared-memory rings: n² × 64 KiB, 16 MiB at 16 ranks. */
const MAX_RING_RANKS = 16;

/** How long the output streams of stopped ranks may take to drain. */
const OUTPUT_DRAIN_MS = 1000;

async function runThreads(n: number, task: RankTask, options: MpirunOptions): Promise<unknown[]> {
  const monitor = new RunMonitor(n, { deadlockDetection: options.deadlockDetection ?? true, timeoutMs: options.timeoutMs });
  const stopListening = abortOn(options.signal, monitor);
  const ports: (import("node:worker_threads").MessagePort | undefined)[][] = Array.from({ length: n }, () => new Array(n));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const { port1, port2 } = new MessageChannel();
      ports[i]![j] = port1;
      ports[j]![i] = port2;
    }
  }
  // Shared-memory inboxes (64 KiB per pair) up to MAX_RING_RANKS ranks; bigger worlds use ports only.
  const inboxes = n <= MAX_RING_RANKS ? Array.from({ length: n }, () => allocateInbox(n)) : undefined;
  const workers: Worker[] = [];
  const outputs: Promise<void>[] = [];
  try {
    for (let rank = 0; rank < n; rank++) {
      const transfer = ports[rank]!.filter((p): p is import("node:worker_threads").MessagePort => p !== undefined);
      const worker = new Worker(path.join(__dirname, "thread-entry.js"), {
        workerData: { rank, size: n, task, ports: ports[rank], inboxes },
        transferList: transfer,
        stdout: true,
        stderr: true,
      });
      workers.push(worker);
      outputs.push(forwardOutput(worker.stdout, process.stdout, prefix(options, rank)));
      outputs.push(forwardOutput(worker.stderr, process.stderr, prefix(options, rank)));
      worker.on("message", (report) => monitor.report(rank, report));
      worker.on("error", (error) => monitor.fail(new RankFailedError(rank, `${error.name}: ${error.message}`, error.stack)));
      worker.on("exit", (code) => monitor.exited(rank, `its thread exited with code ${code} before it finished`));
    }
    return await monitor.result;
  } finally {
    stopListening();
    monitor.fail(new Error("stopped")); // no-op when settled; stops timers otherwise
    await Promise.all(workers.map((w) => w.terminate()));
    await settlesWithin(Promise.allSettled(outputs), OUTPUT_DRAIN_MS);
  }
}

/** Keeps the last few KB a child wrote to stderr, to explain a crash. */
function stderrTail(child: ChildProcess): () => string {
  let tail = "";
  child.stderr?.on("data", (chunk: Buffer) => (tail = (tail + chunk.toString("utf8")).slice(-2000)));
  return () => tail.trim().split("\n").slice(-8).join("\n");
}

function waitClose(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("close", () => resolve()));
}

async function runProcesses(n: number, script: string, args: string[], task: unknown, options: MpirunOptions): Promise<unknown[]> {
  const coordinator = await TcpCoordinator.start({
    size: n,
    task,
    deadlockDetection: options.deadlockDetection ?? true,
    timeoutMs: options.timeoutMs,
    onDisconnect: () => {}, // the child's exit explains it better (exit code, stderr)
    ranksExplain: false,
  });
  const monitor = coordinator.monitor;
  const stopListening = abortOn(options.signal, monitor);
  const children: ChildProcess[] = [];
  const outputs: Promise<void>[] = [];
  // All ranks on this host: peers talk over Unix sockets in a private folder (about twice the
  // speed of TCP loopback), in memory-backed /dev/shm when there is one, where big arrays also
  // take file lanes (file-lane.ts); the coordinator stays on TCP. Named with our PID, so the next
  // launch can remove it if this process dies before its `finally` (run-folder.ts).
  const socketDir = makeRunFolder();
  try {
    for (let rank = 0; rank < n; rank++) {
      const child = spawn(process.execPath, [script, ...args], {
        env: { ...process.env, KH_COMM_COORD: `127.0.0.1:${coordinator.port}`, KH_COMM_RANK: String(rank), KH_COMM_SIZE: String(n), KH_COMM_BIND: `unix:${socketDir}` },
        stdio: ["ignore", "pipe", "pipe"],
      });
      children.push(child);
      const tail = stderrTail(child);
      outputs.push(forwardOutput(child.stdout, process.stdout, prefix(options, rank)));
      outputs.push(forwardOutput(child.stderr, process.stderr, prefix(options, rank)));
      child.once("error", (error) => monitor.fail(new CommSetupError(`could not start rank ${rank}: ${error.message}`, { cause: error })));
      child.once("close", (code, signal) => {
        if (code === 0 && task === undefined) {
          // A program that ended with process.exit(0) never said done: its clean exit says it.
          if (!monitor.isDone(rank)) monitor.report(rank, { type: "done", value: undefined, sent: 0, received: 0 });
        }
        else monitor.exited(rank, `its process exited with ${code ?? signal} before it finished${tail() ? `:\n${tail()}` : ""}`);
      });
    }
    return await monitor.result;
  } finally {
    stopListening();
    monitor.fail(new Error("stopped"));
    coordinator.close();
    await Promise.all(children.map((c) => terminate(c)));
    await Promise.all(children.map(waitClose));
    await settlesWithin(Promise.allSettled(outputs), OUTPUT_DRAIN_MS);
    fs.rmSync(socketDir, { recursive: true, force: true });
  }
}

/** The mpiexec on PATH and how it passes environment variables (`-x` for Open MPI, `-genv` for MPICH). */
export function findMpiexec(): { command: string; flavor: "open-mpi" | "mpich" } | undefined {
  const probe = spawnSync("mpiexec", ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) return undefined;
  const text = `${probe.stdout}${probe.stderr}`;
  return { command: "mpiexec", flavor: /open ?mpi|openrte/i.test(text) ? "open-mpi" : "mpich" };
}

/** How long mpiexec may take to end on its own, and then after SIGTERM. */
const MPIEXEC_GRACE_MS = 2000;

async function runMpiexec(n: number, script: string, args: string[], task: unknown, options: MpirunOptions): Promise<unknown[]> {
  const mpiexec = findMpiexec();
  if (!mpiexec) throw new CommSetupError(`mpiexec was not found on PATH (install Open MPI, e.g. apt install openmpi-bin, or MPICH)`);
  const host = options.coordinatorHost ?? publicHost();
  const coordinator = await TcpCoordinator.start({
    size: n,
    task,
    bindHost: "0.0.0.0",
    deadlockDetection: options.deadlockDetection ?? true,
    timeoutMs: options.timeoutMs ?? 600_000,
    ranksExplain: false,
    // mpiexec reports a crashed rank itself; give its output a moment before failing.
    onDisconnect: (rank) => setTimeout(() => coordinator.monitor.exited(rank, "its process ended before it finished (see its output above)"), 300).unref(),
  });
  const monitor = coordinator.monitor;
  const stopListening = abortOn(options.signal, monitor);
  const env = `KH_COMM_COORD=${host}:${coordinator.port}`;
  const flags = mpiexec.flavor === "open-mpi"
    ? [...(process.getuid?.() === 0 ? ["--allow-run-as-root"] : []), "--oversubscribe", ...(options.tagOutput ? ["--tag-output"] : []), "-x", env]
    : ["-genv", "KH_COMM_COORD", `${host}:${coordinator.port}`, ...(options.tagOutput ? ["-prepend-rank"] : [])];
  const child = spawn(mpiexec.command, [...flags, ...(options.mpiexecArgs ?? []), "-n", String(n), process.execPath, script, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group, so cleanup reaches every rank it started
  });
  const tail = stderrTail(child);
  const outputs = [forwardOutput(child.stdout, process.stdout, ""), forwardOutput(child.stderr, process.stderr, "")];
  child.once("error", (error) => monitor.fail(new CommSetupError(`could not start mpiexec: ${error.message}`, { cause: error })));
  child.once("close", (code, signal) => {
    if (task === undefined && code === 0) for (let r = 0; r < n; r++) if (!monitor.isDone(r)) monitor.report(r, { type: "done", value: undefined, sent: 0, received: 0 });
    if (!monitor.done) monitor.fail(new CommSetupError(`mpiexec exited with ${code ?? signal} before every rank finished${tail() ? `:\n${tail()}` : ""}`));
  });
  try {
    return await monitor.result;
  } finally {
    stopListening();
    monitor.fail(new Error("stopped"));
    coordinator.close();
    // Give mpiexec a moment to end on its own (ranks exit when told), then stop its group.
    if (!(await settlesWithin(waitClose(child), MPIEXEC_GRACE_MS))) await terminate(child, { group: true, graceMs: MPIEXEC_GRACE_MS });
    await waitClose(child);
    await settlesWithin(Promise.allSettled(outputs), OUTPUT_DRAIN_MS);
  }
}
