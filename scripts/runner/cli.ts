// `npm run notebooks -- [paths or globs] [options]`: parses the command line, runs the notebooks,
// prints progress and a summary, and exits 0 only when every notebook passed (2 for bad arguments).
import { parseArgs } from "node:util";
import { InvalidArgumentError, NotebookOutsideRootError, OutputIsInputError, ParameterTypeError } from "./errors";

/** Errors that mean "the command line asks for something the runner refuses": exit 2, like a bad flag. */
const refusals = [InvalidArgumentError, OutputIsInputError, ParameterTypeError, NotebookOutsideRootError];
import { resolveNotebookPaths, runNotebooks } from "./index";
import { parseParameterValue } from "./parameters";
import { progressHooks, summaryTable, writeReport } from "./report";

const USAGE = `usage: npm run notebooks -- [NOTEBOOK|DIR|GLOB ...] [options]
  (no notebook: every notebook under notebooks/)
  -p, --parameter NAME VALUE  inject const NAME = VALUE (JSON if it parses, else a string)
  --timeout SECONDS           per-cell timeout (default 600; a cell's tag timeout=SECONDS wins)
  --notebook-timeout SECONDS  whole-notebook timeout (default 3600)
  --allow-errors              go on after a failing cell
  --allow-failed-checks       a printed ✘ self-check does not fail the notebook (to run unfilled
                              student versions on purpose; the summary still lists the ✘ lines)
  --to html                   also write each executed notebook as HTML (nbconvert 7, charts kept)
  --jobs N                    notebooks run in parallel (default 1)
  --output-dir DIR            where executed notebooks go (default build/executed)
  --inplace                   write executed notebooks over the sources
  --report FILE               write a JSON report
  --server-url URL --token T  use a running Jupyter server instead of starting one
  --server-root DIR           the folder that server serves (default: the project)`;

function number(name: string, text: string | undefined, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(value > 0) || (integer && !Number.isInteger(value))) {
    throw new InvalidArgumentError(`--${name}: expected a positive ${integer ? "integer" : "number"}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** Splits `-p NAME VALUE` (two values, which parseArgs cannot take) from the other arguments. */
function takeParameters(argv: string[]): { rest: string[]; parameters: Record<string, unknown> } {
  const rest: string[] = [];
  const parameters: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "-p" || arg === "--parameter") {
      const name = argv[i + 1];
      const value = argv[i + 2];
      if (name === undefined || value === undefined) throw new InvalidArgumentError(`${arg}: expected NAME VALUE, got ${JSON.stringify(argv.slice(i + 1).join(" "))}`);
      parameters[name] = parseParameterValue(value);
      i += 2;
    } else rest.push(arg);
  }
  return { rest, parameters };
}

export async function main(argv: string[]): Promise<number> {
  let options;
  let paths: string[];
  try {
    const { rest, parameters } = takeParameters(argv);
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: {
        timeout: { type: "string" },
        "notebook-timeout": { type: "string" },
        "allow-errors": { type: "boolean" },
        "allow-failed-checks": { type: "boolean" },
        to: { type: "string" },
        jobs: { type: "string" },
        "output-dir": { type: "string" },
        inplace: { type: "boolean" },
        report: { type: "string" },
        "server-url": { type: "string" },
        token: { type: "string" },
        "server-root": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    if (values.token !== undefined && values["server-url"] === undefined) throw new InvalidArgumentError("--token: only meaningful with --server-url");
    if (values.inplace && values["output-dir"] !== undefined) throw new InvalidArgumentError("--inplace: cannot be combined with --output-dir");
    if (values.to !== undefined && values.to !== "html" && values.to !== "notebook") throw new InvalidArgumentError(`--to: expected html or notebook, got ${JSON.stringify(values.to)}`);
    paths = resolveNotebookPaths(positionals);
    const timeout = number("timeout", values.timeout, false);
    const notebookTimeout = number("notebook-timeout", values["notebook-timeout"], false);
    options = {
      parameters,
      timeoutMs: timeout && timeout * 1000,
      notebookTimeoutMs: notebookTimeout && notebookTimeout * 1000,
      allowErrors: values["allow-errors"] ?? false,
      allowFailedChecks: values["allow-failed-checks"] ?? false,
      to: values.to as "html" | "notebook" | undefined,
      jobs: number("jobs", values.jobs, true),
      outputDir: values["output-dir"],
      inplace: values.inplace ?? false,
      serverUrl: values["server-url"],
      token: values.token,
      serverRootDir: values["server-root"],
      report: values.report,
    };
  } catch (error) {
    // parseArgs' own errors (unknown option, missing value) name the argument too.
    console.error(`notebooks: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (paths.length === 0) {
    console.error("notebooks: no notebooks to run");
    return 2;
  }
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130); // a second Ctrl-C: leave now (exit hooks still kill the server)
    console.error(`\nnotebooks: ${signal}, stopping the kernels and the server...`);
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const results = await runNotebooks(paths, { ...options, ...progressHooks(), signal: controller.signal });
    console.log(summaryTable(results));
    if (options.report) writeReport(options.report, results);
    if (controller.signal.aborted) return 130;
    return results.length === paths.length && results.every((r) => r.status === "passed") ? 0 : 1;
  } catch (error) {
    console.error(`notebooks: ${(error as Error).message}`);
    return refusals.some((kind) => error instanceof kind) ? 2 : 1;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

if (require.main === module) {
  console.debug = () => undefined; // @jupyterlab/services logs every WebSocket it opens
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
