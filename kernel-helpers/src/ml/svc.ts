/**
 * `SVC`: scikit-learn's C-support vector classifier (`sklearn.svm.SVC`), on libsvm compiled to
 * WebAssembly — the same C library scikit-learn wraps, with scikit-learn's parameter names, defaults
 * and meanings, so results agree to within libsvm's tolerance.
 */
import { InvalidArgumentError, describeValue } from "../errors";
import { NotFittedError, LibsvmError } from "./errors";
import { loadLibsvm, type LibsvmClass, type LibsvmModel } from "./libsvm";
import { checkLabels, checkMatrix, uniqueSorted, type Matrix } from "./validation";

/** The kernels scikit-learn's SVC offers that libsvm-js supports. */
export type SVCKernel = "rbf" | "poly" | "linear";

/** SVC's hyperparameters, with scikit-learn's names and defaults. */
export interface SVCParams {
  /**
   * Regularisation: the penalty for misclassified training points. Small C = smoother boundary.
   * @default 1
   */
  readonly C?: number;
  /** @default "rbf" */
  readonly kernel?: SVCKernel;
  /**
   * Degree of the polynomial kernel (ignored by the others).
   * @default 3
   */
  readonly degree?: number;
  /**
   * Kernel coefficient for "rbf" and "poly": "scale" = 1 / (nFeatures · X.var()),
   * "auto" = 1 / nFeatures, or a positive number.
   * @default "scale"
   */
  readonly gamma?: "scale" | "auto" | number;
  /**
   * Independent term of the polynomial kernel.
   * @default 0
   */
  readonly coef0?: number;
  /**
   * Also fit libsvm's probability model (5-fold internal CV: slower), enabling `predictProba`.
   * @default false
   */
  readonly probability?: boolean;
  /**
   * Stopping tolerance.
   * @default 0.001
   */
  readonly tol?: number;
  /**
   * Kernel cache size in MB (scikit-learn's default, not libsvm-js's 100).
   * @default 200
   */
  readonly cacheSize?: number;
  /**
   * libsvm's shrinking heuristic.
   * @default true
   */
  readonly shrinking?: boolean;
}

/** Every parameter filled in: what `getParams()` returns. */
export type ResolvedSVCParams = Required<SVCParams>;

const DEFAULTS: ResolvedSVCParams = {
  C: 1,
  kernel: "rbf",
  degree: 3,
  gamma: "scale",
  coef0: 0,
  probability: false,
  tol: 1e-3,
  cacheSize: 200,
  shrinking: true,
};

const KERNELS: readonly SVCKernel[] = ["rbf", "poly", "linear"];

function resolveParams(params: SVCParams): ResolvedSVCParams {
  for (const key of Object.keys(params)) {
    if (!(key in DEFAULTS)) {
      throw new InvalidArgumentError(`Unknown SVC parameter \`${key}\`; valid ones are ${Object.keys(DEFAULTS).join(", ")}`);
    }
  }
  const p: ResolvedSVCParams = { ...DEFAULTS, ...stripUndefined(params) };
  const positive = (name: keyof SVCParams, value: unknown): void => {
    if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
      throw new InvalidArgumentError(`Expected SVC \`${name}\` to be a positive number, got ${describeValue(value)}`);
    }
  };
  positive("C", p.C);
  positive("tol", p.tol);
  positive("cacheSize", p.cacheSize);
  if (!KERNELS.includes(p.kernel)) {
    throw new InvalidArgumentError(`Expected SVC \`kernel\` to be one of ${KERNELS.join(", ")}, got ${describeValue(p.kernel)}`);
  }
  if (!Number.isInteger(p.degree) || p.degree < 0) {
    throw new InvalidArgumentError(`Expected SVC \`degree\` to be a non-negative integer, got ${describeValue(p.degree)}`);
  }
  if (p.gamma !== "scale" && p.gamma !== "auto") positive("gamma", p.gamma);
  if (typeof p.coef0 !== "number" || !Number.isFinite(p.coef0)) {
    throw new InvalidArgumentError(`Expected SVC \`coef0\` to be a finite number, got ${describeValue(p.coef0)}`);
  }
  return p;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The gamma scikit-learn would use for `X`: "scale" is 1 / (nFeatures · variance of all entries of X). */
export function resolveGamma(gamma: SVCParams["gamma"], X: Matrix): number {
  const nFeatures = X[0].length;
  if (gamma === "auto") return 1 / nFeatures;
  if (typeof gamma === "number") return gamma;
  let sum = 0;
  let count = 0;
  for (const row of X) for (let j = 0; j < nFeatures; j++) (sum += row[j]), count++;
  const mean = sum / count;
  let squares = 0;
  for (const row of X) for (let j = 0; j < nFeatures; j++) squares += (row[j] - mean) ** 2;
  const variance = squares / count;
  return variance !== 0 ? 1 / (nFeatures * variance) : 1;
}

/**
 * C-support vector classification, as `sklearn.svm.SVC`.
 *
 * `fit` is async (libsvm's WebAssembly loads on first use, once per process or worker); after it,
 * `predict` and `score` are synchronous. The fitted model lives in WebAssembly memory that the garbage
 * collector cannot see: call `dispose()` (or use `using`) when done; fitting again frees the old one.
 *
 * @example
 * const model = new SVC({ C: 1, kernel: "poly", gamma: "auto" });
 * await model.fit(X, y);
 * console.log(model.score(X, y));
 * model.dispose();
 */
export class SVC {
  private readonly params: ResolvedSVCParams;
  private model: LibsvmModel | undefined;
  private classList: number[] | undefined;
  private fittedFeatures = 0;
  private fittedGamma: number | undefined;

  constructor(params: SVCParams = {}) {
    this.params = resolveParams(params);
  }

  /** The hyperparameters, defaults filled in (scikit-learn's `get_params()`). */
  getParams(): ResolvedSVCParams {
    return { ...this.params };
  }

  /** A new, unfitted SVC with these parameters overridden (scikit-learn's `clone(est).set_params(...)`). */
  withParams(params: SVCParams): SVC {
    return new SVC({ ...this.params, ...params });
  }

  /** The class labels seen in `fit`, sorted (scikit-learn's `classes_`). */
  get classes(): readonly number[] {
    if (!this.classList) throw new NotFittedError("SVC");
    return this.classList;
  }

  /** The gamma actually used in the last fit ("scale"/"auto" resolved to a number; `_gamma` in scikit-learn). */
  get gammaValue(): number {
    if (this.fittedGamma === undefined) throw new NotFittedError("SVC");
    return this.fittedGamma;
  }

  /** Indices of the support vectors in the training data (scikit-learn's `support_`, sorted). */
  get support(): number[] {
    return this.fitted().getSVIndices().sort((a, b) => a - b);
  }

  /** Whether `fit` has completed and the model is not disposed. */
  get isFitted(): boolean {
    return this.model !== undefined;
  }

  /** Trains on rows `X` with labels `y`; resolves to this estimator. */
  async fit(X: Matrix, y: ArrayLike<number>): Promise<this> {
    const nFeatures = checkMatrix(X);
    checkLabels(y, X.length);
    const classes = uniqueSorted(y);
    if (classes.length < 2) {
      throw new InvalidArgumentError(
        `Expected \`y\` to contain at least 2 classes, got only ${describeValue(classes[0])}`,
      );
    }
    const SVM = await loadLibsvm();
    const gamma = resolveGamma(this.params.gamma, X);
    const index = new Map(classes.map((c, i) => [c, i]));
    const labels = Array.from(y, (label) => index.get(label)!);
    const model = new SVM(this.libsvmOptions(SVM, gamma));
    try {
      model.train(X as ArrayLike<number>[], labels);
    } catch (error) {
      model.free();
      throw new LibsvmError(`libsvm failed to train on ${X.length} samples: ${String(error)}`, { cause: error });
    }
    this.dispose();
    this.model = model;
    this.classList = classes;
    this.fittedFeatures = nFeatures;
    this.fittedGamma = gamma;
    return this;
  }

  /** The predicted class of each row. */
  predict(X: Matrix): number[] {
    const model = this.fitted();
    this.checkFeatures(X);
    const classes = this.classList!;
    const out = new Array<number>(X.length);
    for (let i = 0; i < X.length; i++) out[i] = classes[model.predictOne(X[i])];
    return out;
  }

  /** Class probabilities per row, columns in `classes` order; needs `probability: true`. */
  predictProba(X: Matrix): number[][] {
    const model = this.fitted();
    if (!this.params.probability) {
      throw new InvalidArgumentError("predictProba needs an SVC built with `probability: true`");
    }
    this.checkFeatures(X);
    const k = this.classList!.length;
    return X.map((row) => {
      const probs = new Array<number>(k).fill(0);
      for (const { label, probability } of model.predictOneProbability(row).estimates) probs[label] = probability;
      return probs;
    });
  }

  /** Mean accuracy on `X` against `y`, in [0, 1] (scikit-learn's `score` for classifiers). */
  score(X: Matrix, y: ArrayLike<number>): number {
    checkLabels(y, X.length);
    const predicted = this.predict(X);
    let correct = 0;
    for (let i = 0; i < predicted.length; i++) if (predicted[i] === y[i]) correct++;
    return correct / predicted.length;
  }

  /** Frees the libsvm model's WebAssembly memory; the estimator can be fitted again afterwards. */
  dispose(): void {
    const model = this.model;
    this.model = undefined;
    this.classList = undefined;
    this.fittedGamma = undefined;
    model?.free();
  }

  /** `using model = new SVC()` frees it at the end of the block. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** scikit-learn's repr: `SVC(C=10, kernel='poly')`, listing the non-default parameters. */
  toString(): string {
    const changed = (Object.keys(DEFAULTS) as (keyof ResolvedSVCParams)[])
      .filter((k) => this.params[k] !== DEFAULTS[k])
      .map((k) => `${k}=${typeof this.params[k] === "string" ? `'${this.params[k]}'` : String(this.params[k])}`);
    return `SVC(${changed.join(", ")})`;
  }

  private fitted(): LibsvmModel {
    if (!this.model) throw new NotFittedError("SVC");
    return this.model;
  }

  private checkFeatures(X: Matrix): void {
    const nFeatures = checkMatrix(X);
    if (nFeatures !== this.fittedFeatures) {
      throw new InvalidArgumentError(`Expected \`X\` to have ${this.fittedFeatures} features like the training data, got ${nFeatures}`);
    }
  }

  private libsvmOptions(SVM: LibsvmClass, gamma: number) {
    const p = this.params;
    const kernel = { rbf: SVM.KERNEL_TYPES.RBF, poly: SVM.KERNEL_TYPES.POLYNOMIAL, linear: SVM.KERNEL_TYPES.LINEAR }[p.kernel];
    return {
      type: SVM.SVM_TYPES.C_SVC,
      kernel,
      degree: p.degree,
      gamma,
      coef0: p.coef0,
      cost: p.C,
      cacheSize: p.cacheSize,
      tolerance: p.tol,
      shrinking: p.shrinking,
      probabilityEstimates: p.probability,
      quiet: true, // libsvm-js prints its optimiser trace otherwise, into the notebook
    };
  }
}
