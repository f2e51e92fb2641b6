// The contract between the bench harness and a benchmark suite (scripts/bench/suites/NAME.ts).

/** One row of a suite's result table: a metric, ours against a baseline measured in the same run. */
export interface BenchRow {
  /** What was measured, e.g. "per-item overhead, map, default chunking". */
  readonly metric: string;
  readonly unit: string;
  readonly ours: number;
  /** The baseline's value on the same work; undefined when the baseline could not run (see note). */
  readonly baseline?: number;
  /** The baseline's name, e.g. "Python multiprocessing.Pool.map". */
  readonly baselineName?: string;
  /** The baseline's version(s), read from the baseline itself, e.g. "scikit-learn 1.9.1, numpy 2.4.6". */
  readonly baselineVersion?: string;
  /** The goal as a ratio ours / baseline, e.g. "<= 1.0". */
  readonly goal?: string;
  /** Why the baseline is missing, or anything a reader must know to trust the row. */
  readonly note?: string;
}

export interface BenchContext {
  /** Scale the work down (CI, smoke runs): `--quick` on the command line. */
  readonly quick: boolean;
  /** Prints a progress line to stderr (the table goes to stdout). */
  log(line: string): void;
}

export interface BenchSuite {
  readonly name: string;
  readonly description: string;
  run(context: BenchContext): Promise<BenchRow[]>;
}
