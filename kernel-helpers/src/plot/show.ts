/**
 * `show.*`: build a spec, render it to SVG, display it in the notebook. Displayed as `image/svg+xml`
 * only: tslab's display API sends one MIME type per message, and SVG is what JupyterLab, classic
 * Notebook, nbconvert HTML and GitHub all render.
 */
import type { TaskEvent } from "../events";
import { type BarChartOptions, type TimingBar, barChartSpec } from "./bar";
import { type GraphChartInput, type GraphChartOptions, graphChartSpec } from "./graph";
import { tslabModule } from "./kernel";
import { type VegaLiteSpec, renderSvg, specTitle } from "./render";
import { type SpeedupChartOptions, type SpeedupChartRow, amdahlFit, describeAmdahlFit, speedupChartSpec, speedupPoints } from "./speedup";
import { type TableOptions, tableHtml, tableText } from "./table";
import { type TaskStreamOptions, taskStreamChartSpec } from "./task-stream";
import { type LineChartOptions, type XYChartOptions, lineChartSpec, scatterChartSpec } from "./xy";

/**
 * Renders `spec` and displays the SVG in the notebook. Outside a tslab kernel (scripts, tests) there
 * is nowhere to show it, so it prints one line naming the chart instead.
 *
 * @throws ChartRenderError (as a rejection) when the spec does not render.
 */
export async function showSpec(spec: VegaLiteSpec): Promise<void> {
  const svg = await renderSvg(spec);
  const tslab = tslabModule();
  if (tslab === undefined) {
    process.stdout.write(`[chart "${specTitle(spec)}": ${svg.length} bytes of SVG, shown in a notebook]\n`);
    return;
  }
  tslab.display.svg(svg);
}

/** Builds the spec inside the promise, so invalid arguments reject instead of throwing. */
async function showBuilt(build: () => VegaLiteSpec): Promise<void> {
  await showSpec(build());
}

/** Draw it in the notebook: every method renders to SVG and displays it; `await` them. */
export const show = {
  /** An HTML table of objects, numbers formatted (`digits` decimals) and right-aligned. */
  async table(rows: readonly object[], options: TableOptions = {}): Promise<void> {
    const tslab = tslabModule();
    if (tslab === undefined) process.stdout.write(tableText(rows, options) + "\n");
    else tslab.display.html(tableHtml(rows, options));
  },

  /** Horizontal bars of timings: `{ label, seconds }` rows or a record `{ serial: 4.1, pool: 2.2 }`. */
  bar(data: readonly TimingBar[] | Readonly<Record<string, number>>, options?: BarChartOptions): Promise<void> {
    return showBuilt(() => barChartSpec(data, options));
  },

  /**
   * Measured relative speedup against the ideal line, from `{ workers, seconds }` rows. With
   * `{ amdahl: true }` it also fits Amdahl's law, draws it and prints the serial fraction.
   */
  async speedup(results: readonly SpeedupChartRow[], options: SpeedupChartOptions = {}): Promise<void> {
    const spec = speedupChartSpec(results, options);
    if (options.amdahl) process.stdout.write(`Amdahl fit: ${describeAmdahlFit(amdahlFit(speedupPoints(results)))}\n`);
    await showSpec(spec);
  },

  /** A scatter plot; `{ x, y, color }` name the fields, e.g. a data set coloured by class. */
  scatter(points: readonly object[], options?: XYChartOptions): Promise<void> {
    return showBuilt(() => scatterChartSpec(points, options));
  },

  /** A line chart; `{ x, y, color }` name the fields, one line per `color` value. */
  line(rows: readonly object[], options?: LineChartOptions): Promise<void> {
    return showBuilt(() => lineChartSpec(rows, options));
  },

  /** A task graph, Dask-style: circles for tasks, boxes for data, arrows from inputs to users. */
  graph(graph: GraphChartInput, options?: GraphChartOptions): Promise<void> {
    return showBuilt(() => graphChartSpec(graph, options));
  },

  /** A Gantt chart of the events a pool or scheduler recorded: which worker ran which task when. */
  taskStream(events: readonly TaskEvent[], options?: TaskStreamOptions): Promise<void> {
    return showBuilt(() => taskStreamChartSpec(events, options));
  },
};
