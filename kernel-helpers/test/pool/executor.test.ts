import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  asCompleted,
  CancelledError,
  Future,
  FunctionNotShippableError,
  PoolClosedError,
  ProcessPoolExecutor,
  ThreadPoolExecutor,
  TimeoutError,
  wait,
} from "kernel-helpers";

const delayed = async (ms: number, value: number) => {
  await new Promise((r) => setTimeout(r, ms));
  return value;
};

/** On a one-worker executor: a future holding the worker for `ms` (resolves to 1), and one queued behind it (2). */
const runningAndPending = (ex: ThreadPoolExecutor | ProcessPoolExecutor, ms: number) => ({
  running: ex.submit(delayed, ms, 1),
  pending: ex.submit(delayed, 10, 2),
});

for (const Executor of [ThreadPoolExecutor, ProcessPoolExecutor]) {
  describe(Executor.name, () => {
    it("submit returns futures whose results match serial calls; states move pending → running → finished", async () => {
      await using ex = new Executor({ maxWorkers: 2 });
      const futures = [30, 10, 20].map((ms, i) => ex.submit(delayed, ms, i));
      assert.deepEqual(futures.map((f) => f.state), ["running", "running", "pending"]);
      assert.deepEqual(await Promise.all(futures.map((f) => f.result())), [0, 1, 2]);
      assert.deepEqual(futures.map((f) => f.state), ["finished", "finished", "finished"]);
      assert.ok(futures.every((f) => f.done() && f instanceof Future));
      assert.equal(await futures[0]!.exception(), null);
    });

    it("map keeps item order (await it or iterate it)", async () => {
      await using ex = new Executor({ maxWorkers: 2 });
      const items = [40, 0, 20, 10];
      const wait = async (ms: number) => {
        await new Promise((r) => setTimeout(r, ms));
        return ms;
      };
      assert.deepEqual(await ex.map(wait, items), items);
      const seen: number[] = [];
      for await (const v of ex.map((x: number) => x * 3, [1, 2, 3])) seen.push(v);
      assert.deepEqual(seen, [3, 6, 9]);
      // Several iterables: one argument from each, the shortest ends it (Python's zip).
      assert.deepEqual(await ex.map((b: number, e: number) => b ** e, [2, 3, 10], new Set([5, 2])), [32, 9]);
      await assert.rejects(async () => await (ex.map as (fn: unknown) => PromiseLike<unknown>)((x: number) => x), { code: "ERR_INVALID_ARGUMENT" });
    });

    it("asCompleted yields futures in completion order", async () => {
      await using ex = new Executor({ maxWorkers: 3 });
      // Warm up: every worker started, so start-up time does not reorder completions.
      await Promise.all([0, 0, 0].map((ms) => ex.submit(delayed, 50, ms).result()));
      const futures = [500, 10, 250].map((ms) => ex.submit(delayed, ms, ms));
      const order: number[] = [];
      for await (const f of asCompleted(futures)) order.push(await f.result());
      assert.deepEqual(order, [10, 250, 500]);
    });

    it("wait() honours FIRST_COMPLETED, FIRST_EXCEPTION and ALL_COMPLETED", async () => {
      await using ex = new Executor({ maxWorkers: 3 });
      const fail = (ms: number) =>
        new Promise((_, reject) => setTimeout(() => reject(new Error(`failed after ${ms}`)), ms));
      const a = ex.submit(delayed, 20, 1);
      const b = ex.submit(delayed, 400, 2);
      const first = await wait([a, b], { returnWhen: "FIRST_COMPLETED" });
      assert.ok(first.done.has(a) && first.notDone.has(b));
      const c = ex.submit(fail, 30);
      const d = ex.submit(delayed, 600, 3);
      const firstError = await wait([c, d], { returnWhen: "FIRST_EXCEPTION" });
      assert.ok(firstError.done.has(c) && firstError.notDone.has(d));
      assert.match(String(await c.exception()), /failed after 30/);
      await assert.rejects(c.result(), /failed after 30/);
      const all = await wait([a, b, c, d]);
      assert.equal(all.done.size, 4);
      assert.equal(all.notDone.size, 0);
      const timed = await wait([ex.submit(delayed, 500, 0)], { timeoutMs: 20 });
      assert.equal(timed.notDone.size, 1);
    });

    it("wait(FIRST_EXCEPTION) does not count a cancelled future as an exception (as Python)", async () => {
      await using ex = new Executor({ maxWorkers: 1 });
      const { running, pending } = runningAndPending(ex, 150);
      assert.equal(pending.cancel(), true);
      const result = await wait([running, pending], { returnWhen: "FIRST_EXCEPTION" });
      // No future raised, so wait behaves like ALL_COMPLETED: the running one is done too.
      assert.ok(result.done.has(running) && result.done.has(pending));
      assert.equal(result.notDone.size, 0);
    });

    it("cancel() works on pending futures only; result(timeout) times out", async () => {
      await using ex = new Executor({ maxWorkers: 1 });
      const { running, pending } = runningAndPending(ex, 200);
      assert.equal(running.cancel(), false);
      assert.equal(pending.cancel(), true);
      assert.equal(pending.state, "cancelled");
      await assert.rejects(pending.result(), (e: unknown) => e instanceof CancelledError && e.code === "ERR_CANCELLED");
      await assert.rejects(running.result(1), TimeoutError);
      let called: Future<number> | undefined;
      running.addDoneCallback((f) => (called = f));
      assert.equal(await running.result(), 1);
      assert.equal(called, running);
    });

    it("shutdown({ cancelFutures }) cancels pending work and refuses new work; closures fail their future", async () => {
      const ex = new Executor({ maxWorkers: 1 });
      const outer = 5;
      const bad = ex.submit((x: number) => x + outer, 1);
      await assert.rejects(bad.result(), FunctionNotShippableError);
      const { running, pending } = runningAndPending(ex, 100);
      await ex.shutdown({ cancelFutures: true });
      assert.equal(await running.result(), 1);
      assert.equal(pending.cancelled(), true);
      await assert.rejects(ex.submit(delayed, 1, 1).result(), PoolClosedError);
    });
  });
}
