// The Python side by side against the real course venv: real scripts, a real hang, real garbage.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import {
  PythonExitError,
  PythonModuleMissingError,
  PythonNotFoundError,
  PythonOutputError,
  PythonTimeoutError,
  InvalidArgumentError,
  exampleArgv,
  findExamplesDir,
  runPythonExample,
  showPythonSideBySide,
  sideBySideChartSpec,
  sideBySideRows,
} from "../../src";

const examples = findExamplesDir()!;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "kh-python-test-"));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** A folder of fake examples: `futures.py` holds `source`, next to the real _common.py. */
function fakeExamples(name: string, source: string): string {
  const dir = fs.mkdtempSync(path.join(scratch, "ex-"));
  fs.copyFileSync(path.join(examples, "_common.py"), path.join(dir, "_common.py"));
  fs.writeFileSync(path.join(dir, `${name}.py`), source);
  return dir;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `body` (which may use `showPythonSideBySide` and `ours`) in a fresh Node process and returns
 * what it printed: the test runner talks to this process over its stdout, so capturing it here
 * would swallow the runner's own messages.
 */
function printed(body: string, env: Record<string, string> = {}): { stdout: string; status: number | null } {
  const source = `const { showPythonSideBySide } = require(${JSON.stringify(path.resolve(__dirname, "../../src"))});\n(async () => {\n${body}\n})().catch((e) => { console.error(e); process.exit(1); });`;
  const run = spawnSync(process.execPath, ["--import", "tsx", "-e", source], { encoding: "utf8", env: { ...process.env, ...env } });
  return { stdout: run.stdout, status: run.status };
}

test("exampleArgv turns snake_case and camelCase names into --kebab-case options", () => {
  assert.deepEqual(exampleArgv({ time_scale: 0.1, cValues: [0.001, 10], words: "a b", verbose: true, quiet: false, skip: undefined }), [
    "--time-scale", "0.1", "--c-values", "0.001,10", "--words", "a b", "--verbose",
  ]);
});

test("futures runs on the venv's Python and reports concurrent.futures' timings", async () => {
  const result = await runPythonExample("futures", { time_scale: 0.02 });
  assert.equal(result.example, "futures");
  assert.equal(result.extra.result, 140);
  assert.deepEqual(result.rows.map((r) => [r.label, r.workers]), [["serial", 1], ["ProcessPoolExecutor(4)", 4], ["ThreadPoolExecutor(4)", 4]]);
  assert.ok(result.rows.every((r) => r.seconds > 0));
  assert.match(result.python, /^3\.\d+/);
});

test("dask_array reads its package versions from the Python itself (dask 2026, numpy 2)", async () => {
  const result = await runPythonExample("dask_array", { time_scale: 1, size: 20_000, chunks: 5_000 });
  assert.ok(Number(result.versions.dask!.split(".")[0]) >= 2026, `dask ${result.versions.dask}`);
  assert.equal(result.versions.numpy!.split(".")[0], "2");
  assert.equal(result.rows[0]!.mean, result.rows[1]!.mean, "both schedulers compute the same mean");
});

test("the mpi4py example runs on 2 ranks under the venv's mpiexec", async () => {
  const result = await runPythonExample("mpi_pingpong", { time_scale: 0.01 });
  assert.deepEqual(result.rows.map((r) => r.label), ["ping-pong round trip, 8 B", "Allreduce, 2^20 float64 (8 MB)"]);
  assert.match(String(result.extra.mpi_library), /MPI/);
  assert.match(result.versions.mpi4py!, /^4\./);
});

test("a script that hangs is stopped at its time limit with the workers it started", async () => {
  const pidFile = path.join(scratch, "hang-pids.json");
  const dir = fakeExamples("futures", `
import json, multiprocessing, os, sys, time
def sleep_forever():
    time.sleep(600)
if __name__ == "__main__":
    worker = multiprocessing.Process(target=sleep_forever)
    worker.start()
    json.dump([os.getpid(), worker.pid], open(${JSON.stringify(pidFile)}, "w"))
    time.sleep(600)
`);
  await assert.rejects(runPythonExample("futures", {}, { examplesDir: dir, timeoutMs: 1500 }), (error: unknown) => {
    assert.ok(error instanceof PythonTimeoutError);
    assert.equal(error.code, "ERR_PYTHON_TIMEOUT");
    assert.equal(error.timeoutMs, 1500);
    return true;
  });
  const pids = JSON.parse(fs.readFileSync(pidFile, "utf8")) as number[];
  assert.equal(pids.length, 2);
  for (const pid of pids) assert.equal(alive(pid), false, `process ${pid} was left running`);
});

test("a script that prints something other than JSON is a PythonOutputError", async () => {
  const dir = fakeExamples("futures", `print("hello, not JSON")\n`);
  await assert.rejects(runPythonExample("futures", {}, { examplesDir: dir }), (error: unknown) => {
    assert.ok(error instanceof PythonOutputError);
    assert.equal(error.output, "hello, not JSON");
    return true;
  });
});

test("a missing module is named, from the script's own report", async () => {
  const dir = fakeExamples("dask_array", `from _common import require\nrequire("json", "no_such_module_for_this_test")\n`);
  await assert.rejects(runPythonExample("dask_array", {}, { examplesDir: dir }), (error: unknown) => {
    assert.ok(error instanceof PythonModuleMissingError);
    assert.equal(error.module, "no_such_module_for_this_test");
    assert.match(error.message, /npm run setup/);
    return true;
  });
});

test("a script that crashes is a PythonExitError with its last stderr line", async () => {
  const dir = fakeExamples("futures", `raise SystemExit("broken on purpose")\n`);
  await assert.rejects(runPythonExample("futures", {}, { examplesDir: dir }), (error: unknown) => {
    assert.ok(error instanceof PythonExitError);
    assert.equal(error.exitCode, 1);
    assert.equal(error.stderrTail, "broken on purpose");
    return true;
  });
});

test("a missing Python is a PythonNotFoundError saying how to fix it", async () => {
  await assert.rejects(runPythonExample("futures", {}, { python: path.join(scratch, "no-such-python") }), (error: unknown) => {
    assert.ok(error instanceof PythonNotFoundError);
    assert.match(error.message, /does not exist: run `npm run setup`/);
    return true;
  });
});

test("an unknown example is the caller's mistake: InvalidArgumentError listing the known ones", async () => {
  await assert.rejects(runPythonExample("no_such_example"), (error: unknown) => error instanceof InvalidArgumentError && /known: serial_baseline/.test(error.message));
});

test("showPythonSideBySide prints one sentence when Python is missing and resolves", () => {
  const { stdout, status } = printed(`const r = await showPythonSideBySide("futures", [{ label: "serial", seconds: 1, workers: 1 }], { python: "/no/such/python" }); console.log("resolved with " + r);`);
  assert.equal(status, 0);
  assert.match(stdout, /^Python side by side skipped: The Python that the `python` option names \(\/no\/such\/python\) does not exist: run `npm run setup`[^\n]*\nresolved with undefined\n$/);
});

test("the kernel's $PARALLEL_TS_PYTHON wins over build/jupyter/env.json, and a stale one is named", () => {
  const { stdout, status } = printed(`await showPythonSideBySide("futures", [{ label: "serial", seconds: 1 }]);`, { PARALLEL_TS_PYTHON: "/gone/venv/bin/python" });
  assert.equal(status, 0);
  assert.match(stdout, /^Python side by side skipped: The Python that \$PARALLEL_TS_PYTHON names \(\/gone\/venv\/bin\/python\) does not exist/);
});

test("showPythonSideBySide shows a table and a chart of both languages", () => {
  const { stdout, status } = printed(`await showPythonSideBySide("futures", [{ label: "serial", seconds: 0.16, workers: 1 }, { label: "ProcessPoolExecutor(4)", seconds: 0.04, workers: 4 }], { args: { time_scale: 0.02 } });`);
  assert.equal(status, 0, stdout);
  assert.match(stdout, /TypeScript\s+serial\s+1\s+160\.000\s+1\.000\s+1\.000/);
  assert.match(stdout, /Python\s+ThreadPoolExecutor\(4\)\s+4/);
  assert.match(stdout, /\[chart "TypeScript and Python, same example": \d+ bytes of SVG/);
});

test("showPythonSideBySide rejects bad rows of the notebook before running Python", async () => {
  await assert.rejects(showPythonSideBySide("futures", [{ label: "serial", seconds: Number.NaN }]), InvalidArgumentError);
});

test("sideBySideRows: speed-up against each language's own 1-worker row, efficiency per worker", () => {
  const rows = sideBySideRows(
    [{ label: "serial", seconds: 4, workers: 1 }, { label: "2 threads", seconds: 2.5, workers: 2 }],
    [{ label: "serial", seconds: 8, workers: 1 }, { label: "ThreadPool(2)", seconds: 8, workers: 2 }],
  );
  assert.deepEqual(rows.map((r) => [r.language, r.speedup, r.efficiency]), [
    ["TypeScript", 1, 1], ["TypeScript", 1.6, 0.8], ["Python", 1, 1], ["Python", 1, 0.5],
  ]);
  const spec = sideBySideChartSpec(rows) as { data: { values: { text: string }[] } };
  assert.deepEqual(spec.data.values.map((v) => v.text), ["4 s · 1.00×", "2.5 s · 1.60×", "8 s · 1.00×", "8 s · 1.00×"]);
  const mixed = sideBySideRows([{ label: "serial", seconds: 3, workers: 1 }, { label: "a bigger loop", seconds: 4 }], []);
  assert.equal(mixed[1]!.speedup, undefined, "a row without workers gets no speed-up");
  const ms = sideBySideChartSpec(sideBySideRows([{ label: "a", seconds: 0.2096 }, { label: "b", seconds: 0.012 }], [])) as { data: { values: { text: string }[] } };
  assert.deepEqual(ms.data.values.map((v) => v.text), ["210 ms", "12 ms"], "trailing zeros of whole numbers stay");
});
