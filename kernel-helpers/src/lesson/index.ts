// Lesson checks: the shape of a result (rises then flattens, faster, no gain) and prediction cells.
export {
  sweepShape, fasterShape, slowerShape, noGainShape,
  checkSweepShape, checkFaster, checkSlower, checkNoGain,
  type TimedRun, type SweepPoint, type ShapeOptions, type SweepShapeOptions, type CompareOptions,
} from "./shape";
export { changeOf, checkPrediction, predictionVerdict, ratioDetail, CHANGES, type Change } from "./prediction";
export type { LessonVerdict, LessonOptions } from "./verdict";
