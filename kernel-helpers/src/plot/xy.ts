import { InvalidArgumentError, describeValue } from "../errors";
import { type ChartOptions, numberField, requireRows, specHeader } from "./common";
import type { VegaLiteSpec } from "./render";

/** Options of {@link scatterChartSpec} and {@link lineChartSpec}: which fields of the rows to draw. */
export interface XYChartOptions extends ChartOptions {
  /** Field holding the horizontal value. @default "x" */
  readonly x?: string;
  /** Field holding the vertical value. @default "y" */
  readonly y?: string;
  /** Field whose values split the rows into coloured groups (a class, a series). @default none */
  readonly color?: string;
  /** Horizontal axis title. @default the `x` field name */
  readonly xTitle?: string;
  /** Vertical axis title. @default the `y` field name */
  readonly yTitle?: string;
  /** Title of the colour legend. @default the `color` field name */
  readonly colorTitle?: string;
}

/** Options of {@link lineChartSpec}. */
export interface LineChartOptions extends XYChartOptions {
  /** Mark each data point on the line. @default true */
  readonly points?: boolean;
  /** Logarithmic horizontal axis (e.g. chunk sizes 1, 10, 100, …). @default false */
  readonly logX?: boolean;
}

/** Tableau-10 shades for classes that are named after a colour. */
const NAMED_COLOURS: Record<string, string> = {
  blue: "#4c78a8",
  orange: "#f58518",
  red: "#e45756",
  teal: "#72b7b2",
  green: "#54a24b",
  yellow: "#eeca3b",
  purple: "#b279a2",
  pink: "#ff9da6",
  brown: "#9d755d",
  gray: "#bab0ac",
  grey: "#bab0ac",
};

interface Projected {
  readonly values: Record<string, number | string>[];
  readonly encoding: Record<string, unknown>;
  readonly description: string;
}

/** Copies only the drawn fields, so big rows (typed arrays, nested objects) never reach the spec. */
function project(rows: readonly unknown[], options: XYChartOptions, what: string): Projected {
  const x = options.x ?? "x";
  const y = options.y ?? "y";
  const color = options.color;
  const values = rows.map((row, i) => {
    const out: Record<string, number | string> = { x: numberField(row, x, i, what), y: numberField(row, y, i, what) };
    if (color !== undefined) {
      const c = (row as Record<string, unknown>)[color];
      if (c === undefined || c === null) {
        throw new InvalidArgumentError(`${what}: row ${i} has no value in the colour field \`${color}\`, received ${describeValue(c)}`);
      }
      out.color = String(c);
    }
    return out;
  });
  const xTitle = options.xTitle ?? x;
  const yTitle = options.yTitle ?? y;
  const encoding: Record<string, unknown> = {
    x: { field: "x", type: "quantitative", title: xTitle, scale: { zero: false } },
    y: { field: "y", type: "quantitative", title: yTitle, scale: { zero: false } },
    tooltip: [
      { field: "x", title: xTitle, format: ".4~g" },
      { field: "y", title: yTitle, format: ".4~g" },
      ...(color === undefined ? [] : [{ field: "color", title: options.colorTitle ?? color }]),
    ],
  };
  if (color !== undefined) {
    // Classes named after colours ("red or blue") get those colours, not Tableau's first two.
    const names = [...new Set(values.map((v) => String(v.color)))].sort();
    const named = names.every((n) => n.toLowerCase() in NAMED_COLOURS);
    encoding.color = {
      field: "color",
      type: "nominal",
      title: options.colorTitle ?? color,
      ...(named ? { scale: { domain: names, range: names.map((n) => NAMED_COLOURS[n.toLowerCase()]) } } : {}),
    };
  }
  const description = `${yTitle} against ${xTitle}${color === undefined ? "" : `, coloured by ${options.colorTitle ?? color}`}, ${values.length} points`;
  return { values, encoding, description };
}

/**
 * A scatter plot of `points` (objects with numeric `x`/`y` fields, names chosen by the options),
 * optionally coloured by a class field: `scatterChartSpec(rows, { x: "f0", y: "f1", color: "label" })`.
 */
export function scatterChartSpec(points: readonly object[], options: XYChartOptions = {}): VegaLiteSpec {
  const what = "show.scatter(points)";
  const { values, encoding, description } = project(requireRows(points, what), options, what);
  return {
    ...specHeader(options, { title: "Scatter plot", description: `scatter plot of ${description}` }),
    data: { values },
    mark: { type: "point", filled: true, size: 24, opacity: 0.7 },
    encoding,
  };
}

/**
 * A line chart of `rows` in x order, one line per value of the `color` field:
 * `lineChartSpec(rows, { x: "chunksize", y: "seconds", logX: true })`.
 */
export function lineChartSpec(rows: readonly object[], options: LineChartOptions = {}): VegaLiteSpec {
  const what = "show.line(rows)";
  const { values, encoding, description } = project(requireRows(rows, what), options, what);
  if (options.logX) {
    const bad = values.find((v) => (v.x as number) <= 0);
    if (bad !== undefined) throw new InvalidArgumentError(`${what}: logX needs positive x values, received ${bad.x}`);
    encoding.x = { ...(encoding.x as object), scale: { type: "log", nice: false } };
  }
  return {
    ...specHeader(options, { title: "Line chart", description: `line chart of ${description}` }),
    data: { values },
    mark: { type: "line", point: options.points ?? true },
    encoding,
  };
}
