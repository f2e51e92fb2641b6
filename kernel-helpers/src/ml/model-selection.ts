/**
 * Cross-validation splitters and parameter grids: scikit-learn's `StratifiedKFold` (ported so that,
 * unshuffled, the folds are exactly scikit-learn's) and `ParameterGrid` (sorted keys, last key varying
 * fastest, so candidates come in the same order and the same ties win).
 */
import { InvalidArgumentError, describeValue } from "../errors";
import { checkRandomState, type RandomStateLike } from "./random";

/** One train/test split: row indices into X and y. */
export interface Split {
  readonly train: number[];
  readonly test: number[];
}

/** Options of {@link StratifiedKFold}. */
export interface StratifiedKFoldOptions {
  /** @default 5 */
  readonly nSplits?: number;
  /** Shuffle each class's samples before assigning folds. @default false */
  readonly shuffle?: boolean;
  /** Seed for the shuffle (only used when `shuffle` is true). */
  readonly randomState?: RandomStateLike;
}

/**
 * K folds that keep each class's proportion in every fold, as `sklearn.model_selection.StratifiedKFold`:
 * each sample is in exactly one test fold.
 */
export class StratifiedKFold {
  readonly nSplits: number;
  readonly shuffle: boolean;
  private readonly randomState: RandomStateLike;

  constructor(options: StratifiedKFoldOptions = {}) {
    const nSplits = options.nSplits ?? 5;
    if (!Number.isSafeInteger(nSplits) || nSplits < 2) {
      throw new InvalidArgumentError(`Expected \`nSplits\` to be an integer >= 2, got ${describeValue(nSplits)}`);
    }
    this.nSplits = nSplits;
    this.shuffle = options.shuffle ?? false;
    this.randomState = options.randomState;
  }

  /** The number of splits (scikit-learn's `get_n_splits`). */
  getNSplits(): number {
    return this.nSplits;
  }

  /** The splits of samples with labels `y`, in fold order. */
  split(y: ArrayLike<number>): Split[] {
    const testFolds = this.testFolds(y);
    return Array.from({ length: this.nSplits }, (_, fold) => {
      const train: number[] = [];
      const test: number[] = [];
      testFolds.forEach((f, i) => (f === fold ? test : train).push(i));
      return { train, test };
    });
  }

  /** scikit-learn's `_make_test_folds`: the test fold of each sample. */
  private testFolds(y: ArrayLike<number>): Int32Array {
    const n = y.length;
    // Encode classes in order of first appearance, as scikit-learn does.
    const code = new Map<number, number>();
    const encoded = Array.from(y, (label) => {
      if (!code.has(label)) code.set(label, code.size);
      return code.get(label)!;
    });
    const nClasses = code.size;
    const counts = new Array<number>(nClasses).fill(0);
    for (const c of encoded) counts[c]++;
    const smallest = Math.min(...counts);
    if (this.nSplits > n || this.nSplits > Math.max(...counts)) {
      throw new InvalidArgumentError(
        `\`nSplits\`=${this.nSplits} cannot be greater than the number of members in each class (largest: ${Math.max(...counts)})`,
      );
    }
    if (this.nSplits > smallest) {
      console.warn(`The least populated class in y has only ${smallest} members, which is less than nSplits=${this.nSplits}.`);
    }
    // allocation[fold][class]: np.bincount(y_order[fold::nSplits]) where y_order = sort(encoded).
    const yOrder = [...encoded].sort((a, b) => a - b);
    const allocation = Array.from({ length: this.nSplits }, () => new Array<number>(nClasses).fill(0));
    yOrder.forEach((c, i) => allocation[i % this.nSplits][c]++);
    const rng = this.shuffle ? checkRandomState(this.randomState) : undefined;
    const testFolds = new Int32Array(n);
    for (let k = 0; k < nClasses; k++) {
      const foldsForClass: number[] = [];
      for (let fold = 0; fold < this.nSplits; fold++) for (let r = 0; r < allocation[fold][k]; r++) foldsForClass.push(fold);
      rng?.shuffle(foldsForClass);
      let next = 0;
      for (let i = 0; i < n; i++) if (encoded[i] === k) testFolds[i] = foldsForClass[next++];
    }
    return testFolds;
  }
}

/** One candidate: a parameter name → value map. */
export type ParamSet = Readonly<Record<string, unknown>>;

/** A grid: each parameter name → the values to try (or a list of such grids). */
export type ParamGrid = Readonly<Record<string, readonly unknown[]>> | readonly Readonly<Record<string, readonly unknown[]>>[];

/** Every combination of a grid, in scikit-learn's `ParameterGrid` order (sorted keys, last varies fastest). */
export function parameterGrid(grid: ParamGrid): ParamSet[] {
  const grids = Array.isArray(grid) ? grid : [grid as Readonly<Record<string, readonly unknown[]>>];
  const out: ParamSet[] = [];
  for (const g of grids) {
    if (!g || typeof g !== "object") throw new InvalidArgumentError(`Expected \`paramGrid\` to be an object of arrays, got ${describeValue(g)}`);
    const keys = Object.keys(g).sort();
    for (const key of keys) {
      if (!Array.isArray(g[key]) || g[key].length === 0) {
        throw new InvalidArgumentError(`Expected \`paramGrid.${key}\` to be a non-empty array of values, got ${describeValue(g[key])}`);
      }
    }
    let combos: Record<string, unknown>[] = [{}];
    for (const key of keys) {
      const values: readonly unknown[] = g[key];
      combos = combos.flatMap((c) => values.map((v: unknown) => ({ ...c, [key]: v })));
    }
    out.push(...combos);
  }
  return out;
}

/** `C=10, kernel=rbf`: how scikit-learn's verbose log and `cv_results_` print a candidate. */
export function formatParams(params: ParamSet): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${k}=${String(params[k])}`)
    .join(", ");
}
