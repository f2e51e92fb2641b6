// Which notebooks to run and where their executed copies go.
import fs from "node:fs";
import path from "node:path";
import { notebooksDir, projectRoot } from "../jupyter/paths";
import { InvalidArgumentError, OutputIsInputError } from "./errors";

/** Where executed notebooks go by default: the tree under `notebooks/` mirrored here. */
export const defaultOutputDir = path.join(projectRoot, "build", "executed");

function walk(dir: string, out: string[]): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (entry.name.endsWith(".ipynb")) out.push(full);
  }
  return out;
}

// `*`, `?` and `**/`, which is all a notebook path needs; no dependency for that.
function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      re += glob[i + 2] === "/" ? "(?:.*/)?" : ".*";
      i += glob[i + 2] === "/" ? 2 : 1;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/**
 * Resolves paths and globs (relative to `cwd`) to absolute notebook paths, in order, without
 * duplicates; none given means every course notebook under `notebooks/` (checkpoints excluded).
 */
export function resolveNotebookPaths(patterns: readonly string[], cwd = process.cwd()): string[] {
  if (patterns.length === 0) return walk(notebooksDir, []).sort();
  const found: string[] = [];
  for (const pattern of patterns) {
    if (/[*?]/.test(pattern)) {
      const absolute = path.resolve(cwd, pattern);
      const base = absolute.slice(0, absolute.search(/[*?]/)).replace(/[^/]*$/, "");
      const re = globToRegExp(absolute);
      const matches = fs.existsSync(base) ? walk(base, []).filter((f) => re.test(f)).sort() : [];
      if (matches.length === 0) throw new InvalidArgumentError(`No notebook matches the pattern ${JSON.stringify(pattern)}`);
      found.push(...matches);
    } else {
      const file = path.resolve(cwd, pattern);
      if (!fs.existsSync(file)) throw new InvalidArgumentError(`Notebook ${JSON.stringify(pattern)} does not exist`);
      if (fs.statSync(file).isDirectory()) found.push(...walk(file, []).sort());
      else found.push(file);
    }
  }
  return [...new Set(found)];
}

/**
 * Where the executed copy of `notebook` goes: the same relative path under `outputDir` as under
 * `notebooks/` (or under the project, or just the file name, for notebooks elsewhere).
 */
export function outputPathFor(notebook: string, outputDir = defaultOutputDir): string {
  const absolute = path.resolve(notebook);
  for (const base of [notebooksDir, projectRoot]) {
    const relative = path.relative(base, absolute);
    if (!relative.startsWith("..") && !path.isAbsolute(relative)) return path.join(outputDir, relative);
  }
  return path.join(outputDir, path.basename(absolute));
}

/** `file` with symlinks, `.` and `..` resolved, also when it (or some of its folders) does not exist yet. */
export function resolvedPath(file: string): string {
  const absolute = path.resolve(file);
  let existing = absolute;
  const rest: string[] = [];
  while (!fs.existsSync(existing)) {
    const parent = path.dirname(existing);
    if (parent === existing) return absolute;
    rest.unshift(path.basename(existing));
    existing = parent;
  }
  return path.join(fs.realpathSync(existing), ...rest);
}

/**
 * Refuses, before anything runs, an executed copy that would land on a notebook being run (through
 * a symlink, `.`/`..`, or an output folder that is the source's own) or on another run's copy.
 * `outputs[i]` is where `inputs[i]` goes; a copy written over its own source on purpose
 * (`inplace`) is allowed.
 */
export function assertOutputsAreNotInputs(inputs: readonly string[], outputs: readonly string[], inplace = false): void {
  const sources = new Map(inputs.map((input) => [resolvedPath(input), input]));
  const taken = new Map<string, string>();
  outputs.forEach((output, i) => {
    const input = inputs[i]!;
    const real = resolvedPath(output);
    const source = sources.get(real);
    if (source !== undefined && !(inplace && resolvedPath(input) === real)) {
      throw new OutputIsInputError(input, output, source === input ? "that is the notebook itself" : `that is the notebook ${source}, which this run also reads`);
    }
    const other = taken.get(real);
    if (other !== undefined) throw new OutputIsInputError(input, output, `the executed copy of ${other} goes there too`);
    taken.set(real, input);
  });
}
