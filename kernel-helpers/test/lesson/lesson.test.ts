import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidArgumentError, changeOf, checkPrediction, checkSweepShape, fasterShape, noGainShape, predictionVerdict, slowerShape, sweepShape } from "kernel-helpers";

const amdahl = (cores: number, n: number) => Math.min(n, cores) * 0.9;
const sweep = (cores: number, speedup: (n: number) => number) => Array.from({ length: cores + 3 }, (_, i) => ({ workers: i + 1, speedup: speedup(i + 1) }));

describe("sweepShape: rises then flattens, tolerant of two noisy cores", () => {
  it("passes a sweep that rises to the core count and then stays flat, on 2 and on 8 cores", () => {
    for (const cores of [2, 8]) {
      const v = sweepShape("A6", sweep(cores, (n) => amdahl(cores, n)), { cores });
      assert.equal(v.ok, true, v.line);
      assert.match(v.line, /^✔ A6: rises to .* then flattens/);
    }
    // A loaded 2-core CI runner: 1.3× at 2, wobbling afterwards.
    const noisy = [1, 1.3, 1.25, 1.4, 1.2].map((speedup, i) => ({ workers: i + 1, speedup }));
    assert.equal(sweepShape("A6", noisy, { cores: 2 }).ok, true);
  });

  it("fails a flat sweep (the work is not split) and a sweep that keeps rising past the cores (the tasks wait)", () => {
    const flat = sweepShape("A6", sweep(2, () => 1), { cores: 2 });
    assert.equal(flat.ok, false);
    assert.match(flat.line, /^✘ A6: the speed-up never rises: at most 1\.00×/);
    const linear = sweepShape("A6", sweep(2, (n) => n), { cores: 2 });
    assert.equal(linear.ok, false);
    assert.match(linear.line, /keeps rising past the 2 cores \(2\.00× → 5\.00× on 5 workers\)/);
  });

  it("is skipped with a sentence on one core, and rejects rows without a speed-up", () => {
    const v = sweepShape("A6", sweep(1, () => 1), { cores: 1 });
    assert.deepEqual([v.ok, v.skipped], [true, true]);
    assert.match(v.line, /^○ A6: skipped — this kernel can use 1 core and the lesson needs 2/);
    assert.throws(() => sweepShape("A6", [{ workers: 1, speedup: Number.NaN }], { cores: 2 }), (e: unknown) => e instanceof InvalidArgumentError && /row 0/.test(e.message));
  });

  it("checkSweepShape prints the line and returns nothing", () => {
    const lines: string[] = [];
    assert.equal(checkSweepShape("A6", sweep(2, () => 1), { cores: 2, print: (l) => lines.push(l) }), undefined);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^✘/);
  });
});

describe("faster, slower, no gain", () => {
  const serial = { label: "serial", seconds: 2 };
  it("fasterShape needs the factor and skips when the cores are missing", () => {
    assert.equal(fasterShape("chunks", { label: "chunksize 1000", seconds: 0.1 }, { label: "chunksize 1", seconds: 1 }).ok, true);
    const close = fasterShape("threads", { label: "2 threads", seconds: 1.8 }, serial, { by: 1.3, needsCores: 2, cores: 2 });
    assert.equal(close.ok, false);
    assert.match(close.line, /only 1\.11× faster than serial, expected at least 1\.30×/);
    assert.equal(fasterShape("threads", { label: "2 threads", seconds: 1.8 }, serial, { needsCores: 2, cores: 1 }).skipped, true);
  });
  it("slowerShape: a pool on tiny tasks against the plain loop", () => {
    assert.match(slowerShape("tiny", { label: "2 processes", seconds: 0.5 }, { label: "serial", seconds: 0.001 }).line, /^✔ tiny: 2 processes is 500× slower than serial/);
    assert.equal(slowerShape("tiny", { label: "2 processes", seconds: 0.001 }, { label: "serial", seconds: 0.5 }).ok, false);
  });
  it("noGainShape: async lanes on CPU work gain nothing; a real speed-up fails", () => {
    assert.equal(noGainShape("A5", { label: "2 async lanes", seconds: 2.1 }, serial).ok, true);
    assert.match(noGainShape("A5", { label: "2 async lanes", seconds: 1 }, serial).line, /^✘ A5: 2 async lanes is 2\.00× faster/);
    assert.throws(() => noGainShape("A5", { label: "x", seconds: 0 }, serial), InvalidArgumentError);
  });
});

describe("prediction cells", () => {
  it("changeOf classifies with a ±25 % band", () => {
    assert.deepEqual([changeOf(1, 1.2), changeOf(1, 2), changeOf(2, 1)], ["about the same", "faster", "slower"]);
  });
  it("compares the student's answer, reports a stub and refuses an answer outside the choices", async () => {
    assert.match((await predictionVerdict("P", () => "faster", "faster", "2×", ["faster", "slower"])).line, /^✔ P: you predicted "faster" and measured "faster"/);
    assert.match((await predictionVerdict("P", () => "slower", "faster", "2×", ["faster", "slower"])).line, /^✘ P: you predicted "slower", measured "faster"/);
    const stub = await predictionVerdict("P", () => { throw new Error("not implemented"); }, "faster", "2×", ["faster"]);
    assert.match(stub.line, /^✘ P: no prediction yet/);
    assert.ok(!stub.line.includes("faster"), "an unanswered prediction does not give the answer away");
    assert.match((await predictionVerdict("P", () => "quicker" as "faster", "faster", "2×", ["faster", "slower"])).line, /answer one of "faster", "slower", received "quicker"/);
    const lines: string[] = [];
    await checkPrediction("P", () => "about the same", "about the same", "1.02×", { print: (l) => lines.push(l) });
    assert.match(lines[0]!, /^✔/);
  });
});
