/**
 * `GridSearchCV`: exhaustive search over a parameter grid with stratified K-fold cross-validation, as
 * `sklearn.model_selection.GridSearchCV` — the lecture's embarrassingly parallel case study. Every
 * (candidate, fold) pair is an independent fit; `nJobs` decides where they run:
 * 1 → one after another in this thread; -1 or n > 1 → across a pool of workers (processes by default,
 * or threads), each loading libsvm once and kept for the next search (reusable-pool.ts);
 * `backend: "graph"` → as tasks of a task graph.
 * The answer does not depend on where the fits ran: libsvm is deterministic.
 */
import { performance } from "node:perf_hooks";
import { InvalidArgumentError, describeValue } from "../errors";
import type { SchedulerName } from "../graph";
import { cpuCount } from "../system";
import { NotFittedError } from "./errors";
import { fitAndScore, type FitResult, type FitTask } from "./fit-task";
import { StratifiedKFold, formatParams, parameterGrid, type ParamGrid, type ParamSet, type Split } from "./model-selection";
import { runFitTasks, type SearchBackend, type FitTaskPool } from "./search-backends";
import { SVC, type SVCParams } from "./svc";
import { checkLabels, checkMatrix, type Matrix } from "./validation";

/** Options of {@link GridSearchCV}, with scikit-learn's names camel-cased. */
export interface GridSearchOptions {
  /** Parameter name → values to try, e.g. `{ C: [0.001, 10], kernel: ["rbf", "poly"] }` (or a list of such grids). */
  readonly paramGrid: ParamGrid;
  /**
   * Number of stratified folds, a `StratifiedKFold`, or explicit splits.
   * @default 5
   */
  readonly cv?: number | StratifiedKFold | readonly Split[];
  /**
   * How many fits run at once: 1 = serially in this thread, -1 = one worker per core, n = n workers.
   * The workers stay for the next search, as joblib's do (`shutdownReusablePools()` ends them).
   * @default 1
   */
  readonly nJobs?: number;
  /**
   * Where parallel fits run (ignored when `nJobs` is 1): child `"processes"` (joblib's default, and
   * the faster here: 13 000 samples, 8 fits on 2 cores took 14.8 s on processes, 16.9 s on threads,
   * whose WebAssembly instances share one allocator and GC), worker `"threads"`, or `"graph"` (each
   * fit a task of the task-graph scheduler).
   * @default "processes"
   */
  readonly backend?: SearchBackend;
  /**
   * With `backend: "graph"`: the task-graph scheduler that runs the fits.
   * @default "threads"
   */
  readonly scheduler?: SchedulerName;
  /** Run the fits on this pool instead of the reusable one of `backend`; `nJobs` is then ignored. */
  readonly pool?: FitTaskPool;
  /**
   * 0 silent; 1 prints "Fitting K folds for each of N candidates"; 2 adds a line per fit; 3 adds its score
   * (scikit-learn's levels and format).
   * @default 0
   */
  readonly verbose?: number;
  /**
   * Refit the best candidate on all the data as `bestEstimator`.
   * @default true
   */
  readonly refit?: boolean;
  /** Where verbose lines go. @default console.log */
  readonly print?: (line: string) => void;
  /** Stops waiting for fits (the search rejects with `signal.reason`). */
  readonly signal?: AbortSignal;
}

/** scikit-learn's `cv_results_`, one entry per candidate (camel-cased, times in ms). */
export interface CvResults {
  readonly params: ParamSet[];
  /** `splitTestScores[s][c]`: candidate c's score on fold s (`split0_test_score`, …). */
  readonly splitTestScores: number[][];
  readonly meanTestScore: number[];
  readonly stdTestScore: number[];
  /** 1 = best; ties share the lowest rank (scipy's "min" method). */
  readonly rankTestScore: number[];
  readonly meanFitTimeMs: number[];
  readonly stdFitTimeMs: number[];
  readonly meanScoreTimeMs: number[];
  readonly stdScoreTimeMs: number[];
}

/** One row per candidate, convenient for `show.table`. */
export interface CvResultRow {
  readonly params: string;
  readonly meanTestScore: number;
  readonly stdTestScore: number;
  readonly rankTestScore: number;
  readonly meanFitTimeS: number;
}

function resolveNJobs(nJobs: number): number {
  if (!Number.isInteger(nJobs) || nJobs === 0 || nJobs < -cpuCount()) {
    throw new InvalidArgumentError(`Expected \`nJobs\` to be a non-zero integer (-1 = all cores), got ${describeValue(nJobs)}`);
  }
  return nJobs < 0 ? cpuCount() + 1 + nJobs : nJobs; // joblib: -1 all cores, -2 all but one, …
}

/** joblib's `short_format_time`, used in scikit-learn's per-fit log line. */
function shortFormatTime(seconds: number): string {
  return seconds > 60 ? `${(seconds / 60).toFixed(1).padStart(4)}min` : ` ${seconds.toFixed(1).padStart(5)}s`;
}

/** scikit-learn's per-fit line: `[CV 1/2] END ....C=10, kernel=rbf;, score=0.912 total time=   1.2s`. */
export function formatFitLine(result: FitResult, params: ParamSet, nSplits: number, verbose: number): string {
  const start = `[CV ${result.splitIndex + 1}/${nSplits}] END `;
  const paramsText = formatParams(params);
  let message = paramsText + (paramsText ? ";" : "");
  if (verbose > 2) message += `, score=${result.testScore.toFixed(3)}`;
  message += ` total time=${shortFormatTime((result.fitTimeMs + result.scoreTimeMs) / 1000)}`;
  return start + ".".repeat(Math.max(0, 80 - start.length - message.length)) + message;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs: readonly number[]): number => {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
};

/**
 * Exhaustive search over `paramGrid` for an {@link SVC}, scored by cross-validated accuracy.
 *
 * @example
 * const search = new GridSearchCV(new SVC({ gamma: "auto" }), { paramGrid: { C: [0.001, 10], kernel: ["rbf", "poly"] }, cv: 2, nJobs: -1, verbose: 3 });
 * await search.fit(X, y);
 * console.log(search.bestParams, search.bestScore);
 */
export class GridSearchCV {
  readonly estimator: SVC;
  private readonly options: GridSearchOptions;
  private results: CvResults | undefined;
  private best: SVC | undefined;
  private bestIdx = -1;
  private splitCount = 0;
  private refitMs = 0;
  private searchMs = 0;

  constructor(estimator: SVC, options: GridSearchOptions) {
    if (!(estimator instanceof SVC)) {
      throw new InvalidArgumentError(`Expected \`estimator\` to be an SVC, got ${describeValue(estimator)}`);
    }
    if (!options || typeof options !== "object") {
      throw new InvalidArgumentError(`Expected \`options\` with a \`paramGrid\`, got ${describeValue(options)}`);
    }
    parameterGrid(options.paramGrid); // validate now, not after the first fits
    const verbose = options.verbose ?? 0;
    if (typeof verbose !== "number") throw new InvalidArgumentError(`Expected \`verbose\` to be a number, got ${describeValue(verbose)}`);
    if (options.nJobs !== undefined) resolveNJobs(options.nJobs);
    const backend = options.backend ?? "processes";
    if (!["threads", "processes", "graph"].includes(backend)) {
      throw new InvalidArgumentError(`Expected \`backend\` to be "threads", "processes" or "graph", got ${describeValue(backend)}`);
    }
    this.estimator = estimator;
    this.options = options;
  }

  /** Runs every (candidate, fold) fit, then refits the best candidate on all of `X`; resolves to this. */
  async fit(X: Matrix, y: ArrayLike<number>): Promise<this> {
    const started = performance.now();
    const nFeatures = checkMatrix(X);
    checkLabels(y, X.length);
    const { verbose = 0, print = console.log, signal } = this.options;
    const candidates = parameterGrid(this.options.paramGrid);
    const splits = this.splits(y);
    const nSplits = splits.length;
    const base = this.estimator.getParams();
    for (const candidate of candidates) this.estimator.withParams(candidate as SVCParams); // reject unknown names early

    const data = new Float64Array(X.length * nFeatures);
    X.forEach((row, i) => data.set(Array.from(row), i * nFeatures));
    const labels = Float64Array.from(y);
    const folds = splits.map((s) => ({ train: Int32Array.from(s.train), test: Int32Array.from(s.test) }));
    // Candidate-major order, like scikit-learn's product(candidates, splits).
    const tasks: FitTask[] = candidates.flatMap((candidate, candidateIndex) =>
      folds.map((fold, splitIndex) => ({
        data,
        nFeatures,
        y: labels,
        train: fold.train,
        test: fold.test,
        params: { ...base, ...(candidate as SVCParams) },
        candidateIndex,
        splitIndex,
      })),
    );
    if (verbose > 0) {
      print(`Fitting ${nSplits} folds for each of ${candidates.length} candidates, totalling ${tasks.length} fits`);
    }
    const onResult = (result: FitResult): void => {
      if (verbose > 1) print(formatFitLine(result, candidates[result.candidateIndex], nSplits, verbose));
    };
    const nJobs = resolveNJobs(this.options.nJobs ?? 1);
    const results =
      nJobs === 1 && !this.options.pool && this.options.backend !== "graph"
        ? await runSerially(tasks, onResult, signal)
        : await runFitTasks(tasks, onResult, { nJobs, backend: this.options.backend ?? "processes", pool: this.options.pool, graphScheduler: this.options.scheduler, signal });

    this.results = summarise(candidates, nSplits, results);
    this.splitCount = nSplits;
    this.bestIdx = this.results.rankTestScore.indexOf(1);
    this.best?.dispose();
    this.best = undefined;
    if (this.options.refit ?? true) {
      const refitStart = performance.now();
      this.best = await this.estimator.withParams(candidates[this.bestIdx] as SVCParams).fit(X, y);
      this.refitMs = performance.now() - refitStart;
    }
    this.searchMs = performance.now() - started;
    return this;
  }

  /** The parameters of the best candidate (scikit-learn's `best_params_`). */
  get bestParams(): ParamSet {
    return this.cvResults.params[this.bestIndex];
  }

  /** Its mean cross-validated accuracy (`best_score_`). */
  get bestScore(): number {
    return this.cvResults.meanTestScore[this.bestIndex];
  }

  /** Its index in `cvResults` (`best_index_`): the first candidate ranked 1. */
  get bestIndex(): number {
    this.cvResults;
    return this.bestIdx;
  }

  /** The best candidate refitted on all the data (`best_estimator_`); needs `refit: true`. */
  get bestEstimator(): SVC {
    if (!this.best) throw new NotFittedError("GridSearchCV (with refit)");
    return this.best;
  }

  /** Per-candidate scores and times (`cv_results_`). */
  get cvResults(): CvResults {
    if (!this.results) throw new NotFittedError("GridSearchCV");
    return this.results;
  }

  /** `cvResults` as one row per candidate, ready for a table. */
  get cvResultRows(): CvResultRow[] {
    const r = this.cvResults;
    return r.params.map((p, i) => ({
      params: formatParams(p),
      meanTestScore: r.meanTestScore[i],
      stdTestScore: r.stdTestScore[i],
      rankTestScore: r.rankTestScore[i],
      meanFitTimeS: r.meanFitTimeMs[i] / 1000,
    }));
  }

  /** The number of cross-validation splits used (`n_splits_`). */
  get nSplits(): number {
    this.cvResults;
    return this.splitCount;
  }

  /** Milliseconds spent refitting the best candidate (`refit_time_`, in ms). */
  get refitTimeMs(): number {
    return this.refitMs;
  }

  /** Milliseconds the whole `fit` took, search and refit. */
  get searchTimeMs(): number {
    return this.searchMs;
  }

  /** Predicts with the best estimator. */
  predict(X: Matrix): number[] {
    return this.bestEstimator.predict(X);
  }

  /** Accuracy of the best estimator on `X`, `y`. */
  score(X: Matrix, y: ArrayLike<number>): number {
    return this.bestEstimator.score(X, y);
  }

  /** Frees the refitted best estimator. */
  dispose(): void {
    this.best?.dispose();
    this.best = undefined;
  }

  /** `using search = …` frees the best estimator at the end of the block. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  private splits(y: ArrayLike<number>): readonly Split[] {
    const cv = this.options.cv ?? 5;
    if (typeof cv === "number") return new StratifiedKFold({ nSplits: cv }).split(y);
    if (cv instanceof StratifiedKFold) return cv.split(y);
    if (Array.isArray(cv) && cv.length > 0) return cv;
    throw new InvalidArgumentError(`Expected \`cv\` to be a fold count, a StratifiedKFold or splits, got ${describeValue(cv)}`);
  }
}

async function runSerially(tasks: readonly FitTask[], onResult: (r: FitResult) => void, signal?: AbortSignal): Promise<FitResult[]> {
  const results: FitResult[] = [];
  for (const task of tasks) {
    signal?.throwIfAborted();
    const result = await fitAndScore(task);
    onResult(result);
    results.push(result);
  }
  return results;
}

function summarise(candidates: readonly ParamSet[], nSplits: number, results: readonly FitResult[]): CvResults {
  const byCandidate = candidates.map(() => new Array<FitResult>(nSplits));
  for (const r of results) byCandidate[r.candidateIndex][r.splitIndex] = r;
  const scores = byCandidate.map((rs) => rs.map((r) => r.testScore));
  const fitTimes = byCandidate.map((rs) => rs.map((r) => r.fitTimeMs));
  const scoreTimes = byCandidate.map((rs) => rs.map((r) => r.scoreTimeMs));
  const meanTestScore = scores.map(mean);
  // Ranks with ties sharing the lowest ("min") rank, as scikit-learn's rankdata(-mean, method="min").
  const rankTestScore = meanTestScore.map((m) => 1 + meanTestScore.filter((other) => other > m).length);
  return {
    params: [...candidates],
    splitTestScores: Array.from({ length: nSplits }, (_, s) => scores.map((perCandidate) => perCandidate[s])),
    meanTestScore,
    stdTestScore: scores.map(std),
    rankTestScore,
    meanFitTimeMs: fitTimes.map(mean),
    stdFitTimeMs: fitTimes.map(std),
    meanScoreTimeMs: scoreTimes.map(mean),
    stdScoreTimeMs: scoreTimes.map(std),
  };
}

/** Runs a grid search: `new GridSearchCV(estimator, options).fit(X, y)` in one call. */
export function gridSearch(estimator: SVC, X: Matrix, y: ArrayLike<number>, options: GridSearchOptions): Promise<GridSearchCV> {
  try {
    return new GridSearchCV(estimator, options).fit(X, y);
  } catch (error) {
    return Promise.reject(error);
  }
}
