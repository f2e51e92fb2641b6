import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { InvalidArgumentError, StratifiedKFold, parameterGrid } from "kernel-helpers";
import { sklearnMissing, withSklearn } from "./sklearn";

// Unbalanced, interleaved labels with a class that first appears late, to exercise the encoding order.
const y = Array.from({ length: 103 }, (_, i) => (i % 7 === 0 ? 2 : i % 3 === 0 ? 0 : 5));

function testFoldOf(splits: { test: number[] }[], n: number): number[] {
  const folds = new Array<number>(n).fill(-1);
  splits.forEach((s, f) => s.test.forEach((i) => (folds[i] = f)));
  return folds;
}

describe("StratifiedKFold", () => {
  let missing: string | undefined;
  before(async () => {
    missing = await sklearnMissing();
  });

  it("unshuffled, gives exactly scikit-learn's folds", async (t) => {
    if (missing) return t.skip(missing);
    for (const nSplits of [2, 3, 5]) {
      const ours = testFoldOf(new StratifiedKFold({ nSplits }).split(y), y.length);
      const theirs = await withSklearn<number[]>(
        { y, nSplits },
        `
from sklearn.model_selection import StratifiedKFold
folds = [0] * len(data["y"])
for f, (train, test) in enumerate(StratifiedKFold(n_splits=data["nSplits"]).split(np.zeros(len(data["y"])), data["y"])):
    for i in test: folds[i] = f
result = folds
`,
      );
      assert.deepEqual(ours, theirs, `nSplits = ${nSplits}`);
    }
  });

  it("shuffled, is seeded, stratified and a partition", () => {
    const a = new StratifiedKFold({ nSplits: 4, shuffle: true, randomState: 1 }).split(y);
    const b = new StratifiedKFold({ nSplits: 4, shuffle: true, randomState: 1 }).split(y);
    const unshuffled = new StratifiedKFold({ nSplits: 4 }).split(y);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, unshuffled);
    const seen = a.flatMap((s) => s.test).sort((p, q) => p - q);
    assert.deepEqual(seen, y.map((_, i) => i));
    for (const { train, test } of a) {
      assert.equal(train.length + test.length, y.length);
      for (const c of [0, 2, 5]) {
        const inTest = test.filter((i) => y[i] === c).length;
        const total = y.filter((v) => v === c).length;
        assert.ok(Math.abs(inTest - total / 4) <= 1, `class ${c}: ${inTest} of ${total} in one fold`);
      }
    }
  });

  it("rejects too many splits for the classes", () => {
    assert.throws(() => new StratifiedKFold({ nSplits: 1 }), InvalidArgumentError);
    assert.throws(() => new StratifiedKFold({ nSplits: 4 }).split([0, 1, 0]), /nSplits`=4/);
  });
});

describe("parameterGrid", () => {
  it("enumerates in scikit-learn's ParameterGrid order", async (t) => {
    const grid = { kernel: ["rbf", "poly"], C: [0.001, 0.025, 2.5], gamma: ["scale"] };
    const ours = parameterGrid(grid);
    assert.equal(ours.length, 6);
    assert.deepEqual(ours[0], { C: 0.001, gamma: "scale", kernel: "rbf" });
    assert.deepEqual(ours[1], { C: 0.001, gamma: "scale", kernel: "poly" });
    assert.deepEqual(parameterGrid([{ C: [1] }, { C: [2], kernel: ["linear"] }]), [{ C: 1 }, { C: 2, kernel: "linear" }]);
    assert.throws(() => parameterGrid({ C: [] }), /paramGrid.C/);
    const missing = await sklearnMissing();
    if (missing) return t.skip(missing);
    const theirs = await withSklearn<unknown[]>(grid, "from sklearn.model_selection import ParameterGrid\nresult = list(ParameterGrid(data))");
    assert.deepEqual(ours, theirs);
  });
});
