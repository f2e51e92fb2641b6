// Every course notebook, run headless through a real Jupyter server and the tslab kernel, the way CI
// and an instructor's "run everything" do: instructor sources and the root notebooks pass with every
// value check ✔ (a lesson's timing that misses its threshold on a loaded CI machine is reported, not
// failed); student hand-outs run to their end, where only the exercise stubs raise and their checks say so. Slow demos run with TIME_SCALE 0.1. Each notebook also runs under papermill (nbclient,
// with papermill-typescript's injected parameters), one after the other so timings do not share the
// cores, and both executors must print the same self-checks with the same verdicts (a timing that lands
// on the other side of its threshold excepted): a quirk of our runner cannot hide a notebook that fails
// elsewhere.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { jupyterDataDir, notebooksDir, readJupyterEnv } from "./jupyter/paths";
import { notebooksIn, readNotebook, sourceText, type Notebook, type Output } from "./notebook/nbformat";
import { disagreements, isMeasurementVerdict, verdicts, type Verdict } from "./notebook/verdicts";
import { connect, defaultOutputDir, runNotebook, type NotebookResult, type RunnerConnection } from "./runner";

const outputDir = defaultOutputDir;

function outputText(output: Output): string {
  if (output.output_type === "stream") return sourceText(output.text);
  if (output.output_type === "error") return `${output.ename}: ${output.evalue}`;
  const plain = output.data["text/plain"];
  return typeof plain === "string" || Array.isArray(plain) ? sourceText(plain as string | string[]) : "";
}

/** Every line the executed notebook printed, with the index of its cell. */
function printedLines(nb: Notebook): { cell: number; line: string }[] {
  const lines: { cell: number; line: string }[] = [];
  nb.cells.forEach((cell, index) => {
    if (cell.cell_type !== "code") return;
    for (const output of cell.outputs) for (const line of outputText(output).split("\n")) if (line.trim()) lines.push({ cell: index, line });
  });
  return lines;
}

function describeFailure(result: NotebookResult): string {
  const e = result.error;
  return e ? `cell ${e.cellIndex}: ${e.ename}: ${e.evalue}` : "failed";
}

/** The self-check lines among a notebook's printed lines. */
const checksOf = (lines: readonly { line: string }[]): Verdict[] => verdicts(lines.map((l) => l.line).join("\n"));

const papermillOut = fs.mkdtempSync(path.join(os.tmpdir(), "course-papermill-"));

/** Runs `file` under papermill in the notebook's folder; the executed copy goes to a temp folder, never beside the source. */
async function papermill(file: string): Promise<Notebook> {
  const out = path.join(papermillOut, `${path.basename(path.dirname(file))}-${path.basename(file)}`);
  const bin = path.join(path.dirname(readJupyterEnv().python), "papermill");
  const child = spawn(bin, [file, out, "-p", "TIME_SCALE", "0.1", "--cwd", path.dirname(file), "--no-progress-bar", "--execution-timeout", "600"], {
    env: { ...process.env, JUPYTER_PATH: jupyterDataDir, KERNEL_HELPERS_HEADLESS: "1" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-4000)));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  assert.equal(code, 0, `papermill failed on ${file}:\n${stderr}`);
  return readNotebook(out);
}

let connection: RunnerConnection;
before(async () => {
  connection = await connect({});
});
after(async () => {
  await connection?.close();
  fs.rmSync(papermillOut, { recursive: true, force: true });
});

async function run(file: string, allowFailedChecks = false): Promise<{ result: NotebookResult; lines: { cell: number; line: string }[] }> {
  const result = await runNotebook(file, { connection, outputDir, parameters: { TIME_SCALE: 0.1 }, allowFailedChecks });
  assert.ok(result.notebook, `${file} could not be read`);
  return { result, lines: printedLines(result.notebook) };
}

describe("00-check-setup", () => {
  test("prints the versions, the core count and the worker's result", async () => {
    const { result, lines } = await run(path.join(notebooksDir, "00-check-setup.ipynb"));
    assert.equal(result.status, "passed", describeFailure(result));
    const text = lines.map((l) => l.line).join("\n");
    assert.match(text, /node v20\.\d+\.\d+, tslab \d+\.\d+\.\d+, TypeScript \d+\.\d+/);
    assert.match(text, new RegExp(`cores: ${os.availableParallelism()}\\b`));
    assert.match(text, /thread [1-9]\d* summed 1\.\.1e6 = 500000500000/, "the worker's result, from a thread other than the notebook's");
    assert.match(text, /✔ worker thread/);
    assert.doesNotMatch(text, /✘/);
  });
});

const sources = [...notebooksIn(notebooksDir).filter((f) => !f.endsWith("00-check-setup.ipynb")), ...notebooksIn(path.join(notebooksDir, "instructor"))];

describe("instructor notebooks: every cell runs, every value check ✔ (a missed timing is reported)", () => {
  for (const file of sources) {
    test(path.relative(notebooksDir, file), async (t) => {
      // The runner fails a notebook on any ✘ (as `npm run notebooks` does for an instructor); here every
      // ✘ is judged: a value check must pass, a lesson's timing that lands on the other side of its
      // threshold on this loaded two-core machine is reported (the browser test does the same). A
      // timing that never shows the lesson still fails its notebook for an instructor's run.
      const { result, lines } = await run(file, true);
      assert.equal(result.status, "passed", describeFailure(result));
      const failed = result.failedChecks.map((c) => ({ cell: c.cellIndex, line: c.line }));
      const unexplained = failed.filter((c) => !isMeasurementVerdict(c.line));
      assert.deepEqual(unexplained, [], `self-checks failed: ${unexplained.map((l) => `cell ${l.cell}: ${l.line}`).join("; ")}`);
      for (const c of failed.filter((c) => isMeasurementVerdict(c.line))) t.diagnostic(`runner, a timing on the other side of its threshold: cell ${c.cell}: ${c.line}`);
      const theirs = checksOf(printedLines(await papermill(file)));
      assert.deepEqual(disagreements(checksOf(lines), theirs), [], "papermill's self-checks differ from the runner's");
      for (const v of theirs.filter((v) => v.mark === "✘")) t.diagnostic(`papermill, a timing on the other side of its threshold: ${v.line}`);
    });
  }
});

describe("student notebooks: run to the end, only exercise stubs raise", () => {
  for (const file of notebooksIn(path.join(notebooksDir, "student"))) {
    test(path.relative(notebooksDir, file), async () => {
      // Unfilled on purpose: their exercise checks print ✘.
      const { result, lines } = await run(file, true);
      assert.equal(result.status, "passed", describeFailure(result));
      const nb = result.notebook!;
      const lastCode = nb.cells.map((c, i) => (c.cell_type === "code" ? i : -1)).filter((i) => i >= 0).pop();
      const statuses = new Map(result.cells.map((c) => [c.index, c.status]));
      assert.notEqual(statuses.get(lastCode!), "not-run", "the notebook did not run to its last cell");
      // Each stub raised "not implemented" (an expected error), and nothing else did — except the
      // demos the instructor's source itself tags raises-exception (a deadlock, a captured variable…).
      const instructor = readNotebook(path.join(notebooksDir, "instructor", path.basename(file)));
      const demos = new Set(instructor.cells.filter((c) => c.metadata.tags?.includes("raises-exception")).map((c) => c.id));
      for (const cell of result.cells.filter((c) => c.status === "expected-error")) {
        const cellText = nb.cells[cell.index]!;
        if (demos.has(cellText.id)) continue;
        const errors = cellText.cell_type === "code" ? cellText.outputs.filter((o) => o.output_type === "error") : [];
        assert.ok(
          errors.some((o) => o.output_type === "error" && /not implemented/.test(o.evalue)),
          `cell ${cell.index} raised something other than the stub's "not implemented"`,
        );
      }
      const ticks = lines.filter((l) => /✘|not implemented/.test(l.line));
      if (result.cells.some((c) => c.status === "expected-error")) assert.ok(ticks.length > 0, "no self-check reported the unimplemented exercises");
      assert.deepEqual(disagreements(checksOf(lines), checksOf(printedLines(await papermill(file)))), [], "papermill's self-checks differ from the runner's");
    });
  }
});
