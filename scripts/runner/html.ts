// HTML export of an executed notebook with the set-up's nbconvert 7: it keeps `image/svg+xml`
// outputs inline (6.5 stripped their elements), so the charts survive in the page.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { readJupyterEnv } from "../jupyter/paths";
import { HtmlExportError } from "./errors";

/** Writes `executed` (an .ipynb) as HTML beside it and returns the HTML's path. */
export function exportHtml(executed: string): string {
  const python = readJupyterEnv().python;
  const target = executed.replace(/\.ipynb$/, "") + ".html";
  const run = spawnSync(python, ["-m", "nbconvert", "--to", "html", "--output", path.basename(target), "--output-dir", path.dirname(target), executed], {
    encoding: "utf8",
    timeout: 120_000,
    killSignal: "SIGKILL",
  });
  if (run.error) throw new HtmlExportError(executed, run.error.message);
  if (run.status !== 0 || !fs.existsSync(target)) {
    const lines = (run.stderr ?? "").trim().split("\n");
    throw new HtmlExportError(executed, lines[lines.length - 1] || `exit code ${run.status}`);
  }
  return target;
}
