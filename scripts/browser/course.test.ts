// The course end to end in a real browser, as a student opens it: `npm start`'s server, headless
// Chromium driving the notebook UI (file browser, menus, keyboard), the TypeScript kernel picked
// from the menu, every cell of notebooks 01 and 05 run with Cell → Run All; then the student
// version's exercise, and interrupting a long cell. The UI never saves: autosave goes off as each
// notebook loads, the browser refuses every write to /api/contents, and the sources are compared
// byte for byte at the end.
//
// Skips (with the reason printed) when Debian's Chromium is missing, or when the course is served by
// JupyterLab: only the classic Notebook driver exists so far (see driver.ts for the interface a Lab
// driver would implement).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test, type TestContext } from "node:test";
import type { BrowserContext } from "playwright-core";
import { notebooksDir, projectRoot, readJupyterEnv } from "../jupyter/paths";
import { startJupyterServer, type RunningServer } from "../jupyter/server";
import { isAlive, killAll, pidsWithEnv, processSet } from "../runner/processes";
import { chromiumMissing, launchChromium } from "./chromium";
import { classicNotebookUi } from "./classic";
import type { CellReport, NotebookUi, OpenNotebook } from "./driver";
import { checkSources, snapshotFiles } from "./sources";

interface CourseNotebook {
  readonly path: string;
  /**
   * The TIME_SCALE typed into the `parameters` cell before Run All (never saved), for notebooks
   * too slow to run at the lecture's scale in a test; undefined runs it as a student sees it.
   */
  readonly timeScale?: number;
}

const INSTRUCTOR: readonly CourseNotebook[] = [
  // About 20 s of real waiting at TIME_SCALE = 1: run as the student sees it.
  { path: "instructor/01-serial-baseline.ipynb" },
  // The lecture's 13 000 samples: 3 min 21 s of SVM fits on two cores here (nbconvert, TIME_SCALE = 1).
  { path: "instructor/05-grid-search.ipynb", timeScale: 0.1 },
];
const STUDENT = "student/01-serial-baseline.ipynb";
const SCREENSHOTS = path.join(projectRoot, "build", "screenshots");
/** `build/screenshots/instructor-01-serial-baseline.png` for `instructor/01-serial-baseline.ipynb`. */
const screenshotFile = (notebook: string, suffix = ""): string => path.join(SCREENSHOTS, `${notebook.replace(/\.ipynb$/, "").replace(/\//g, "-")}${suffix}.png`);
/** Marks every process this test starts (server, kernels, their workers, Chromium) in its environment. */
const TAG_NAME = "PARALLEL_TS_BROWSER_TEST";
const CHART_CALL = /\bshow\.(bar|speedup|scatter|line|graph|taskStream)\(/;

function uiFor(app: string): NotebookUi | string {
  if (app === "notebook") return classicNotebookUi;
  return `the course is served by ${app === "lab" ? "JupyterLab" : app}, and only the classic Notebook driver exists (scripts/browser/classic.ts); a JupyterLab driver would implement NotebookUi from scripts/browser/driver.ts`;
}

function label(cell: CellReport): string {
  return `cell ${cell.index} (${cell.source.split("\n")[0]!.slice(0, 60)}…)`;
}

/** Replaces the value of `const TIME_SCALE = …;` in a parameters cell's source. */
function withTimeScale(source: string, scale: number): string {
  const replaced = source.replace(/const TIME_SCALE = [^;\n]+;/, `const TIME_SCALE = ${scale};`);
  assert.notEqual(replaced, source, `the parameters cell has no "const TIME_SCALE = …;" line:\n${source}`);
  return replaced;
}

/** Picks the TypeScript kernel, sets the test's TIME_SCALE if any, and runs every cell from the menu. */
async function runWholeNotebook(t: TestContext, opened: OpenNotebook, nb: CourseNotebook): Promise<void> {
  await opened.chooseKernel("TypeScript");
  assert.equal(await opened.kernelDisplayName(), "TypeScript");
  if (nb.timeScale !== undefined) {
    const parameters = (await opened.codeCells()).find((c) => c.tags.includes("parameters"));
    assert.ok(parameters, `${nb.path} has no cell tagged "parameters"`);
    await opened.setCellSource(parameters.index, withTimeScale(parameters.source, nb.timeScale));
  }
  const started = Date.now();
  await opened.runAll();
  await opened.waitUntilAllRan(15 * 60_000);
  t.diagnostic(`${nb.path}: Run All took ${((Date.now() - started) / 1000).toFixed(1)} s (TIME_SCALE ${nb.timeScale ?? "as in the notebook"})`);
}

/** Runs `step` on an open notebook; on failure keeps a screenshot for the report; always closes it. */
async function withNotebook<T>(opened: OpenNotebook, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    const shot = screenshotFile(opened.path, "-FAILED");
    await opened.screenshot(shot).catch(() => undefined);
    throw error;
  } finally {
    await opened.closeAndHalt();
  }
}

function removeIfEmpty(dir: string): void {
  try {
    fs.rmdirSync(dir); // fails on a folder with files in it: those are not ours to delete
  } catch {
    /* absent or not empty */
  }
}

/**
 * The processes still carrying this run's tag (kernels live in sessions of their own, and Chromium's
 * helpers may linger a moment): waits up to 15 s for them to go, then kills and describes any left.
 */
async function leftoverProcesses(tag: string): Promise<string[]> {
  const deadline = Date.now() + 15_000;
  let left = pidsWithEnv(TAG_NAME, tag);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    left = pidsWithEnv(TAG_NAME, tag);
  }
  if (left.length === 0) return [];
  const commands = left.map((pid) => {
    try {
      return `${pid}: ${fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").slice(0, 120)}`;
    } catch {
      return `${pid}: (exited)`;
    }
  });
  await killAll(processSet(left));
  return commands;
}

test("the course in a real browser, as a student opens it", { skip: chromiumMissing(), timeout: 30 * 60_000 }, async (t) => {
  const app = readJupyterEnv().app;
  const ui = uiFor(app);
  if (typeof ui === "string") return t.skip(ui);

  const sources = [...INSTRUCTOR.map((nb) => nb.path), STUDENT].map((p) => path.join(notebooksDir, p));
  const snapshot = snapshotFiles(sources.filter((file) => fs.existsSync(file)));
  // Opening a notebook makes the server create an (empty) checkpoint folder beside it.
  const checkpointDirs = [...new Set(sources.map((file) => path.join(path.dirname(file), ".ipynb_checkpoints")))].filter((dir) => !fs.existsSync(dir));
  const tag = randomBytes(8).toString("hex");
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "course-browser-"));
  fs.mkdirSync(SCREENSHOTS, { recursive: true });

  let server: RunningServer | undefined;
  let context: BrowserContext | undefined;
  const blockedWrites: string[] = [];
  let failure: unknown;
  try {
    // As `npm start` does (scripts/start.ts), plus the tag in the environment of every kernel.
    server = await startJupyterServer({ rootDir: notebooksDir, app, env: { [TAG_NAME]: tag } });
    context = await launchChromium(profile, { [TAG_NAME]: tag });
    // Only the browser talks to this server, so refusing its writes means no file can change.
    await context.route("**/api/contents/**", (route) => {
      const request = route.request();
      if (request.method() === "GET") return route.continue();
      blockedWrites.push(`${request.method()} ${new URL(request.url()).pathname}`);
      return route.abort("accessdenied");
    });
    await ui.login(context, server.browserUrl);
    const { baseUrl } = server;

    for (const nb of INSTRUCTOR) {
      await t.test(`${nb.path}: every cell runs from the UI, without errors, with charts and passing checks`, async (t) => {
        assert.ok(fs.existsSync(path.join(notebooksDir, nb.path)), `${nb.path} does not exist`);
        const opened = await ui.open(context!, baseUrl, nb.path);
        const cells = await withNotebook(opened, async () => {
          await runWholeNotebook(t, opened, nb);
          const shot = screenshotFile(nb.path);
          await opened.screenshot(shot);
          t.diagnostic(`screenshot: ${path.relative(projectRoot, shot)} (${fs.statSync(shot).size} bytes)`);
          return opened.codeCells();
        });

        for (const cell of cells) {
          assert.equal(typeof cell.executionCount, "number", `${label(cell)} never ran`);
          assert.equal(cell.errorText, "", `${label(cell)} shows an error:\n${cell.errorText}`);
        }
        const charts = cells.filter((c) => CHART_CALL.test(c.source));
        assert.ok(charts.length > 0, `${nb.path} draws no chart`);
        for (const cell of charts) assert.ok(cell.svgCount > 0, `${label(cell)} draws a chart, but no <svg> rendered:\n${cell.text.slice(0, 500)}`);
        const checks = cells.filter((c) => /\bcheck(That)?\(/.test(c.source));
        assert.ok(checks.length > 0, `${nb.path} has no self-check`);
        for (const cell of checks) assert.match(cell.text, /✔/, `${label(cell)}: no ✔ in\n${cell.text}`);
        const failed = cells.filter((c) => c.text.includes("✘"));
        assert.deepEqual(failed.map((c) => `${label(c)}: ${c.text}`), [], "a self-check failed");
        t.diagnostic(`${cells.length} code cells, ${charts.length} chart cells (${charts.reduce((n, c) => n + c.svgCount, 0)} <svg>), ${checks.length} check cells`);
      });
    }

    await t.test(`${STUDENT}: the exercise says "not implemented"; interrupting a long cell leaves the kernel usable`, async (t) => {
      assert.ok(fs.existsSync(path.join(notebooksDir, STUDENT)), `${STUDENT} does not exist: run \`npm run student\``);
      const opened = await ui.open(context!, baseUrl, STUDENT);
      await withNotebook(opened, async () => {
        await opened.chooseKernel("TypeScript");
        const exerciseIndex = (await opened.codeCells()).findIndex((c) => c.source.includes("// YOUR CODE HERE"));
        assert.ok(exerciseIndex >= 0, `${STUDENT} has no exercise cell ("// YOUR CODE HERE")`);
        // Run All: a student runs the notebook top to bottom; a missing solution must not stop it.
        // At TIME_SCALE 0.1: the instructor version above already ran at the lecture's pace.
        const parameters = (await opened.codeCells()).find((c) => c.tags.includes("parameters"));
        if (parameters) await opened.setCellSource(parameters.index, withTimeScale(parameters.source, 0.1));
        await opened.runAll();
        await opened.waitUntilAllRan(10 * 60_000);
        const cells = await opened.codeCells();
        // The exercise cell may only define a function: the message then shows in its check cell.
        const exercise = cells[exerciseIndex]!;
        const checkCell = cells[exerciseIndex + 1];
        const shown = [exercise, checkCell].filter((c): c is CellReport => c !== undefined && c.text.includes("not implemented"));
        assert.ok(shown.length > 0, `neither ${label(exercise)} nor the cell after it shows "not implemented":\n${exercise.text}\n---\n${checkCell?.text ?? "(no cell)"}`);
        t.diagnostic(`"not implemented" shown by ${shown.map(label).join(" and ")}: ${shown[0]!.text.trim().split("\n")[0]}`);
        if (checkCell && /\bcheck(That)?\(/.test(checkCell.source)) assert.match(checkCell.text, /✘/, `the exercise's check passes on the hand-out:\n${checkCell.text}`);
        for (const cell of cells) {
          assert.equal(typeof cell.executionCount, "number", `${label(cell)} never ran: the student notebook must run to its end`);
          if (!cell.tags.includes("raises-exception")) assert.equal(cell.errorText, "", `${label(cell)} shows an error:\n${cell.errorText}`);
        }

        // A cell that would wait two minutes, added in the UI (the notebook is never saved).
        const long = await opened.appendAndRun("await new Promise<void>((resolve) => setTimeout(resolve, 120_000));");
        await opened.waitUntilCellRunning(long, 60_000);
        await new Promise((r) => setTimeout(r, 1000));
        const interruptedAt = Date.now();
        await opened.interrupt();
        // Well before the two minutes are up, or the interrupt did nothing.
        await opened.waitUntilCellRan(long, 60_000);
        t.diagnostic(`the long cell stopped ${((Date.now() - interruptedAt) / 1000).toFixed(1)} s after Kernel → Interrupt`);
        const stopped = (await opened.codeCells()).find((c) => c.index === long)!;
        assert.match(stopped.errorText, /interrupt/i, `the long cell ended without saying it was interrupted:\n${stopped.text}`);
        // tslab drops requests that arrive within 200 ms of a failed one.
        await new Promise((r) => setTimeout(r, 1000));
        const sum = await opened.appendAndRun("1 + 1");
        await opened.waitUntilCellRan(sum, 60_000);
        const after = (await opened.codeCells()).find((c) => c.index === sum)!;
        assert.equal(after.errorText, "", `1 + 1 failed after the interrupt:\n${after.errorText}`);
        assert.equal(after.text.trim(), "2", `1 + 1 after the interrupt shows ${JSON.stringify(after.text)}`);
        await opened.screenshot(screenshotFile(STUDENT));
      });
    });
  } catch (error) {
    failure = error;
  } finally {
    await context?.close().catch(() => undefined);
    await server?.stop();
    fs.rmSync(profile, { recursive: true, force: true });
    for (const dir of checkpointDirs) removeIfEmpty(dir);
  }
  // Checked even when a step above failed; that failure is reported first.
  const problems: string[] = [];
  for (const change of checkSources(snapshot)) {
    problems.push(`the source ${path.relative(projectRoot, change.file)} changed during the test: ${change.reason}${change.restored ? " (restored)" : ""}`);
  }
  if (blockedWrites.length > 0) problems.push(`the UI tried to write to the server (refused): ${blockedWrites.join(", ")}`);
  if (server && isAlive(server.pid)) problems.push(`the Jupyter server (pid ${server.pid}) is still running`);
  const leftovers = await leftoverProcesses(tag);
  if (leftovers.length > 0) problems.push(`processes of the test outlived it (killed now):\n  ${leftovers.join("\n  ")}`);
  if (failure !== undefined) {
    for (const problem of problems) t.diagnostic(problem);
    throw failure;
  }
  assert.deepEqual(problems, []);
});
