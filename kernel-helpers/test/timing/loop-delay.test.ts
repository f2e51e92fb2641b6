import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidArgumentError, formatCount, loopDelay, plural, sleep } from "kernel-helpers";

function busy(ms: number): number {
  const end = performance.now() + ms;
  let spins = 0;
  while (performance.now() < end) spins++;
  return spins;
}

describe("loopDelay: the heartbeat on this thread's event loop", () => {
  it("a callback that computes for 300 ms holds the heartbeat back about that long; waiting does not", async () => {
    const blocked = await loopDelay(() => busy(300));
    assert.ok(blocked.result > 0);
    assert.ok(blocked.worstDelayMs >= 200, `worst delay ${blocked.worstDelayMs} ms while the loop was blocked for 300 ms`);
    const waiting = await loopDelay(() => sleep(300));
    assert.ok(waiting.worstDelayMs < blocked.worstDelayMs - 100, `waiting ${waiting.worstDelayMs} ms against blocked ${blocked.worstDelayMs} ms`);
    assert.ok(waiting.wallMs >= 290);
  });

  it("rejects a resolution that is not a positive integer", async () => {
    await assert.rejects(loopDelay(() => 1, { resolutionMs: 0 }), (e: unknown) => e instanceof InvalidArgumentError && /resolutionMs.*0/.test(e.message));
  });
});

describe("counts as people read them", () => {
  it("plural: 1 process, 2 processes, 1 worker, 3 workers", () => {
    assert.deepEqual([plural(1, "process"), plural(2, "process"), plural(1, "worker"), plural(3, "worker"), plural(2, "child", "children")], ["1 process", "2 processes", "1 worker", "3 workers", "2 children"]);
  });
  it("formatCount: 100,000,020 reads 100 million", () => {
    assert.deepEqual([formatCount(100_000_020), formatCount(1_234_567), formatCount(20_000), formatCount(3e9)], ["100 million", "1.23 million", "20,000", "3 billion"]);
  });
});
