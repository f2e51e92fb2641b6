// `npm test`: node's test runner over every `*.test.ts` in kernel-helpers/test and scripts/.
// Node 20's `--test` takes no globs and only finds .js files, so this collects the files itself.
// `--only WORD` keeps the files whose path contains WORD (e.g. `--only browser`).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(__dirname, "..");

function collect(dir: string, out: string[]): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "fixtures" || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) collect(full, out);
    else if (entry.name.endsWith(".test.ts")) out.push(path.relative(root, full));
  }
  return out;
}

const args = process.argv.slice(2);
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;
const files = [...collect(path.join(root, "kernel-helpers", "test"), []), ...collect(path.join(root, "scripts"), [])]
  .filter((f) => !only || f.includes(only))
  .sort();
if (files.length === 0) {
  console.error(`run-tests: no test files${only ? ` matching "${only}"` : ""}`);
  process.exit(1);
}
// A test file that hangs fails after 25 minutes instead of holding CI until its own limit. Node 20 applies
// --test-timeout to each file as a whole too, and the longest legitimately take about 10 minutes on two
// cores (every notebook under the runner and papermill; every notebook in the browser).
// The set-up's Python folder first on PATH: its mpiexec (Open MPI from PyPI) and jupyter are the
// course's, whatever else the machine has.
const envFile = path.join(root, "build", "jupyter", "env.json");
const pythonBin = fs.existsSync(envFile) ? path.dirname(JSON.parse(fs.readFileSync(envFile, "utf8")).python) : undefined;
const env = { ...process.env, PATH: pythonBin ? `${pythonBin}${path.delimiter}${process.env.PATH ?? ""}` : process.env.PATH };
const result = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", "--test-timeout=1500000", ...files], {
  cwd: root,
  stdio: "inherit",
  env,
});
process.exit(result.status ?? 1);
