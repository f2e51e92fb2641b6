// `npm start`: serves the course in JupyterLab 4 (`--app notebook`: Notebook 7), always on 127.0.0.1
// with a token, `notebooks/` as the root, and the project-local TypeScript kernel. Jupyter runs in its
// own process group, so a stop by any signal here (Ctrl-C, `kill` on npm's PID) ends it and every kernel.
import path from "node:path";
import { parseArgs } from "node:util";
import { jupyterRuntimeDir, notebooksDir, projectRoot, readJupyterEnv } from "./jupyter/paths";
import { freePort, portTaken, PortInUseError, startJupyterServer, type JupyterApp } from "./jupyter/server";

const USAGE = `usage: npm start -- [--port N] [--app lab|notebook] [--no-browser]`;

interface StartArgs {
  readonly port?: number;
  readonly app?: JupyterApp;
  readonly openBrowser: boolean;
}

function parseStartArgs(argv: string[]): StartArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string" },
      app: { type: "string" },
      "no-browser": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be a port number (1-65535), got "${values.port}"`);
  }
  if (values.app !== undefined && values.app !== "lab" && values.app !== "notebook") {
    throw new Error(`--app must be "lab" or "notebook", got "${values.app}"`);
  }
  // A terminal-less run (CI, a test) has no browser to open.
  const openBrowser = !values["no-browser"] && process.stdout.isTTY === true && !process.env.CI;
  return { port, app: values.app as JupyterApp | undefined, openBrowser };
}

/** Jupyter's usual port when it is free, so bookmarks keep working; any free port otherwise. */
async function choosePort(): Promise<number> {
  return (await portTaken(8888)) ? freePort() : 8888;
}

async function main(): Promise<void> {
  let args: StartArgs;
  try {
    args = parseStartArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`start: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const env = readJupyterEnv();
  const app = args.app ?? env.app;
  // Signals are handled from the start: `kill -INT` on npm's PID reaches this process (npm passes it
  // on) while Jupyter is still starting. Exiting then is enough: the server's watchdog stops it and its
  // kernels when our end of its pipe closes (scripts/jupyter/server.ts).
  let stopping = false;
  let server: Awaited<ReturnType<typeof startJupyterServer>> | undefined;
  const stop = async (why: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`\nstart: ${why}, stopping Jupyter and its kernels…`);
    await server?.stop();
    console.log("start: stopped.");
    process.exit(0);
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stop(`${signal} received`));
  // npm passes on SIGINT and SIGTERM only (package.json's `exec` makes this process npm's child, with
  // no shell between that would swallow them); a SIGHUP kills npm and leaves us orphaned: stop then.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop("the parent process (npm) is gone");
  }, 500).unref();
  try {
    server = await startJupyterServer({
      rootDir: notebooksDir,
      app,
      port: args.port ?? (await choosePort()),
      openBrowser: args.openBrowser,
      onLog: (line) => process.stderr.write(`${line}\n`),
    });
  } catch (error) {
    if (error instanceof PortInUseError) {
      console.error(`start: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  // Paths relative to the course folder where they lie inside it (`.venv/bin/jupyter`), else absolute.
  const shown = (file: string) => (path.relative(projectRoot, file).startsWith("..") ? file : path.relative(projectRoot, file));
  const listCommand = `JUPYTER_RUNTIME_DIR=${shown(jupyterRuntimeDir)} ${shown(path.join(path.dirname(env.python), "jupyter"))} server list`;
  console.log(
    [
      "",
      `  The course is open in ${app === "lab" ? "JupyterLab" : "Jupyter Notebook"} (loopback only, token required):`,
      "",
      `    ${server.browserUrl}`,
      "",
      "  Start with 00-check-setup.ipynb, then instructor/ (with solutions) or student/ (exercises).",
      "  Press Ctrl-C to stop the server and every kernel.",
      "  The URL again, from the course folder (its server files are project-local: a bare `jupyter server list` finds nothing):",
      `    ${listCommand}`,
      "",
    ].join("\n"),
  );
  const code = await server.exited;
  if (!stopping) {
    console.error(`start: Jupyter exited on its own (${code === null ? "killed by a signal" : `exit code ${code}`}).`);
    process.exit(code ?? 1);
  }
}

main().catch((error: unknown) => {
  console.error(`start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
