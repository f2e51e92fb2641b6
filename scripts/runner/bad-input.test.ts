// The runner against inputs that used to lose data or pass silently: an executed copy aimed at its
// own source, a failed self-check, a parameter of the wrong type or an unknown one, a notebook
// outside the server's root. Plus the HTML export, opened in Chromium to find its chart.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { chromiumMissing, launchChromium } from "../browser/chromium";
import { jupyterRuntimeDir, projectRoot } from "../jupyter/paths";
import { main } from "./cli";
import { connect, runNotebook, runNotebooks, type RunnerConnection } from "./index";

const fixtures = path.join(__dirname, "fixtures");
const fixture = (name: string) => path.join(fixtures, name);
const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), "runner-bad-input-"));
let connection: RunnerConnection;

before(async () => {
  connection = await connect();
});

after(async () => {
  await connection.close();
  fs.rmSync(outputDir, { recursive: true, force: true });
});

/** Runs `fn` with console.log/console.error captured. */
async function captured(fn: () => Promise<number>): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const { log, error } = console;
  console.log = (...a: unknown[]) => void lines.push(a.join(" "));
  console.error = (...a: unknown[]) => void lines.push(a.join(" "));
  try {
    return { code: await fn(), out: lines.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
  }
}

describe("the executed copy never lands on a source", () => {
  it("refuses the source's own folder as the output folder, before a kernel starts, and leaves the source untouched", async () => {
    const before = fs.readFileSync(fixture("parameters.ipynb"), "utf8");
    let kernels = 0;
    await assert.rejects(
      // The copy mirrors the notebook's path under the project, so the project itself as output folder is the source.
      runNotebook(fixture("parameters.ipynb"), { connection, outputDir: projectRoot, parameters: { TIME_SCALE: 0.5 }, onKernelStart: () => void kernels++ }),
      (e: { code?: string; message: string }) => e.code === "ERR_OUTPUT_IS_INPUT" && e.message.includes("parameters.ipynb"),
    );
    assert.equal(kernels, 0);
    assert.equal(fs.readFileSync(fixture("parameters.ipynb"), "utf8"), before);
  });

  it("refuses an output folder that reaches the source through a symlink or '..'", async () => {
    const link = path.join(outputDir, "link-to-fixtures");
    fs.symlinkSync(projectRoot, link);
    await assert.rejects(runNotebook(fixture("parameters.ipynb"), { connection, outputDir: link }), { code: "ERR_OUTPUT_IS_INPUT" });
    await assert.rejects(runNotebook(fixture("parameters.ipynb"), { connection, outputPath: path.join(fixtures, "..", "fixtures", "parameters.ipynb") }), { code: "ERR_OUTPUT_IS_INPUT" });
  });

  it("is refused by the CLI with exit 2 and one sentence", async () => {
    const { code, out } = await captured(() => main([fixture("parameters.ipynb"), "--output-dir", projectRoot]));
    assert.equal(code, 2);
    assert.match(out, /Refusing to write the executed copy of .*parameters\.ipynb/);
  });
});

describe("failed self-checks", () => {
  it("fail the notebook and are listed, unless allowFailedChecks", async () => {
    const [failed] = await runNotebooks([fixture("failed-check.ipynb")], { connection, outputDir });
    assert.equal(failed!.status, "failed");
    assert.equal(failed!.error?.code, "ERR_FAILED_CHECK");
    assert.equal(failed!.failedChecks.length, 1);
    assert.match(failed!.failedChecks[0]!.line, /^✘ sum of squares/);
    assert.equal(failed!.failedChecks[0]!.cellIndex, 1);
    const passed = await runNotebook(fixture("failed-check.ipynb"), { connection, outputDir, allowFailedChecks: true });
    assert.equal(passed.status, "passed");
    assert.equal(passed.failedChecks.length, 1, "still reported");
  });

  it("make the CLI exit 1 with the check in the summary; --allow-failed-checks exits 0", async () => {
    const failed = await captured(() => main([fixture("failed-check.ipynb"), "--output-dir", outputDir]));
    assert.equal(failed.code, 1);
    assert.match(failed.out, /failed self-checks \(1\):\n {2}.*failed-check\.ipynb, cell 2: ✘ sum of squares/);
    assert.match(failed.out, /0\/1 notebooks passed/);
    const allowed = await captured(() => main([fixture("failed-check.ipynb"), "--output-dir", outputDir, "--allow-failed-checks"]));
    assert.equal(allowed.code, 0);
  });
});

describe("parameters", () => {
  it("of the wrong type are refused before any server starts, naming the parameter and both types", async () => {
    // No connection: a server would be started after the checks, so a rejection this fast means none was.
    await assert.rejects(
      runNotebook(fixture("parameters.ipynb"), { outputDir, parameters: { TIME_SCALE: "fast" } }),
      (e: { code?: string; message: string }) => e.code === "ERR_PARAMETER_TYPE" && /TIME_SCALE is a number/.test(e.message) && /"fast" \(a string\)/.test(e.message),
    );
  });

  it("the notebook does not declare are reported with the names it does declare", async () => {
    const warnings: string[] = [];
    const result = await runNotebook(fixture("parameters.ipynb"), { connection, outputDir, parameters: { TIME_SCAL: 0.1 }, onWarning: (w) => warnings.push(w) });
    assert.equal(result.status, "passed");
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /unknown parameter TIME_SCAL .*TIME_SCALE, LABEL/);
  });
});

describe("the server's root", () => {
  it("is the project, not '/': a notebook outside it is refused by name before a kernel starts", async () => {
    const outside = path.join(outputDir, "outside.ipynb");
    fs.copyFileSync(fixture("parameters.ipynb"), outside);
    await assert.rejects(runNotebook(outside, { connection, outputDir: path.join(outputDir, "out") }), (e: { code?: string; message: string }) => e.code === "ERR_OUTSIDE_ROOT" && e.message.includes(outside));
  });

  it("of a server the runner starts for notebooks elsewhere is their folder, so they still run", async () => {
    const folder = fs.mkdtempSync(path.join(outputDir, "elsewhere-"));
    const copy = path.join(folder, "parameters.ipynb");
    fs.copyFileSync(fixture("parameters.ipynb"), copy);
    const result = await runNotebook(copy, { outputDir: path.join(outputDir, "elsewhere-out") });
    assert.equal(result.status, "passed", JSON.stringify(result.error));
  });
});

describe("a notebook that cannot run", () => {
  it("ends the CLI with its sentence, the summary and exit 1: no late 'Poll … is disposed' crash", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "cli.ts"), fixture("invalid-json.ipynb"), "--output-dir", outputDir], { encoding: "utf8", timeout: 120_000 });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /invalid-json\.ipynb +0\/0 +failed .*NotebookFormatError: not valid JSON/);
    assert.match(run.stdout, /0\/1 notebooks passed/);
    assert.doesNotMatch(run.stderr, /disposed|at .*\(/);
  });
});

describe("the runtime folder", () => {
  it("keeps no server file (they hold the token) of a server that is gone, ours or a killed one", async () => {
    const dead = spawnSync("true").pid!; // exited: its PID names no process (a reuse within this test is improbable)
    const stale = [`jpserver-${dead}.json`, `jpserver-${dead}-open.html`].map((name) => path.join(jupyterRuntimeDir, name));
    for (const file of stale) fs.writeFileSync(file, "{}", { mode: 0o600 });
    const before = new Set(fs.readdirSync(jupyterRuntimeDir));
    const result = await runNotebook(fixture("parameters.ipynb"), { outputDir }); // its own server
    assert.equal(result.status, "passed");
    for (const file of stale) assert.equal(fs.existsSync(file), false, `${file} is still there`);
    const left = fs.readdirSync(jupyterRuntimeDir).filter((name) => name.startsWith("jpserver-") && !before.has(name));
    assert.deepEqual(left, [], "the runner's own server left its files");
  });
});

describe("HTML export", () => {
  it("writes the executed notebook as HTML whose chart Chromium renders", { skip: chromiumMissing() }, async () => {
    const result = await runNotebook(fixture("chart.ipynb"), { connection, outputDir, to: "html" });
    assert.equal(result.status, "passed", JSON.stringify(result.error));
    assert.ok(result.htmlPath && fs.existsSync(result.htmlPath));
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), "runner-html-chromium-"));
    const browser = await launchChromium(profile, {});
    try {
      const page = await browser.newPage();
      await page.goto(`file://${result.htmlPath}`);
      // nbconvert 7 keeps an SVG output whole, as a data-URL image inside the output's jp-RenderedSVG
      // (nbconvert 6.5 stripped its elements): the browser must decode and lay it out.
      const charts = await page.$$eval(".jp-RenderedSVG img", (imgs) =>
        (imgs as unknown as { naturalWidth: number; naturalHeight: number; src: string; getBoundingClientRect(): { width: number; height: number } }[]).map((img) => ({
          natural: img.naturalWidth * img.naturalHeight,
          shown: img.getBoundingClientRect().width * img.getBoundingClientRect().height,
          src: img.src,
        })),
      );
      assert.equal(charts.length, 1, "one chart");
      assert.ok(charts[0]!.natural > 10_000 && charts[0]!.shown > 10_000, `expected a rendered chart, got ${JSON.stringify({ ...charts[0], src: undefined })}`);
      const svg = Buffer.from(charts[0]!.src.replace(/^data:image\/svg\+xml;base64,/, ""), "base64").toString("utf8");
      assert.match(svg, /^<svg[\s\S]*two bars[\s\S]*<\/svg>$/);
    } finally {
      await browser.close();
      fs.rmSync(profile, { recursive: true, force: true });
    }
  });
});
