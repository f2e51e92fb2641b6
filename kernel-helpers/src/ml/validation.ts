// Argument checks shared by the estimator, the splitters and the search: scikit-learn's
// `check_X_y`, with messages that name the argument and the received value.
import { InvalidArgumentError, describeValue } from "../errors";

/** A data matrix: one row per sample, one number per feature (like a 2-D numpy array). */
export type Matrix = readonly ArrayLike<number>[];

/** Checks that `X` is a non-empty list of equally long rows of finite numbers; returns the feature count. */
export function checkMatrix(X: unknown, name = "X"): number {
  if (!Array.isArray(X) || X.length === 0) {
    throw new InvalidArgumentError(`Expected \`${name}\` to be a non-empty array of rows, got ${describeValue(X)}`);
  }
  const first = X[0] as ArrayLike<number> | undefined;
  const nFeatures = first?.length;
  if (typeof nFeatures !== "number" || nFeatures === 0) {
    throw new InvalidArgumentError(`Expected \`${name}[0]\` to be a non-empty row of numbers, got ${describeValue(first)}`);
  }
  for (let i = 0; i < X.length; i++) {
    const row = X[i] as ArrayLike<number> | undefined;
    if (!row || row.length !== nFeatures) {
      throw new InvalidArgumentError(
        `Expected every row of \`${name}\` to have ${nFeatures} features, got ${row?.length ?? describeValue(row)} in row ${i}`,
      );
    }
    for (let j = 0; j < nFeatures; j++) {
      if (typeof row[j] !== "number" || !Number.isFinite(row[j])) {
        throw new InvalidArgumentError(`Expected \`${name}[${i}][${j}]\` to be a finite number, got ${describeValue(row[j])}`);
      }
    }
  }
  return nFeatures;
}

/** Checks that `y` holds one finite number per row of `X`. */
export function checkLabels(y: unknown, nSamples: number, name = "y"): void {
  if (!Array.isArray(y) && !ArrayBuffer.isView(y)) {
    throw new InvalidArgumentError(`Expected \`${name}\` to be an array of labels, got ${describeValue(y)}`);
  }
  const labels = y as ArrayLike<unknown>;
  if (labels.length !== nSamples) {
    throw new InvalidArgumentError(`Expected \`${name}\` to have one label per sample (${nSamples}), got ${labels.length}`);
  }
  for (let i = 0; i < labels.length; i++) {
    if (typeof labels[i] !== "number" || !Number.isFinite(labels[i])) {
      throw new InvalidArgumentError(`Expected \`${name}[${i}]\` to be a finite number, got ${describeValue(labels[i])}`);
    }
  }
}

/** The sorted distinct labels (numpy's `np.unique`). */
export function uniqueSorted(y: ArrayLike<number>): number[] {
  return [...new Set(Array.from(y))].sort((a, b) => a - b);
}
