// Charts, tables, progress bars and task streams for tslab notebooks.
export { progress, type ProgressBar, type ProgressOptions } from "./progress";
export { show, showSpec } from "./show";
export { renderSvg, type VegaLiteSpec } from "./render";
export { ChartRenderError } from "./errors";
export type { ChartOptions } from "./common";
export { barChartSpec, type BarChartOptions, type TimingBar } from "./bar";
export { scatterChartSpec, lineChartSpec, type XYChartOptions, type LineChartOptions } from "./xy";
export {
  speedupChartSpec,
  speedupPoints,
  amdahlFit,
  describeAmdahlFit,
  type SpeedupChartRow,
  type SpeedupPoint,
  type SpeedupChartOptions,
  type AmdahlFit,
} from "./speedup";
export { taskStreamChartSpec, type TaskStreamOptions } from "./task-stream";
export {
  graphChartSpec,
  graphChartLayout,
  type GraphChartInput,
  type GraphChartNode,
  type GraphChartEdge,
  type GraphChartOptions,
  type GraphChartLayout,
  type PlacedGraphNode,
} from "./graph";
export { tableHtml, tableText, type TableOptions } from "./table";
