// One suite, every local scheduler: identical results, events and errors.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { TaskFailedError, compute, da, db, delayed, makeExecutor, type GraphExecutor, type TaskEvent } from "kernel-helpers";

const inc = (x: number) => x + 1;
const add = (a: number, b: number) => a + b;
const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const slow = async (x: number) => {
  await new Promise((r) => setTimeout(r, 20));
  return x * 2;
};

for (const kind of ["sync", "threads", "processes"] as const) {
  describe(`scheduler "${kind}"`, () => {
    let executor: GraphExecutor;
    before(async () => {
      executor = await makeExecutor(kind, { workers: 2 });
    });
    after(async () => {
      await executor.close();
    });

    it("computes delayed graphs, nested arguments and async tasks", async () => {
      const incs = Array.from({ length: 8 }, (_, i) => delayed(inc)(i));
      const [s, pair, doubled] = await compute(delayed(total)(incs), delayed(add)(incs[0]!, incs[7]!), delayed(slow)(incs[2]!), { scheduler: executor });
      assert.deepEqual([s, pair, doubled], [36, 9, 6]);
    });

    it("records one task event per task", async () => {
      const events: TaskEvent[] = [];
      const incs = Array.from({ length: 6 }, (_, i) => delayed(inc)(i));
      await compute(delayed(total)(incs), { scheduler: executor, onTaskEvent: (e) => events.push(e) });
      assert.equal(events.length, 7);
      assert.ok(events.every((e) => e.ok && e.end >= e.start && e.label !== undefined));
      assert.deepEqual(new Set(events.map((e) => e.label)), new Set(["inc", "total"]));
    });

    it("hands new or long tasks out one by one, so a long task does not hold up the next ones", { skip: kind === "sync" }, async () => {
      // The executor has only timed tiny tasks so far. One 800 ms task and three of 50 ms on 2
      // workers: the three must all run on the worker the long one does not occupy.
      const nap = async (ms: number, id: number) => (await new Promise((r) => setTimeout(r, ms)), id);
      const tasks = [delayed(nap, { name: "long" })(800, 0), ...[1, 2, 3].map((id) => delayed(nap, { name: "short" })(50, id))];
      const events: TaskEvent[] = [];
      await compute(...tasks, { scheduler: executor, onTaskEvent: (e) => events.push(e) });
      const longWorker = events.find((e) => e.label === "long")!.workerId;
      const shortWorkers = events.filter((e) => e.label === "short").map((e) => e.workerId);
      assert.equal(shortWorkers.length, 3);
      assert.ok(shortWorkers.every((w) => w !== longWorker), `short tasks ran on ${shortWorkers.join(", ")}, the long one on ${longWorker}`);
    });

    it("computes chunked arrays identically", async () => {
      const x = da.random.normal([60, 40], { chunks: [25, 15], seed: 7 });
      const [sum, mean, std, min, max, colSums, y] = await compute(
        x.sum(), x.mean(), x.std(), x.min(), x.max(), x.sum({ axis: 0 }), x.T.add(1).mul(2).max({ axis: 1 }), { scheduler: executor },
      ) as [number, number, number, number, number, Float64Array, Float64Array];
      const flat = (await x.compute({ scheduler: "sync" })) as Float64Array[];
      const all = flat.flatMap((r) => [...r]);
      const m = all.reduce((a, b) => a + b, 0) / all.length;
      assert.ok(Math.abs(sum - m * all.length) < 1e-9);
      assert.ok(Math.abs(mean - m) < 1e-12);
      assert.ok(Math.abs(std - Math.sqrt(all.reduce((a, v) => a + (v - m) ** 2, 0) / all.length)) < 1e-12);
      assert.equal(min, Math.min(...all));
      assert.equal(max, Math.max(...all));
      assert.equal(colSums.length, 40);
      assert.ok(Math.abs(colSums[3]! - flat.reduce((a, r) => a + r[3]!, 0)) < 1e-9);
      assert.equal(y.length, 40);
      assert.ok(Math.abs(y[5]! - (Math.max(...flat.map((r) => r[5]!)) + 1) * 2) < 1e-12);
      assert.equal(await da.ones(10, { chunks: 5 }).sum().compute({ scheduler: executor }), 10);
    });

    it("computes bags identically", async () => {
      const words = db.fromSequence(["a b", "b c", "c c", "a"], { npartitions: 3 }).map((l: string) => l.split(" ")).flatten<string>();
      const [freq, lengths] = await compute(
        words.frequencies(),
        words.foldby((w: string) => w, (acc: number) => acc + 1, 0, { combine: (a: number, b: number) => a + b }),
        { scheduler: executor },
      );
      assert.deepEqual(freq, [["c", 3], ["a", 2], ["b", 2]]);
      assert.deepEqual(new Map(lengths), new Map([["a", 2], ["b", 2], ["c", 3]]));
    });

    it("fails with the failing key and leaves the scheduler usable", async () => {
      const boom = delayed((x: number) => {
        if (x > 2) throw new Error(`too big: ${x}`);
        return x;
      }, { name: "boom" });
      const bad = boom(delayed(inc)(2));
      await assert.rejects(compute(delayed(add)(bad, 1), { scheduler: executor }), (e: unknown) => e instanceof TaskFailedError && e.key === bad.key && /too big: 3/.test(e.message));
      assert.equal(await delayed(inc)(1).compute({ scheduler: executor }), 2);
    });
  });
}
