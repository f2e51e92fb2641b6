import { InvalidArgumentError, describeValue } from "../errors";
import type { TaskEvent } from "../events";
import { type ChartOptions, requireRows, specHeader } from "./common";
import type { VegaLiteSpec } from "./render";

/** Options of {@link taskStreamChartSpec} / `show.taskStream`. */
export interface TaskStreamOptions extends ChartOptions {
  /** Horizontal axis title. @default "seconds since first start" */
  readonly xTitle?: string;
  /** Vertical axis title. @default "worker" */
  readonly yTitle?: string;
}

/** Beyond this many distinct labels a legend is longer than the chart and helps nobody. */
const MAX_LEGEND_ENTRIES = 20;

/** Worker ids in a natural order: numbers ascending, then strings. */
function workerOrder(ids: Iterable<string | number>): string[] {
  const unique = [...new Set(ids)];
  unique.sort((a, b) => {
    if (typeof a === "number" && typeof b === "number") return a - b;
    if (typeof a === "number") return -1;
    if (typeof b === "number") return 1;
    return a.localeCompare(b, "en", { numeric: true });
  });
  return [...new Set(unique.map(String))];
}

/**
 * A Gantt chart of `events` as the pools and schedulers record them: one row per worker, one bar per
 * task from its start to its end (seconds since the first start), coloured by label and outlined in
 * white so consecutive tasks stay apart; failed tasks (`ok: false`) get a red outline.
 */
export function taskStreamChartSpec(events: readonly TaskEvent[], options: TaskStreamOptions = {}): VegaLiteSpec {
  const what = "show.taskStream(events)";
  const input = requireRows<TaskEvent>(events, what);
  input.forEach((e, i) => {
    if (e === null || typeof e !== "object" || !Number.isFinite(e.start) || !Number.isFinite(e.end) || e.end < e.start) {
      throw new InvalidArgumentError(
        `${what}: event ${i} needs finite epoch-ms \`start\` <= \`end\`, received ${e === null || typeof e !== "object" ? describeValue(e) : `start ${e.start}, end ${e.end}`}`,
      );
    }
  });
  const t0 = Math.min(...input.map((e) => e.start));
  const values = input.map((e) => ({
    worker: String(e.workerId),
    task: String(e.taskId),
    label: e.label ?? "task",
    start: (e.start - t0) / 1000,
    end: (e.end - t0) / 1000,
    ms: e.end - e.start,
    ok: e.ok !== false,
  }));
  const workers = workerOrder(input.map((e) => e.workerId));
  const labels = new Set(values.map((v) => v.label)).size;
  const xTitle = options.xTitle ?? "seconds since first start";
  const yTitle = options.yTitle ?? "worker";
  const failed = values.filter((v) => !v.ok).length;
  return {
    ...specHeader(options, {
      title: "Task stream",
      width: 500,
      height: Math.max(60, 26 * workers.length),
      description: `${values.length} tasks${failed ? ` (${failed} failed)` : ""} on ${workers.length} workers over ${Math.max(...values.map((v) => v.end)).toFixed(3)} s`,
    }),
    data: { values },
    mark: { type: "bar", cornerRadius: 1, strokeWidth: 1.5 },
    encoding: {
      y: { field: "worker", type: "nominal", title: yTitle, sort: workers },
      x: { field: "start", type: "quantitative", title: xTitle, scale: { zero: true } },
      x2: { field: "end" },
      color: { field: "label", type: "nominal", title: "task", legend: labels > MAX_LEGEND_ENTRIES ? null : { symbolStrokeWidth: 0 } },
      // A white outline shows where one task ends and the next begins on the same worker: back-to-back
      // tasks of one label otherwise merge into one solid bar ("two tasks each" was invisible).
      stroke: { condition: { test: "!datum.ok", value: "#d62728" }, value: "white" },
      tooltip: [
        { field: "label", title: "task" },
        { field: "task", title: "id" },
        { field: "worker", title: yTitle },
        { field: "start", title: "start (s)", format: ".4f" },
        { field: "ms", title: "duration (ms)", format: ".3~f" },
        { field: "ok", title: "ok" },
      ],
    },
  };
}
