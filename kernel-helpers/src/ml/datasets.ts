/**
 * Synthetic data sets: a faithful port of scikit-learn's `make_classification`
 * (`sklearn/datasets/_samples_generator.py`, same parameters, defaults, checks and order of steps)
 * and the lecture's "red or blue" RGBA colours. Seeded through `randomState`: the numbers differ from
 * numpy's generator, the distributions do not.
 */
import { InvalidArgumentError, describeValue } from "../errors";
import { checkRandomState, type RandomState, type RandomStateLike } from "./random";

/** A labelled data set: rows of features and one integer class per row. */
export interface Dataset {
  readonly X: number[][];
  readonly y: number[];
}

/** `make_classification`'s parameters, camel-cased, with its defaults. */
export interface MakeClassificationOptions {
  /** @default 100 */
  readonly nSamples?: number;
  /** @default 20 */
  readonly nFeatures?: number;
  /** Features that carry the class: Gaussian clusters on hypercube vertices. @default 2 */
  readonly nInformative?: number;
  /** Random linear combinations of the informative features. @default 2 */
  readonly nRedundant?: number;
  /** Copies of informative/redundant features. @default 0 */
  readonly nRepeated?: number;
  /** @default 2 */
  readonly nClasses?: number;
  /** @default 2 */
  readonly nClustersPerClass?: number;
  /** Class proportions (length nClasses, or nClasses − 1 and the last inferred); balanced when omitted. */
  readonly weights?: readonly number[];
  /** Fraction of labels replaced by a random class (label noise). @default 0.01 */
  readonly flipY?: number;
  /** Half the hypercube's side: larger separates the classes more. @default 1 */
  readonly classSep?: number;
  /** Clusters on hypercube vertices (true) or on a random polytope (false). @default true */
  readonly hypercube?: boolean;
  /** Added to every feature; `null` draws one per feature in [−classSep, classSep]. @default 0 */
  readonly shift?: number | readonly number[] | null;
  /** Multiplies every feature after the shift; `null` draws one per feature in [1, 101]. @default 1 */
  readonly scale?: number | readonly number[] | null;
  /** Shuffle the samples and the features. @default true */
  readonly shuffle?: boolean;
  /** Seed (or generator) for reproducible output. @default undefined (a fresh seed each call) */
  readonly randomState?: RandomStateLike;
}

function integerOption(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InvalidArgumentError(`Expected \`${name}\` to be an integer >= ${min}, got ${describeValue(value)}`);
  }
  return value;
}

/** `size` standard-uniform draws in the row-major order numpy fills an array. */
function uniforms(rng: RandomState, size: number): number[] {
  return Array.from({ length: size }, () => rng.random());
}

/** scikit-learn's `_generate_hypercube`: `samples` distinct binary vectors of length `dimensions`. */
function generateHypercube(samples: number, dimensions: number, rng: RandomState): number[][] {
  if (dimensions > 30) {
    const head = Array.from({ length: samples }, () => Array.from({ length: dimensions - 30 }, () => rng.randint(2)));
    const tail = generateHypercube(samples, 30, rng);
    return head.map((row, i) => row.concat(tail[i]));
  }
  return rng.sampleWithoutReplacement(2 ** dimensions, samples).map((vertex) =>
    // The last `dimensions` bits, most significant first, like np.unpackbits on big-endian uint32.
    Array.from({ length: dimensions }, (_, j) => Math.floor(vertex / 2 ** (dimensions - 1 - j)) % 2),
  );
}

function perFeature(name: string, value: number | readonly number[], nFeatures: number): readonly number[] {
  if (typeof value === "number") return new Array<number>(nFeatures).fill(value);
  if (!Array.isArray(value) || value.length !== nFeatures) {
    throw new InvalidArgumentError(`Expected \`${name}\` to be a number or ${nFeatures} numbers, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * Generates a random n-class classification problem: scikit-learn's `make_classification`.
 *
 * Gaussian clusters (std 1) sit on the vertices of an `nInformative`-dimensional hypercube with sides
 * `2·classSep`, each with a random covariance; every class gets `nClustersPerClass` clusters. Then come
 * `nRedundant` random linear combinations of the informative features, `nRepeated` copies, and noise
 * features; `flipY` of the labels are reassigned at random. Unshuffled, the columns are in that order.
 *
 * @example
 * const { X, y } = makeClassification({ nSamples: 13000, nFeatures: 4, nInformative: 2, nRedundant: 2, randomState: 42 });
 */
export function makeClassification(options: MakeClassificationOptions = {}): Dataset {
  const nSamples = integerOption("nSamples", options.nSamples ?? 100, 1);
  const nFeatures = integerOption("nFeatures", options.nFeatures ?? 20, 1);
  const nInformative = integerOption("nInformative", options.nInformative ?? 2, 1);
  const nRedundant = integerOption("nRedundant", options.nRedundant ?? 2, 0);
  const nRepeated = integerOption("nRepeated", options.nRepeated ?? 0, 0);
  const nClasses = integerOption("nClasses", options.nClasses ?? 2, 1);
  const nClustersPerClass = integerOption("nClustersPerClass", options.nClustersPerClass ?? 2, 1);
  const flipY = options.flipY ?? 0.01;
  const classSep = options.classSep ?? 1;
  const hypercube = options.hypercube ?? true;
  const shuffle = options.shuffle ?? true;
  const generator = checkRandomState(options.randomState);

  if (nInformative + nRedundant + nRepeated > nFeatures) {
    throw new InvalidArgumentError(
      `Number of informative, redundant and repeated features must sum to less than the number of total features (nFeatures = ${nFeatures}), got ${nInformative} + ${nRedundant} + ${nRepeated}`,
    );
  }
  if (nInformative < Math.log2(nClasses * nClustersPerClass)) {
    throw new InvalidArgumentError(
      `nClasses(${nClasses}) * nClustersPerClass(${nClustersPerClass}) must be smaller or equal 2**nInformative(${nInformative})=${2 ** nInformative}`,
    );
  }
  let weights: number[];
  if (options.weights !== undefined) {
    if (options.weights.length !== nClasses && options.weights.length !== nClasses - 1) {
      throw new InvalidArgumentError(
        `Weights specified but incompatible with number of classes: expected ${nClasses - 1} or ${nClasses} weights, got ${options.weights.length}`,
      );
    }
    weights = [...options.weights];
    if (weights.length === nClasses - 1) weights.push(1 - weights.reduce((a, b) => a + b, 0));
  } else {
    weights = new Array<number>(nClasses).fill(1 / nClasses);
  }

  const nUseless = nFeatures - nInformative - nRedundant - nRepeated;
  const nClusters = nClasses * nClustersPerClass;

  // Distribute samples among clusters by weight.
  const nSamplesPerCluster = Array.from({ length: nClusters }, (_, k) =>
    Math.trunc((nSamples * weights[k % nClasses]) / nClustersPerClass),
  );
  const missing = nSamples - nSamplesPerCluster.reduce((a, b) => a + b, 0);
  for (let i = 0; i < missing; i++) nSamplesPerCluster[i % nClusters] += 1;

  let X = Array.from({ length: nSamples }, () => new Array<number>(nFeatures).fill(0));
  let y = new Array<number>(nSamples).fill(0);

  // Build the polytope whose vertices become cluster centroids.
  const centroids = generateHypercube(nClusters, nInformative, generator).map((v) => v.map((b) => b * 2 * classSep - classSep));
  if (!hypercube) {
    const perCluster = uniforms(generator, nClusters);
    const perFeatureScale = uniforms(generator, nInformative);
    centroids.forEach((c, k) => c.forEach((_, j) => (c[j] *= perCluster[k] * perFeatureScale[j])));
  }

  // Initially draw informative features from the standard normal.
  for (const row of X) for (let j = 0; j < nInformative; j++) row[j] = generator.standardNormal();

  // Create each cluster: a variant of make_blobs with a random covariance.
  let stop = 0;
  centroids.forEach((centroid, k) => {
    const start = stop;
    stop = Math.min(nSamples, stop + nSamplesPerCluster[k]);
    const flatA = uniforms(generator, nInformative * nInformative).map((u) => 2 * u - 1);
    for (let i = start; i < stop; i++) {
      y[i] = k % nClasses;
      const row = X[i];
      const original = row.slice(0, nInformative);
      for (let j = 0; j < nInformative; j++) {
        let dot = 0;
        for (let m = 0; m < nInformative; m++) dot += original[m] * flatA[m * nInformative + j];
        row[j] = dot + centroid[j];
      }
    }
  });

  // Redundant features: random linear combinations of the informative ones.
  if (nRedundant > 0) {
    const flatB = uniforms(generator, nInformative * nRedundant).map((u) => 2 * u - 1);
    for (const row of X) {
      for (let r = 0; r < nRedundant; r++) {
        let dot = 0;
        for (let m = 0; m < nInformative; m++) dot += row[m] * flatB[m * nRedundant + r];
        row[nInformative + r] = dot;
      }
    }
  }

  // Repeat some features.
  if (nRepeated > 0) {
    const n = nInformative + nRedundant;
    const indices = uniforms(generator, nRepeated).map((u) => Math.trunc((n - 1) * u + 0.5));
    for (const row of X) indices.forEach((source, r) => (row[n + r] = row[source]));
  }

  // Fill useless features.
  if (nUseless > 0) {
    for (const row of X) for (let j = nFeatures - nUseless; j < nFeatures; j++) row[j] = generator.standardNormal();
  }

  // Randomly replace labels.
  if (flipY >= 0) {
    const flip = uniforms(generator, nSamples).map((u) => u < flipY);
    for (let i = 0; i < nSamples; i++) if (flip[i]) y[i] = generator.randint(nClasses);
  }

  // Randomly shift and scale.
  const shift =
    options.shift === null
      ? uniforms(generator, nFeatures).map((u) => (2 * u - 1) * classSep)
      : perFeature("shift", options.shift ?? 0, nFeatures);
  const scale =
    options.scale === null ? uniforms(generator, nFeatures).map((u) => 1 + 100 * u) : perFeature("scale", options.scale ?? 1, nFeatures);
  for (const row of X) for (let j = 0; j < nFeatures; j++) row[j] = (row[j] + shift[j]) * scale[j];

  if (shuffle) {
    // Randomly permute samples, then features.
    const order = generator.shuffle(Array.from({ length: nSamples }, (_, i) => i));
    X = order.map((i) => X[i]);
    y = order.map((i) => y[i]);
    const columns = generator.shuffle(Array.from({ length: nFeatures }, (_, j) => j));
    X = X.map((row) => columns.map((j) => row[j]));
  }
  return { X, y };
}

/** Options of {@link makeColors}. */
export interface MakeColorsOptions {
  /** @default 1000 */
  readonly nSamples?: number;
  /**
   * Standard deviation of the measurement noise on the red and blue channels: larger overlaps the classes more.
   * @default 0.15
   */
  readonly noise?: number;
  /** Seed (or generator) for reproducible output. */
  readonly randomState?: RandomStateLike;
}

/** The colour data set: RGBA rows in [0, 1] and labels 0 = "red", 1 = "blue". */
export interface ColorDataset extends Dataset {
  readonly targetNames: readonly ["red", "blue"];
  readonly featureNames: readonly ["red", "green", "blue", "alpha"];
}

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

/**
 * The lecture's analogy, "classify RGBA values as red or blue", as a data set: each colour has a true
 * redness t ∈ [0, 1] (label "red" when t > 0.5); what we observe are noisy red = t and blue = 1 − t
 * channels, an uninformative green and alpha. Four features, like the notebook's `makeClassification` data.
 */
export function makeColors(options: MakeColorsOptions = {}): ColorDataset {
  const nSamples = integerOption("nSamples", options.nSamples ?? 1000, 1);
  const noise = options.noise ?? 0.15;
  if (typeof noise !== "number" || !(noise >= 0)) {
    throw new InvalidArgumentError(`Expected \`noise\` to be a non-negative number, got ${describeValue(noise)}`);
  }
  const rng = checkRandomState(options.randomState);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < nSamples; i++) {
    const t = rng.random();
    X.push([
      clamp01(t + noise * rng.standardNormal()),
      0.5 * rng.random(),
      clamp01(1 - t + noise * rng.standardNormal()),
      0.3 + 0.7 * rng.random(),
    ]);
    y.push(t > 0.5 ? 0 : 1);
  }
  return { X, y, targetNames: ["red", "blue"], featureNames: ["red", "green", "blue", "alpha"] };
}
