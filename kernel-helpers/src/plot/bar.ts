import { InvalidArgumentError, describeValue } from "../errors";
import { type ChartOptions, numberField, requireRows, specHeader, wrapLabel } from "./common";
import type { VegaLiteSpec } from "./render";

/** One bar of {@link barChartSpec}: a label and a time in seconds. */
export interface TimingBar {
  readonly label: string;
  readonly seconds: number;
}

/** Options of {@link barChartSpec} / `show.bar`. */
export interface BarChartOptions extends ChartOptions {
  /** Title of the value axis. @default "time (s)" */
  readonly valueTitle?: string;
}

/**
 * A horizontal bar chart of timings, one bar per row in the given order, each labelled with its
 * value. `data` is `{ label, seconds }` rows or a record such as `{ serial: 4.1, threads: 2.2 }`.
 */
export function barChartSpec(
  data: readonly TimingBar[] | Readonly<Record<string, number>>,
  options: BarChartOptions = {},
): VegaLiteSpec {
  const what = "show.bar(data)";
  if (data === null || typeof data !== "object") {
    throw new InvalidArgumentError(`${what}: expected { label, seconds } rows or a record of seconds, received ${describeValue(data)}`);
  }
  const input = Array.isArray(data) ? requireRows<TimingBar>(data, what) : Object.entries(data).map(([label, seconds]) => ({ label, seconds }));
  if (input.length === 0) throw new InvalidArgumentError(`${what}: expected at least one entry, received an empty record`);
  // `lines` is what the axis shows (wrapped, joined by newlines the axis splits again); `label` stays whole for tooltips.
  const values = input.map((row, i) => ({ label: String(row.label), lines: wrapLabel(String(row.label)).join("\n"), seconds: numberField(row, "seconds", i, what) }));
  const valueTitle = options.valueTitle ?? "time (s)";
  return horizontalBars(options, {
    title: "Timings",
    values,
    valueField: "seconds",
    valueTitle,
    tooltip: [{ field: "label" }, { field: "seconds", format: ".4~g", title: valueTitle }],
    bars: { mark: { type: "bar", color: "#4c78a8" } },
    valueLabel: { field: "seconds", format: ".3~g" },
    labelRoom: 1.15,
  });
}

/** A row of a horizontal bar chart: `label` whole (tooltips), `lines` wrapped for the axis. */
export interface HorizontalBarValue {
  readonly label: string;
  readonly lines: string;
}

/**
 * What every horizontal bar chart here shares (the timings chart, Python side by side): a height
 * that fits the wrapped labels, the label axis that splits them again, a value axis from zero, and
 * each bar's value written right of it. The caller gives the bars' layer (a colour, or a colour by
 * series), the text of the value labels, and `labelRoom`: how far the axis reaches past the longest
 * bar, as a multiple of it, so that the longest label fits (longer labels need more).
 */
export function horizontalBars<F extends string>(
  options: ChartOptions,
  frame: {
    title: string;
    values: readonly (HorizontalBarValue & Record<F, number>)[];
    valueField: F;
    valueTitle: string;
    tooltip: readonly object[];
    bars: object;
    valueLabel: object;
    labelRoom: number;
  },
): VegaLiteSpec {
  const { values, valueTitle } = frame;
  const lineCount = values.reduce((sum, v) => sum + v.lines.split("\n").length, 0);
  return {
    ...specHeader(options, {
      title: frame.title,
      height: Math.max(60, 28 * values.length, 14 * lineCount + 8 * values.length),
      description: `horizontal bars of ${valueTitle} for ${values.map((v) => v.label).join(", ")}`,
    }),
    data: { values },
    encoding: {
      y: { field: "lines", type: "nominal", sort: null, title: null, axis: { labelExpr: "split(datum.label, '\\n')", labelLimit: 0 } },
      x: {
        field: frame.valueField,
        type: "quantitative",
        title: valueTitle,
        scale: { zero: true, domainMax: Math.max(...values.map((v) => v[frame.valueField])) * frame.labelRoom || 1 },
      },
      tooltip: frame.tooltip,
    },
    layer: [frame.bars, { mark: { type: "text", align: "left", dx: 4 }, encoding: { text: frame.valueLabel } }],
  };
}
