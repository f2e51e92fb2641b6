import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { InvalidArgumentError, NotFittedError, SVC, loadLibsvm, makeClassification, type SVCParams } from "kernel-helpers";
import { sklearnMissing, withSklearn } from "./sklearn";

const { X, y } = makeClassification({ nSamples: 1200, nFeatures: 4, nInformative: 2, nRedundant: 2, randomState: 7 });
const train = { X: X.slice(0, 800), y: y.slice(0, 800) };
const test = { X: X.slice(800), y: y.slice(800) };

describe("SVC", () => {
  let missing: string | undefined;
  before(async () => {
    missing = await sklearnMissing();
  });

  it("loads libsvm once and removes the process-exiting unhandledRejection listener it installs", async () => {
    const listeners = process.listeners("unhandledRejection").length;
    const [a, b] = await Promise.all([loadLibsvm(), loadLibsvm()]);
    assert.equal(a, b);
    assert.equal(process.listeners("unhandledRejection").length, listeners);
  });

  const grid: SVCParams[] = [
    { C: 0.001, kernel: "rbf" },
    { C: 10, kernel: "rbf" },
    { C: 1, kernel: "poly", gamma: "auto" },
    { C: 10, kernel: "poly", degree: 2, coef0: 1 },
    { C: 0.5, kernel: "linear" },
    { C: 2, kernel: "rbf", gamma: 0.3 },
  ];

  it("matches scikit-learn's test accuracy within 1 percentage point at each grid point, and its gamma", async (t) => {
    if (missing) return t.skip(missing);
    const ours: { accuracy: number; gamma: number; nSupport: number }[] = [];
    for (const params of grid) {
      const model = await new SVC(params).fit(train.X, train.y);
      try {
        ours.push({ accuracy: model.score(test.X, test.y), gamma: model.gammaValue, nSupport: model.support.length });
      } finally {
        model.dispose();
      }
    }
    const theirs = await withSklearn<{ accuracy: number; gamma: number; nSupport: number }[]>(
      { train, test, grid },
      `
from sklearn.svm import SVC
result = []
for p in data["grid"]:
    m = SVC(**p).fit(np.array(data["train"]["X"]), data["train"]["y"])
    result.append({"accuracy": m.score(np.array(data["test"]["X"]), data["test"]["y"]), "gamma": m._gamma, "nSupport": int(m.n_support_.sum())})
`,
    );
    grid.forEach((params, i) => {
      const where = JSON.stringify(params);
      assert.ok(Math.abs(ours[i].accuracy - theirs[i].accuracy) <= 0.01, `${where}: ours ${ours[i].accuracy}, sklearn ${theirs[i].accuracy}`);
      if (params.kernel !== "linear") assert.ok(Math.abs(ours[i].gamma - theirs[i].gamma) < 1e-9 * theirs[i].gamma, where);
      assert.ok(Math.abs(ours[i].nSupport - theirs[i].nSupport) <= 0.02 * theirs[i].nSupport + 2, `${where}: support vectors`);
    });
  });

  it("maps arbitrary numeric labels to libsvm's and back", async () => {
    const labels = train.y.map((v) => (v === 0 ? -3 : 17));
    const model = await new SVC({ C: 10 }).fit(train.X, labels);
    assert.deepEqual(model.classes, [-3, 17]);
    const predicted = model.predict(test.X);
    assert.ok(predicted.every((v) => v === -3 || v === 17));
    assert.ok(model.score(test.X, test.y.map((v) => (v === 0 ? -3 : 17))) > 0.8);
    model[Symbol.dispose]();
    assert.equal(model.isFitted, false);
  });

  it("gives probabilities that sum to 1 with probability: true", async () => {
    const model = await new SVC({ C: 10, probability: true }).fit(train.X, train.y);
    const proba = model.predictProba(test.X.slice(0, 20));
    model.dispose();
    for (const row of proba) assert.ok(Math.abs(row[0] + row[1] - 1) < 1e-9);
    assert.throws(() => new SVC().predictProba(test.X), NotFittedError);
  });

  it("refuses to predict unfitted or disposed, and rejects bad parameters and data", async () => {
    const model = new SVC();
    assert.throws(() => model.predict(test.X), (e: unknown) => e instanceof NotFittedError && e.code === "ERR_NOT_FITTED");
    await model.fit(train.X, train.y);
    assert.equal(model.isFitted, true);
    model.dispose();
    assert.throws(() => model.score(test.X, test.y), NotFittedError);
    assert.throws(() => new SVC({ C: 0 }), (e: unknown) => e instanceof InvalidArgumentError && /`C`.*got 0/.test(e.message));
    assert.throws(() => new SVC({ kernel: "sigmoid" as "rbf" }), /kernel/);
    assert.throws(() => new SVC({ Cost: 1 } as SVCParams), /Unknown SVC parameter `Cost`/);
    await assert.rejects(model.fit([[1, 2], [3]], [0, 1]), /2 features, got 1 in row 1/);
    await assert.rejects(model.fit([[1], [2]], [0, 0]), /at least 2 classes/);
    await assert.rejects(model.fit([[1], [2]], [0]), /one label per sample/);
  });

});
