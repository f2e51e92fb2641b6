import { inspect, type InspectOptionsStylized } from "node:util";
import { inJupyterKernel } from "./kernel-process";

/**
 * The base of every error kernel-helpers throws: a stable `code` so tests and notebooks can tell
 * errors apart without matching message text (piscina's weak spot). Areas subclass it in their own
 * `errors.ts`.
 */
export class KernelHelpersError extends Error {
  /** A stable, machine-readable identifier such as `ERR_INVALID_ARGUMENT`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }

  /**
   * In a notebook, the error as a student can act on it: name, message and the frames of the
   * student's own cells, as Python's traceback shows. tslab prints a failed cell's error with
   * util.inspect, which would add every frame through this package, node's vm and tslab, and the
   * `code` field: ten lines a student cannot act on. Elsewhere (tests, scripts) the full default.
   */
  [inspect.custom](_depth: number, options: InspectOptionsStylized): string {
    if (!inJupyterKernel()) return inspect(this, { ...options, customInspect: false });
    const frames = (this.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line) && CELL_FRAME.test(line));
    const cause = this.cause instanceof Error ? [`    caused by ${this.cause.name}: ${this.cause.message}`] : [];
    return [`${this.name}: ${this.message}`, ...frames, ...cause].join("\n");
  }
}

/** A stack frame in a notebook cell: tslab runs each cell as an `evalmachine` script. */
const CELL_FRAME = /\(?evalmachine\.<anonymous>:\d+/;

/** An argument has the wrong type or value; the message names the argument and what was received. */
export class InvalidArgumentError extends KernelHelpersError {
  constructor(message: string) {
    super("ERR_INVALID_ARGUMENT", message);
  }
}

/** Formats a received value for an error message, short enough for one line. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? value.slice(0, 37) + "..." : value);
  if (typeof value === "function") return `function ${value.name || "(anonymous)"}`;
  if (typeof value === "bigint") return `${value}n`;
  if (value === null || typeof value !== "object") return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return `an object (${value.constructor?.name ?? "null prototype"})`;
}
