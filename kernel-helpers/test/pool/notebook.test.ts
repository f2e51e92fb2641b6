// A tslab notebook cell defines a function and maps it on both pools, run headless on a real kernel.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { it } from "node:test";
import { runNotebook } from "../../../scripts/runner";
import { sourceText, type Output } from "../../../scripts/notebook/nbformat";

function text(outputs: readonly Output[]): string {
  return outputs
    .map((o) => (o.output_type === "stream" ? sourceText(o.text) : o.output_type === "error" ? `${o.ename}: ${o.evalue}` : JSON.stringify((o as { data?: unknown }).data ?? "")))
    .join("");
}

it("a function defined in a tslab cell runs on ThreadPool and ProcessPool; closures fail with a clear error", { timeout: 180_000 }, async () => {
  const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), "pool-notebook-"));
  try {
    const result = await runNotebook(path.join(__dirname, "fixtures", "pool-cell.ipynb"), { outputDir, timeoutMs: 120_000 });
    assert.ok(result.notebook, "the executed notebook is returned");
    const cells = result.notebook.cells.filter((c) => c.cell_type === "code").map((c) => text((c as { outputs: Output[] }).outputs));
    assert.equal(result.status, "passed", `${JSON.stringify(result.error)}\n${cells.join("\n---\n")}`);
    assert.match(cells[2]!, /THREADS true/);
    assert.match(cells[2]!, /PROCESSES true/);
    assert.match(cells[3]!, /hello from pid true/, "child process output reaches the notebook");
    assert.match(cells[3]!, /hello from a thread/);
    assert.match(cells[4]!, /uses `OFFSET`, which is defined outside it/);
    assert.match(cells[5]!, /uses `sleep`, which is defined outside it.*require it inside the function/s);
    assert.match(cells[6]!, /\[ 2, 4 \]/);
  } finally {
    fs.rmSync(outputDir, { recursive: true, force: true });
  }
});

it("interrupting the kernel cancels a pool's work and stops its busy workers; the pool keeps working", { timeout: 180_000 }, async () => {
  // The runner interrupts each 60 s cell after its 3 s timeout (the tag timeout=3) and, with
  // allowErrors, goes on in the same kernel — as a student pressing ■ and running the next cell.
  const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), "pool-interrupt-"));
  try {
    const result = await runNotebook(path.join(__dirname, "fixtures", "pool-interrupt.ipynb"), { outputDir, allowErrors: true, timeoutMs: 120_000 });
    assert.ok(result.notebook, "the executed notebook is returned");
    const cells = result.notebook.cells.filter((c) => c.cell_type === "code").map((c) => text((c as { outputs: Output[] }).outputs));
    const detail = `${JSON.stringify(result.error)}\n${cells.join("\n---\n")}`;
    assert.equal(result.status, "passed", `the kernel answered both interrupts (it was not killed): ${detail}`);
    assert.deepEqual(result.cells.map((c) => c.status), ["passed", "failed", "passed", "failed", "passed", "passed"], detail);
    assert.match(cells[2]!, /PROCESS AFTER \[2,4,6\]/);
    assert.match(cells[2]!, /BUSY WORKERS ALIVE 0/, "the processes running the interrupted tasks were stopped");
    assert.match(cells[4]!, /THREAD AFTER \[2,4,6\]/);
    const cpu = Number(/CPU WHILE IDLE (\S+)/.exec(cells[4]!)?.[1]);
    assert.ok(cpu < 0.5, `threads running the interrupted tasks were stopped (an idle second used ${cpu} s of CPU)`);
  } finally {
    fs.rmSync(outputDir, { recursive: true, force: true });
  }
});
