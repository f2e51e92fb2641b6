import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatDuration, formatTime, formatTimeit, sleep, speedupTable, Stopwatch, time, timeit } from "kernel-helpers";

function capture<T>(fn: () => Promise<T>): Promise<{ value: T; printed: string }> {
  const original = console.log;
  const lines: string[] = [];
  console.log = (...args: unknown[]) => lines.push(args.join(" "));
  return fn().then(
    (value) => {
      console.log = original;
      return { value, printed: lines.join("\n") };
    },
    (error: unknown) => {
      console.log = original;
      throw error;
    },
  );
}

describe("formatDuration (IPython's _format_time)", () => {
  it("uses three significant digits and the right unit", () => {
    assert.equal(formatDuration(0), "0 ns");
    assert.equal(formatDuration(0.0005), "500 ns");
    assert.equal(formatDuration(0.0123), "12.3 µs");
    assert.equal(formatDuration(12.34), "12.3 ms");
    assert.equal(formatDuration(500), "500 ms");
    assert.equal(formatDuration(1500), "1.5 s");
    assert.equal(formatDuration(75_000), "1min 15s");
  });
});

describe("time", () => {
  it("measures wall and CPU time of a sync function and prints like %time", async () => {
    const { value, printed } = await capture(() =>
      time(() => {
        let s = 0;
        for (let i = 0; i < 5e6; i++) s += i;
        return s;
      }),
    );
    assert.equal(value.result, (5e6 * (5e6 - 1)) / 2);
    assert.ok(value.wallMs > 0 && value.userMs >= 0 && value.systemMs >= 0);
    assert.match(printed, /^CPU times: user [\d.]+ (s|ms|µs|ns), sys [\d.]+ (s|ms|µs|ns), total [\d.]+ (s|ms|µs|ns)\nWall time: [\d.]+ (s|ms|µs)$/);
    assert.equal(printed, formatTime(value));
  });

  it("awaits async functions: a sleep takes wall time but almost no CPU", async () => {
    const { value } = await capture(() => time(() => sleep(120).then(() => "done"), { print: false }));
    assert.equal(value.result, "done");
    assert.ok(value.wallMs >= 110, `wall ${value.wallMs}`);
    assert.ok(value.userMs < value.wallMs, "sleeping is not CPU time");
  });

  it("{ print: false } prints nothing", async () => {
    const { printed } = await capture(() => time(() => 1, { print: false }));
    assert.equal(printed, "");
  });
});

describe("timeit", () => {
  it("runs repeat × number loops and prints like %timeit", async () => {
    let calls = 0;
    const { value, printed } = await capture(() => timeit(() => calls++, { repeat: 3, number: 5 }));
    assert.equal(value.runsMs.length, 3);
    assert.equal(value.number, 5);
    assert.equal(calls, 1 + 3 * 5); // one call to detect sync/async, then the runs
    assert.ok(value.bestMs <= value.meanMs && value.meanMs <= value.worstMs);
    assert.match(printed, /^[\d.]+ (ns|µs|ms|s) ± [\d.]+ (ns|µs|ms|s) per loop \(mean ± std\. dev\. of 3 runs, 5 loops each\)$/);
    assert.equal(printed, formatTimeit(value));
  });

  it("chooses the loop count automatically and awaits async functions", async () => {
    const { value } = await capture(() => timeit(() => sleep(20), { repeat: 2, print: false }));
    assert.ok(value.number >= 5, `number ${value.number}`); // 20 ms a call: 10 loops reach 0.2 s
    assert.ok(value.meanMs >= 19, `mean ${value.meanMs}`);
  });

  it("rejects bad options", async () => {
    await assert.rejects(timeit(() => 1, { repeat: 0 }), /repeat/);
  });
});

describe("Stopwatch and speedupTable", () => {
  it("laps, stops and resumes", async () => {
    const sw = Stopwatch.start();
    await sleep(30);
    const first = sw.lap("a");
    await sleep(30);
    const second = sw.lap("b");
    assert.ok(first.ms >= 25 && second.ms >= 25);
    assert.ok(Math.abs(second.totalMs - (first.ms + second.ms)) < 1e-6);
    sw.stop();
    const frozen = sw.elapsedMs;
    await sleep(20);
    assert.equal(sw.elapsedMs, frozen);
    assert.deepEqual(sw.laps.map((l) => l.label), ["a", "b"]);
    sw.reset();
    assert.equal(sw.elapsedMs, 0);
  });

  it("computes speedup and efficiency relative to the fewest workers", () => {
    const rows = speedupTable([
      { workers: 2, ms: 50 },
      { workers: 1, ms: 100 },
      { workers: 4, ms: 40 },
    ]);
    assert.deepEqual(rows, [
      { workers: 2, ms: 50, speedup: 2, efficiency: 1 },
      { workers: 1, ms: 100, speedup: 1, efficiency: 1 },
      { workers: 4, ms: 40, speedup: 2.5, efficiency: 0.625 },
    ]);
    assert.throws(() => speedupTable([]), /non-empty/);
  });
});
