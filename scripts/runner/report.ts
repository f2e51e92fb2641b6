// What the CLI prints: progress lines on stderr, a summary table on stdout, a JSON report file.
import fs from "node:fs";
import path from "node:path";
import type { RunnerHooks, NotebookResult } from "./runner";

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Hooks that print `notebook  cell i/n  elapsed` to `stream` (one line per cell; in place on a TTY). */
export function progressHooks(stream: NodeJS.WriteStream = process.stderr, root = process.cwd()): RunnerHooks {
  const tty = stream.isTTY === true;
  const name = (file: string) => path.relative(root, file);
  return {
    onCellStart: (e) => {
      const line = `${name(e.path)}  code cell ${e.codeCellNumber}/${e.codeCellCount}  ${seconds(e.elapsedMs)}`;
      stream.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
    },
    onWarning: (message) => stream.write(`${tty ? "\r\x1b[K" : ""}warning: ${message}\n`),
    onNotebookComplete: (r) => {
      const line = `${name(r.path)}  ${r.status}  ${seconds(r.durationMs)}${r.error ? `  ${r.error.ename}: ${r.error.evalue.split("\n")[0]}` : ""}`;
      stream.write(tty ? `\r\x1b[K${line}\n` : `${line}\n`);
    },
  };
}

/** The summary: notebook, code cells run, status, time, first error with its cell number; then every failed self-check. */
export function summaryTable(results: readonly NotebookResult[], root = process.cwd()): string {
  const header = ["notebook", "code cells run", "status", "time", "first error"];
  const rows = results.map((r) => {
    const run = r.cells.filter((c) => c.status !== "not-run" && c.status !== "skipped").length;
    const error = r.error ? `${r.error.cellIndex === null ? "" : `cell ${r.error.cellIndex + 1}: `}${r.error.ename}: ${r.error.evalue.split("\n")[0]!.slice(0, 100)}` : "";
    return [path.relative(root, r.path), `${run}/${r.cells.length}`, r.status, seconds(r.durationMs), error];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  const passed = results.filter((r) => r.status === "passed").length;
  const checks = results.flatMap((r) => r.failedChecks.map((c) => `${path.relative(root, r.path)}, cell ${c.cellIndex! + 1}: ${c.line}`));
  const failedChecks = checks.length === 0 ? [] : ["", `failed self-checks (${checks.length}):`, ...checks.map((c) => `  ${c}`)];
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line), ...failedChecks, "", `${passed}/${results.length} notebooks passed`].join("\n");
}

/** The JSON report: everything in the results but the notebooks themselves. */
export function writeReport(file: string, results: readonly NotebookResult[]): void {
  const notebooks = results.map(({ notebook, error, ...rest }) => {
    void notebook;
    return { ...rest, ...(error ? { error: { code: error.code, cellIndex: error.cellIndex, ename: error.ename, evalue: error.evalue } } : {}) };
  });
  const report = { date: new Date().toISOString(), passed: results.every((r) => r.status === "passed"), notebooks };
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(report, null, 2) + "\n");
  fs.renameSync(tmp, file);
}
