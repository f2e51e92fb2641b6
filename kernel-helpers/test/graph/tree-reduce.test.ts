import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { da, db } from "kernel-helpers";
import { SPLIT_EVERY, treeReduce } from "../../src/graph/tree-reduce";
import { Delayed } from "../../src/graph/delayed";
import { moduleTask } from "../../src/ship/ship";

describe("treeReduce (one tree reduction for arrays and bags)", () => {
  it("combines SPLIT_EVERY inputs per task, level after level, and marks only the last task as the root", () => {
    const items = Array.from({ length: 20 }, (_, i) => new Delayed(`leaf-${i}`, { kind: "data", value: i }));
    const calls: { size: number; root: boolean }[] = [];
    const fn = moduleTask(require.resolve("../../src/bag/kernels"), "mergeCounts");
    const root = treeReduce("t", fn, items, (group, isRoot) => {
      calls.push({ size: group.length, root: isRoot });
      return [group, isRoot];
    }, "t");
    assert.equal(SPLIT_EVERY, 8);
    assert.deepEqual(calls, [{ size: 8, root: false }, { size: 8, root: false }, { size: 4, root: false }, { size: 3, root: true }]);
    assert.match(root.key, /^t/);
  });

  it("gives arrays and bags the same answer over more blocks than one level holds", async () => {
    assert.equal(await da.ones(100, { chunks: 5 }).sum().compute({ scheduler: "sync" }), 100);   // 20 blocks: two levels
    const bag = db.fromSequence(Array.from({ length: 100 }, (_, i) => i % 7), { npartitions: 20 });
    assert.deepEqual(await bag.frequencies().compute({ scheduler: "sync" }), [[0, 15], [1, 15], [2, 14], [3, 14], [4, 14], [5, 14], [6, 14]]);
  });
});
