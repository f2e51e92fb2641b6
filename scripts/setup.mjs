#!/usr/bin/env node
// @ts-check
// `npm run setup`: makes a fresh checkout runnable. Plain JavaScript on purpose: it runs before
// `npm ci`, so neither TypeScript nor tsx exists yet.
//
// Steps, each skipped when already done so a re-run is quick:
//   1. Node >= 20, else one sentence and exit 1.
//   2. A Python with Jupyter (jupyter_server + nbclient + nbconvert + notebook or jupyterlab).
//      $JUPYTER_PYTHON when set (and only it); else the active conda env, `python3` on PATH, /usr/bin/python3.
//      Missing and root on Debian: apt-get installs Debian's packages. Otherwise one sentence
//      naming the conda env or pip, exit 1.
//   3. `npm ci` when node_modules is missing or older than package-lock.json.
//   4. Builds kernel-helpers.
//   5. Writes the tslab kernelspec into the project-local Jupyter data dir (build/jupyter/kernels),
//      pointing at this Node and the project's own tslab; records the Python in build/jupyter/env.json.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const jupyterDir = path.join(root, "build", "jupyter");
const APT_PACKAGES = ["jupyter-server", "jupyter-notebook", "jupyter-nbconvert", "python3-nbclient"];
const PY_CHECK =
  "import jupyter_server, nbclient, nbconvert\n" +
  "try:\n import jupyterlab; app='lab'\nexcept ImportError:\n import notebook; app='notebook'\n" +
  "import sys, json; print(json.dumps({'python': sys.executable, 'app': app, 'jupyterServer': jupyter_server.__version__}))";

/**
 * @param {string} sentence
 * @returns {never}
 */
function fail(sentence) {
  console.error(`setup: ${sentence}`);
  process.exit(1);
}

/** @param {string} message */
function step(message) {
  console.log(`setup: ${message}`);
}

function checkNode() {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < 20) {
    fail(`Node.js 20 or newer is needed, this is ${process.version}: install Node 20 (https://nodejs.org or the conda env in environment.yml) and run \`npm run setup\` again.`);
  }
}

/**
 * @param {string[]} candidates
 * @returns {{ python: string, app: "lab" | "notebook", jupyterServer: string } | null}
 */
function findJupyterPython(candidates) {
  for (const python of candidates) {
    const r = spawnSync(python, ["-c", PY_CHECK], { encoding: "utf8" });
    if (r.status === 0) {
      try {
        return JSON.parse(r.stdout.trim());
      } catch {
        /* not this one */
      }
    }
  }
  return null;
}

function canApt() {
  return process.getuid?.() === 0 && fs.existsSync("/etc/debian_version") && spawnSync("apt-get", ["--version"]).status === 0;
}

function ensureJupyter() {
  const chosen = process.env.JUPYTER_PYTHON;
  if (chosen) {
    // An explicit choice is honoured or refused, never silently replaced by another Python.
    const found = findJupyterPython([chosen]);
    if (!found) fail(`JUPYTER_PYTHON is set to ${chosen}, which does not run or lacks Jupyter (jupyter_server, nbclient, nbconvert and jupyterlab or notebook): install them there (\`${chosen} -m pip install jupyterlab nbclient nbconvert\`) or unset JUPYTER_PYTHON.`);
    step(`Jupyter found: ${found.python} (jupyter_server ${found.jupyterServer}, chosen by JUPYTER_PYTHON)`);
    return found;
  }
  const candidates = [process.env.CONDA_PREFIX && path.join(process.env.CONDA_PREFIX, "bin", "python"), "python3", "/usr/bin/python3"].filter(
    (c) => typeof c === "string" && c.length > 0,
  );
  let found = findJupyterPython(/** @type {string[]} */ (candidates));
  if (!found && canApt()) {
    step(`installing Jupyter from Debian's packages (${APT_PACKAGES.join(", ")})`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    for (const args of [["update", "-qq"], ["install", "-y", "-qq", ...APT_PACKAGES]]) {
      const r = spawnSync("apt-get", args, { stdio: "inherit", env });
      if (r.status !== 0) fail(`\`apt-get ${args.join(" ")}\` failed; install ${APT_PACKAGES.join(" ")} by hand and run \`npm run setup\` again.`);
    }
    found = findJupyterPython(/** @type {string[]} */ (candidates));
  }
  if (!found) {
    fail("no Python with Jupyter was found: create the conda env (`conda env create -f environment.yml && conda activate parallel-typescript`) or run `pip install jupyterlab nbclient nbconvert`, then run `npm run setup` again (set JUPYTER_PYTHON to choose a Python).");
  }
  step(`Jupyter found: ${found.python} (jupyter_server ${found.jupyterServer}, serves with ${found.app === "lab" ? "JupyterLab" : "Jupyter Notebook"})`);
  return found;
}

function ensureNodeModules() {
  const lock = path.join(root, "package-lock.json");
  const marker = path.join(root, "node_modules", ".package-lock.json");
  const fresh = fs.existsSync(marker) && fs.statSync(marker).mtimeMs >= fs.statSync(lock).mtimeMs;
  if (fresh) {
    step("node_modules is up to date");
    return;
  }
  step("npm ci");
  const r = spawnSync("npm", ["ci"], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) fail("`npm ci` failed (see above); fix it and run `npm run setup` again.");
}

function buildHelpers() {
  step("building kernel-helpers");
  const r = spawnSync(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-b", "kernel-helpers"], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) fail("building kernel-helpers failed (see the compiler's errors above).");
}

/** @param {{ python: string, app: string, jupyterServer: string }} found */
function installKernelspec(found) {
  const tslab = path.join(root, "node_modules", "tslab", "bin", "tslab");
  if (!fs.existsSync(tslab)) fail(`tslab is missing at ${tslab}; run \`npm ci\`.`);
  const kernelDir = path.join(jupyterDir, "kernels", "tslab");
  fs.mkdirSync(kernelDir, { recursive: true });
  // Absolute paths: the kernel must start with this Node and this tslab whatever PATH Jupyter has.
  const spec = {
    argv: [process.execPath, tslab, "kernel", "--config-path", "{connection_file}"],
    display_name: "TypeScript",
    language: "typescript",
    metadata: { debugger: false },
  };
  fs.writeFileSync(path.join(kernelDir, "kernel.json"), JSON.stringify(spec, null, 2) + "\n");
  fs.writeFileSync(path.join(jupyterDir, "env.json"), JSON.stringify(found, null, 2) + "\n");
  // Ask Jupyter itself (not every install has the `jupyter kernelspec` command).
  const list = execFileSync(found.python, ["-c", "import json\nfrom jupyter_client.kernelspec import KernelSpecManager\nprint(json.dumps(KernelSpecManager().find_kernel_specs()))"], {
    encoding: "utf8",
    env: { ...process.env, JUPYTER_PATH: jupyterDir },
  });
  if (JSON.parse(list).tslab !== kernelDir) fail(`the tslab kernelspec was written to ${kernelDir} but \`jupyter kernelspec list\` does not show it.`);
  step(`TypeScript kernel registered in ${path.relative(root, kernelDir)} (project-local; your global Jupyter is untouched)`);
}

checkNode();
const found = ensureJupyter();
ensureNodeModules();
buildHelpers();
installKernelspec(found);
step("done. `npm start` opens the course, `npm test` runs the tests.");
