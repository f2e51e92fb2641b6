// How a kernel-helpers error prints: in a Jupyter kernel, as a student can act on it (name, message,
// the frames of the notebook's cells); anywhere else, Node's full default for developers. The real
// tslab kernel's output is checked by the runner's test (scripts/runner/runner.test.ts, helper-error).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { inspect } from "node:util";
import { describe, it } from "node:test";
import { PoolClosedError } from "kernel-helpers";

/** Prints a PoolClosedError thrown from a cell-like vm script (tslab's `evalmachine.<anonymous>`). */
const SCRIPT = `
const vm = require("node:vm");
const { PoolClosedError } = require("kernel-helpers");
globalThis.makeError = () => new PoolClosedError("ProcessPool.map: the pool is terminated; create a new pool");
try { vm.runInThisContext("function work() { throw makeError(); }\\nwork();"); } catch (e) { console.error(e); }
`;

function printedIn(env: Record<string, string>): string {
  const base = { ...process.env };
  delete base.JPY_PARENT_PID;
  const r = spawnSync(process.execPath, ["-e", SCRIPT], { encoding: "utf8", env: { ...base, ...env } });
  assert.equal(r.status, 0, r.stderr);
  return r.stderr.trim();
}

describe("a kernel-helpers error on screen", () => {
  it("in a kernel: name, message and the cell's frames only", () => {
    const lines = printedIn({ JPY_PARENT_PID: String(process.pid) }).split("\n");
    assert.equal(lines[0], "PoolClosedError: ProcessPool.map: the pool is terminated; create a new pool");
    assert.ok(lines.length >= 2, lines.join("\n"));
    for (const frame of lines.slice(1)) assert.match(frame, /^\s+at .*evalmachine\.<anonymous>:\d+/);
  });

  it("elsewhere: Node's full default, with the code and this package's own frames", () => {
    const text = inspect(new PoolClosedError("closed"));
    assert.match(text, /^PoolClosedError: closed\n\s+at /);
    assert.match(text, /code: 'ERR_POOL_CLOSED'/);
    assert.match(printedIn({}), /node:vm|node:internal/);
  });
});
