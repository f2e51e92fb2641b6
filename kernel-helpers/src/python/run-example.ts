/**
 * `runPythonExample`: runs one of python/examples/ with the course's Python (under the venv's
 * mpiexec for MPI examples) and returns its JSON line, typed. Every way it can go wrong is a
 * PythonError whose message is one sentence saying what happened and how to fix it.
 */
import path from "node:path";
import { InvalidArgumentError, describeValue } from "../errors";
import { PYTHON_FIX, PythonExitError, PythonModuleMissingError, PythonNotFoundError, PythonOutputError } from "./errors";
import { PYTHON_EXAMPLES, type ExampleEntry, type PythonExampleName } from "./examples";
import { type FindPythonOptions, findExamplesDir, findPython, mpiexecBeside } from "./find";
import { lastLine, runCommand } from "./process";

/** One measured run of a Python example. */
export interface PythonRow {
  readonly label: string;
  readonly seconds: number;
  readonly workers?: number;
  /** Anything else the script reports per row (estimates, chunk sizes, …). */
  readonly [field: string]: unknown;
}

/** What an example script prints. */
export interface PythonExampleResult {
  readonly example: string;
  /** Python's version, e.g. "3.11.7". */
  readonly python: string;
  /** The interpreter that ran it. */
  readonly executable: string;
  /** Versions of the packages the example uses, read from that Python. */
  readonly versions: Readonly<Record<string, string>>;
  readonly rows: readonly PythonRow[];
  /** Everything else the script printed (results, sizes, the MPI library, …). */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** Values of the script's `--kebab-case` options; camelCase and snake_case names both work. */
export type PythonExampleArgs = Readonly<Record<string, string | number | boolean | readonly (string | number)[] | undefined>>;

export interface RunPythonExampleOptions extends FindPythonOptions {
  /** Time limit for the whole run (the script and all it starts). @default 300_000 */
  readonly timeoutMs?: number;
  /** The example scripts' folder. @default python/examples of this checkout */
  readonly examplesDir?: string;
  readonly signal?: AbortSignal;
}

const ROOT_FLAGS = process.getuid?.() === 0 ? ["--allow-run-as-root"] : [];

/** `{ time_scale: 0.1, cValues: [1, 2] }` → `["--time-scale", "0.1", "--c-values", "1,2"]`. */
export function exampleArgv(args: PythonExampleArgs): string[] {
  const argv: string[] = [];
  for (const [name, value] of Object.entries(args)) {
    if (value === undefined || value === false) continue;
    const flag = `--${name.replace(/_/g, "-").replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    if (value === true) argv.push(flag);
    else if (Array.isArray(value)) argv.push(flag, value.join(","));
    else if (typeof value === "number" || typeof value === "string") argv.push(flag, String(value));
    else throw new InvalidArgumentError(`runPythonExample(args): option ${name} must be a string, number, boolean or list, received ${describeValue(value)}`);
  }
  return argv;
}

function entryOf(name: string): ExampleEntry {
  if (!Object.hasOwn(PYTHON_EXAMPLES, name)) {
    throw new InvalidArgumentError(`runPythonExample(name): no Python example ${JSON.stringify(name)}; known: ${Object.keys(PYTHON_EXAMPLES).join(", ")}`);
  }
  return PYTHON_EXAMPLES[name as PythonExampleName];
}

function parseResult(command: string, stdout: string, python: string): PythonExampleResult {
  const line = lastLine(stdout);
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new PythonOutputError(command, line === "" ? "printed nothing" : "printed no JSON on its last line", line);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new PythonOutputError(command, "printed JSON that is not an object", line);
  const record = value as Record<string, unknown>;
  if (typeof record.missing_module === "string") throw new PythonModuleMissingError(record.missing_module, typeof record.python === "string" ? record.python : python);
  const rows = record.rows;
  const rowsOk = Array.isArray(rows) && rows.every((r) => r !== null && typeof r === "object" && typeof r.label === "string" && typeof r.seconds === "number" && (r.workers === undefined || typeof r.workers === "number"));
  if (!rowsOk) throw new PythonOutputError(command, "printed JSON without { label, seconds } rows", line);
  const { example, python: version, executable, versions, rows: _rows, ...extra } = record;
  return {
    example: String(example),
    python: String(version ?? ""),
    executable: String(executable ?? python),
    versions: versions !== null && typeof versions === "object" ? (versions as Record<string, string>) : {},
    rows: rows as PythonRow[],
    extra,
  };
}

/**
 * Runs the Python original of a lecture example and returns its timings.
 *
 * @throws InvalidArgumentError (as a rejection) for an unknown example or a bad argument
 * @throws PythonNotFoundError, PythonModuleMissingError, PythonTimeoutError, PythonExitError,
 *   PythonOutputError (as rejections): each message one sentence with the fix
 */
export async function runPythonExample(name: string, args: PythonExampleArgs = {}, options: RunPythonExampleOptions = {}): Promise<PythonExampleResult> {
  const entry = entryOf(name);
  const argv = exampleArgv(args);
  const python = findPython(options);
  const dir = options.examplesDir ?? findExamplesDir(options.cwd);
  if (dir === undefined) throw new PythonNotFoundError(`The example scripts (python/examples/) are not in this checkout: update it (git pull) or ${PYTHON_FIX}.`, []);
  const script = path.join(dir, entry.script);
  let command = python;
  let commandArgs = [script, ...argv];
  if (entry.ranks !== undefined) {
    const mpiexec = mpiexecBeside(python);
    if (mpiexec === undefined) throw new PythonNotFoundError(`There is no mpiexec next to ${python} (Open MPI from PyPI installs it there): ${PYTHON_FIX}.`, [path.dirname(python)]);
    command = mpiexec;
    commandArgs = [...ROOT_FLAGS, "--oversubscribe", "-n", String(entry.ranks), python, ...commandArgs];
  }
  const shown = `${path.basename(command)} ${entry.script}`;
  let output;
  try {
    output = await runCommand(command, commandArgs, { timeoutMs: options.timeoutMs, cwd: dir, signal: options.signal, env: { PYTHONUNBUFFERED: "1" } });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "EACCES") {
      throw new PythonNotFoundError(`${command} cannot be started (${(error as NodeJS.ErrnoException).code}): ${PYTHON_FIX}.`, [command]);
    }
    throw error;
  }
  // A missing module is reported on stdout with its own exit code: read stdout first.
  if (output.exitCode !== 0) {
    try {
      parseResult(shown, output.stdout, python);
    } catch (error) {
      if (error instanceof PythonModuleMissingError) throw error;
    }
    const tail = output.stderr.trim().split("\n").slice(-2).join(" | ").slice(0, 300);
    throw new PythonExitError(shown, output.exitCode, output.signal, tail);
  }
  return parseResult(shown, output.stdout, python);
}
