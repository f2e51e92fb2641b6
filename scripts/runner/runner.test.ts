// The runner on the real tslab kernel and a real Jupyter server (one for the whole file), on the
// deliberately bad notebooks in fixtures/. The last check scans /proc: nothing the server or its
// kernels started may outlive the suite.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { sourceText, type CodeCell, type Notebook } from "../notebook/nbformat";
import { main } from "./cli";
import { connect, RUNNER_ID_ENV, runNotebook, runNotebooks, type NotebookResult, type RunNotebookOptions, type RunnerConnection } from "./index";
import { isAlive, pidsWithEnv } from "./processes";

const fixtures = path.join(__dirname, "fixtures");
const fixture = (name: string) => path.join(fixtures, name);
const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), "runner-test-"));
let connection: RunnerConnection;
const kernelPids: number[] = [];

const options = (extra: RunNotebookOptions = {}): RunNotebookOptions => ({ connection, outputDir, onKernelStart: (e) => e.pid && kernelPids.push(e.pid), ...extra });
const codeCell = (nb: Notebook | null, index: number) => nb!.cells[index] as CodeCell;
const stdout = (cell: CodeCell) => cell.outputs.map((o) => (o.output_type === "stream" && o.name === "stdout" ? sourceText(o.text) : "")).join("");
const written = (result: NotebookResult) => JSON.parse(fs.readFileSync(result.outputPath!, "utf8")) as Notebook;

// Every fixture runs once, three kernels at a time, in `before`; the tests read the results.
const names = [
  "invalid-json.ipynb", "unknown-kernel.ipynb", "type-error.ipynb", "runtime-error-cell-3.ipynb",
  "raises-exception.ipynb", "raises-exception-missing.ipynb", "infinite-loop.ipynb", "busy-after-await.ipynb",
  "process-exit.ipynb", "children.ipynb", "outputs.ipynb",
];
const results = new Map<string, NotebookResult>();
const result = (name: string) => results.get(name)!;

before(async () => {
  connection = await connect();
  const all = await runNotebooks(names.map(fixture), { ...options(), jobs: 3, interruptGraceMs: 2000 });
  names.forEach((name, i) => results.set(name, all[i]!));
});

after(async () => {
  await connection.close();
  fs.rmSync(outputDir, { recursive: true, force: true });
  // Everything our server started carries its runner id in its environment.
  assert.deepEqual(pidsWithEnv(RUNNER_ID_ENV, connection.runnerId!), []);
  assert.deepEqual(kernelPids.filter(isAlive), []);
});

describe("runNotebook on bad notebooks", () => {
  it("reports invalid JSON without starting a kernel", () => {
    const result = results.get("invalid-json.ipynb")!;
    assert.equal(result.status, "failed");
    assert.equal(result.error?.code, "ERR_NOTEBOOK_FORMAT");
    assert.equal(result.error?.cellIndex, null);
    assert.equal(result.outputPath, undefined);
  });

  it("reports an unknown kernel and still writes the notebook", () => {
    const result = results.get("unknown-kernel.ipynb")!;
    assert.equal(result.error?.code, "ERR_NO_SUCH_KERNEL");
    assert.match(result.error!.evalue, /no-such-kernel/);
    assert.deepEqual(result.cells.map((c) => c.status), ["not-run"]);
    assert.ok(fs.existsSync(result.outputPath!));
  });

  it("turns a type error into an error output", () => {
    const result = results.get("type-error.ipynb")!;
    assert.equal(result.error?.code, "ERR_CELL_EXECUTION");
    assert.equal(result.error?.ename, "TypeScriptError");
    assert.match(result.error!.evalue, /^1:7 - Type 'string' is not assignable to type 'number'/);
    const outputs = codeCell(result.notebook, 0).outputs;
    assert.deepEqual(outputs.map((o) => o.output_type), ["error"]);
  });

  it("stops at a runtime error in cell 3 of 5 and writes what ran", () => {
    const result = results.get("runtime-error-cell-3.ipynb")!;
    assert.equal(result.status, "failed");
    assert.deepEqual({ ...result.error, path: undefined, message: undefined }, { ...result.error, path: undefined, message: undefined, cellIndex: 2, ename: "RangeError", evalue: "cell three failed", code: "ERR_CELL_EXECUTION" });
    assert.deepEqual(result.cells.map((c) => c.status), ["passed", "passed", "failed", "not-run", "not-run"]);
    const nb = written(result);
    assert.equal(stdout(codeCell(nb, 2)), "cell 3 starts\n");
    assert.deepEqual(codeCell(nb, 2).outputs.at(-1), { output_type: "error", ename: "RangeError", evalue: "cell three failed", traceback: (codeCell(nb, 2).outputs.at(-1) as { traceback: string[] }).traceback });
    assert.deepEqual([codeCell(nb, 3).outputs, codeCell(nb, 4).outputs], [[], []]);
    assert.equal(codeCell(nb, 3).execution_count, null);
  });

  it("accepts an expected error and runs the next cell despite tslab's abort window", () => {
    const result = results.get("raises-exception.ipynb")!;
    assert.equal(result.status, "passed", JSON.stringify(result.error));
    assert.deepEqual(result.cells.map((c) => c.status), ["expected-error", "passed"]);
    assert.equal(stdout(codeCell(result.notebook, 2)), "ran after the expected error\n");
  });

  it("fails a raises-exception cell that does not raise", () => {
    const result = results.get("raises-exception-missing.ipynb")!;
    assert.equal(result.error?.code, "ERR_CELL_DID_NOT_RAISE");
    assert.equal(result.error?.cellIndex, 0);
  });

  it("ends a synchronous infinite loop and a busy loop after an await by the timeout, and runs the next notebook", () => {
    const [loop, busy] = [result("infinite-loop.ipynb"), result("busy-after-await.ipynb")];
    const next = result("outputs.ipynb");
    assert.equal(loop!.error?.code, "ERR_CELL_TIMEOUT");
    assert.equal(loop!.error?.cellIndex, 1);
    assert.equal((loop!.error as { killed?: boolean }).killed, false, "a synchronous loop answers SIGINT");
    assert.equal(busy!.error?.code, "ERR_CELL_TIMEOUT");
    assert.equal((busy!.error as { killed?: boolean }).killed, true, "a loop after an await must be killed");
    assert.equal(next!.status, "passed");
  });

  it("with allowErrors, goes on after a timed-out cell whose kernel answered the interrupt", async () => {
    const result = await runNotebook(fixture("infinite-loop.ipynb"), options({ allowErrors: true }));
    assert.equal(result.status, "passed", JSON.stringify(result.error));
    assert.deepEqual(result.cells.map((c) => c.status), ["passed", "failed", "passed"]);
    assert.equal(stdout(codeCell(result.notebook, 2)), "not reached\n");
  });

  it("shows a kernel-helpers error as Python shows one: name, message and the cell's frames", async () => {
    const result = await runNotebook(fixture("helper-error.ipynb"), options());
    assert.equal(result.error?.ename, "PoolClosedError");
    assert.equal(result.error?.evalue, "ProcessPool.map: the pool is terminated; create a new pool");
    const error = codeCell(result.notebook, 1).outputs.find((o) => o.output_type === "error");
    assert.ok(error?.output_type === "error");
    assert.ok(error.traceback.length >= 2, error.traceback.join("\n"));
    // No frame of kernel-helpers, node's vm or tslab; no `code:` field.
    for (const line of error.traceback.slice(1)) assert.match(line, /^\s+at .*evalmachine\.<anonymous>:\d+/, error.traceback.join("\n"));
  });

  it("reports a kernel that exits", () => {
    const result = results.get("process-exit.ipynb")!;
    assert.equal(result.error?.code, "ERR_DEAD_KERNEL");
    assert.equal(result.error?.cellIndex, 1);
    assert.deepEqual(result.cells.map((c) => c.status), ["passed", "failed", "not-run"]);
  });

  it("leaves no worker, child or detached child process alive", () => {
    const result = results.get("children.ipynb")!;
    assert.equal(result.status, "passed", JSON.stringify(result.error));
    const started = JSON.parse(stdout(codeCell(result.notebook, 1))) as { kernel: number; children: number[] };
    assert.equal(started.children.length, 2);
    assert.deepEqual([started.kernel, ...started.children].filter(isAlive), []);
  });
});

describe("runNotebook on good notebooks", () => {
  it("injects parameters after the parameters cell and runs in the notebook's folder", async () => {
    const result = await runNotebook(fixture("parameters.ipynb"), options({ parameters: { TIME_SCALE: 0.1 } }));
    assert.equal(result.status, "passed", JSON.stringify(result.error));
    const injected = codeCell(result.notebook, 2);
    assert.deepEqual(injected.metadata.tags, ["injected-parameters"]);
    assert.deepEqual(JSON.parse(stdout(codeCell(result.notebook, 3))), { timeScale: 0.1, label: "default", cwd: fixtures });
    assert.deepEqual(result.cells.map((c) => c.status), ["passed", "passed", "passed"]);
  });

  it("coalesces streams, applies display updates and records nbclient's timing keys", () => {
    const result = results.get("outputs.ipynb")!;
    assert.equal(result.status, "passed", JSON.stringify(result.error));
    const nb = written(result);
    assert.deepEqual(codeCell(nb, 0).outputs, [
      { output_type: "stream", name: "stdout", text: ["one\n", "two\n"] },
      { output_type: "stream", name: "stderr", text: ["warn\n"] },
      { output_type: "stream", name: "stdout", text: ["three\n"] },
    ]);
    assert.deepEqual(codeCell(nb, 1).outputs, [{ output_type: "display_data", data: { "text/plain": "updated" }, metadata: {} }]);
    assert.equal(stdout(codeCell(nb, 3)), "3\n");
    assert.deepEqual(Object.keys(codeCell(nb, 0).metadata.execution!).sort(), ["iopub.status.busy", "iopub.status.idle", "shell.execute_reply"]);
    assert.deepEqual(nb.cells.map((c) => (c as CodeCell).execution_count), [1, 2, 3, 4]);
  });
});

describe("cli", () => {
  it("rejects a bad argument with one message naming it, before starting anything", async () => {
    const errors: string[] = [];
    const original = console.error;
    console.error = (line: string) => errors.push(line);
    try {
      assert.equal(await main(["--jobs", "0", fixture("outputs.ipynb")]), 2);
      assert.equal(await main(["--no-such-flag"]), 2);
      assert.equal(await main(["does-not-exist.ipynb"]), 2);
    } finally {
      console.error = original;
    }
    assert.match(errors[0]!, /--jobs: expected a positive integer, got "0"/);
    assert.match(errors[1]!, /--no-such-flag/);
    assert.match(errors[2]!, /does-not-exist\.ipynb/);
  });
});
