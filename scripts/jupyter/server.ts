// Starts a Jupyter server (jupyter_server, JupyterLab 4 or Notebook 7) on loopback with a random
// token, waits until it answers, and stops it for sure: SIGTERM to its process group, then SIGKILL.
// Used by `npm start`, the notebook runner and the tests, so there is one way to run Jupyter here.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { KernelHelpersError, removeEntriesOfDeadOwners } from "kernel-helpers";
import { jupyterConfigDir, jupyterDataDir, jupyterRuntimeDir, readJupyterEnv } from "./paths";

export type JupyterApp = "server" | "notebook" | "lab";

export interface StartServerOptions {
  /** The folder the server shows as its root (and resolves session paths against). */
  readonly rootDir: string;
  /** @default "server" (the headless jupyter_server) */
  readonly app?: JupyterApp;
  /** @default a free port */
  readonly port?: number;
  /** @default 24 random bytes, hex */
  readonly token?: string;
  /** @default false */
  readonly openBrowser?: boolean;
  /** Extra command-line arguments for the app. */
  readonly extraArgs?: readonly string[];
  /** Server log lines (stderr). @default dropped */
  readonly onLog?: (line: string) => void;
  /** @default 60000 */
  readonly startTimeoutMs?: number;
  /** Extra environment for the server and so for every kernel it starts. */
  readonly env?: Readonly<Record<string, string>>;
  /** Inherit stdio instead of capturing it (for `npm start`, where the user reads Jupyter's log). */
  readonly inheritStdio?: boolean;
}

export interface RunningServer {
  readonly baseUrl: string;
  readonly token: string;
  readonly pid: number;
  /** The URL to open in a browser, token included. */
  readonly browserUrl: string;
  /** Resolves when the server process has exited. */
  readonly exited: Promise<number | null>;
  stop(graceMs?: number): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

// Jupyter runs under a small Python watchdog that reads our pipe on its stdin: when this Node process
// dies, even by SIGKILL, the pipe closes and the watchdog stops the server, so no server is orphaned.
// Everything else (signals, exit code) passes through; the server stays in the watchdog's process group.
// The pipe is read with os.read on the raw descriptor, and the watchdog leaves by os._exit: a daemon
// thread blocked in sys.stdin.buffer.read() holds that buffer's lock, and the interpreter's shutdown then
// dies with "Fatal Python error: _enter_buffered_busy" on every stop.
const WATCHDOG = `
import os, signal, subprocess, sys, threading
server = subprocess.Popen([sys.executable] + sys.argv[1:], stdin=subprocess.DEVNULL)
def stop(*_):
    if server.poll() is None:
        server.terminate()
def watch():
    while os.read(0, 65536):
        pass
    stop()
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        server.kill()
threading.Thread(target=watch, daemon=True).start()
for name in ("SIGTERM", "SIGINT", "SIGHUP"):
    signal.signal(getattr(signal, name), stop)
code = server.wait()
sys.stdout.flush()
sys.stderr.flush()
os._exit(code if code >= 0 else 128 - code)
`;

/** Our Jupyter config (scripts/jupyter/config/jupyter_server_config.py: the kernel_info timeout). */
const PROJECT_CONFIG_PATH = path.join(__dirname, "config");

/** The server could not listen on the port it was given (another server, or anything else, has it). */
export class PortInUseError extends KernelHelpersError {
  constructor(readonly port: number) {
    super("ERR_PORT_IN_USE", `port ${port} on 127.0.0.1 is already in use (another Jupyter server, or another program): stop that one, or pick a free port with \`npm start -- --port N\`.`);
  }
}

/** The server exited, or never answered, before it was up; `log` holds its last lines. */
export class JupyterStartError extends KernelHelpersError {
  constructor(message: string, readonly log: readonly string[]) {
    super("ERR_JUPYTER_START", message);
  }
}

/** Whether something accepts connections on 127.0.0.1:port right now. */
export async function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.unref();
    probe.once("error", () => resolve(true));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(false)));
  });
}

/**
 * The project-local runtime folder (connection files, server info files with the token), mode 0700 as
 * Jupyter makes its own; a folder an older set-up made 0755 is tightened too.
 */
export function ensurePrivateRuntimeDir(dir: string = jupyterRuntimeDir): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
}

/**
 * Removes the info files (`jpserver-PID.json`, `jpserver-PID-open.html`, both holding a token) of
 * servers whose process is gone: a server stopped by SIGKILL (ours after the grace, or any crash)
 * cannot remove them itself. Run before each start and after each stop.
 */
export function removeStaleServerFiles(dir: string = jupyterRuntimeDir): string[] {
  return removeEntriesOfDeadOwners(dir, /^jpserver-(\d+)(?:\.json|-open\.html)$/);
}

const running = new Set<ChildProcess>();
function killAllOnExit(): void {
  for (const child of running) {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
}
process.once("exit", killAllOnExit);

export async function startJupyterServer(options: StartServerOptions): Promise<RunningServer> {
  const env = readJupyterEnv();
  const app = options.app ?? "server";
  const port = options.port ?? (await freePort());
  const token = options.token ?? randomBytes(24).toString("hex");
  // jupyter_server, JupyterLab 4 and Notebook 7 are all configured through jupyter_server's ServerApp.
  const cls = "ServerApp";
  const module = app === "server" ? "jupyter_server" : app === "lab" ? "jupyterlab" : "notebook";
  // The token never goes on the command line, where every local user reads it with `ps`: Jupyter reads
  // JUPYTER_TOKEN from its environment (readable by this user only, /proc/PID/environ is 0400).
  const args = [
    "-m", module,
    `--${cls}.ip=127.0.0.1`,
    `--${cls}.port=${port}`,
    `--${cls}.port_retries=0`,
    `--${cls}.open_browser=${options.openBrowser ? "True" : "False"}`,
    `--${cls}.root_dir=${options.rootDir}`,
    ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
    ...(options.extraArgs ?? []),
  ];
  if (await portTaken(port)) throw new PortInUseError(port);
  fs.mkdirSync(jupyterConfigDir, { recursive: true });
  ensurePrivateRuntimeDir();
  removeStaleServerFiles();
  const configPath = [PROJECT_CONFIG_PATH, process.env.JUPYTER_CONFIG_PATH].filter(Boolean).join(path.delimiter);
  const child = spawn(env.python, ["-c", WATCHDOG, ...args], {
    cwd: options.rootDir,
    // Its own process group, so stop() reaches the kernels it started too.
    detached: true,
    stdio: options.inheritStdio ? ["pipe", "inherit", "inherit"] : ["pipe", "pipe", "pipe"],
    env: {
      ...process.env,
      JUPYTER_PATH: jupyterDataDir,
      JUPYTER_CONFIG_DIR: jupyterConfigDir,
      JUPYTER_CONFIG_PATH: configPath,
      JUPYTER_RUNTIME_DIR: jupyterRuntimeDir,
      PYTHONUNBUFFERED: "1",
      ...options.env,
      JUPYTER_TOKEN: token,
    },
  });
  running.add(child);
  const log: string[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (!line) continue;
      log.push(line);
      if (log.length > 200) log.shift();
      options.onLog?.(line);
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => {
      running.delete(child);
      resolve(code);
    });
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async (graceMs = 5000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const group = -child.pid!;
    try {
      process.kill(group, "SIGTERM");
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(group, "SIGKILL");
      } catch {
        /* gone */
      }
    }, graceMs);
    await exited;
    clearTimeout(timer);
    // Kernels run in the group too; make sure none outlives the server.
    try {
      process.kill(group, "SIGKILL");
    } catch {
      /* all gone */
    }
    removeStaleServerFiles();
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 60000);
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  for (;;) {
    if (exitCode !== undefined) {
      // Someone took the port between our probe and Jupyter's bind: the same one sentence.
      if (await portTaken(port)) throw new PortInUseError(port);
      throw new JupyterStartError(`Jupyter (${module}) exited with code ${exitCode} before answering on ${baseUrl}:\n${log.slice(-15).join("\n")}`, log.slice(-15));
    }
    try {
      const response = await fetch(`${baseUrl}/api/status`, { headers: { Authorization: `token ${token}` } });
      if (response.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new JupyterStartError(`Jupyter (${module}) did not answer on ${baseUrl} within ${options.startTimeoutMs ?? 60000} ms:\n${log.slice(-15).join("\n")}`, log.slice(-15));
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const appPath = app === "lab" ? "/lab" : app === "notebook" ? "/tree" : "";
  return { baseUrl, token, pid: child.pid!, browserUrl: `${baseUrl}${appPath}?token=${token}`, exited, stop };
}
