// `npm start`: serves the course. JupyterLab where `npm run setup` found it, else the classic Notebook;
// always on 127.0.0.1 with a token, `notebooks/` as the root, and the project-local TypeScript kernel.
// Jupyter runs in its own process group, so Ctrl-C here stops it and every kernel it started.
import { parseArgs } from "node:util";
import { notebooksDir, readJupyterEnv } from "./jupyter/paths";
import { freePort, startJupyterServer, type JupyterApp } from "./jupyter/server";

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
  const net = await import("node:net");
  const free = await new Promise<boolean>((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(8888, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
  return free ? 8888 : freePort();
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
  const server = await startJupyterServer({
    rootDir: notebooksDir,
    app,
    port: args.port ?? (await choosePort()),
    openBrowser: args.openBrowser,
    onLog: (line) => process.stderr.write(`${line}\n`),
  });

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`\nstart: ${signal} received, stopping Jupyter and its kernels…`);
    await server.stop();
    console.log("start: stopped.");
    process.exit(0);
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stop(signal));

  console.log(
    [
      "",
      `  The course is open in ${app === "lab" ? "JupyterLab" : "Jupyter Notebook"} (loopback only, token required):`,
      "",
      `    ${server.browserUrl}`,
      "",
      "  Start with 00-check-setup.ipynb, then instructor/ (with solutions) or student/ (exercises).",
      "  Press Ctrl-C to stop the server and every kernel.",
      "",
    ].join("\n"),
  );
  const code = await server.exited;
  if (!stopping) {
    console.error(`start: Jupyter exited on its own (code ${code}).`);
    process.exit(code ?? 1);
  }
}

main().catch((error: unknown) => {
  console.error(`start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
