// The Jupyter server the runner talks to: one it starts (loopback, random token, the project's
// kernelspec, rooted at the folder the notebooks are in: never "/", so the server's contents API
// does not reach the whole machine) or an existing one given by URL and token.
// KernelManager/SessionManager only: ServiceManager crashes Node against jupyter_server 1.x.
import { KernelManager, ServerConnection, SessionManager } from "@jupyterlab/services";
import { randomBytes } from "node:crypto";
import path from "node:path";
import WebSocket from "ws";
import { projectRoot } from "../jupyter/paths";
import { startJupyterServer, type RunningServer } from "../jupyter/server";
import { InvalidArgumentError, NotebookOutsideRootError } from "./errors";
import { killAll, pidsWithEnv, processSet, signalAll } from "./processes";

/** How to reach Jupyter. Without `serverUrl`, the runner starts (and always stops) its own server. */
export interface ServerOptions {
  /** An existing server, e.g. `http://127.0.0.1:8888` or a JupyterHub user server URL. @default start one */
  readonly serverUrl?: string;
  /** The token of `serverUrl`. @default "" */
  readonly token?: string;
  /**
   * The folder the server serves: for `serverUrl`, the folder that server was started in; for the
   * server we start, its root (every notebook run on it must be inside). @default the project root
   */
  readonly serverRootDir?: string;
  /** Extra environment for the server we start, and so for its kernels. */
  readonly env?: Readonly<Record<string, string>>;
}

/** The environment variable that marks every process of a runner-started server, kernels included. */
export const RUNNER_ID_ENV = "NOTEBOOK_RUNNER_ID";

/** A connection to a server; `close()` stops a server we started and whatever its kernels left. */
export interface RunnerConnection {
  readonly kernelManager: KernelManager;
  readonly sessionManager: SessionManager;
  /** True when we started the server on this machine, so kernel pids can be found in /proc. */
  readonly local: boolean;
  /** The value of `NOTEBOOK_RUNNER_ID` in our server's processes (local only). */
  readonly runnerId?: string;
  /** The session path for a notebook file (relative to the server's root). */
  sessionPath(file: string): string;
  close(): Promise<void>;
}

/** A notebook's path relative to `root`, '/'-separated, as the server's session API wants it. */
function pathUnder(root: string, file: string): string {
  const relative = path.relative(root, path.resolve(file));
  if (relative.startsWith("..") || path.isAbsolute(relative)) throw new NotebookOutsideRootError(path.resolve(file), root);
  return relative.split(path.sep).join("/");
}

/** The deepest folder that holds every one of `files` (the root a server needs to run them). */
export function commonFolder(files: readonly string[]): string {
  const folders = files.map((f) => path.dirname(path.resolve(f)).split(path.sep));
  if (folders.length === 0) return projectRoot;
  let depth = folders[0]!.length;
  for (const parts of folders) {
    let i = 0;
    while (i < depth && i < parts.length && parts[i] === folders[0]![i]) i++;
    depth = i;
  }
  return folders[0]!.slice(0, depth).join(path.sep) || path.sep;
}

function managers(serverSettings: ServerConnection.ISettings): Pick<RunnerConnection, "kernelManager" | "sessionManager"> {
  const kernelManager = new KernelManager({ serverSettings });
  const sessionManager = new SessionManager({ serverSettings, kernelManager });
  // Disposing a manager before its first poll settled rejects its `ready` (lumino's "Poll … is
  // disposed"), and nobody else awaits it: a run that ends early (an unreadable notebook) must not
  // die of that after printing its result.
  for (const manager of [kernelManager, sessionManager]) manager.ready.catch(() => undefined);
  return { kernelManager, sessionManager };
}

function settings(baseUrl: string, token: string): ServerConnection.ISettings {
  return ServerConnection.makeSettings({
    baseUrl,
    wsUrl: baseUrl.replace(/^http/, "ws"),
    token,
    appendToken: true,
    // The DOM WebSocket type and ws' differ only in details @jupyterlab/services does not use.
    WebSocket: WebSocket as unknown as ServerConnection.ISettings["WebSocket"],
  });
}

/** Connects to `options.serverUrl`, or starts a server; rejects when it cannot. */
export async function connect(options: ServerOptions = {}): Promise<RunnerConnection> {
  if (options.serverUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(options.serverUrl);
    } catch {
      throw new InvalidArgumentError(`Expected serverUrl to be an http(s) URL, got ${JSON.stringify(options.serverUrl)}`);
    }
    if (!/^https?:$/.test(url.protocol)) throw new InvalidArgumentError(`Expected serverUrl to be an http(s) URL, got ${JSON.stringify(options.serverUrl)}`);
    const root = path.resolve(options.serverRootDir ?? projectRoot);
    const m = managers(settings(url.href.replace(/\/$/, ""), options.token ?? ""));
    return {
      ...m,
      local: false,
      sessionPath: (file) => pathUnder(root, file),
      close: async () => {
        m.sessionManager.dispose();
        m.kernelManager.dispose();
      },
    };
  }
  const runnerId = randomBytes(8).toString("hex");
  const root = path.resolve(options.serverRootDir ?? projectRoot);
  const server: RunningServer = await startJupyterServer({
    rootDir: root,
    env: { KERNEL_HELPERS_HEADLESS: "1", ...options.env, [RUNNER_ID_ENV]: runnerId },
    // A dead kernel is a failed notebook here, not something to restart: an automatic restart
    // also makes @jupyterlab/services reconnect, which rejects unhandled if we dispose meanwhile.
    // If this process is SIGKILLed, nothing stops the server: let an orphan end itself (idle
    // kernels culled after 10 min, the server after 10 min without kernels or requests).
    extraArgs: [
      "--KernelManager.autorestart=False",
      "--MappingKernelManager.cull_idle_timeout=600",
      "--MappingKernelManager.cull_interval=60",
      "--ServerApp.shutdown_no_activity_timeout=600",
    ],
  });
  // If this process dies abruptly, still end the kernels (they run in sessions of their own).
  const onExit = () => void signalAll(processSet(pidsWithEnv(RUNNER_ID_ENV, runnerId)), "SIGKILL");
  process.once("exit", onExit);
  const m = managers(settings(server.baseUrl, server.token));
  let closing: Promise<void> | undefined;
  return {
    ...m,
    local: true,
    runnerId,
    sessionPath: (file) => pathUnder(root, file),
    close: () =>
      (closing ??= (async () => {
        m.sessionManager.dispose();
        m.kernelManager.dispose();
        await server.stop();
        await killAll(processSet(pidsWithEnv(RUNNER_ID_ENV, runnerId)), 500);
        process.removeListener("exit", onExit);
      })()),
  };
}
