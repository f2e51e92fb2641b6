import { median } from "simple-statistics";
import { InvalidArgumentError, describeValue } from "../errors";
import { type ChartOptions, requireRows, specHeader } from "./common";
import type { VegaLiteSpec } from "./render";

/**
 * One measurement of a speedup sweep: the worker count and either the time it took (`seconds` or
 * `ms`) or an already computed `speedup`. Several rows per worker count (repeats) are allowed.
 */
export interface SpeedupChartRow {
  readonly workers: number;
  readonly seconds?: number;
  readonly ms?: number;
  readonly speedup?: number;
}

/** One point of a speedup curve. */
export interface SpeedupPoint {
  readonly workers: number;
  readonly speedup: number;
}

/** Options of {@link speedupChartSpec} / `show.speedup`. */
export interface SpeedupChartOptions extends ChartOptions {
  /** Draw the ideal (linear) speedup line. @default true */
  readonly ideal?: boolean;
  /** Fit Amdahl's law and draw it; `show.speedup` also prints the serial fraction. @default false */
  readonly amdahl?: boolean;
  /** Horizontal axis title. @default "n workers" */
  readonly xTitle?: string;
  /** Vertical axis title. @default "relative speedup" */
  readonly yTitle?: string;
}

/** Amdahl's law fitted to measured speedups. */
export interface AmdahlFit {
  /** The fitted serial fraction f in [0, 1]: the part of the work no worker count speeds up. */
  readonly serialFraction: number;
  /** 1 / f: the speedup no number of workers can exceed (Infinity when f = 0). */
  readonly maxSpeedup: number;
  /** The fitted speedup on `workers` workers: 1 / (f + (1 − f) / n). */
  predict(workers: number): number;
}

/**
 * Relative speedups from a sweep. Rows with a `speedup` are taken as they are; otherwise the speedup
 * of a row is T(base) / T(row) × base workers, where base is the smallest worker count measured
 * (usually 1) and T(base) the median of its times, so repeats give one point each.
 */
export function speedupPoints(rows: readonly SpeedupChartRow[]): SpeedupPoint[] {
  const what = "show.speedup(results)";
  const input = requireRows<SpeedupChartRow>(rows, what);
  const parsed = input.map((row, i) => {
    const workers = row?.workers;
    if (!Number.isInteger(workers) || workers < 1) {
      throw new InvalidArgumentError(`${what}: row ${i} needs a positive integer \`workers\`, received ${describeValue(workers)}`);
    }
    if (row.speedup !== undefined) {
      if (!(Number.isFinite(row.speedup) && row.speedup > 0)) {
        throw new InvalidArgumentError(`${what}: row ${i} has \`speedup\` ${describeValue(row.speedup)}; expected a positive number`);
      }
      return { workers, speedup: row.speedup, seconds: undefined };
    }
    const seconds = row.seconds ?? (row.ms === undefined ? undefined : row.ms / 1000);
    if (seconds === undefined || !(Number.isFinite(seconds) && seconds > 0)) {
      throw new InvalidArgumentError(
        `${what}: row ${i} needs a positive \`seconds\`, \`ms\` or \`speedup\`, received ${describeValue(row.seconds ?? row.ms ?? row.speedup)}`,
      );
    }
    return { workers, speedup: undefined, seconds };
  });
  const timed = parsed.filter((p) => p.seconds !== undefined);
  if (timed.length === 0) return parsed.map((p) => ({ workers: p.workers, speedup: p.speedup! }));
  const baseWorkers = Math.min(...timed.map((p) => p.workers));
  const baseSeconds = median(timed.filter((p) => p.workers === baseWorkers).map((p) => p.seconds!));
  return parsed.map((p) => ({
    workers: p.workers,
    speedup: p.speedup ?? ((baseSeconds / p.seconds!) * baseWorkers),
  }));
}

/**
 * Fits Amdahl's law S(n) = 1 / (f + (1 − f) / n) by least squares on its linear form
 * 1/S − 1/n = f · (1 − 1/n), a closed-form fit through the origin (no iterative optimiser needed).
 * The result is clamped to [0, 1].
 *
 * @throws InvalidArgumentError when no point has more than one worker (nothing to fit).
 */
export function amdahlFit(points: readonly SpeedupPoint[]): AmdahlFit {
  let sxy = 0;
  let sxx = 0;
  for (const { workers, speedup } of points) {
    const x = 1 - 1 / workers;
    sxy += x * (1 / speedup - 1 / workers);
    sxx += x * x;
  }
  if (sxx === 0) {
    throw new InvalidArgumentError("amdahlFit(points): needs at least one point with more than one worker");
  }
  const f = Math.min(1, Math.max(0, sxy / sxx));
  return {
    serialFraction: f,
    maxSpeedup: f === 0 ? Infinity : 1 / f,
    predict: (n: number) => 1 / (f + (1 - f) / n),
  };
}

/** "serial fraction f = 0.083 (speedup never above 12×)" */
export function describeAmdahlFit(fit: AmdahlFit): string {
  const limit = Number.isFinite(fit.maxSpeedup) ? `speedup never above ${fit.maxSpeedup.toPrecision(3).replace(/\.?0+$/, "")}×` : "no limit";
  return `serial fraction f = ${fit.serialFraction.toFixed(3)} (${limit})`;
}

/**
 * Measured relative speedup against worker count, with the ideal line (speedup = n) and optionally
 * an Amdahl fit. `rows` are `{ workers, seconds }` (or `ms`, or `speedup`) measurements.
 */
export function speedupChartSpec(rows: readonly SpeedupChartRow[], options: SpeedupChartOptions = {}): VegaLiteSpec {
  const points = speedupPoints(rows);
  const xTitle = options.xTitle ?? "n workers";
  const yTitle = options.yTitle ?? "relative speedup";
  const minN = Math.min(...points.map((p) => p.workers));
  const maxN = Math.max(...points.map((p) => p.workers));

  const values: { workers: number; speedup: number; series: string }[] = points.map((p) => ({ ...p, series: "measured" }));
  const series = ["measured"];
  const colours = ["#4c78a8"];
  const dashes: number[][] = [[1, 0]];
  if (options.ideal ?? true) {
    series.push("ideal");
    colours.push("#9e9e9e");
    dashes.push([6, 4]);
    values.push({ workers: minN, speedup: minN, series: "ideal" }, { workers: maxN, speedup: maxN, series: "ideal" });
  }
  let subtitle = options.subtitle;
  if (options.amdahl) {
    const fit = amdahlFit(points);
    const name = `Amdahl, f = ${fit.serialFraction.toFixed(3)}`;
    series.push(name);
    colours.push("#f58518");
    dashes.push([2, 3]);
    const steps = 60;
    for (let i = 0; i <= steps; i++) {
      const n = minN + ((maxN - minN) * i) / steps;
      values.push({ workers: n, speedup: fit.predict(n), series: name });
    }
    subtitle ??= `Amdahl fit: ${describeAmdahlFit(fit)}`;
  }
  const colour = { field: "series", type: "nominal", title: null, scale: { domain: series, range: colours }, legend: { symbolType: "stroke" } };
  return {
    ...specHeader({ ...options, subtitle }, {
      title: "Speedup",
      width: 360,
      height: 300,
      description: `${yTitle} against ${xTitle} from ${minN} to ${maxN}, measured${series.length > 1 ? ` with ${series.slice(1).join(" and ")}` : ""}`,
    }),
    data: { values },
    encoding: {
      x: {
        field: "workers",
        type: "quantitative",
        title: xTitle,
        scale: { domain: [Math.min(0, minN - 1), maxN] },
        axis: { tickMinStep: 1, format: "d" },
      },
      y: { field: "speedup", type: "quantitative", title: yTitle, scale: { zero: true } },
      color: colour,
    },
    layer: [
      // The measured line goes through the median of repeats; every repeat is still drawn as a point.
      {
        transform: [{ filter: "datum.series !== 'measured'" }],
        mark: { type: "line" },
        encoding: { strokeDash: { field: "series", type: "nominal", title: null, scale: { domain: series, range: dashes } } },
      },
      {
        transform: [{ filter: "datum.series === 'measured'" }],
        mark: { type: "line" },
        encoding: { y: { aggregate: "median", field: "speedup", type: "quantitative", title: yTitle } },
      },
      {
        transform: [{ filter: "datum.series === 'measured'" }],
        mark: { type: "point", filled: true, size: 50 },
        encoding: {
          tooltip: [
            { field: "workers", title: xTitle },
            { field: "speedup", title: yTitle, format: ".3~f" },
          ],
        },
      },
    ],
  };
}
