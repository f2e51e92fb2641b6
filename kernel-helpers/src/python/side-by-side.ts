/**
 * "Same example in Python, on your machine": the notebook's own timings next to the Python
 * original's, as one table and one chart (time, speed-up, efficiency). Whatever goes wrong on the
 * Python side is one printed sentence, never a failed cell: the cell is optional.
 */
import { InvalidArgumentError, describeValue } from "../errors";
import { horizontalBars } from "../plot/bar";
import { type ChartOptions, SERIES_COLOURS, requireRows, wrapLabel } from "../plot/common";
import type { VegaLiteSpec } from "../plot/render";
import { show, showSpec } from "../plot/show";
import { PythonError } from "./errors";
import { type PythonExampleArgs, type PythonExampleResult, type RunPythonExampleOptions, runPythonExample } from "./run-example";

/** One of the notebook's own measurements. */
export interface SideBySideRow {
  readonly label: string;
  readonly seconds: number;
  /** Workers used; with it the table shows speed-up and efficiency. */
  readonly workers?: number;
}

/** One line of the side-by-side table. */
export interface ComparedRow {
  readonly language: "TypeScript" | "Python";
  readonly label: string;
  readonly seconds: number;
  readonly workers?: number;
  /** Against the language's own 1-worker (else first) row; only for rows that carry workers. */
  readonly speedup?: number;
  /** speedup / workers. */
  readonly efficiency?: number;
}

export interface ShowPythonSideBySideOptions extends RunPythonExampleOptions, ChartOptions {
  /** The script's options, e.g. `{ time_scale: TIME_SCALE }`. */
  readonly args?: PythonExampleArgs;
}

function compare(language: ComparedRow["language"], rows: readonly SideBySideRow[]): ComparedRow[] {
  const withWorkers = rows.some((r) => r.workers !== undefined);
  const base = rows.find((r) => r.workers === 1) ?? rows[0];
  return rows.map((r) => {
    // A row without workers (another size of work, e.g. 07's loop) has no speed-up against the base.
    if (!withWorkers || base === undefined || r.workers === undefined) return { language, label: r.label, seconds: r.seconds, workers: r.workers };
    const speedup = base.seconds / r.seconds;
    return { language, label: r.label, seconds: r.seconds, workers: r.workers, speedup, efficiency: speedup / r.workers };
  });
}

/** The notebook's rows, then Python's, each with speed-up and efficiency against its own baseline. */
export function sideBySideRows(ours: readonly SideBySideRow[], python: readonly SideBySideRow[]): ComparedRow[] {
  const what = "showPythonSideBySide(name, ours)";
  requireRows<SideBySideRow>(ours, what).forEach((r, i) => {
    if (r === null || typeof r !== "object" || typeof r.label !== "string") throw new InvalidArgumentError(`${what}: row ${i} needs a string \`label\`, received ${describeValue(r?.label)}`);
    if (!(typeof r.seconds === "number" && Number.isFinite(r.seconds) && r.seconds >= 0)) throw new InvalidArgumentError(`${what}: row ${i} needs a non-negative \`seconds\`, received ${describeValue(r.seconds)}`);
    if (r.workers !== undefined && !(Number.isInteger(r.workers) && r.workers >= 1)) throw new InvalidArgumentError(`${what}: row ${i} has \`workers\` ${describeValue(r.workers)}; expected a positive integer`);
  });
  return [...compare("TypeScript", ours), ...compare("Python", python)];
}

/** The unit that keeps the largest time readable: s, ms or µs. */
export function timeUnit(rows: readonly { seconds: number }[]): { name: "s" | "ms" | "µs"; factor: number } {
  const largest = Math.max(...rows.map((r) => r.seconds));
  if (largest >= 1) return { name: "s", factor: 1 };
  if (largest >= 1e-3) return { name: "ms", factor: 1e3 };
  return { name: "µs", factor: 1e6 };
}

/** Enough decimals that the smallest time keeps 2 significant digits (a ping-pong next to an Allreduce). */
function tableDigits(times: readonly number[]): number {
  const smallest = Math.min(...times.filter((t) => t > 0));
  return Number.isFinite(smallest) ? Math.min(8, Math.max(3, 1 - Math.floor(Math.log10(smallest)))) : 3;
}

/** Horizontal bars of time, TypeScript's and Python's in two colours, each labelled with time and speed-up. */
export function sideBySideChartSpec(rows: readonly ComparedRow[], options: ChartOptions = {}): VegaLiteSpec {
  requireRows(rows, "sideBySideChartSpec(rows)");
  const unit = timeUnit(rows);
  const values = rows.map((r) => {
    const time = r.seconds * unit.factor;
    const text = `${Number(time.toPrecision(3))} ${unit.name}${r.speedup === undefined ? "" : ` · ${r.speedup.toFixed(2)}×`}`;
    const label = `${r.language}: ${r.label}`;
    return { language: r.language, label, lines: wrapLabel(label).join("\n"), time, text };
  });
  const valueTitle = `time (${unit.name})`;
  return horizontalBars(options, {
    title: "TypeScript and Python, same example",
    values,
    valueField: "time",
    valueTitle,
    tooltip: [{ field: "label" }, { field: "text", title: "time · speed-up" }],
    bars: { mark: { type: "bar" }, encoding: { color: { field: "language", type: "nominal", title: null, scale: { domain: ["TypeScript", "Python"], range: [SERIES_COLOURS[0], SERIES_COLOURS[1]] } } } },
    valueLabel: { field: "text" },
    // "1.23 s · 3.45×" is longer than bar.ts's bare number.
    labelRoom: 1.35,
  });
}

/** "Python 3.11.7 (/work/main/.venv/bin/python); numpy 2.4.6, dask 2026.8.0" */
export function describePython(result: PythonExampleResult): string {
  const packages = Object.entries(result.versions).map(([name, version]) => `${name} ${version}`);
  const mpi = typeof result.extra.mpi_library === "string" ? [result.extra.mpi_library] : [];
  return [`Python ${result.python} (${result.executable})`, [...packages, ...mpi].join(", ")].filter(Boolean).join("; ");
}

/**
 * Runs the Python original of example `name` and shows it next to `ours`: a table (language, run,
 * workers, time, speed-up, efficiency) and one chart; when Python, a package, the time limit or the
 * output fails, prints one sentence instead. Resolves to nothing, so a notebook cell ending in it shows
 * no value (`runPythonExample` gives the numbers).
 *
 * @throws InvalidArgumentError (as a rejection) when `ours` or `name` is wrong: that is the notebook's bug
 */
export async function showPythonSideBySide(name: string, ours: readonly SideBySideRow[], options: ShowPythonSideBySideOptions = {}): Promise<void> {
  sideBySideRows(ours, []); // bad rows are the notebook's mistake: reject before running Python
  let result: PythonExampleResult;
  try {
    result = await runPythonExample(name, options.args ?? {}, options);
  } catch (error) {
    if (!(error instanceof PythonError)) throw error;
    process.stdout.write(`Python side by side skipped: ${error.message}\n`);
    return;
  }
  const rows = sideBySideRows(ours, result.rows);
  const unit = timeUnit(rows);
  const timeColumn = `time (${unit.name})`;
  const hasSpeedup = rows.some((r) => r.speedup !== undefined);
  await show.table(
    rows.map((r) => ({
      language: r.language,
      run: r.label,
      workers: r.workers,
      [timeColumn]: r.seconds * unit.factor,
      ...(hasSpeedup ? { "speed-up": r.speedup, efficiency: r.efficiency } : {}),
    })),
    { caption: describePython(result), digits: tableDigits(rows.map((r) => r.seconds * unit.factor)) },
  );
  await showSpec(sideBySideChartSpec(rows, { subtitle: describePython(result), ...options }));
}
