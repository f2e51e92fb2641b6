import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { check, checkThat, evaluateCheck } from "kernel-helpers";

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
