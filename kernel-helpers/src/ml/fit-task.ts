/**
 * The unit of work of a grid search — fit one candidate on one fold's training rows, score it on the
 * test rows — as a plain module function, so pools and schedulers can run it by file name
 * (`moduleTask(require.resolve("./fit-task"), "fitAndScore")`): each worker then loads libsvm once and
 * keeps it for every fit it runs. The serial search calls the same function in-process.
 */
import { performance } from "node:perf_hooks";
import { threadId } from "node:worker_threads";
import { SVC, type SVCParams } from "./svc";

/** What a worker needs for one fit: the data travels as flat typed arrays (cheap to clone). */
export interface FitTask {
  /** Row-major features, `nSamples × nFeatures`. */
  readonly data: Float64Array;
  readonly nFeatures: number;
  readonly y: Float64Array;
  readonly train: Int32Array;
  readonly test: Int32Array;
  /** The estimator's full parameters with the candidate's applied. */
  readonly params: SVCParams;
  readonly candidateIndex: number;
  readonly splitIndex: number;
}

/** The outcome of one fit, as scikit-learn's `_fit_and_score` records it. */
export interface FitResult {
  readonly candidateIndex: number;
  readonly splitIndex: number;
  /** Accuracy on the test rows. */
  readonly testScore: number;
  readonly fitTimeMs: number;
  readonly scoreTimeMs: number;
  /** Who ran it: `pid` and worker-thread id (0 = main thread). */
  readonly pid: number;
  readonly threadId: number;
}

function rows(data: Float64Array, nFeatures: number, indices: Int32Array): Float64Array[] {
  return Array.from(indices, (i) => data.subarray(i * nFeatures, (i + 1) * nFeatures));
}

/** Fits `task.params` on the training rows and scores on the test rows; frees the model before returning. */
export async function fitAndScore(task: FitTask): Promise<FitResult> {
  const { data, nFeatures, y, train, test } = task;
  const model = new SVC(task.params);
  try {
    const fitStart = performance.now();
    await model.fit(rows(data, nFeatures, train), Array.from(train, (i) => y[i]));
    const fitTimeMs = performance.now() - fitStart;
    const scoreStart = performance.now();
    const testScore = model.score(rows(data, nFeatures, test), Array.from(test, (i) => y[i]));
    const scoreTimeMs = performance.now() - scoreStart;
    return {
      candidateIndex: task.candidateIndex,
      splitIndex: task.splitIndex,
      testScore,
      fitTimeMs,
      scoreTimeMs,
      pid: process.pid,
      threadId,
    };
  } finally {
    model.dispose();
  }
}
