import { InvalidArgumentError, describeValue } from "../errors";
import { VEGA_LITE_SCHEMA, type VegaLiteSpec } from "./render";

/** Options every chart takes. */
export interface ChartOptions {
  /** The chart's title. @default a title naming the chart type */
  readonly title?: string;
  /** A second title line in smaller type. @default none */
  readonly subtitle?: string;
  /** Width of the plotting area in pixels. @default 400 (most charts) */
  readonly width?: number;
  /** Height of the plotting area in pixels. @default 250, or grown to fit one row per bar/worker */
  readonly height?: number;
}

export const DEFAULT_WIDTH = 400;
export const DEFAULT_HEIGHT = 250;
/** Tableau 10, vega's default: colour-blind friendlier than most, and what students see elsewhere. */
export const SERIES_COLOURS = ["#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2", "#ff9da6", "#9d755d", "#bab0ac"];

/** The top of every spec: schema, title, size, and an accessible description. */
export function specHeader(
  options: ChartOptions,
  defaults: { title: string; width?: number; height?: number; description: string },
): VegaLiteSpec {
  const title = options.title ?? defaults.title;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: options.subtitle === undefined ? title : { text: title, subtitle: options.subtitle },
    description: `${title}: ${defaults.description}`,
    width: positiveNumber(options.width, "width") ?? defaults.width ?? DEFAULT_WIDTH,
    height: positiveNumber(options.height, "height") ?? defaults.height ?? DEFAULT_HEIGHT,
    config: { view: { stroke: null }, axis: { titleFontWeight: "normal" } },
  };
}

function positiveNumber(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(`chart option \`${name}\`: expected a positive number of pixels, received ${describeValue(value)}`);
  }
  return value;
}

/** Checks that `rows` is a non-empty array; `what` names the argument, e.g. "show.bar(data)". */
export function requireRows<T>(rows: readonly T[] | unknown, what: string): readonly T[] {
  if (!Array.isArray(rows)) throw new InvalidArgumentError(`${what}: expected an array of rows, received ${describeValue(rows)}`);
  if (rows.length === 0) throw new InvalidArgumentError(`${what}: expected at least one row, received an empty array`);
  return rows as readonly T[];
}

/** A finite number from `row[field]`, or an error naming the row. */
export function numberField(row: unknown, field: string, index: number, what: string): number {
  const value = row !== null && typeof row === "object" ? (row as Record<string, unknown>)[field] : undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new InvalidArgumentError(`${what}: row ${index} needs a finite number in \`${field}\`, received ${describeValue(value)}`);
  }
  return value;
}

/**
 * Label lines of at most `width` characters, broken at spaces and after commas (a single longer
 * word keeps its own line). Vega cuts axis labels at `labelLimit` pixels with an ellipsis, and in
 * Node it only estimates text widths (0.8 × font size per character), so long labels lost their
 * distinguishing end ("together, UV_THREADPOOL…" three times): wrapped lines keep every word.
 */
export function wrapLabel(text: string, width = LABEL_LINE_CHARS): string[] {
  const words = text.split(/(?<=[ ,])/).map((w) => w.trimEnd()).filter((w) => w.length > 0);
  const lines: string[] = [];
  let line = "";
  for (const word of words) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "" || lines.length === 0) lines.push(line);
  return lines;
}

/** Characters per axis-label line: what 200 px hold at vega's estimate for 10 px text. */
export const LABEL_LINE_CHARS = 24;
