#!/usr/bin/env node
// @ts-check
// `npm run setup`: makes a fresh checkout runnable, without root. Plain JavaScript on purpose: it runs
// before `npm ci`, so neither TypeScript nor tsx exists yet.
//
// Steps, each skipped when already done so a re-run is quick:
//   1. Node >= 20, else one sentence and exit 1.
//   2. The course's Python (JupyterLab 4, Notebook 7, jupyter_server 2, nbclient, nbconvert 7, papermill,
//      nbgrader and the baselines, as pinned in requirements.txt). The first that fits wins:
//      $JUPYTER_PYTHON (only it, when set), the active conda env, a complete .venv/, `python3` on PATH
//      when it already has everything; else .venv/ is made with the first Python >= 3.11 and filled from
//      requirements.txt. Debian's apt is used only to get a Python that can make a venv, as root.
//      PARALLEL_TS_SETUP_PYTHONS (a PATH-style list of names or paths) replaces the Pythons tried for
//      the venv and turns apt off: for setup's own tests, which must not find the machine's Pythons
//      (one is tried by absolute path) nor run apt, and for anyone who wants to say exactly which to use.
//   3. The repository's own Python packages (python/*/pyproject.toml, e.g. papermill's TypeScript
//      translator) into that Python.
//   4. `npm ci` when node_modules is missing or older than package-lock.json.
//   5. Builds kernel-helpers.
//   6. Writes the tslab kernelspec into the project-local Jupyter data dir (build/jupyter/kernels),
//      pointing at this Node and the project's own tslab; records the Python in build/jupyter/env.json
//      and hands it to kernels as $PARALLEL_TS_PYTHON (the notebooks' "same example in Python" cells).
import { createHash } from "node:crypto";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const jupyterDir = path.join(root, "build", "jupyter");
const venvDir = path.join(root, ".venv");
const venvPython = path.join(venvDir, "bin", "python");
const requirementsFile = path.join(root, "requirements.txt");
const directRequirementsFile = path.join(root, "requirements.in");
const stampFile = path.join(venvDir, ".parallel-typescript-installed");
/** numpy 2.x, scikit-learn 1.9 and dask 2026 need it. */
const MIN_PYTHON = /** @type {const} */ ([3, 11]);
const MIN_PYTHON_TEXT = MIN_PYTHON.join(".");
/** Packages whose major version the course is built for; an older one is not "suitable". */
const MAJORS = { jupyterlab: 4, notebook: 7, jupyter_server: 2, nbconvert: 7 };

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

/** The repository's own Python packages: folder and distribution name. */
function localPackages() {
  const dir = path.join(root, "python");
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, "pyproject.toml")))
    .map((e) => {
      const toml = fs.readFileSync(path.join(dir, e.name, "pyproject.toml"), "utf8");
      const name = /^name\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
      if (!name) fail(`python/${e.name}/pyproject.toml has no \`name = "…"\` line.`);
      return { dir: path.join(dir, e.name), name };
    });
}

/** The names in requirements.in (the course's direct needs), without versions or extras. */
function directRequirements() {
  return fs
    .readFileSync(directRequirementsFile, "utf8")
    .split("\n")
    .map((l) => l.replace(/#.*/, "").trim())
    .filter(Boolean)
    .map((l) => l.split(/[=<>!~[;\s]/)[0]);
}

// Runs inside a candidate Python: its version, and which of the course's packages it lacks or has too old.
const PY_CHECK = `
import sys, json
if sys.version_info < (3, 8):
    print(json.dumps({"python": sys.executable, "version": list(sys.version_info[:2]), "missing": ["python>=${MIN_PYTHON_TEXT}"], "versions": {}}))
    sys.exit(0)
import importlib.metadata as md
names, majors = json.loads(sys.argv[1]), json.loads(sys.argv[2])
versions = {}
for n in names:
    try:
        versions[n] = md.version(n)
    except md.PackageNotFoundError:
        versions[n] = None
missing = [n for n, v in versions.items() if v is None]
missing += ["%s>=%d" % (n, m) for n, m in majors.items() if versions.get(n) and int(versions[n].split(".")[0]) < m]
if sys.version_info < (${MIN_PYTHON[0]}, ${MIN_PYTHON[1]}):
    missing.insert(0, "python>=${MIN_PYTHON_TEXT}")
print(json.dumps({"python": sys.executable, "version": list(sys.version_info[:2]), "missing": missing, "versions": versions}))
`;

/**
 * @typedef {{ python: string, version: [number, number], missing: string[], versions: Record<string, string | null> }} PythonReport
 * @param {string} python
 * @returns {PythonReport | null} null when it does not run
 */
function inspectPython(python) {
  const names = [...directRequirements(), ...localPackages().map((p) => p.name)];
  const r = spawnSync(python, ["-c", PY_CHECK, JSON.stringify(names), JSON.stringify(MAJORS)], { encoding: "utf8" });
  if (r.status !== 0 || r.error) return null;
  try {
    return JSON.parse(r.stdout.trim());
  } catch {
    return null;
  }
}

/** What the venv was last filled from: a re-run with the same files does nothing. */
function installFingerprint() {
  const hash = createHash("sha256").update(fs.readFileSync(requirementsFile));
  for (const pkg of localPackages()) {
    for (const file of listFiles(pkg.dir)) hash.update(file).update(fs.readFileSync(file));
  }
  return hash.digest("hex");
}

/** @param {string} dir @returns {string[]} */
function listFiles(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith(".") && e.name !== "__pycache__" && !e.name.endsWith(".egg-info") && e.name !== "build")
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

function isDebianRoot() {
  return process.getuid?.() === 0 && fs.existsSync("/etc/debian_version") && spawnSync("apt-get", ["--version"]).status === 0;
}

/** @param {string[]} packages */
function aptInstall(packages) {
  step(`installing ${packages.join(", ")} from Debian's packages (no Python that can make a venv was found)`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update", "-qq"], ["install", "-y", "-qq", ...packages]]) {
    const r = spawnSync("apt-get", args, { stdio: "inherit", env });
    if (r.status !== 0) fail(`\`apt-get ${args.join(" ")}\` failed; install ${packages.join(" ")} by hand and run \`npm run setup\` again.`);
  }
}

/**
 * Whether version `a` is `b` or newer (major, minor).
 * @param {readonly number[]} a
 * @param {readonly number[]} b
 */
function atLeast(a, b) {
  return a[0] > b[0] || (a[0] === b[0] && a[1] >= b[1]);
}

/** @param {PythonReport} report */
function isRecent(report) {
  return atLeast(report.version, MIN_PYTHON);
}

/** @param {string} python */
function canMakeVenv(python) {
  return spawnSync(python, ["-c", "import venv, ensurepip"], { encoding: "utf8" }).status === 0;
}

/** The first Python >= 3.11 that can make a venv; one sentence and exit 1 when there is none. */
function baseForVenv() {
  const listed = process.env.PARALLEL_TS_SETUP_PYTHONS;
  const names = (listed !== undefined ? listed.split(path.delimiter) : [process.env.PYTHON, "python3.13", "python3.12", "python3.11", "python3", "/usr/bin/python3"]).filter(
    /** @returns {c is string} */ (c) => typeof c === "string" && c.length > 0,
  );
  /** @type {PythonReport[]} */
  const found = [];
  for (const name of names) {
    const report = inspectPython(name);
    if (report) found.push(report);
  }
  const recent = found.filter(isRecent);
  const usable = recent.find((r) => canMakeVenv(r.python));
  if (usable) return usable.python;
  if (listed === undefined && isDebianRoot()) {
    // Debian splits ensurepip into python3-venv; its python3 is 3.11 from bookworm on.
    aptInstall(["python3", "python3-venv"]);
    const report = inspectPython("/usr/bin/python3");
    if (report && isRecent(report) && canMakeVenv("/usr/bin/python3")) return "/usr/bin/python3";
  }
  if (recent.length > 0) {
    const py = recent[0];
    fail(`${py.python} (Python ${py.version.join(".")}) cannot make a virtual environment (its venv/ensurepip module is missing): install that module (Debian/Ubuntu: \`sudo apt install python3-venv\`), or use the conda env in environment.yml, and run \`npm run setup\` again.`);
  }
  if (found.length > 0) {
    const newest = found.reduce((a, b) => (atLeast(a.version, b.version) ? a : b));
    fail(`the course needs Python ${MIN_PYTHON_TEXT} or newer (numpy 2, scikit-learn 1.9 and dask 2026 do), and the newest found is ${newest.version.join(".")} (${newest.python}): install Python ${MIN_PYTHON_TEXT}+ (python.org, your package manager, or \`conda env create -f environment.yml\`), or set PYTHON=/path/to/python${MIN_PYTHON_TEXT}, and run \`npm run setup\` again.`);
  }
  fail(`no Python was found (tried ${names.join(", ") || "nothing"}): install Python ${MIN_PYTHON_TEXT} or newer (python.org, your package manager, or \`conda env create -f environment.yml\`), or set PYTHON=/path/to/python${MIN_PYTHON_TEXT}, and run \`npm run setup\` again.`);
}

/**
 * Whether .venv/'s Python runs and, when it is still to be filled, has pip. A run interrupted during
 * `-m venv` leaves no Python or one without pip, which pip could never fill.
 * @param {boolean} needsPip
 */
function venvWorks(needsPip) {
  return spawnSync(venvPython, ["-c", needsPip ? "import pip" : "pass"], { encoding: "utf8" }).status === 0;
}

/** @param {string} fingerprint */
function venvIsFilled(fingerprint) {
  return fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8").trim() === fingerprint;
}

/** Makes or repairs .venv/ and fills it from requirements.txt; returns its Python. */
function ensureVenv() {
  const fingerprint = installFingerprint();
  if (fs.existsSync(venvDir) && !venvWorks(!venvIsFilled(fingerprint))) {
    // A venv whose Python does not run or has no pip (an interrupted creation, a moved checkout, a
    // removed base Python) cannot be repaired in place.
    step(".venv/ is broken or half-made (its Python does not run or has no pip): making it again");
    fs.rmSync(venvDir, { recursive: true, force: true });
  }
  if (!fs.existsSync(venvDir)) {
    const base = baseForVenv();
    step(`making .venv/ with ${base}`);
    const r = spawnSync(base, ["-m", "venv", venvDir], { encoding: "utf8" });
    if (r.status !== 0 || !venvWorks(true)) {
      // Nothing half-made stays behind for the next run to trip over.
      fs.rmSync(venvDir, { recursive: true, force: true });
      const why = (r.stderr || r.error?.message || "").trim().split("\n").pop()?.trim() || "the new venv's Python does not run or has no pip";
      fail(`\`${base} -m venv .venv\` failed (${why}): install your Python's venv module (Debian/Ubuntu: \`sudo apt install python3-venv\`) or use the conda env in environment.yml, then run \`npm run setup\` again.`);
    }
  }
  if (venvIsFilled(fingerprint)) {
    step(".venv/ is up to date with requirements.txt");
    return venvPython;
  }
  // The stamp goes only after everything installed, so an interrupted or failed pip is simply run
  // again next time (pip skips what is already there).
  fs.rmSync(stampFile, { force: true });
  step("installing requirements.txt into .venv/ (a few minutes the first time)");
  pipInstall(venvPython, ["-r", requirementsFile]);
  for (const pkg of localPackages()) pipInstall(venvPython, ["--no-deps", "--force-reinstall", pkg.dir]);
  fs.writeFileSync(stampFile, fingerprint + "\n");
  return venvPython;
}

/**
 * @param {string} python
 * @param {string[]} args
 */
function pipInstall(python, args) {
  const r = spawnSync(python, ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "-q", ...args], { encoding: "utf8", stdio: ["ignore", "inherit", "pipe"] });
  if (r.status === 0) return;
  const err = r.stderr ?? "";
  process.stderr.write(err.split("\n").filter((l) => !/is ignored: it is neither a file nor a directory/.test(l)).join("\n"));
  const offline = /Could not find a version|No matching distribution|NewConnectionError|Failed to establish|Temporary failure in name resolution|Network is unreachable|ProxyError|SSLError|timed out/i.test(err);
  fail(
    offline
      ? `pip could not reach its package index to install ${args.at(-1)} (see above): connect to the network or point pip at a mirror (PIP_INDEX_URL), then run \`npm run setup\` again; what was installed stays and is reused.`
      : `\`pip install ${args.join(" ")}\` failed (see above); fix it and run \`npm run setup\` again; what was installed stays and is reused.`,
  );
}

/** @param {string} python */
function installLocalPackagesInto(python) {
  const report = inspectPython(python);
  for (const pkg of localPackages()) {
    if (report?.versions[pkg.name]) continue;
    step(`installing the repository's ${pkg.name} into ${python}`);
    pipInstall(python, ["--no-deps", pkg.dir]);
  }
}

/**
 * @returns {{ python: string, source: string, report: PythonReport }}
 */
function ensurePython() {
  const chosen = process.env.JUPYTER_PYTHON;
  if (chosen) {
    // An explicit choice is honoured or refused, never silently replaced by another Python.
    const report = inspectPython(chosen);
    const missing = report ? report.missing.filter((m) => !localPackages().some((p) => p.name === m)) : [];
    if (!report || missing.length > 0) {
      fail(`JUPYTER_PYTHON is set to ${chosen}, which ${report ? `lacks ${missing.join(", ")}` : "does not run"}: install the course's packages there (\`${chosen} -m pip install -r requirements.txt\`), or unset JUPYTER_PYTHON to let setup make .venv/.`);
    }
    installLocalPackagesInto(chosen);
    return { python: chosen, source: "JUPYTER_PYTHON", report: /** @type {PythonReport} */ (inspectPython(chosen)) };
  }
  const conda = process.env.CONDA_PREFIX && path.join(process.env.CONDA_PREFIX, "bin", "python");
  if (conda) {
    const report = inspectPython(conda);
    const missing = report ? report.missing.filter((m) => !localPackages().some((p) => p.name === m)) : ["python"];
    if (report && missing.length === 0) {
      installLocalPackagesInto(conda);
      return { python: conda, source: "conda", report };
    }
    step(`the active conda env (${process.env.CONDA_PREFIX}) lacks ${missing.join(", ")}: using .venv/ instead`);
  }
  if (!fs.existsSync(stampFile)) {
    // An existing complete Jupyter (a lab machine's) is reused rather than installed a second time.
    const report = inspectPython("python3");
    if (report && report.missing.length === 0 && report.python !== venvPython) return { python: report.python, source: "PATH", report };
  }
  const python = ensureVenv();
  return { python, source: "venv", report: /** @type {PythonReport} */ (inspectPython(python)) };
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

/** @param {{ python: string, source: string, report: PythonReport }} found */
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
    env: { PARALLEL_TS_PYTHON: found.python },
    metadata: { debugger: false },
  };
  fs.writeFileSync(path.join(kernelDir, "kernel.json"), JSON.stringify(spec, null, 2) + "\n");
  const env = {
    python: found.python,
    source: found.source,
    app: "lab",
    jupyterServer: found.report.versions.jupyter_server,
    versions: found.report.versions,
  };
  fs.writeFileSync(path.join(jupyterDir, "env.json"), JSON.stringify(env, null, 2) + "\n");
  // Ask Jupyter itself (not every install has the `jupyter kernelspec` command).
  const list = execFileSync(found.python, ["-c", "import json\nfrom jupyter_client.kernelspec import KernelSpecManager\nprint(json.dumps(KernelSpecManager().find_kernel_specs()))"], {
    encoding: "utf8",
    env: { ...process.env, JUPYTER_PATH: jupyterDir },
  });
  if (JSON.parse(list).tslab !== kernelDir) fail(`the tslab kernelspec was written to ${kernelDir} but \`jupyter kernelspec list\` does not show it.`);
  step(`TypeScript kernel registered in ${path.relative(root, kernelDir)} (project-local; your global Jupyter is untouched)`);
}

checkNode();
const found = ensurePython();
const v = found.report.versions;
step(`Python: ${found.python} (${found.source}; JupyterLab ${v.jupyterlab}, Notebook ${v.notebook}, jupyter_server ${v.jupyter_server})`);
ensureNodeModules();
buildHelpers();
installKernelspec(found);
step("done. `npm start` opens the course in JupyterLab; `npm test` runs the tests (for instructors and contributors).");
