// The headless runner against `jupyter nbconvert --to notebook --execute` on the same notebooks, in
// one run: both end to end (server or nbconvert start-up, kernel starts, all cells), and our
// overhead per cell (the runner's time per cell minus the kernel's busy→idle time for it).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { median } from "simple-statistics";
import { jupyterDataDir, projectRoot } from "../../jupyter/paths";
import type { CodeCell } from "../../notebook/nbformat";
import { runNotebooks } from "../../runner";
import { baselineVersion, pythonExecutable } from "../python";
import type { BenchRow, BenchSuite } from "../types";

const notebooks = [
  "notebooks/00-check-setup.ipynb",
  "scripts/runner/fixtures/outputs.ipynb",
  "scripts/runner/fixtures/raises-exception.ipynb",
  "scripts/runner/fixtures/parameters.ipynb",
].map((p) => path.join(projectRoot, p));

function nbconvert(files: readonly string[], outDir: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(pythonExecutable(), ["-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.kernel_name=tslab", "--ExecutePreprocessor.timeout=600", "--output-dir", outDir, ...files], {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, JUPYTER_PATH: jupyterDataDir, KERNEL_HELPERS_HEADLESS: "1" },
    });
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c));
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`nbconvert exited with ${code}: ${err.trim().split("\n").slice(-3).join(" | ")}`))));
  });
}

const suite: BenchSuite = {
  name: "runner",
  description: "npm run notebooks vs jupyter nbconvert --execute, same notebooks, one after another",
  async run({ quick, log }) {
    const rounds = quick ? 1 : 3;
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "bench-runner-"));
    const ours: number[] = [];
    const theirs: number[] = [];
    const overheads: number[] = [];
    let cells = 0;
    try {
      for (let round = 0; round < rounds; round++) {
        // Alternate the order so neither side always runs on a warmer machine.
        const order = round % 2 === 0 ? ["ours", "nbconvert"] : ["nbconvert", "ours"];
        for (const which of order) {
          if (which === "nbconvert") {
            theirs.push(await nbconvert(notebooks, path.join(out, "nbconvert")));
            log(`round ${round + 1}: nbconvert ${(theirs.at(-1)! / 1000).toFixed(2)} s`);
            continue;
          }
          const started = performance.now();
          const results = await runNotebooks(notebooks, { outputDir: path.join(out, "ours") });
          ours.push(performance.now() - started);
          const failed = results.filter((r) => r.status !== "passed");
          if (failed.length > 0) throw new Error(`our runner failed ${failed.map((r) => `${r.path}: ${r.error?.evalue}`).join("; ")}`);
          let overhead = 0;
          cells = 0;
          for (const r of results) {
            for (const c of r.cells) {
              const timing = (r.notebook!.cells[c.index] as CodeCell).metadata.execution;
              if (c.status === "skipped" || !timing?.["iopub.status.busy"] || !timing["iopub.status.idle"]) continue;
              overhead += c.durationMs - (Date.parse(timing["iopub.status.idle"]) - Date.parse(timing["iopub.status.busy"]));
              cells++;
            }
          }
          overheads.push(overhead / cells);
          log(`round ${round + 1}: ours ${(ours.at(-1)! / 1000).toFixed(2)} s, ${cells} cells`);
        }
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
    const rows: BenchRow[] = [
      {
        metric: `${notebooks.length} notebooks, end to end (median of ${rounds})`,
        unit: "s",
        ours: median(ours) / 1000,
        baseline: median(theirs) / 1000,
        baselineName: "jupyter nbconvert --to notebook --execute (one process, same notebooks)",
        baselineVersion: await baselineVersion("nbconvert", "nbclient"),
        goal: "<= 1.0",
        note: "ours includes starting a jupyter_server; nbconvert starts kernels without a server",
      },
      {
        metric: "runner overhead per cell (our cell time minus the kernel's busy→idle)",
        unit: "ms",
        ours: median(overheads),
        note: `${cells} cells per run; includes the 250 ms wait after an expected error`,
      },
    ];
    return rows;
  },
};

export default suite;
