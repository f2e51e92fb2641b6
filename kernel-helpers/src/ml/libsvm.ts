/**
 * Loads libsvm-js (libsvm 3.x compiled to WebAssembly) once per process or worker thread, lazily.
 *
 * Two traps in its emscripten glue are handled here, once:
 * - On load it installs `process.on("unhandledRejection", () => process.exit(1))`. In a notebook
 *   that would silently kill the kernel on any forgotten promise, so exactly that listener is removed.
 * - It first tries `WebAssembly.instantiateStreaming(fetch(path))`, which cannot fetch a file path in
 *   Node and prints "wasm streaming compile failed" before falling back. Hiding
 *   `instantiateStreaming` during the (synchronous) `require` makes it take the quiet path directly.
 */
import { LibsvmError } from "./errors";

/** The part of libsvm-js's `SVM` class this package uses. */
export interface LibsvmModel {
  train(samples: ArrayLike<number>[], labels: number[]): void;
  predictOne(sample: ArrayLike<number>): number;
  predictOneProbability(sample: ArrayLike<number>): { prediction: number; estimates: { label: number; probability: number }[] };
  getSVIndices(): number[];
  getLabels(): number[];
  free(): void;
}

/** libsvm-js's option object (its names, not scikit-learn's). */
export interface LibsvmOptions {
  readonly type: string;
  readonly kernel: string;
  readonly degree: number;
  readonly gamma: number;
  readonly coef0: number;
  readonly cost: number;
  readonly cacheSize: number;
  readonly tolerance: number;
  readonly shrinking: boolean;
  readonly probabilityEstimates: boolean;
  readonly quiet: boolean;
}

/** The libsvm-js `SVM` constructor with its enum tables. */
export interface LibsvmClass {
  new (options: LibsvmOptions): LibsvmModel;
  readonly SVM_TYPES: { readonly C_SVC: string };
  readonly KERNEL_TYPES: { readonly LINEAR: string; readonly POLYNOMIAL: string; readonly RBF: string };
}

let loading: Promise<LibsvmClass> | undefined;

/** Resolves to libsvm-js's `SVM` class; the WebAssembly module is compiled on the first call only. */
export function loadLibsvm(): Promise<LibsvmClass> {
  loading ??= load().catch((error: unknown) => {
    loading = undefined; // let a later call retry instead of caching the failure forever
    throw error;
  });
  return loading;
}

function load(): Promise<LibsvmClass> {
  const before = new Set(process.listeners("unhandledRejection"));
  const wasm = (globalThis as unknown as { WebAssembly: { instantiateStreaming?: unknown } }).WebAssembly;
  const streaming = wasm.instantiateStreaming;
  let ready: PromiseLike<LibsvmClass>;
  try {
    wasm.instantiateStreaming = undefined;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ready = require("libsvm-js/wasm") as PromiseLike<LibsvmClass>;
  } catch (error) {
    return Promise.reject(new LibsvmError(`Could not load libsvm-js/wasm: ${(error as Error).message}`, { cause: error }));
  } finally {
    wasm.instantiateStreaming = streaming;
    for (const listener of process.listeners("unhandledRejection")) {
      if (!before.has(listener)) process.removeListener("unhandledRejection", listener);
    }
  }
  return Promise.resolve(ready).catch((error: unknown) => {
    throw new LibsvmError(`libsvm-js/wasm failed to initialise: ${String(error)}`, { cause: error });
  });
}
