/**
 * The bridge to tslab's display API. tslab is loaded lazily and only when this process IS a tslab
 * kernel (its `jupyter` module is already loaded), so the package works unchanged in tests, worker
 * threads, child processes and the CLI, and never pays for loading tslab's TypeScript compiler there.
 */

/** The part of tslab's `Display` this package uses. */
export interface KernelDisplay {
  text(s: string): void;
  html(s: string): void;
  svg(s: string): void;
  raw(contentType: string, data: string): void;
}

interface TslabModule {
  readonly display: KernelDisplay;
  newDisplay(): KernelDisplay;
}

let cached: TslabModule | null | undefined;

/** tslab's public module when running inside a tslab kernel, else `undefined`. */
export function tslabModule(): TslabModule | undefined {
  if (cached === undefined) cached = loadTslab();
  return cached ?? undefined;
}

function loadTslab(): TslabModule | null {
  try {
    // The kernel process has required tslab's jupyter module to talk to Jupyter; a plain
    // `node` process that merely has tslab installed has not.
    const jupyterPath = require.resolve("tslab/dist/jupyter");
    if (require.cache[jupyterPath] === undefined) return null;
    return require("tslab") as TslabModule;
  } catch {
    return null;
  }
}

/** True when `KERNEL_HELPERS_HEADLESS=1`: live displays print plain lines instead of updating in place. */
export function isHeadless(): boolean {
  return process.env.KERNEL_HELPERS_HEADLESS === "1";
}
