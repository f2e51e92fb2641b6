import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidArgumentError, mapConcurrent, sleep } from "kernel-helpers";

describe("sleep and mapConcurrent", () => {
  it("sleep resolves after the delay and rejects a bad argument", async () => {
    const t0 = performance.now();
    await sleep(50);
    assert.ok(performance.now() - t0 >= 45);
    await assert.rejects(sleep(-1), InvalidArgumentError);
  });

  it("keeps item order and never runs more than `concurrency` calls at once", async () => {
    let active = 0;
    let peak = 0;
    const results = await mapConcurrent(
      async (x: number, i: number) => {
        active++;
        peak = Math.max(peak, active);
        await sleep((5 - x) * 10);
        active--;
        return x * 10 + i;
      },
      [1, 2, 3, 4, 5],
      { concurrency: 2 },
    );
    assert.deepEqual(results, [10, 21, 32, 43, 54]);
    assert.equal(peak, 2);
  });

  it("N lanes of I/O-style waits overlap on one thread", async () => {
    let waiting = 0;
    let peak = 0;
    await mapConcurrent(
      async () => {
        peak = Math.max(peak, ++waiting);
        await sleep(30);
        waiting--;
      },
      [1, 2, 3, 4, 5, 6],
      { concurrency: 4 },
    );
    assert.equal(peak, 4);
  });

  it("rejects with the first error and starts nothing new after it", async () => {
    const started: number[] = [];
    await assert.rejects(
      mapConcurrent(
        async (x: number) => {
          started.push(x);
          if (x === 2) throw new Error("boom");
          await sleep(20);
        },
        [1, 2, 3, 4, 5],
        { concurrency: 2 },
      ),
      /boom/,
    );
    assert.deepEqual(started, [1, 2]);
    await assert.rejects(mapConcurrent(async () => 1, [1], { concurrency: 0 }), /concurrency/);
  });
});
