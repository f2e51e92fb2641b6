// joblib.Parallel / joblib.delayed against serial results, on both backends and in the caller (nJobs 1).
import assert from "node:assert/strict";
import os from "node:os";
import { after, it } from "node:test";
import { delayed as daskDelayed, InvalidArgumentError, joblib, shutdownSharedPools } from "kernel-helpers";

const square = (x: number) => x * x;
const add = (a: number, b: number) => a + b;
const xs = Array.from({ length: 20 }, (_, i) => i);

after(() => shutdownSharedPools());

it("Parallel(nJobs)(delayed(f)(x) …) gives f's results in input order on processes and threads", async () => {
  for (const backend of ["processes", "loky", "threads", "threading"] as const) {
    const slowFirst = async (x: number) => {
      await new Promise((r) => setTimeout(r, x === 0 ? 60 : 0));
      return x * x;
    };
    assert.deepEqual(await joblib.Parallel({ nJobs: 2, backend })(xs.map((x) => joblib.delayed(slowFirst)(x))), xs.map(square), backend);
  }
  assert.deepEqual(await joblib.Parallel({ nJobs: 2, batchSize: 3 }).run(xs.map((x) => joblib.delayed(add)(x, 1))), xs.map((x) => x + 1));
  // Different functions in one list.
  assert.deepEqual(await joblib.Parallel({ nJobs: 2, backend: "threads" })([joblib.delayed(square)(3), joblib.delayed(add)(1, 2)]), [9, 3]);
  assert.deepEqual(await joblib.Parallel({ nJobs: 2 })([]), []);
});

it("nJobs follows joblib: -1 is every core, -2 all but one, 1 runs here (closures work), 0 is refused", async () => {
  assert.equal(joblib.Parallel({ nJobs: -1 }).nJobs, os.availableParallelism());
  assert.equal(joblib.effectiveNJobs(-2, 8), 7);
  assert.equal(joblib.effectiveNJobs(-1, 8), 8);
  assert.equal(joblib.Parallel().nJobs, 1);
  const offset = 100;
  assert.deepEqual(await joblib.Parallel({ nJobs: 1 })(xs.map((x) => joblib.delayed((y: number) => y + offset)(x))), xs.map((x) => x + offset));
  assert.throws(() => joblib.Parallel({ nJobs: 0 }), InvalidArgumentError);
  assert.throws(() => joblib.Parallel({ backend: "dask" as never }), /expected one of processes, loky/);
  assert.throws(() => joblib.Parallel({ batchSize: 0 }), /batchSize/);
});

it("a plain value instead of delayed(f)(x) is refused with the item's index; dask's delayed is a different name", async () => {
  await assert.rejects(joblib.Parallel({ nJobs: 2 })([joblib.delayed(square)(1), 4 as never]), /item 1 is .*write joblib\.delayed\(f\)\(x\), not f\(x\)/);
  assert.notEqual(joblib.delayed, daskDelayed as unknown);
});
