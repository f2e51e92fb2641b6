/**
 * Sending functions to workers. A worker is another JavaScript realm: it cannot share the notebook's
 * variables, so a task is either a function's source text (which must be self-contained) or an
 * export of a module file. This is the contract every area uses (pools, executors, mpirun,
 * task-graph schedulers).
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describeValue } from "../errors";
import { FunctionNotShippableError } from "./errors";

export { FunctionNotShippableError } from "./errors";

/** A task as it travels to a worker: a function's source text, or a module file and export name. */
export type ShippedFunction =
  | { kind: "source"; source: string; name: string }
  | { kind: "module"; file: string; exportName: string };

/** Marks an export of a JS module file as a task; create with {@link moduleTask}. */
export interface ModuleTask {
  readonly kind: "module";
  /** An absolute path, or a package name that `require` resolves. */
  readonly file: string;
  readonly exportName: string;
}

/**
 * Marks the export `exportName` of the JS module `file` as a task. Pools, executors, mpirun and the
 * schedulers accept it wherever they accept a function. Use it for functions that need imports,
 * closures or helpers: the worker `require`s the file itself.
 *
 * @param file a path (relative paths resolve against the current directory, i.e. the notebook's
 *   folder) or a package name.
 * @param exportName the export to call; `"default"` also accepts `module.exports = fn`.
 */
export function moduleTask(file: string, exportName = "default"): ModuleTask {
  if (typeof file !== "string" || file.length === 0) {
    throw new FunctionNotShippableError(`moduleTask: file must be a non-empty string, received ${describeValue(file)}`);
  }
  const isPath = file.startsWith(".") || path.isAbsolute(file) || file.endsWith(".js") || file.endsWith(".cjs");
  return Object.freeze({ kind: "module" as const, file: isPath ? path.resolve(file) : file, exportName });
}

/** Whether `value` was made by {@link moduleTask}. */
export function isModuleTask(value: unknown): value is ModuleTask {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as ModuleTask).kind === "module" &&
    typeof (value as ModuleTask).file === "string" &&
    typeof (value as ModuleTask).exportName === "string"
  );
}

// Names a self-contained function may use without defining them: `require` (the worker provides
// one that resolves from the notebook's folder) and esbuild's `__name` helper, which tsx inserts
// into compiled functions. Everything on globalThis is checked separately.
const ALLOWED_FREE = new Set(["require", "__name"]);
// Module-scope names of CommonJS and tslab: they exist in the cell, not in the worker.
const MODULE_SCOPE = new Set(["exports", "module", "__dirname", "__filename"]);

const shippedCache = new WeakMap<Function, ShippedFunction>();
const analysisCache = new Map<string, { source: string; free: FreeVariable[] }>();

interface FreeVariable {
  readonly name: string;
  /** For tslab's `exports.X` (a top-level cell variable or import): "X". */
  readonly cellVariable?: string;
}

/**
 * Turns a task into what travels to a worker. Throws {@link FunctionNotShippableError} naming
 * `what`, the function and the captured variable when the function uses variables defined outside
 * it, or the reason when it cannot be sent at all (native, bound, class, not a function).
 *
 * @param what the call that received the function, for the message, e.g. `"ThreadPool.map"`.
 */
export function shipFunction(fn: Function | ModuleTask, what: string): ShippedFunction {
  if (isModuleTask(fn)) {
    if (path.isAbsolute(fn.file) && !fs.existsSync(fn.file)) {
      throw new FunctionNotShippableError(`${what}: moduleTask file ${JSON.stringify(fn.file)} does not exist`);
    }
    return { kind: "module", file: fn.file, exportName: fn.exportName };
  }
  if (typeof fn !== "function") {
    throw new FunctionNotShippableError(
      `${what}: the task must be a function or moduleTask(file, exportName), received ${describeValue(fn)}`,
    );
  }
  const cached = shippedCache.get(fn);
  if (cached) return cached;
  const name = fn.name || "(anonymous)";
  const raw = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}\s*$/.test(raw)) {
    throw new FunctionNotShippableError(
      `${what}: function \`${name}\` is native or bound (.bind()), so it has no source to send to a worker; ` +
        `pass a plain function that calls it, or use moduleTask(file, exportName)`,
    );
  }
  if (/^class\b/.test(raw)) {
    throw new FunctionNotShippableError(`${what}: \`${name}\` is a class, not a function; wrap it in a function that creates and uses it`);
  }
  const { source, free } = analyse(raw, what, name);
  const captured = free.find((v) => !ALLOWED_FREE.has(v.name) && (MODULE_SCOPE.has(v.name) || !(v.name in globalThis)));
  if (captured) throw capturedError(what, name, captured.cellVariable ?? captured.name);
  const shipped: ShippedFunction = { kind: "source", source, name: fn.name };
  shippedCache.set(fn, shipped);
  return shipped;
}

/** The error for a function that uses `variable` from outside; also used for ReferenceErrors in workers. */
export function capturedError(what: string, fnName: string, variable: string, cause?: unknown): FunctionNotShippableError {
  return new FunctionNotShippableError(
    `${what}: \`${fnName || "(anonymous)"}\` uses \`${variable}\`, which is defined outside it; functions sent to ` +
      `workers must be self-contained. Define \`${variable}\` inside the function or pass it as an argument; ` +
      `for an import, require it inside the function (e.g. \`const { sleep } = require("kernel-helpers")\`), ` +
      `or put the function in a module file and use moduleTask(file, exportName).`,
    { variable, cause },
  );
}

// Minimal typings of what we use from eslint-scope (it ships none).
interface ScopeReference {
  identifier: { name: string; range: [number, number] };
}
interface ScopeManager {
  globalScope: { through: ScopeReference[] };
}
interface Parsed {
  type: string;
}

function analyse(raw: string, what: string, name: string): { source: string; free: FreeVariable[] } {
  const hit = analysisCache.get(raw);
  if (hit) return hit;
  // Parsers load lazily: workers revive functions but never analyse them.
  const acorn = require("acorn") as { parse(code: string, options: object): Parsed };
  const eslintScope = require("eslint-scope") as { analyze(ast: Parsed, options: object): ScopeManager };
  let source = raw;
  let ast: Parsed | undefined;
  for (const candidate of candidates(raw)) {
    try {
      ast = acorn.parse(`(${candidate})`, { ecmaVersion: "latest", sourceType: "script", ranges: true });
      source = candidate;
      break;
    } catch {
      // try the next spelling
    }
  }
  if (!ast) {
    throw new FunctionNotShippableError(
      `${what}: the source of \`${name}\` cannot be parsed as a function expression (getter or setter?): ${describeValue(raw)}`,
    );
  }
  const manager = eslintScope.analyze(ast, { ecmaVersion: 2022, sourceType: "script" });
  const code = `(${source})`;
  const free: FreeVariable[] = [];
  const seen = new Set<string>();
  for (const ref of manager.globalScope.through) {
    const id = ref.identifier.name;
    let cellVariable: string | undefined;
    if (id === "exports") {
      // tslab compiles a top-level cell variable `K` into `exports.K`.
      const match = /^\s*\.\s*([A-Za-z_$][\w$]*)/.exec(code.slice(ref.identifier.range[1]));
      cellVariable = match?.[1];
    }
    const key = cellVariable ?? id;
    if (seen.has(key)) continue;
    seen.add(key);
    free.push(cellVariable === undefined ? { name: id } : { name: id, cellVariable });
  }
  const result = { source, free };
  analysisCache.set(raw, result);
  return result;
}

// Method shorthand (`m(x) {}`, `async m() {}`, `*g() {}`) is not an expression; make it one.
function candidates(raw: string): string[] {
  const out = [raw];
  const asyncMatch = /^async\s+(\*?)\s*/.exec(raw);
  if (asyncMatch) out.push(`async function${asyncMatch[1]} ${raw.slice(asyncMatch[0].length)}`);
  else if (raw.startsWith("*")) out.push(`function* ${raw.slice(1)}`);
  else out.push(`function ${raw}`);
  return out;
}

const revived = new Map<string, (...args: any[]) => unknown>();
let workerRequire: NodeJS.Require | undefined;

/**
 * The `require` given to revived functions: resolves from the current directory (the notebook's
 * folder, so relative paths and its packages work), falling back to kernel-helpers' own.
 */
function requireForTasks(): NodeJS.Require {
  if (workerRequire) return workerRequire;
  const fromCwd = createRequire(path.join(process.cwd(), "[kernel-helpers-task].js"));
  const fallback = ((id: string) => {
    try {
      return fromCwd(id);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND") throw error;
      return require(id);
    }
  }) as NodeJS.Require;
  workerRequire = Object.assign(fallback, { resolve: fromCwd.resolve, cache: fromCwd.cache, main: fromCwd.main, extensions: fromCwd.extensions });
  return workerRequire;
}

function esbuildName<T extends Function>(target: T, value: string): T {
  return Object.defineProperty(target, "name", { value, configurable: true });
}

/**
 * Worker side: turns a {@link ShippedFunction} back into a callable, cached per source text or
 * module export, so a pool compiles each function once per worker.
 */
export function reviveFunction(shipped: ShippedFunction): (...args: any[]) => unknown {
  const key = shipped.kind === "source" ? shipped.source : `${shipped.file}\0${shipped.exportName}`;
  const hit = revived.get(key);
  if (hit) return hit;
  let fn: unknown;
  if (shipped.kind === "source") {
    fn = new Function("require", "__name", `return (${shipped.source});`)(requireForTasks(), esbuildName);
  } else {
    const mod = requireForTasks()(shipped.file) as Record<string, unknown> | Function;
    fn = (mod as Record<string, unknown>)[shipped.exportName];
    if (fn === undefined && shipped.exportName === "default" && typeof mod === "function") fn = mod;
    if (typeof fn !== "function") {
      throw new FunctionNotShippableError(
        `moduleTask: ${JSON.stringify(shipped.file)} has no function export \`${shipped.exportName}\` (found ${describeValue(fn)})`,
      );
    }
  }
  revived.set(key, fn as (...args: any[]) => unknown);
  return fn as (...args: any[]) => unknown;
}
