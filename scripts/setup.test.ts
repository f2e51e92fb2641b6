// `npm run setup`: re-running it is quick and harmless, it registers the kernel project-locally, and it
// stops with one clear sentence when Node is too old or the chosen Python has no Jupyter.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { jupyterDataDir, projectRoot, readJupyterEnv } from "./jupyter/paths";

const setupScript = path.join(projectRoot, "scripts", "setup.mjs");

function runSetup(env: Record<string, string> = {}, preload = "") {
  const args = preload ? ["-e", `${preload}; import(${JSON.stringify(setupScript)})`] : [setupScript];
  return spawnSync(process.execPath, args, { cwd: projectRoot, encoding: "utf8", env: { ...process.env, ...env } });
}

test("re-running setup succeeds without reinstalling and keeps the project-local kernelspec", () => {
  const r = runSetup();
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /node_modules is up to date/);
  assert.doesNotMatch(r.stdout, /installing Jupyter|npm ci/);
  const spec = JSON.parse(fs.readFileSync(path.join(jupyterDataDir, "kernels", "tslab", "kernel.json"), "utf8"));
  assert.equal(spec.display_name, "TypeScript");
  assert.equal(spec.argv[0], process.execPath);
  assert.equal(spec.argv[1], path.join(projectRoot, "node_modules", "tslab", "bin", "tslab"));
  assert.ok(fs.existsSync(spec.argv[1]));
});

test("Jupyter itself lists the TypeScript kernel from the project-local data dir", () => {
  const { python } = readJupyterEnv();
  const r = spawnSync(python, ["-c", "import json\nfrom jupyter_client.kernelspec import KernelSpecManager\nprint(json.dumps(KernelSpecManager().get_all_specs()))"], {
    encoding: "utf8",
    env: { ...process.env, JUPYTER_PATH: jupyterDataDir },
  });
  assert.equal(r.status, 0, r.stderr);
  const specs = JSON.parse(r.stdout);
  assert.equal(specs.tslab.resource_dir, path.join(jupyterDataDir, "kernels", "tslab"));
  assert.equal(specs.tslab.spec.language, "typescript");
});

test("Node older than 20 stops setup with one sentence naming what is missing", () => {
  const r = runSetup({}, "Object.defineProperty(process.versions, 'node', { value: '18.19.0' }); Object.defineProperty(process, 'version', { value: 'v18.19.0' })");
  assert.equal(r.status, 1);
  const lines = r.stderr.trim().split("\n").filter((l) => l.startsWith("setup:"));
  assert.equal(lines.length, 1);
  assert.match(lines[0], /Node\.js 20 or newer is needed, this is v18\.19\.0/);
});

test("a JUPYTER_PYTHON that does not run stops setup with one sentence saying what to install or unset", () => {
  const r = runSetup({ JUPYTER_PYTHON: "/nonexistent/python3" });
  assert.equal(r.status, 1);
  const lines = r.stderr.trim().split("\n").filter((l) => l.startsWith("setup:"));
  assert.equal(lines.length, 1);
  assert.match(lines[0], /JUPYTER_PYTHON is set to \/nonexistent\/python3, which does not run/);
  assert.match(lines[0], /-m pip install -r requirements\.txt/);
  assert.match(lines[0], /unset JUPYTER_PYTHON/);
});
