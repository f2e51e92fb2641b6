import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import { FunctionNotShippableError, moduleTask, reviveFunction, shipFunction } from "kernel-helpers";

describe("shipFunction", () => {
  it("ships a self-contained function and revives it", () => {
    const shipped = shipFunction((x: number) => Math.sqrt(x) + [1, 2].length, "test");
    assert.equal(shipped.kind, "source");
    assert.equal(reviveFunction(shipped)(16), 6);
  });

  it("allows require() inside the function body", () => {
    const fn = function cores() {
      const os = require("node:os");
      return os.cpus().length;
    };
    const shipped = shipFunction(fn, "test");
    assert.equal(reviveFunction(shipped)(), fn());
  });

  it("names the captured outer variable", () => {
    const offset = 3;
    assert.throws(
      () => shipFunction((x: number) => x + offset, "ThreadPool.map"),
      (error: unknown) =>
        error instanceof FunctionNotShippableError &&
        error.code === "ERR_FUNCTION_NOT_SHIPPABLE" &&
        error.variable === "offset" &&
        /ThreadPool\.map: .*uses `offset`, which is defined outside it/.test(error.message),
    );
  });

  it("reports tslab's compiled cell variables (exports.K) by their name", () => {
    // What tslab makes of `const K = 3; const f = (x) => x + K` in a notebook cell.
    const fn = new Function("return (x) => x + exports.K")();
    assert.throws(() => shipFunction(fn, "cell"), (e: unknown) => e instanceof FunctionNotShippableError && e.variable === "K");
    const imported = new Function("return function usesImport(x) { return exports.sleep(x); }")();
    assert.throws(
      () => shipFunction(imported, "cell"),
      (e: unknown) => e instanceof FunctionNotShippableError && e.variable === "sleep" && /require it inside the function/.test(e.message),
    );
  });

  it("does not mistake locals, parameters, destructuring or inner functions for captures", () => {
    const fn = function inner({ a, b }: { a: number; b: number }, ...rest: number[]) {
      const square = (v: number) => v * v;
      let total = 0;
      for (const v of rest) total += square(v);
      try {
        JSON.parse("{");
      } catch (err) {
        total += err instanceof SyntaxError ? 1 : 0;
      }
      class Box {
        constructor(readonly v: number) {}
      }
      return new Box(square(a) + b + total).v;
    };
    assert.equal(reviveFunction(shipFunction(fn, "test"))({ a: 2, b: 1 }, 3), fn({ a: 2, b: 1 }, 3));
  });

  it("accepts method shorthand, async and generator methods", async () => {
    const obj = {
      twice(x: number) {
        return 2 * x;
      },
      async later(x: number) {
        return x + 1;
      },
    };
    assert.equal(reviveFunction(shipFunction(obj.twice, "t"))(4), 8);
    assert.equal(await reviveFunction(shipFunction(obj.later, "t"))(4), 5);
  });

  it("rejects native, bound, class and non-function tasks with the reason", () => {
    assert.throws(() => shipFunction(Math.max, "t"), /native or bound/);
    assert.throws(() => shipFunction(((x: number) => x).bind(null), "t"), /native or bound/);
    assert.throws(() => shipFunction(class A {}, "t"), /is a class/);
    assert.throws(() => shipFunction(42 as never, "t"), (e: unknown) => e instanceof FunctionNotShippableError && /received 42/.test(e.message));
  });

  it("ships module tasks by file and export", () => {
    const file = path.join(__dirname, "fixtures", "tasks.js");
    const task = moduleTask(file, "double");
    assert.deepEqual(shipFunction(task, "t"), { kind: "module", file, exportName: "double" });
    assert.equal(reviveFunction(shipFunction(task, "t"))(21), 42);
    assert.throws(() => shipFunction(moduleTask(path.join(__dirname, "missing.js")), "t"), /does not exist/);
    assert.throws(() => reviveFunction(shipFunction(moduleTask(file, "nope"), "t")), /no function export `nope`/);
  });
});
