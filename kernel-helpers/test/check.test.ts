import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CheckFailedError, check, checkThat, evaluateCheck } from "kernel-helpers";

describe("check", () => {
  it("says ✔ for an equal value and ✘ with expected and actual otherwise", async () => {
    const lines: string[] = [];
    const print = (l: string) => lines.push(l);
    assert.equal(await check("cubes", [0, 1, 8], [0, 1, 8], { print }), undefined, "nothing for tslab to echo");
    await check("cubes", [0, 1, 4], [0, 1, 8], { print });
    assert.equal(lines[0], "✔ cubes: correct");
    assert.match(lines[1]!, /^✘ cubes: expected \[ 0, 1, 8 \], got \[ 0, 1, 4 \]$/);
  });

  it("calls a function and reports a not-implemented stub without throwing", async () => {
    const result = await evaluateCheck("Exercise 2", () => {
      throw new Error("not implemented");
    }, 1);
    assert.equal(result.ok, false);
    assert.match(result.line, /not implemented yet/);
  });

  it("compares numbers within a tolerance, also inside arrays and typed arrays", async () => {
    assert.equal((await evaluateCheck("pi", 3.1416, Math.PI, { tolerance: 1e-3 })).ok, true);
    assert.equal((await evaluateCheck("pi", 3.2, Math.PI, { tolerance: 1e-3 })).ok, false);
    assert.equal((await evaluateCheck("v", new Float64Array([1, 2.0000001]), new Float64Array([1, 2]), { tolerance: 1e-6 })).ok, true);
  });

  it("checkThat prints the reason a condition gives", async () => {
    const lines: string[] = [];
    await checkThat("speedup", () => "speedup 0.9 is not above 1.2", { print: (l) => lines.push(l) });
    await checkThat("speedup", () => true, { print: (l) => lines.push(l) });
    assert.deepEqual(lines, ["✘ speedup: speedup 0.9 is not above 1.2", "✔ speedup: correct"]);
  });
});

describe("under nbgrader's grading (NBGRADER_EXECUTION)", () => {
  const grading = async (value: string | undefined, run: () => Promise<void>) => {
    const before = process.env.NBGRADER_EXECUTION;
    if (value === undefined) delete process.env.NBGRADER_EXECUTION;
    else process.env.NBGRADER_EXECUTION = value;
    try {
      await run();
    } finally {
      if (before === undefined) delete process.env.NBGRADER_EXECUTION;
      else process.env.NBGRADER_EXECUTION = before;
    }
  };

  for (const mode of ["autograde", "validate"]) {
    it(`a failed check prints its ✘ line and then fails the cell (${mode})`, async () => {
      await grading(mode, async () => {
        const lines: string[] = [];
        await assert.rejects(check("Exercise 1", () => 6, 7, { print: (l) => lines.push(l) }), (e: unknown) => e instanceof CheckFailedError && e.code === "ERR_CHECK_FAILED" && e.line === lines[0]);
        assert.deepEqual(lines, ["✘ Exercise 1: expected 7, got 6"]);
        await assert.rejects(checkThat("Exercise 2", () => "too slow", { print: () => undefined }), CheckFailedError);
        await check("Exercise 3", () => 7, 7, { print: (l) => lines.push(l) });
        assert.equal(lines[1], "✔ Exercise 3: correct");
      });
    });
  }

  it("a student's run (no NBGRADER_EXECUTION) never throws", async () => {
    await grading(undefined, async () => {
      await check("Exercise 1", () => 6, 7, { print: () => undefined });
      await checkThat("Exercise 2", () => false, { print: () => undefined });
    });
  });
});
