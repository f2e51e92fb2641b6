import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { InvalidArgumentError, progress } from "kernel-helpers";

const run = promisify(execFile);

/** Runs `body` in a fresh Node process (so stdout is its own) and returns what it printed. */
async function printed(body: string, env: Record<string, string | undefined>): Promise<string[]> {
  const script = `const { progress } = require("kernel-helpers");\n${body}`;
  const { stdout } = await run(process.execPath, ["-e", script], { env: { ...process.env, ...env }, timeout: 30_000 });
  return stdout.trimEnd().split("\n");
}

describe("progress", () => {
  it("headless: prints a line at 0, 25, 50, 75 % and one at the end, not one per tick", async () => {
    const lines = await printed(`const bar = progress(200, { label: "fit" }); for (let i = 0; i < 200; i++) bar.tick(); bar.done();`, {
      KERNEL_HELPERS_HEADLESS: "1",
    });
    assert.deepEqual(lines.slice(0, 4), ["fit: 0/200 (0 %)", "fit: 50/200 (25 %)", "fit: 100/200 (50 %)", "fit: 150/200 (75 %)"]);
    assert.match(lines[4]!, /^fit: 200\/200 \(100 %\) done in \d+\.\d\d s$/);
    assert.equal(lines.length, 5);
  });

  it("outside a kernel it prints lines too; done() before the end reports where it stopped", async () => {
    const lines = await printed(`const bar = progress(10); bar.tick(3); bar.done(); bar.tick(); bar.done();`, { KERNEL_HELPERS_HEADLESS: undefined });
    assert.equal(lines.length, 3);
    assert.deepEqual(lines.slice(0, 2), ["progress: 0/10 (0 %)", "progress: 3/10 (30 %)"]);
    assert.match(lines[2]!, /^progress: 3\/10 \(30 %\) done in /);
  });

  it("reaching the total finishes the bar even without done(); ticks past it are clamped", async () => {
    const lines = await printed(`const bar = progress(4, { label: "x" }); bar.tick(10); bar.done(); console.log(bar.count);`, { KERNEL_HELPERS_HEADLESS: "1" });
    assert.deepEqual(lines.map((l) => l.replace(/ done in .*/, " done")), ["x: 0/4 (0 %)", "x: 4/4 (100 %) done", "4"]);
  });

  it("rejects a total that is not a non-negative integer, naming it", () => {
    assert.throws(() => progress(-1), (e: unknown) => e instanceof InvalidArgumentError && e.code === "ERR_INVALID_ARGUMENT" && /progress\(total\).*-1/.test(e.message));
    assert.throws(() => progress(2.5), InvalidArgumentError);
  });
});
