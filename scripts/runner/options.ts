// The runner's options, checked once and filled with their defaults, so a bad value is refused
// before any server or kernel starts and the rest of the runner reads plain numbers.
import { InvalidArgumentError } from "./errors";
import type { RunOptions } from "./runner";

/** `RunOptions` with every default applied. */
export interface ResolvedRunOptions extends RunOptions {
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly timeoutMs: number;
  readonly notebookTimeoutMs: number;
  readonly interruptGraceMs: number;
  readonly startupTimeoutMs: number;
  readonly skipCellsWithTag: string;
  readonly allowErrors: boolean;
  readonly allowFailedChecks: boolean;
  readonly interruptOnTimeout: boolean;
  readonly recordTiming: boolean;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(typeof value === "number" && value > 0)) throw new InvalidArgumentError(`Expected ${name} to be a positive number of milliseconds, got ${JSON.stringify(value)}`);
  return value;
}

/** Checks `options` and applies the defaults; throws InvalidArgumentError naming the option. */
export function resolveRunOptions(options: RunOptions = {}): ResolvedRunOptions {
  const parameters = options.parameters ?? {};
  if (typeof parameters !== "object" || parameters === null || Array.isArray(parameters)) {
    throw new InvalidArgumentError(`Expected parameters to be an object of NAME: value, got ${JSON.stringify(parameters)}`);
  }
  if (options.skipCellsWithTag !== undefined && (typeof options.skipCellsWithTag !== "string" || options.skipCellsWithTag === "")) {
    throw new InvalidArgumentError(`Expected skipCellsWithTag to be a tag name, got ${JSON.stringify(options.skipCellsWithTag)}`);
  }
  if (options.inplace && (options.outputDir !== undefined || options.outputPath !== undefined)) {
    throw new InvalidArgumentError("Expected inplace without outputDir or outputPath: they contradict each other");
  }
  return {
    ...options,
    parameters,
    timeoutMs: positive("timeoutMs", options.timeoutMs, 600_000),
    notebookTimeoutMs: positive("notebookTimeoutMs", options.notebookTimeoutMs, 3_600_000),
    interruptGraceMs: positive("interruptGraceMs", options.interruptGraceMs, 3000),
    startupTimeoutMs: positive("startupTimeoutMs", options.startupTimeoutMs, 60_000),
    skipCellsWithTag: options.skipCellsWithTag ?? "skip-execution",
    allowErrors: options.allowErrors ?? false,
    allowFailedChecks: options.allowFailedChecks ?? false,
    interruptOnTimeout: options.interruptOnTimeout ?? true,
    recordTiming: options.recordTiming ?? true,
  };
}
