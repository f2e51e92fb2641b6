/**
 * Checks of a lesson's *shape*, not of a value: a sweep that rises then flattens, one run clearly
 * faster (or no faster) than another. Timings in a notebook are noisy (a 2-core laptop, a loaded CI
 * runner), so every rule has wide margins: each fails only when the lesson's point is really absent,
 * and a lesson that needs two cores is skipped, with a sentence, on one.
 */
import { InvalidArgumentError, describeValue } from "../errors";
import { cpuCount } from "../system";
import { type LessonOptions, type LessonVerdict, emit, fail, pass, seconds, skip, times } from "./verdict";

/** A timed run: what it was and how long it took. */
export interface TimedRun {
  readonly label: string;
  readonly seconds: number;
}

/** One point of a speed-up sweep (what `speedupTable` returns has these fields). */
export interface SweepPoint {
  readonly workers: number;
  readonly speedup: number;
}

export interface ShapeOptions extends LessonOptions {
  /**
   * The cores the lesson may use.
   * @default cpuCount()
   */
  readonly cores?: number;
}

export interface SweepShapeOptions extends ShapeOptions {
  /**
   * The least speed-up that counts as "rises" at the best pool size up to the core count.
   * @default 1.2 (a 2-core machine under load still clears it; a sweep that does not parallelise does not)
   */
  readonly minRise?: number;
}

export interface CompareOptions extends ShapeOptions {
  /**
   * How many times faster (or slower) counts as clearly so.
   * @default 1.5 for checkFaster, 1 for checkSlower
   */
  readonly by?: number;
  /**
   * Cores the comparison needs to show (e.g. 2 for threads against serial).
   * @default 1
   */
  readonly needsCores?: number;
}

function requireRun(run: TimedRun, what: string): void {
  if (run === null || typeof run !== "object" || typeof run.label !== "string" || !(run.seconds > 0) || !Number.isFinite(run.seconds)) {
    throw new InvalidArgumentError(`${what}: expected { label, seconds } with a positive number of seconds, received ${describeValue(run)}`);
  }
}

function coresOf(options: ShapeOptions): number {
  const cores = options.cores ?? cpuCount();
  if (!Number.isInteger(cores) || cores < 1) throw new InvalidArgumentError(`option \`cores\`: expected a positive integer, received ${describeValue(cores)}`);
  return cores;
}

function oneCore(cores: number, needs: number): string {
  return `this kernel can use ${cores} core${cores === 1 ? "" : "s"} and the lesson needs ${needs}; run it on a machine with more`;
}

/**
 * The speed-up sweep's shape: it **rises** (some pool of 2 to `cores` workers reaches `minRise`) and
 * then **flattens** (past the core count it gains less than half of what the ideal line gains, and
 * never goes far above the core count).
 */
export function sweepShape(name: string, points: readonly SweepPoint[], options: SweepShapeOptions = {}): LessonVerdict {
  if (!Array.isArray(points) || points.length === 0) {
    throw new InvalidArgumentError(`sweepShape(points): expected rows of { workers, speedup }, received ${describeValue(points)}`);
  }
  points.forEach((p, i) => {
    if (!Number.isInteger(p?.workers) || p.workers < 1 || !Number.isFinite(p.speedup)) {
      throw new InvalidArgumentError(`sweepShape(points): row ${i} needs a positive integer \`workers\` and a finite \`speedup\`, received ${describeValue(p)}`);
    }
  });
  const cores = coresOf(options);
  if (cores < 2) return skip(name, oneCore(cores, 2));
  const minRise = options.minRise ?? 1.2;
  const upToCores = points.filter((p) => p.workers >= 2 && p.workers <= cores);
  if (upToCores.length === 0) throw new InvalidArgumentError(`sweepShape(points): no pool size from 2 to ${cores} workers to judge the rise by`);
  const best = upToCores.reduce((a, b) => (b.speedup > a.speedup ? b : a));
  if (best.speedup < minRise) {
    return fail(name, `the speed-up never rises: at most ${times(best.speedup)} on up to ${cores} workers (expected at least ${times(minRise)}) — is the work split over the workers?`);
  }
  const beyond = points.filter((p) => p.workers > cores);
  if (beyond.length === 0) return pass(name, `rises to ${times(best.speedup)} on ${best.workers} workers (no pool larger than the ${cores} cores to show the flat part)`);
  const last = beyond.reduce((a, b) => (b.workers > a.workers ? b : a));
  const atCores = points.filter((p) => p.workers <= cores).reduce((a, b) => (b.speedup > a.speedup ? b : a));
  const gain = last.speedup - atCores.speedup;
  const idealGain = last.workers - atCores.workers;
  if (last.speedup > 1.25 * cores || gain > 0.5 * idealGain) {
    return fail(name, `the speed-up keeps rising past the ${cores} cores (${times(atCores.speedup)} → ${times(last.speedup)} on ${last.workers} workers): are the tasks CPU work, or do they wait?`);
  }
  return pass(name, `rises to ${times(best.speedup)} on ${best.workers} workers, then flattens (${times(last.speedup)} on ${last.workers}, ${cores} cores)`);
}

/**
 * What both comparisons need: the runs checked, the skip on too few cores, and `first` ÷ `second`
 * in time with both runs written out (`first` named first).
 */
function compare(what: string, first: TimedRun, second: TimedRun, options: CompareOptions): { ratio: number; both: string } | { skipped: string } {
  requireRun(first, `${what}(${what === "fasterShape" ? "fast" : "slow"})`);
  requireRun(second, `${what}(${what === "fasterShape" ? "slow" : "fast"})`);
  const cores = coresOf(options);
  const needs = options.needsCores ?? 1;
  if (cores < needs) return { skipped: oneCore(cores, needs) };
  return { ratio: first.seconds / second.seconds, both: `${first.label} ${seconds(first.seconds)}, ${second.label} ${seconds(second.seconds)}` };
}

/** `fast` took at most 1/`by` of `slow`'s time. */
export function fasterShape(name: string, fast: TimedRun, slow: TimedRun, options: CompareOptions = {}): LessonVerdict {
  const c = compare("fasterShape", fast, slow, options);
  if ("skipped" in c) return skip(name, c.skipped);
  const by = options.by ?? 1.5;
  const ratio = 1 / c.ratio;
  return ratio >= by
    ? pass(name, `${fast.label} is ${times(ratio)} faster than ${slow.label} (${c.both})`)
    : fail(name, `${fast.label} is only ${times(ratio)} faster than ${slow.label}, expected at least ${times(by)} (${c.both})`);
}

/** `slow` took longer than `by` × `fast`'s time (a pool on tiny tasks against the plain loop). */
export function slowerShape(name: string, slow: TimedRun, fast: TimedRun, options: CompareOptions = {}): LessonVerdict {
  const c = compare("slowerShape", slow, fast, options);
  if ("skipped" in c) return skip(name, c.skipped);
  const by = options.by ?? 1;
  return c.ratio > by
    ? pass(name, `${slow.label} is ${times(c.ratio)} slower than ${fast.label} (${c.both})`)
    : fail(name, `${slow.label} is not slower than ${fast.label} (${c.both})`);
}

/**
 * `other` gains nothing over `baseline`: less than `by` (default 1.3×) faster. With the work on one
 * event loop (async lanes doing CPU work) that holds on any machine.
 */
export function noGainShape(name: string, other: TimedRun, baseline: TimedRun, options: CompareOptions = {}): LessonVerdict {
  requireRun(other, "noGainShape(other)");
  requireRun(baseline, "noGainShape(baseline)");
  const by = options.by ?? 1.3;
  const ratio = baseline.seconds / other.seconds;
  const both = `${other.label} ${seconds(other.seconds)}, ${baseline.label} ${seconds(baseline.seconds)}`;
  return ratio < by
    ? pass(name, `no gain: ${other.label} ran at ${times(ratio)} the speed of ${baseline.label} (${both})`)
    : fail(name, `${other.label} is ${times(ratio)} faster than ${baseline.label} (${both}) — does the work really run on this one thread?`);
}

// The check* forms print and return nothing, like check(): tslab echoes a cell's last value.
/** Prints {@link sweepShape}'s verdict. */
export function checkSweepShape(name: string, points: readonly SweepPoint[], options: SweepShapeOptions = {}): void {
  emit(sweepShape(name, points, options), options);
}
/** Prints {@link fasterShape}'s verdict. */
export function checkFaster(name: string, fast: TimedRun, slow: TimedRun, options: CompareOptions = {}): void {
  emit(fasterShape(name, fast, slow, options), options);
}
/** Prints {@link slowerShape}'s verdict. */
export function checkSlower(name: string, slow: TimedRun, fast: TimedRun, options: CompareOptions = {}): void {
  emit(slowerShape(name, slow, fast, options), options);
}
/** Prints {@link noGainShape}'s verdict. */
export function checkNoGain(name: string, other: TimedRun, baseline: TimedRun, options: CompareOptions = {}): void {
  emit(noGainShape(name, other, baseline, options), options);
}
