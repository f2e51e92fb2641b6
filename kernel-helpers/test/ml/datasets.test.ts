import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { InvalidArgumentError, RandomState, makeClassification, makeColors, type MakeClassificationOptions } from "kernel-helpers";
import { sklearnMissing, withSklearn } from "./sklearn";

/** The statistics compared with scikit-learn's output for the same parameters (unshuffled, so blocks are clusters). */
interface Stats {
  classFractions: number[];
  /** Max residual of regressing each redundant column on the informative ones (0 = exact linear combination). */
  redundantResidual: number;
  /** Per cluster block: the block mean of the informative columns, snapped to ±classSep (null if far from a vertex). */
  clusterVertices: (number[] | null)[];
  /** Per cluster block: the fraction of labels that differ from the block's class (the flipped ones). */
  flippedFractions: number[];
  /** Mean std of the informative columns within a cluster. */
  meanClusterStd: number;
}

/** Solves the least-squares fit of `target` on `columns` (plus intercept) via the normal equations. */
function residual(rows: number[][], columns: number[], target: number): number {
  const A = rows.map((r) => [1, ...columns.map((c) => r[c])]);
  const k = A[0].length;
  const AtA = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => A.reduce((s, r) => s + r[i] * r[j], 0)));
  const Atb = Array.from({ length: k }, (_, i) => A.reduce((s, r, n) => s + r[i] * rows[n][target], 0));
  // Gaussian elimination; k is tiny.
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const f = AtA[j][i] / AtA[i][i];
      for (let m = i; m < k; m++) AtA[j][m] -= f * AtA[i][m];
      Atb[j] -= f * Atb[i];
    }
  }
  const beta = new Array<number>(k).fill(0);
  for (let i = k - 1; i >= 0; i--) beta[i] = (Atb[i] - AtA[i].slice(i + 1).reduce((s, a, m) => s + a * beta[i + 1 + m], 0)) / AtA[i][i];
  return Math.max(...A.map((r, n) => Math.abs(r.reduce((s, a, i) => s + a * beta[i], 0) - rows[n][target])));
}

function stats(X: number[][], y: number[], o: Required<Pick<MakeClassificationOptions, "nSamples" | "nInformative" | "nRedundant" | "nClasses" | "nClustersPerClass" | "classSep">>): Stats {
  const inf = Array.from({ length: o.nInformative }, (_, j) => j);
  const classFractions = Array.from({ length: o.nClasses }, (_, c) => y.filter((v) => v === c).length / y.length);
  const redundantResidual = Math.max(
    ...Array.from({ length: o.nRedundant }, (_, r) => residual(X, inf, o.nInformative + r)),
  );
  const nClusters = o.nClasses * o.nClustersPerClass;
  const size = o.nSamples / nClusters;
  const clusterVertices: (number[] | null)[] = [];
  const flippedFractions: number[] = [];
  const stds: number[] = [];
  for (let k = 0; k < nClusters; k++) {
    const block = X.slice(k * size, (k + 1) * size);
    const labels = y.slice(k * size, (k + 1) * size);
    const means = inf.map((j) => block.reduce((s, r) => s + r[j], 0) / block.length);
    stds.push(...inf.map((j, n) => Math.sqrt(block.reduce((s, r) => s + (r[j] - means[n]) ** 2, 0) / block.length)));
    const snapped = means.map((m) => (Math.abs(Math.abs(m) - o.classSep) < 0.25 ? Math.sign(m) * o.classSep : NaN));
    clusterVertices.push(snapped.some(Number.isNaN) ? null : snapped);
    flippedFractions.push(labels.filter((v) => v !== k % o.nClasses).length / labels.length);
  }
  return { classFractions, redundantResidual, clusterVertices, flippedFractions, meanClusterStd: stds.reduce((a, b) => a + b, 0) / stds.length };
}

const options = { nSamples: 4000, nFeatures: 4, nInformative: 2, nRedundant: 2, nClasses: 2, nClustersPerClass: 2, classSep: 1, flipY: 0.2 };

describe("makeClassification", () => {
  let missing: string | undefined;
  before(async () => {
    missing = await sklearnMissing();
  });

  it("has scikit-learn's statistics: class balance, redundant = linear combinations, clusters on distinct hypercube vertices, label noise", async (t) => {
    const ours = makeClassification({ ...options, shuffle: false, randomState: 3 });
    const mine = stats(ours.X, ours.y, options);
    assert.equal(ours.X.length, 4000);
    assert.equal(ours.X[0].length, 4);
    assert.ok(mine.redundantResidual < 1e-9, `redundant residual ${mine.redundantResidual}`);
    assert.ok(mine.clusterVertices.every((v) => v !== null), `cluster means off the vertices: ${JSON.stringify(mine.clusterVertices)}`);
    assert.equal(new Set(mine.clusterVertices.map((v) => JSON.stringify(v))).size, 4, "each cluster on its own vertex");
    if (missing) return t.skip(missing);
    const theirs = await withSklearn<{ X: number[][]; y: number[] }>(
      options,
      `
from sklearn.datasets import make_classification
X, y = make_classification(n_samples=data["nSamples"], n_features=data["nFeatures"], n_informative=data["nInformative"],
    n_redundant=data["nRedundant"], n_classes=data["nClasses"], n_clusters_per_class=data["nClustersPerClass"],
    class_sep=data["classSep"], flip_y=data["flipY"], shuffle=False, random_state=3)
result = {"X": X, "y": y}
`,
    );
    const sk = stats(theirs.X, theirs.y, options);
    assert.ok(sk.redundantResidual < 1e-9);
    assert.ok(sk.clusterVertices.every((v) => v !== null));
    mine.classFractions.forEach((f, c) => assert.ok(Math.abs(f - sk.classFractions[c]) < 0.03, `class ${c}: ${f} vs ${sk.classFractions[c]}`));
    // flipY = 0.2 reassigns 20 % of labels to a random class, so about 10 % end up different.
    for (const f of [...mine.flippedFractions, ...sk.flippedFractions]) assert.ok(Math.abs(f - 0.1) < 0.035, `flipped ${f}`);
    // The random covariance A has entries in [-1, 1]: within-cluster spread is of the same order in both.
    assert.ok(mine.meanClusterStd > 0.2 && mine.meanClusterStd < 1.6, `cluster std ${mine.meanClusterStd}`);
    assert.ok(sk.meanClusterStd > 0.2 && sk.meanClusterStd < 1.6, `sklearn cluster std ${sk.meanClusterStd}`);
  });

  it("puts each class where scikit-learn does: the cluster → vertex order of sample_without_replacement, for every seed", async (t) => {
    // 4 clusters on the 4 vertices of a 2-D square: scikit-learn's sample_without_replacement(4, 4) keeps
    // 0, 1, 2, 3 in order (reservoir sampling), so class 0 (clusters 0, 2) sits on two adjacent vertices.
    // A shuffled order put the classes on diagonal vertices in about a third of seeds (issue 22).
    const seeds = Array.from({ length: 20 }, (_, i) => i);
    const layouts = seeds.map((seed) => stats(makeClassification({ ...options, shuffle: false, randomState: seed }).X, [], { ...options }).clusterVertices);
    const expected = [[-1, -1], [-1, 1], [1, -1], [1, 1]];
    layouts.forEach((layout, seed) => assert.deepEqual(layout, expected, `seed ${seed}`));
    if (missing) return t.skip(missing);
    const theirs = await withSklearn<number[][][]>(
      { seeds, options },
      `
from sklearn.datasets import make_classification
o = data["options"]
result = []
for seed in data["seeds"]:
    X, y = make_classification(n_samples=o["nSamples"], n_features=o["nFeatures"], n_informative=o["nInformative"],
        n_redundant=o["nRedundant"], n_clusters_per_class=o["nClustersPerClass"], flip_y=o["flipY"], shuffle=False, random_state=seed)
    blocks = X[:, :2].reshape(4, -1, 2).mean(axis=1)
    result.append(np.sign(blocks).astype(int).tolist())
`,
    );
    theirs.forEach((layout, seed) => assert.deepEqual(layout, expected, `scikit-learn, seed ${seed}`));
  });

  it("gives the poly-kernel SVC scikit-learn's cross-validated scores over many seeds (notebook 05's setting)", async (t) => {
    if (missing) return t.skip(missing);
    const seeds = Array.from({ length: 12 }, (_, i) => i);
    const nb = { nSamples: 1300, nFeatures: 4, nInformative: 2, nRedundant: 2, nClustersPerClass: 2, flipY: 0.01 };
    const datasets = seeds.map((seed) => makeClassification({ ...nb, randomState: seed }));
    const [oursOnOurs, sklearnOnItsOwn] = await withSklearn<[number[], number[]]>(
      { datasets, seeds, nb },
      `
from sklearn.datasets import make_classification
from sklearn.model_selection import cross_val_score
from sklearn.svm import SVC
o = data["nb"]
def cv(X, y):
    return float(cross_val_score(SVC(kernel="poly", C=1, gamma="auto"), np.array(X), np.array(y), cv=2).mean())
on_ours = [cv(d["X"], d["y"]) for d in data["datasets"]]
on_theirs = []
for seed in data["seeds"]:
    X, y = make_classification(n_samples=o["nSamples"], n_features=o["nFeatures"], n_informative=o["nInformative"],
        n_redundant=o["nRedundant"], n_clusters_per_class=o["nClustersPerClass"], flip_y=o["flipY"], random_state=seed)
    on_theirs.append(cv(X, y))
result = [on_ours, on_theirs]
`,
    );
    // The random streams differ, so seed by seed the scores differ by sampling noise; the layout bug made
    // about a third of our seeds score near 0.66 where scikit-learn's never drop that low.
    const worstOurs = Math.min(...oursOnOurs);
    const worstTheirs = Math.min(...sklearnOnItsOwn);
    const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    assert.ok(worstOurs > worstTheirs - 0.08, `worst seed: ours ${worstOurs.toFixed(3)}, scikit-learn ${worstTheirs.toFixed(3)} (${oursOnOurs.map((v) => v.toFixed(2))})`);
    assert.ok(Math.abs(mean(oursOnOurs) - mean(sklearnOnItsOwn)) < 0.04, `mean poly score: ours ${mean(oursOnOurs).toFixed(3)}, scikit-learn ${mean(sklearnOnItsOwn).toFixed(3)}`);
  });

  it("draws scikit-learn's very numbers: numpy's MT19937 stream, so X and y equal make_classification's for a seed", async (t) => {
    if (missing) return t.skip(missing);
    const cases = [0, 1, 7, 42, 2 ** 32 - 1].map((seed) => ({ seed, nSamples: 1300 }));
    const ours = cases.map(({ seed, nSamples }) => makeClassification({ nSamples, nFeatures: 4, nInformative: 2, nRedundant: 2, nClustersPerClass: 2, flipY: 0.01, shuffle: true, randomState: seed }));
    const theirs = await withSklearn<{ X: number[][]; y: number[] }[]>(
      { cases },
      `
from sklearn.datasets import make_classification
result = []
for c in data["cases"]:
    X, y = make_classification(n_samples=c["nSamples"], n_features=4, n_informative=2, n_redundant=2, n_clusters_per_class=2, flip_y=0.01, shuffle=True, random_state=c["seed"])
    result.append({"X": X.tolist(), "y": y.tolist()})
`,
    );
    ours.forEach((d, i) => {
      assert.deepEqual(d.y, theirs[i]!.y, `labels, seed ${cases[i]!.seed}`);
      const worst = Math.max(...d.X.flatMap((row, r) => row.map((v, j) => Math.abs(v - theirs[i]!.X[r]![j]!))));
      assert.ok(worst < 1e-12, `seed ${cases[i]!.seed}: X differs by up to ${worst}`);
    });
  });

  it("gives notebook 05's grid search scikit-learn's cross-validated scores at the notebook's seed", async (t) => {
    if (missing) return t.skip(missing);
    const { GridSearchCV, SVC } = await import("kernel-helpers");
    const { X, y } = makeClassification({ nSamples: 1300, nFeatures: 4, nInformative: 2, nRedundant: 2, nClustersPerClass: 2, flipY: 0.01, shuffle: true, randomState: 0 });
    const grid = { C: [0.001, 10], kernel: ["rbf", "poly"] };
    const search = await new GridSearchCV(new SVC(), { paramGrid: grid, cv: 2, nJobs: 1 }).fit(X, y);
    const theirs = await withSklearn<{ scores: number[]; best: number }>(
      { grid },
      `
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV
from sklearn.svm import SVC
X, y = make_classification(n_samples=1300, n_features=4, n_informative=2, n_redundant=2, n_clusters_per_class=2, flip_y=0.01, shuffle=True, random_state=0)
s = GridSearchCV(SVC(), data["grid"], cv=2).fit(X, y)
result = {"scores": s.cv_results_["mean_test_score"].tolist(), "best": float(s.best_score_)}
`,
    );
    try {
      // Same data and the same libsvm: the scores agree to the last test point (a tie at a
      // decision value of ~0 could flip one point in 650, hence the 1/650 margin).
      search.cvResults.meanTestScore.forEach((score, i) => assert.ok(Math.abs(score - theirs.scores[i]!) <= 1 / 650 + 1e-12, `candidate ${i}: ours ${score}, scikit-learn ${theirs.scores[i]}`));
      assert.ok(Math.abs(search.bestScore - theirs.best) <= 1 / 650 + 1e-12, `best_score_: ours ${search.bestScore}, scikit-learn ${theirs.best}`);
    } finally {
      search.dispose();
    }
  });

  it("balances by weights like scikit-learn (the last weight inferred)", async (t) => {
    const ours = makeClassification({ nSamples: 3000, weights: [0.8], flipY: 0, randomState: 5 });
    const fraction0 = ours.y.filter((v) => v === 0).length / ours.y.length;
    if (missing) return t.skip(missing);
    const theirs = await withSklearn<number>(
      {},
      `
from sklearn.datasets import make_classification
X, y = make_classification(n_samples=3000, weights=[0.8], flip_y=0, random_state=5)
result = float((y == 0).mean())
`,
    );
    assert.equal(fraction0, theirs);
    assert.ok(Math.abs(fraction0 - 0.8) < 0.001);
  });

  it("is reproducible from a seed, shuffles rows and features, and applies shift and scale", () => {
    const a = makeClassification({ nSamples: 200, randomState: 11 });
    const b = makeClassification({ nSamples: 200, randomState: 11 });
    const c = makeClassification({ nSamples: 200, randomState: 12 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.X, c.X);
    assert.equal(a.X[0].length, 20);
    const plain = makeClassification({ nSamples: 200, nFeatures: 4, shuffle: false, flipY: 0, randomState: 1 });
    const shifted = makeClassification({ nSamples: 200, nFeatures: 4, shuffle: false, flipY: 0, randomState: 1, shift: 5, scale: 2 });
    shifted.X.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - (plain.X[i][j] + 5) * 2) < 1e-12)));
    assert.deepEqual(plain.y.slice(0, 4), [0, 0, 0, 0]); // unshuffled: cluster 0 (class 0) first
    const generator = new RandomState(9);
    assert.notDeepEqual(makeClassification({ nSamples: 50, randomState: generator }), makeClassification({ nSamples: 50, randomState: generator }));
  });

  it("raises scikit-learn's errors with the numbers named", () => {
    assert.throws(() => makeClassification({ nFeatures: 3 }), (e: unknown) => e instanceof InvalidArgumentError && /nFeatures = 3/.test(e.message));
    assert.throws(() => makeClassification({ nInformative: 1, nClasses: 3 }), /2\*\*nInformative\(1\)=2/);
    assert.throws(() => makeClassification({ weights: [0.1, 0.2, 0.7] }), /incompatible with number of classes/);
    assert.throws(() => makeClassification({ nSamples: 0 }), /nSamples/);
  });
});

describe("makeColors", () => {
  it("gives RGBA rows in [0, 1] labelled red (0) or blue (1), mostly redder when red", () => {
    const { X, y, targetNames, featureNames } = makeColors({ nSamples: 2000, randomState: 1 });
    assert.deepEqual(targetNames, ["red", "blue"]);
    assert.deepEqual(featureNames, ["red", "green", "blue", "alpha"]);
    assert.ok(X.every((row) => row.length === 4 && row.every((v) => v >= 0 && v <= 1)));
    const agree = X.filter((row, i) => (row[0] > row[2] ? 0 : 1) === y[i]).length / X.length;
    assert.ok(agree > 0.8 && agree < 0.99, `red > blue agrees with the label for ${agree}`);
    const balance = y.filter((v) => v === 0).length / y.length;
    assert.ok(Math.abs(balance - 0.5) < 0.05);
    assert.deepEqual(makeColors({ nSamples: 10, randomState: 4 }), makeColors({ nSamples: 10, randomState: 4 }));
  });
});
