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
}

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
