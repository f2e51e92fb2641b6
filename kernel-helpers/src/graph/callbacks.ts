/** Ready-made scheduler callbacks. */
import { progress } from "../plot/progress";
import type { SchedulerCallbacks } from "./scheduler";

/** A progress bar over the tasks of one compute: created at `start`, ticked per task, closed at `finish`. */
export function progressCallbacks(label = "tasks"): SchedulerCallbacks {
  let bar: ReturnType<typeof progress> | undefined;
  return {
    start(state) {
      const total = [...state.priority.keys()].filter((k) => state.graph.get(k)!.kind !== "data").length;
      bar = progress(Math.max(1, total), { label });
    },
    posttask() {
      bar?.tick();
    },
    finish() {
      bar?.done();
    },
  };
}
