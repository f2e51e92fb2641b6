// `npm run bench -- [NAME ...] [--quick]`: runs the named suites (all when none is named), prints one
// table per suite and writes build/bench/NAME.json. Suites are the files in scripts/bench/suites/.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { baselineVersions, pythonExecutable } from "./python";
import type { BenchRow, BenchSuite } from "./types";

const suitesDir = path.join(__dirname, "suites");
const outDir = path.resolve(__dirname, "..", "..", "build", "bench");

function available(): string[] {
  return fs
    .readdirSync(suitesDir)
    .filter((f) => f.endsWith(".ts"))
    .map((f) => f.slice(0, -3))
    .sort();
}

function fmt(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return "—";
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(0) : a >= 1 ? x.toFixed(2) : a >= 0.01 ? x.toFixed(4) : x.toExponential(2);
}

export function formatTable(rows: readonly BenchRow[]): string {
  const header = ["metric", "unit", "ours", "baseline", "ratio", "goal", "baseline version", "baseline is / note"];
  const body = rows.map((r) => {
    const ratio = r.baseline !== undefined && r.baseline !== 0 ? r.ours / r.baseline : undefined;
    return [r.metric, r.unit, fmt(r.ours), fmt(r.baseline), ratio === undefined ? "—" : `${ratio.toFixed(2)}×`, r.goal ?? "", r.baselineVersion ?? (r.baseline === undefined ? "" : "—"), [r.baselineName, r.note].filter(Boolean).join("; ")];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes("--quick");
  const names = args.filter((a) => !a.startsWith("--"));
  const known = available();
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    console.error(`bench: unknown benchmark ${unknown.map((n) => `"${n}"`).join(", ")}; available: ${known.join(", ")}`);
    process.exit(2);
  }
  fs.mkdirSync(outDir, { recursive: true });
  const versions = await baselineVersions();
  console.log(`Python baselines: ${pythonExecutable()} (${Object.entries(versions).map(([name, version]) => `${name} ${version}`).join(", ")})`);
  let failed = false;
  for (const name of names.length > 0 ? names : known) {
    const suite = (await import(path.join(suitesDir, `${name}.ts`))).default as BenchSuite;
    console.log(`\n## ${suite.name}: ${suite.description}\n`);
    const started = Date.now();
    try {
      const rows = await suite.run({ quick, log: (l) => console.error(`[${name}] ${l}`) });
      console.log(formatTable(rows));
      const file = path.join(outDir, `${name}.json`);
      const machine = { cpus: os.availableParallelism(), cpuModel: os.cpus()[0]?.model, node: process.version, platform: `${os.platform()} ${os.release()}` };
      fs.writeFileSync(file, JSON.stringify({ suite: name, date: new Date().toISOString(), quick, seconds: (Date.now() - started) / 1000, machine, rows }, null, 2) + "\n");
      console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
    } catch (error) {
      failed = true;
      console.error(`bench: ${name} failed: ${(error as Error).stack ?? error}`);
    }
  }
  process.exit(failed ? 1 : 0);
}

void main();
