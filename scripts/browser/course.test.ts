// The course end to end in a real browser, as a student opens it: `npm start`'s JupyterLab 4 with
// headless Debian Chromium driving it (file browser, menu bar, keyboard; `lab.ts`). Every notebook of
// the course, the root ones, the instructor versions and the student hand-outs, is opened from the
// file browser and run with Run ▸ Run All Cells (TIME_SCALE 0.1 typed into its `parameters` cell),
// then judged from the page:
//
// - no error output, except in cells tagged `raises-exception` (which must show theirs);
// - every chart an `<svg>` that the browser rendered, with a non-zero size; every cell that draws one has one;
// - instructor versions: every self-check ✔ (a ✘ that judges a timing on a busy machine is only reported);
//   student versions: every unfilled exercise's check ✘ with a sentence saying what is missing;
// - a screenshot of the whole notebook in build/screenshots/, checked by its pixel size and bytes;
// - Close and Shut Down leaves no process of the notebook's kernel.
//
// Then the paths a student takes beyond Run All: a progress bar that updates one output in place;
// Kernel ▸ Interrupt Kernel stopping a long pool cell within seconds with no worker left; Kernel ▸
// Restart Kernel… leaving no worker, child or rank process; and solving Exercise 3b of student/03
// after Run All (whose last cell closed every pool) to a ✔. Notebook 7 gets a smoke run of 00 and 03.
//
// The UI never saves: autosave is off in the settings the test server starts with, the browser
// refuses every write to /api/contents (it answers JupyterLab's "create a checkpoint" on opening
// without passing it on), and the sources are compared byte for byte at the end.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test, type TestContext } from "node:test";
import type { BrowserContext, Route } from "playwright-core";
import { notebooksDir, projectRoot, readJupyterEnv } from "../jupyter/paths";
import { startJupyterServer, type RunningServer } from "../jupyter/server";
import { notebooksIn, readNotebook, sourceText } from "../notebook/nbformat";
import { isAlive, killAll, pidsWithCommandLine, pidsWithEnv, processSet, processTree, type ProcessSet } from "../runner/processes";
import { chromiumMissing, launchChromium } from "./chromium";
import { isMeasurementVerdict, verdicts } from "../notebook/verdicts";
import { isReadableExerciseFailure, pngSize, screenshotFile, solvedSource, withTimeScale } from "./course-checks";
import type { CellReport, NotebookUi, OpenNotebook } from "./driver";
import { jupyterLabUi, labServerOptions, notebook7Ui, type LabApp } from "./lab";
import { checkSources, snapshotFiles } from "./sources";

/** The TIME_SCALE typed into every `parameters` cell (never saved): the lecture's pace is for lectures. */
const TIME_SCALE = 0.1;
const SCREENSHOTS = path.join(projectRoot, "build", "screenshots");
/** Marks every process this test starts (servers, kernels, their workers, Chromium) in its environment. */
const TAG_NAME = "PARALLEL_TS_BROWSER_TEST";
const CHART_CALL = /\b(show\.(bar|speedup|scatter|line|graph|taskStream)|visualize)\(/;
const CHECK_CALL = /\bcheck(That)?\(/;
/** The exercise whose solving after Run All the test types in (it needs a process pool). */
const SOLVE = { notebook: "student/03-process-parallel.ipynb", exercise: "async function parallelPi(", check: "Exercise 3b" };
/** A screenshot smaller than this, or not taller than the window, is no picture of a whole notebook. */
const MIN_SCREENSHOT_BYTES = 20_000;
const MIN_SCREENSHOT_HEIGHT = 900;

const rootNotebooks = notebooksIn(notebooksDir).map((f) => path.basename(f));
const instructorNotebooks = notebooksIn(path.join(notebooksDir, "instructor")).map((f) => `instructor/${path.basename(f)}`);
const studentNotebooks = notebooksIn(path.join(notebooksDir, "student")).map((f) => `student/${path.basename(f)}`);

function label(cell: CellReport): string {
  return `cell ${cell.index} (${cell.source.split("\n")[0]!.slice(0, 60)}…)`;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Resolves when `ok()` holds (polling /proc or the server), or rejects with `what`. */
async function eventually(what: () => string, ok: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`after ${seconds(timeoutMs)}: ${what()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim().slice(0, 160);
  } catch {
    return "(exited)";
  }
}

/** The processes of `set` still alive (same pid and start time). */
function stillAlive(set: ProcessSet): ProcessSet {
  const now = processSet(set.keys());
  return new Map([...now].filter(([pid, start]) => set.get(pid) === start));
}

function describe(set: ProcessSet): string {
  return [...set.keys()].map((pid) => `${pid}: ${commandLine(pid)}`).join("; ");
}

/** The tslab process of kernel `id`: its command line names the connection file `kernel-<id>.json`. */
async function kernelPid(id: string): Promise<number> {
  let pids: number[] = [];
  await eventually(
    () => `no single tslab process names kernel-${id}.json (found ${pids.join(", ") || "none"})`,
    () => (pids = pidsWithCommandLine(`kernel-${id}.json`).filter((pid) => commandLine(pid).includes("tslab"))).length === 1,
    15_000,
  );
  return pids[0]!;
}

/** The processes the kernel started (its tree without itself). */
function kernelChildren(pid: number): ProcessSet {
  const tree = processTree(pid);
  tree.delete(pid);
  return tree;
}

function newSince(set: ProcessSet, baseline: ProcessSet): ProcessSet {
  return new Map([...set].filter(([pid, start]) => baseline.get(pid) !== start));
}

interface Session {
  readonly ui: NotebookUi;
  readonly context: BrowserContext;
  readonly server: RunningServer;
  /** Put before the screenshots' names: "" for JupyterLab, `notebook7-` for Notebook 7. */
  readonly shotPrefix: string;
}

async function kernelsRunning(server: RunningServer): Promise<string[]> {
  const response = await fetch(`${server.baseUrl}/api/kernels`, { headers: { Authorization: `token ${server.token}` } });
  return ((await response.json()) as { id: string }[]).map((k) => k.id);
}

/** After a notebook failed to open: its kernel may have started, and must not be blamed on the next notebook. */
async function shutDownKernels(server: RunningServer): Promise<void> {
  for (const id of await kernelsRunning(server).catch(() => [] as string[])) {
    await fetch(`${server.baseUrl}/api/kernels/${id}`, { method: "DELETE", headers: { Authorization: `token ${server.token}` } }).catch(() => undefined);
  }
}

/**
 * Opens `notebook`, runs `step` on it, and closes it with File ▸ Close and Shut Down; then no kernel
 * may be left on the server and no process of the notebook's kernel alive. On failure a screenshot
 * named `…-FAILED.png` is kept for the report.
 */
async function withNotebook<T>(session: Session, notebook: string, step: (opened: OpenNotebook, pid: number) => Promise<T>): Promise<T> {
  assert.ok(fs.existsSync(path.join(notebooksDir, notebook)), `${notebook} does not exist${notebook.startsWith("student/") ? ": run `npm run student`" : ""}`);
  const opened = await session.ui.open(session.context, session.server.baseUrl, notebook).catch(async (error: unknown) => {
    await shutDownKernels(session.server);
    throw error;
  });
  let pid: number | undefined;
  let tree: ProcessSet = new Map();
  let result: T;
  try {
    pid = await kernelPid(await opened.kernelId());
    result = await step(opened, pid);
  } catch (error) {
    await opened.screenshot(screenshotFile(SCREENSHOTS, `${session.shotPrefix}${notebook}`, "-FAILED")).catch(() => undefined);
    throw error;
  } finally {
    // The kernel's processes as they are now, for after the shutdown (a restart may have changed the pid).
    if (!opened.page.isClosed()) pid = await opened.kernelId().then(kernelPid).catch(() => pid);
    if (pid !== undefined) tree = processTree(pid);
    await opened.closeAndHalt();
  }
  await eventually(() => `a kernel is still running on the server after Close and Shut Down of ${notebook}`, async () => (await kernelsRunning(session.server)).length === 0, 30_000);
  await eventually(() => `processes of ${notebook}'s kernel outlived Close and Shut Down: ${describe(stillAlive(tree))}`, () => stillAlive(tree).size === 0, 15_000);
  return result;
}

/**
 * Sets the TIME_SCALE, runs every cell from the menu and waits for the end. tslab ignores a cell's
 * `raises-exception` tag and aborts whatever was queued behind a failing cell: there, as a student
 * would, the test runs the rest with Run ▸ Run Selected Cell and All Below (and says so).
 */
async function runAllCells(t: TestContext, opened: OpenNotebook): Promise<CellReport[]> {
  assert.equal(await opened.kernelDisplayName(), "TypeScript", `${opened.path} is not connected to the TypeScript kernel`);
  const parameters = (await opened.codeCells()).find((c) => c.tags.includes("parameters"));
  if (parameters && /const TIME_SCALE =/.test(parameters.source)) await opened.setCellSource(parameters.index, withTimeScale(parameters.source, TIME_SCALE));
  const started = Date.now();
  await opened.runAll();
  let missing = await opened.waitUntilSettled(10 * 60_000);
  for (let resumed = 0; missing.length > 0 && resumed < 3; resumed++) {
    const cells = await opened.codeCells();
    const first = missing[0]!;
    const before = cells.filter((c) => c.index < first).pop();
    assert.ok(
      before && before.tags.includes("raises-exception") && before.errorText !== "",
      `${opened.path}: cells ${missing.join(", ")} never ran, and the cell before them is no raises-exception demo that failed:\n${cells.filter((c) => c.errorText).map((c) => `${label(c)}: ${c.errorText.slice(0, 300)}`).join("\n")}`,
    );
    t.diagnostic(`Run All stopped after ${label(before)}, which raises on purpose (tslab aborts the cells queued behind an error): cells ${missing.join(", ")} run with Run ▸ Run Selected Cell and All Below`);
    await opened.runFrom(first);
    missing = await opened.waitUntilSettled(10 * 60_000);
  }
  const cells = await opened.codeCells();
  t.diagnostic(`Run All took ${seconds(Date.now() - started)} (TIME_SCALE ${parameters ? TIME_SCALE : "none"})`);
  for (const cell of cells) assert.equal(typeof cell.executionCount, "number", `${label(cell)} never ran`);
  return cells;
}

/** The names a student's exercise stubs define (`function NAME(`, or `const NAME =`). */
function exerciseNames(cells: readonly CellReport[]): string[] {
  return cells
    .filter((c) => c.source.includes("// YOUR CODE HERE"))
    .map((c) => /function\*?\s+(\w+)/.exec(c.source)?.[1] ?? /(?:const|let)\s+(\w+)/.exec(c.source)?.[1] ?? "")
    .filter((name) => name !== "");
}

/**
 * Errors and charts, as every version of every notebook must show them. Every cell that draws a
 * chart has one, except those that use an unfilled exercise (`waiting` names them).
 */
function checkErrorsAndCharts(t: TestContext, notebook: string, cells: readonly CellReport[], waiting: readonly string[] = []): void {
  for (const cell of cells) {
    if (cell.tags.includes("raises-exception")) assert.notEqual(cell.errorText, "", `${label(cell)} is tagged raises-exception but shows no error`);
    else assert.equal(cell.errorText, "", `${label(cell)} shows an error:\n${cell.errorText}`);
    cell.charts.forEach((chart, i) => {
      assert.ok(chart.isSvg, `${label(cell)}: chart ${i + 1} is no <svg>`);
      assert.ok(chart.rendered && chart.width > 0 && chart.height > 0, `${label(cell)}: chart ${i + 1} is not rendered (${JSON.stringify(chart)})`);
    });
  }
  const chartCells = cells.filter((c) => CHART_CALL.test(c.source));
  const needsExercise = (cell: CellReport) => waiting.some((name) => new RegExp(`\\b${name}\\b`).test(cell.source));
  for (const cell of chartCells.filter((c) => !needsExercise(c))) assert.ok(cell.charts.length > 0, `${label(cell)} draws a chart, but none rendered:\n${cell.text.slice(0, 500)}`);
  const charts = cells.reduce((n, c) => n + c.charts.length, 0);
  if (chartCells.length > 0) assert.ok(charts > 0, `${notebook} draws no chart`);
  t.diagnostic(`${cells.length} code cells, ${charts} charts (<svg>, rendered, non-zero size)`);
}

/** Instructor versions and root notebooks: every check ✔ (or ○ on one core); a ✘ only if it judges a noisy timing. */
function checkVerdictsPass(t: TestContext, cells: readonly CellReport[]): void {
  const failed: string[] = [];
  let count = 0;
  for (const cell of cells) {
    const found = verdicts(cell.text);
    count += found.length;
    if (CHECK_CALL.test(cell.source)) assert.ok(found.length > 0, `${label(cell)} runs a self-check but prints no verdict:\n${cell.text.slice(0, 500)}`);
    for (const v of found.filter((v) => v.mark === "✘")) {
      if (isMeasurementVerdict(v.line)) t.diagnostic(`timing verdict missed on this machine (allowed): ${label(cell)}: ${v.line}`);
      else failed.push(`${label(cell)}: ${v.line}`);
    }
  }
  assert.deepEqual(failed, [], "a self-check failed");
  t.diagnostic(`${count} self-check lines`);
}

/**
 * Student hand-outs: each exercise (a `// YOUR CODE HERE` stub) is reported ✘ with a readable message
 * by the first cell after it that names it and prints verdicts; no other ✘ but timing ones.
 */
function checkVerdictsOfHandOut(t: TestContext, notebook: string, cells: readonly CellReport[]): void {
  const exercises = cells.filter((c) => c.source.includes("// YOUR CODE HERE"));
  assert.ok(exercises.length > 0, `${notebook} has no exercise ("// YOUR CODE HERE")`);
  for (const exercise of exercises) {
    const name = exerciseNames([exercise])[0];
    assert.ok(name, `${label(exercise)}: no function or variable to find its check by`);
    const uses = new RegExp(`\\b${name}\\b`);
    const reporter = cells.find((c) => c.index >= exercise.index && uses.test(c.source) && verdicts(c.text).length > 0);
    assert.ok(reporter, `no cell reports a verdict on the exercise ${name} (${label(exercise)})`);
    const marks = verdicts(reporter.text);
    assert.ok(
      marks.some((v) => v.mark === "✘" && isReadableExerciseFailure(v.line)),
      `the unfilled exercise ${name} is not reported ✘ with a readable message by ${label(reporter)}:\n${marks.map((v) => v.line).join("\n")}`,
    );
  }
  const unexplained: string[] = [];
  for (const cell of cells) {
    for (const v of verdicts(cell.text).filter((v) => v.mark === "✘")) {
      if (isReadableExerciseFailure(v.line)) continue;
      if (isMeasurementVerdict(v.line)) t.diagnostic(`timing verdict missed on this machine (allowed): ${label(cell)}: ${v.line}`);
      else unexplained.push(`${label(cell)}: ${v.line}`);
    }
  }
  assert.deepEqual(unexplained, [], "a ✘ that says nothing about what is missing");
  t.diagnostic(`${exercises.length} exercises, each reported ✘ with a message`);
}

/** Takes the notebook's screenshot and checks the file: a PNG as wide as the window and taller, of real content. */
async function screenshot(t: TestContext, session: Session, opened: OpenNotebook): Promise<void> {
  const file = screenshotFile(SCREENSHOTS, `${session.shotPrefix}${opened.path}`);
  const stem = path.basename(file, ".png");
  for (const old of fs.readdirSync(SCREENSHOTS)) if (old === `${stem}.png` || new RegExp(`^${stem}-\\d+\\.png$`).test(old)) fs.rmSync(path.join(SCREENSHOTS, old));
  const files = await opened.screenshot(file);
  assert.equal(files[0], file);
  for (const part of files) {
    const size = pngSize(part);
    t.diagnostic(`screenshot: ${path.relative(projectRoot, part)} (${size.width}×${size.height}, ${Math.round(size.bytes / 1024)} KB)`);
    assert.ok(size.width >= 1000, `${part} is ${size.width} px wide`);
    assert.ok(size.height > MIN_SCREENSHOT_HEIGHT || part !== file, `${part} is ${size.height} px tall: not the whole notebook`);
    assert.ok(size.bytes > MIN_SCREENSHOT_BYTES, `${part} has ${size.bytes} bytes: a blank page?`);
  }
}

/** Runs a root notebook or an instructor version, and checks it passes. */
async function courseNotebook(t: TestContext, session: Session, notebook: string, after?: (opened: OpenNotebook) => Promise<void>): Promise<void> {
  await withNotebook(session, notebook, async (opened) => {
    const cells = await runAllCells(t, opened);
    await screenshot(t, session, opened);
    checkErrorsAndCharts(t, notebook, cells);
    checkVerdictsPass(t, cells);
    await after?.(opened);
  });
}

/** Runs a student hand-out as it is handed out, and checks it runs to its end saying what is missing. */
async function handOut(t: TestContext, session: Session, notebook: string, after?: (opened: OpenNotebook, cells: CellReport[]) => Promise<void>): Promise<void> {
  await withNotebook(session, notebook, async (opened) => {
    const cells = await runAllCells(t, opened);
    await screenshot(t, session, opened);
    // Charts of a cell that uses an unfilled exercise may be missing on a hand-out; those drawn must be right.
    checkErrorsAndCharts(t, notebook, cells, exerciseNames(cells));
    checkVerdictsOfHandOut(t, notebook, cells);
    await after?.(opened, cells);
  });
}

/** A progress bar in a cell typed in after Run All: one output element, updated in place. */
async function progressBarUpdatesInPlace(t: TestContext, opened: OpenNotebook): Promise<void> {
  const steps = 20;
  const index = await opened.appendAndRun(
    [
      `import { progress as browserTestProgress } from "kernel-helpers";`,
      `const browserTestBar = browserTestProgress(${steps}, { label: "browser test" });`,
      `for (let i = 0; i < ${steps}; i++) {`,
      `  await new Promise((resolve) => setTimeout(resolve, 200));`,
      `  browserTestBar.tick();`,
      `}`,
      `browserTestBar.done();`,
    ].join("\n"),
  );
  const samples: { count: number; key?: string; text: string }[] = [];
  let finished = false;
  const done = opened.waitUntilCellRan(index, 60_000).then(() => void (finished = true));
  done.catch(() => undefined);
  while (!finished) {
    const elements = await opened.outputElements(index);
    samples.push({ count: elements.length, key: elements[0]?.key, text: elements[0]?.text ?? "" });
    await new Promise((r) => setTimeout(r, 100));
  }
  await done;
  const final = await opened.outputElements(index);
  const shown = samples.filter((s) => s.count > 0);
  const texts = new Set(shown.map((s) => s.text));
  t.diagnostic(`progress bar: ${samples.length} samples while it ran, ${texts.size} different texts, final: ${final[0]?.text.trim()}`);
  assert.ok(samples.every((s) => s.count <= 1), `the progress bar piled up lines: output element counts ${samples.map((s) => s.count).join(", ")}`);
  assert.equal(final.length, 1, `the progress cell ends with ${final.length} output elements`);
  assert.ok(new Set([...shown.map((s) => s.key), final[0]!.key]).size === 1, "the progress bar's output element was replaced, not updated in place");
  assert.ok(texts.size >= 3, `the progress bar did not visibly move while the cell ran: ${[...texts].join(" | ")}`);
  assert.match(final[0]!.text, new RegExp(`${steps}/${steps}.*done`), "the progress bar does not end at 100 % and done");
}

/** A cell with a process pool on a long map: Kernel ▸ Interrupt Kernel must end it within seconds, workers gone. */
async function interruptStopsAPool(t: TestContext, opened: OpenNotebook, pid: number): Promise<void> {
  const baseline = kernelChildren(pid);
  const index = await opened.appendAndRun(
    [
      `import { ProcessPool as BrowserTestPool } from "kernel-helpers";`,
      `const browserTestPool = new BrowserTestPool(2);`,
      `try {`,
      `  console.log("two workers, four tasks of a minute each");`,
      `  await browserTestPool.map(async (ms: number) => { await new Promise((resolve) => setTimeout(resolve, ms)); return ms; }, [60_000, 60_000, 60_000, 60_000]);`,
      `} finally {`,
      `  await browserTestPool.terminate();`,
      `}`,
    ].join("\n"),
  );
  await opened.waitUntilCellRunning(index, 60_000);
  let workers: ProcessSet = new Map();
  await eventually(
    () => `the pool's two worker processes never appeared under the kernel (pid ${pid})`,
    () => (workers = new Map([...newSince(kernelChildren(pid), baseline)].filter(([p]) => commandLine(p).includes("process-worker")))).size >= 2,
    60_000,
  );
  const interruptedAt = Date.now();
  await opened.interrupt();
  await opened.waitUntilCellRan(index, 60_000);
  const took = Date.now() - interruptedAt;
  t.diagnostic(`the pool cell stopped ${seconds(took)} after Kernel ▸ Interrupt Kernel`);
  assert.ok(took < 10_000, `the pool cell took ${seconds(took)} to stop after the interrupt`);
  const stopped = (await opened.codeCells()).find((c) => c.index === index)!;
  assert.notEqual(stopped.errorText, "", `the interrupted cell ended without an error:\n${stopped.text}`);
  t.diagnostic(`the interrupted cell says: ${stopped.errorText.trim().split("\n")[0]}`);
  await eventually(() => `worker processes outlived the interrupt: ${describe(stillAlive(workers))}`, () => stillAlive(workers).size === 0, 10_000);
  await eventually(() => `processes of the interrupted cell are left under the kernel: ${describe(newSince(kernelChildren(pid), baseline))}`, () => newSince(kernelChildren(pid), baseline).size === 0, 10_000);
  // tslab refuses requests for 200 ms after an error; the kernel must then work as before.
  await new Promise((r) => setTimeout(r, 300));
  const sum = await opened.appendAndRun("1 + 1");
  await opened.waitUntilCellRan(sum, 60_000);
  const after = (await opened.codeCells()).find((c) => c.index === sum)!;
  assert.equal(after.errorText, "", `1 + 1 failed after the interrupt:\n${after.errorText}`);
  assert.equal(after.text.trim(), "2", `1 + 1 after the interrupt shows ${JSON.stringify(after.text)}`);
}

/** A pool, a child process and mpirun's rank processes alive in a cell: Kernel ▸ Restart Kernel… must leave none of them. */
async function restartLeavesNoProcess(t: TestContext, opened: OpenNotebook, pid: number): Promise<void> {
  const baseline = kernelChildren(pid);
  const index = await opened.appendAndRun(
    [
      `import { ProcessPool as BrowserTestKeptPool, mpirun as browserTestMpirun } from "kernel-helpers";`,
      `import { spawn as browserTestSpawn } from "node:child_process";`,
      `const browserTestKeptPool = new BrowserTestKeptPool(2);`,
      `await browserTestKeptPool.map((x: number) => x * 2, [1, 2]);`,
      `const browserTestChild = browserTestSpawn("sleep", ["600"], { stdio: "ignore" });`,
      `console.log(\`pool of two, child \${browserTestChild.pid}, two ranks for ten minutes\`);`,
      `await browserTestMpirun(2, async () => { await new Promise((resolve) => setTimeout(resolve, 600_000)); }, { transport: "processes" });`,
    ].join("\n"),
  );
  await opened.waitUntilCellRunning(index, 60_000);
  let started: ProcessSet = new Map();
  const kinds = (set: ProcessSet) => {
    const lines = [...set.keys()].map(commandLine);
    return { workers: lines.filter((l) => l.includes("process-worker")).length, sleep: lines.filter((l) => /^sleep 600/.test(l)).length, all: lines.length };
  };
  // Two workers, the sleep, two ranks: at least five processes beside the kernel's own.
  await eventually(
    () => `the cell's processes never all appeared under the kernel (pid ${pid}): ${describe(newSince(kernelChildren(pid), baseline))}`,
    () => {
      started = newSince(kernelChildren(pid), baseline);
      const k = kinds(started);
      return k.workers >= 2 && k.sleep === 1 && k.all >= 5;
    },
    60_000,
  );
  const old = new Map([...started, [pid, processSet([pid]).get(pid)!]]);
  t.diagnostic(`before the restart: kernel ${pid} with ${started.size} processes: ${describe(started)}`);
  const restartedAt = Date.now();
  await opened.restartKernel(120_000);
  const id = await opened.kernelId();
  let fresh = pid;
  await eventually(() => `Kernel ▸ Restart Kernel… left the old kernel process ${pid} and started no other`, async () => !isAlive(pid) && (fresh = await kernelPid(id)) !== pid, 30_000);
  t.diagnostic(`the kernel restarted in ${seconds(Date.now() - restartedAt)}: pid ${pid} → ${fresh}`);
  await eventually(() => `processes of the old kernel outlived the restart: ${describe(stillAlive(old))}`, () => stillAlive(old).size === 0, 15_000);
  const sum = await opened.appendAndRun("1 + 1");
  await opened.waitUntilCellRan(sum, 60_000);
  assert.equal((await opened.codeCells()).find((c) => c.index === sum)!.text.trim(), "2", "1 + 1 fails in the restarted kernel");
}

/** After Run All of the hand-out (its last cell closes every pool), the student solves Exercise 3b and re-runs it and its check. */
async function solveAfterRunAll(t: TestContext, opened: OpenNotebook, cells: readonly CellReport[]): Promise<void> {
  const exercise = cells.find((c) => c.source.includes(SOLVE.exercise));
  assert.ok(exercise, `${SOLVE.notebook} has no cell with ${SOLVE.exercise}`);
  const check = cells.find((c) => c.index > exercise.index && c.source.includes(SOLVE.check) && CHECK_CALL.test(c.source));
  assert.ok(check, `${SOLVE.notebook} has no check of ${SOLVE.check} after its exercise`);
  assert.ok(verdicts(check.text).some((v) => v.mark === "✘"), `${SOLVE.check} passes before it is solved:\n${check.text}`);
  const instructor = readNotebook(path.join(notebooksDir, "instructor", path.basename(SOLVE.notebook)));
  const solution = instructor.cells.map((c) => sourceText(c.source)).find((s) => s.includes(SOLVE.exercise) && s.includes("// BEGIN SOLUTION"));
  assert.ok(solution, `the instructor version of ${SOLVE.notebook} has no solution of ${SOLVE.exercise}`);
  await opened.setCellSource(exercise.index, solvedSource(exercise.source, solution));
  await opened.runCell(exercise.index);
  await opened.waitUntilCellRan(exercise.index, 60_000);
  await opened.runCell(check.index);
  await opened.waitUntilCellRan(check.index, 120_000);
  const after = await opened.codeCells();
  for (const cell of [after.find((c) => c.index === exercise.index)!, after.find((c) => c.index === check.index)!]) {
    assert.equal(cell.errorText, "", `${label(cell)} fails after solving the exercise:\n${cell.errorText}`);
  }
  const checked = after.find((c) => c.index === check.index)!;
  const marks = verdicts(checked.text);
  assert.ok(marks.length > 0 && marks.every((v) => v.mark === "✔"), `${SOLVE.check} after solving it:\n${checked.text}`);
  t.diagnostic(`solved after Run All: ${marks.map((v) => v.line).join("; ")}`);
}

function removeIfEmpty(dir: string): void {
  try {
    fs.rmdirSync(dir); // fails on a folder with files in it: those are not ours to delete
  } catch {
    /* absent or not empty */
  }
}

/**
 * The processes still carrying this run's tag: waits up to 15 s for them to go, then kills and
 * describes any left.
 */
async function leftoverProcesses(tag: string): Promise<string[]> {
  const deadline = Date.now() + 15_000;
  let left = pidsWithEnv(TAG_NAME, tag);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    left = pidsWithEnv(TAG_NAME, tag);
  }
  if (left.length === 0) return [];
  const commands = left.map((pid) => `${pid}: ${commandLine(pid)}`);
  await killAll(processSet(left));
  return commands;
}

test("the course in a real browser, as a student opens it", { skip: chromiumMissing(), timeout: 30 * 60_000 }, async (t) => {
  readJupyterEnv(); // the set-up must have run: it says so otherwise
  assert.ok(instructorNotebooks.length > 0, "no instructor notebooks");
  assert.equal(studentNotebooks.length, instructorNotebooks.length, "not every instructor notebook has a student version: run `npm run student`");

  const sources = [...rootNotebooks, ...instructorNotebooks, ...studentNotebooks].map((p) => path.join(notebooksDir, p));
  const snapshot = snapshotFiles(sources);
  // Opening a notebook may make the server create an (empty) checkpoint folder beside it.
  const checkpointDirs = [...new Set(sources.map((file) => path.join(path.dirname(file), ".ipynb_checkpoints")))].filter((dir) => !fs.existsSync(dir));
  const tag = randomBytes(8).toString("hex");
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "course-browser-"));
  fs.mkdirSync(SCREENSHOTS, { recursive: true });

  const blockedWrites: string[] = [];
  let checkpointsAnswered = 0;
  // Only the browser talks to these servers, so refusing its writes means no file can change.
  const guard = (route: Route) => {
    const request = route.request();
    const where = new URL(request.url()).pathname;
    if (request.method() === "GET") return route.continue();
    // JupyterLab creates a checkpoint when it opens a notebook that has none, and will not open it
    // if that fails: answer as the server would, without letting the copy be written.
    if (request.method() === "POST" && /\/api\/contents\/.+\/checkpoints$/.test(where)) {
      checkpointsAnswered++;
      return route.fulfill({ status: 201, contentType: "application/json", body: JSON.stringify({ id: "checkpoint", last_modified: new Date().toISOString() }) });
    }
    blockedWrites.push(`${request.method()} ${where}`);
    return route.abort("accessdenied");
  };

  const servers: RunningServer[] = [];
  const running: RunningServer[] = [];
  const contexts: BrowserContext[] = [];
  const start = async (app: LabApp, ui: NotebookUi, shotPrefix: string): Promise<Session> => {
    const options = labServerOptions(app, path.join(stateDir, app));
    // As `npm start` does (scripts/start.ts), plus the tag in the environment of every kernel, and
    // live progress bars (a headless setting from the caller's environment would print lines).
    const server = await startJupyterServer({ rootDir: notebooksDir, app, env: { ...options.env, [TAG_NAME]: tag, KERNEL_HELPERS_HEADLESS: "0" }, extraArgs: options.extraArgs });
    servers.push(server);
    running.push(server);
    const context = await launchChromium(path.join(stateDir, `${app}-profile`), { [TAG_NAME]: tag });
    contexts.push(context);
    await context.route("**/api/contents/**", guard);
    await ui.login(context, server.browserUrl);
    return { ui, context, server, shotPrefix };
  };
  const stop = async () => {
    for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
    for (const server of running.splice(0)) await server.stop();
  };

  const startedAt = Date.now();
  let failure: unknown;
  try {
    const lab = await start("lab", jupyterLabUi, "");
    const sub = { timeout: 12 * 60_000 };

    for (const notebook of rootNotebooks) {
      await t.test(notebook, sub, (t) => courseNotebook(t, lab, notebook, notebook.startsWith("99-") ? (opened) => progressBarUpdatesInPlace(t, opened) : undefined));
    }
    for (const notebook of instructorNotebooks) await t.test(notebook, sub, (t) => courseNotebook(t, lab, notebook));
    for (const notebook of studentNotebooks) {
      await t.test(notebook, sub, (t) => handOut(t, lab, notebook, notebook === SOLVE.notebook ? (opened, cells) => solveAfterRunAll(t, opened, cells) : undefined));
    }
    await t.test("Kernel ▸ Interrupt Kernel stops a long pool cell; Kernel ▸ Restart Kernel… leaves no worker, child or rank", sub, (t) =>
      withNotebook(lab, "00-check-setup.ipynb", async (opened, pid) => {
        await t.test("Kernel ▸ Interrupt Kernel", (t) => interruptStopsAPool(t, opened, pid));
        await t.test("Kernel ▸ Restart Kernel…", (t) => restartLeavesNoProcess(t, opened, pid));
      }),
    );
    await stop();

    const notebook7 = await start("notebook", notebook7Ui, "notebook7-");
    for (const notebook of ["00-check-setup.ipynb", "instructor/03-process-parallel.ipynb"]) {
      await t.test(`Notebook 7: ${notebook}`, sub, (t) => courseNotebook(t, notebook7, notebook));
    }
  } catch (error) {
    failure = error;
  } finally {
    await stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
    for (const dir of checkpointDirs) removeIfEmpty(dir);
  }
  t.diagnostic(`the browser test took ${seconds(Date.now() - startedAt)}; JupyterLab's checkpoint requests answered without writing: ${checkpointsAnswered}`);
  // Checked even when a step above failed; that failure is reported first.
  const problems: string[] = [];
  for (const change of checkSources(snapshot)) {
    problems.push(`the source ${path.relative(projectRoot, change.file)} changed during the test: ${change.reason}${change.restored ? " (restored)" : ""}`);
  }
  if (blockedWrites.length > 0) problems.push(`the UI tried to write to the server (refused): ${blockedWrites.join(", ")}`);
  for (const server of servers) if (isAlive(server.pid)) problems.push(`the Jupyter server (pid ${server.pid}) is still running`);
  const leftovers = await leftoverProcesses(tag);
  if (leftovers.length > 0) problems.push(`processes of the test outlived it (killed now):\n  ${leftovers.join("\n  ")}`);
  if (failure !== undefined) {
    for (const problem of problems) t.diagnostic(problem);
    throw failure;
  }
  assert.deepEqual(problems, []);
});
