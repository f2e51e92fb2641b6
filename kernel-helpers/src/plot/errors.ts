import { KernelHelpersError } from "../errors";

/** vega-lite could not compile a spec or vega could not render it; `cause` holds the library's error. */
export class ChartRenderError extends KernelHelpersError {
  constructor(
    message: string,
    /** The chart's title (or "untitled"), to tell which chart failed in a notebook with many. */
    readonly chart: string,
    options?: { cause?: unknown },
  ) {
    super("ERR_CHART_RENDER", message, options);
  }
}
