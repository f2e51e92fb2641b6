/**
 * Where the course's Python, its mpiexec and the example scripts are. kernel-helpers cannot import
 * the set-up's scripts, so it reads what the set-up left for kernels: $PARALLEL_TS_PYTHON (set in the
 * project-local kernelspec) and build/jupyter/env.json (found from the working folder upwards).
 */
import fs from "node:fs";
import path from "node:path";
import { PYTHON_FIX, PythonNotFoundError } from "./errors";

export interface FindPythonOptions {
  /** Use this Python. @default $PARALLEL_TS_PYTHON, else the one build/jupyter/env.json records */
  readonly python?: string;
  /** Where to start looking for build/jupyter/env.json. @default process.cwd() */
  readonly cwd?: string;
}

function* upwards(start: string): Generator<string> {
  let dir = path.resolve(start);
  for (;;) {
    yield dir;
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

function recordedPython(start: string): { file: string; python: string | undefined } | undefined {
  for (const dir of upwards(start)) {
    const file = path.join(dir, "build", "jupyter", "env.json");
    if (!fs.existsSync(file)) continue;
    try {
      const python = (JSON.parse(fs.readFileSync(file, "utf8")) as { python?: unknown }).python;
      return { file, python: typeof python === "string" ? python : undefined };
    } catch {
      return { file, python: undefined };
    }
  }
  return undefined;
}

/** The Python to run examples with; PythonNotFoundError (one sentence with the fix) when there is none. */
export function findPython(options: FindPythonOptions = {}): string {
  const searched: string[] = [];
  const candidates: [string, string | undefined][] = [
    ["the `python` option", options.python],
    ["$PARALLEL_TS_PYTHON", process.env.PARALLEL_TS_PYTHON || undefined],
  ];
  if (options.python === undefined && !process.env.PARALLEL_TS_PYTHON) {
    for (const start of new Set([options.cwd ?? process.cwd(), __dirname])) {
      const recorded = recordedPython(start);
      if (recorded) {
        candidates.push([recorded.file, recorded.python]);
        break;
      }
    }
  }
  for (const [where, python] of candidates) {
    if (python === undefined) continue;
    searched.push(`${where}: ${python}`);
    if (fs.existsSync(python)) return python;
    throw new PythonNotFoundError(`The Python that ${where} names (${python}) does not exist: ${PYTHON_FIX}.`, searched);
  }
  throw new PythonNotFoundError(`No course Python found (no $PARALLEL_TS_PYTHON, no build/jupyter/env.json above ${options.cwd ?? process.cwd()}): ${PYTHON_FIX}.`, searched);
}

/** The mpiexec installed next to `python` (Open MPI from PyPI lives in .venv/bin), else undefined. */
export function mpiexecBeside(python: string): string | undefined {
  const candidate = path.join(path.dirname(python), "mpiexec");
  return fs.existsSync(candidate) ? candidate : undefined;
}

/** The folder of the example scripts: python/examples of the checkout this package belongs to. */
export function findExamplesDir(cwd: string = process.cwd()): string | undefined {
  for (const start of new Set([__dirname, cwd])) {
    for (const dir of upwards(start)) {
      const candidate = path.join(dir, "python", "examples");
      if (fs.existsSync(path.join(candidate, "_common.py"))) return candidate;
    }
  }
  return undefined;
}
