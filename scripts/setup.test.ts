// `npm run setup`: re-running it is quick and harmless, it registers the kernel project-locally, and on
// bad input (an old Node, no Python, a Python too old or unable to make a venv, a pip that cannot reach
// its index, a half-made .venv/ from an interrupted run) it stops with one sentence saying what to do and
// leaves nothing half-written that a re-run trips over.
//
// The bad-input tests run the real setup.mjs in a throw-away copy of the project (setup finds its root
// from its own location), never in this checkout, with a PATH holding only fake executables and
// PARALLEL_TS_SETUP_PYTHONS naming the Pythons setup may try (which also keeps it away from apt). A fake
// Python is a shell script around a real Python that changes only what the case needs (the version it
// reports, a missing ensurepip, a failing venv), so setup's own probes really run. They need no network:
// pip's index is a closed port on 127.0.0.1.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { describe, test, type TestContext } from "node:test";
import { jupyterDataDir, projectRoot, readJupyterEnv } from "./jupyter/paths";

const setupScript = path.join(projectRoot, "scripts", "setup.mjs");

function runSetup(env: Record<string, string> = {}, preload = "") {
  const args = preload ? ["-e", `${preload}; import(${JSON.stringify(setupScript)})`] : [setupScript];
  return spawnSync(process.execPath, args, { cwd: projectRoot, encoding: "utf8", env: { ...process.env, ...env } });
}

/** The one `setup:` line on stderr (the sentence saying what to do). */
function theSentence(stderr: string): string {
  const lines = stderr.split("\n").filter((l) => l.startsWith("setup:"));
  assert.equal(lines.length, 1, `expected exactly one setup: sentence on stderr, got:\n${stderr}`);
  assert.doesNotMatch(stderr, /Traceback|^\s+at /m, "setup crashed instead of saying what to do");
  return lines[0];
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

test("environment.yml pins what requirements.in pins (conda-forge names)", () => {
  const pins = (text: string, pattern: RegExp) => new Map([...text.matchAll(pattern)].map((m) => [m[1]!.toLowerCase().replace(/_/g, "-"), m[2]!]));
  const pip = pins(fs.readFileSync(path.join(projectRoot, "requirements.in"), "utf8"), /^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==(\S+)$/gm);
  const conda = pins(fs.readFileSync(path.join(projectRoot, "environment.yml"), "utf8"), /^\s+- ([A-Za-z0-9_.-]+)=(\d\S*)$/gm);
  assert.ok(pip.size >= 10, `requirements.in pins ${pip.size} packages`);
  assert.deepEqual(Object.fromEntries([...conda].filter(([name]) => name !== "python")), Object.fromEntries(pip));
});

test("Node older than 20 stops setup with one sentence naming what is missing", () => {
  const r = runSetup({}, "Object.defineProperty(process.versions, 'node', { value: '18.19.0' }); Object.defineProperty(process, 'version', { value: 'v18.19.0' })");
  assert.equal(r.status, 1);
  assert.match(theSentence(r.stderr), /Node\.js 20 or newer is needed, this is v18\.19\.0/);
});

test("a JUPYTER_PYTHON that does not run stops setup with one sentence saying what to install or unset", () => {
  const r = runSetup({ JUPYTER_PYTHON: "/nonexistent/python3" });
  assert.equal(r.status, 1);
  const sentence = theSentence(r.stderr);
  assert.match(sentence, /JUPYTER_PYTHON is set to \/nonexistent\/python3, which does not run/);
  assert.match(sentence, /-m pip install -r requirements\.txt/);
  assert.match(sentence, /unset JUPYTER_PYTHON/);
});

// ---- Bad input, in a throw-away copy of the project ----

/** A real Python >= 3.11 that can make a venv: the fakes wrap it. Null when the machine has none. */
const realPython: string | null = (() => {
  for (const name of ["python3.13", "python3.12", "python3.11", "python3", "/usr/bin/python3"]) {
    const r = spawnSync(name, ["-c", "import sys, venv, ensurepip\nif sys.version_info >= (3, 11): print(sys.executable)"], { encoding: "utf8" });
    const exe = r.status === 0 ? r.stdout.trim() : "";
    if (exe) return exe;
  }
  return null;
})();
const needsPython = realPython ? false : "no Python >= 3.11 with venv and ensurepip on this machine";

interface Project {
  /** The copy's root: scripts/setup.mjs, requirements.txt, requirements.in, python/. */
  readonly root: string;
  /** The only directory on setup's PATH. */
  readonly bin: string;
  readonly home: string;
  /** Written by the fake apt-get, sudo and npm: setup must never run them here. */
  readonly forbiddenMarker: string;
  readonly venv: string;
  readonly stamp: string;
}

function makeProject(t: TestContext, requirements?: string): Project {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "parallel-ts-setup-"));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const root = path.join(tmp, "project");
  const bin = path.join(tmp, "bin");
  const home = path.join(tmp, "home");
  for (const dir of [path.join(root, "scripts"), bin, home]) fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(setupScript, path.join(root, "scripts", "setup.mjs"));
  fs.copyFileSync(path.join(projectRoot, "requirements.in"), path.join(root, "requirements.in"));
  if (requirements === undefined) fs.copyFileSync(path.join(projectRoot, "requirements.txt"), path.join(root, "requirements.txt"));
  else fs.writeFileSync(path.join(root, "requirements.txt"), requirements);
  fs.cpSync(path.join(projectRoot, "python"), path.join(root, "python"), {
    recursive: true,
    filter: (src) => !/(^|\/)(build|__pycache__|[^/]*\.egg-info)$/.test(path.relative(projectRoot, src)),
  });
  const forbiddenMarker = path.join(tmp, "forbidden-command-was-run");
  for (const name of ["apt-get", "apt", "sudo", "npm"]) shellScript(bin, name, `echo "$0 $*" >> '${forbiddenMarker}'\nexit 1`);
  const venv = path.join(root, ".venv");
  return { root, bin, home, forbiddenMarker, venv, stamp: path.join(venv, ".parallel-typescript-installed") };
}

function shellScript(bin: string, name: string, body: string): string {
  const file = path.join(bin, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

/**
 * A fake Python in `bin`: the real one, except that in every `-c` program (setup's probes) it reports
 * itself as sys.executable and runs `prelude` first; `onVenv` is shell run before `-m venv`.
 */
function fakePython(bin: string, name: string, prelude: string, onVenv = ""): string {
  assert.ok(realPython);
  const file = path.join(bin, name);
  const python = `import sys; sys.executable = "${file}"; ${prelude}`;
  assert.doesNotMatch(python + realPython, /'/);
  return shellScript(
    bin,
    name,
    [
      `# A fake Python for setup.test.ts around ${realPython}.`,
      `if [ "$1" = "-c" ]; then code=$2; shift 2; exec '${realPython}' -c '${python}'"`,
      `$code" "$@"; fi`,
      `if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then :; ${onVenv}`,
      `fi`,
      `exec '${realPython}' "$@"`,
    ].join("\n"),
  );
}

/** A port on 127.0.0.1 that nothing listens on: pip's index there refuses every connection at once. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the copy's setup.mjs with nothing from this machine's environment but what is given. */
async function runCopy(project: Project, pythons: readonly string[]): Promise<Run> {
  const port = await closedPort();
  const child = spawn(process.execPath, [path.join(project.root, "scripts", "setup.mjs")], {
    cwd: project.root,
    env: {
      PATH: project.bin,
      HOME: project.home,
      LANG: "C.UTF-8",
      PARALLEL_TS_SETUP_PYTHONS: pythons.join(path.delimiter),
      // No pip.conf of this machine's (it may name an index or local wheels).
      PIP_CONFIG_FILE: os.devNull,
      PIP_DISABLE_PIP_VERSION_CHECK: "1",
      // Never the network, even when a case gets further than it should: pip fails at once.
      PIP_INDEX_URL: `http://127.0.0.1:${port}/simple`,
      PIP_RETRIES: "0",
      PIP_TIMEOUT: "2",
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  return new Promise<Run>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** Setup stopped: exit 1, one sentence ending in what to do, no build/ (kernelspec, env.json), no apt, sudo or npm. */
function assertStopped(project: Project, r: Run): string {
  assert.equal(r.status, 1, `setup should exit 1:\n${r.stdout}\n${r.stderr}`);
  const sentence = theSentence(r.stderr);
  assert.match(sentence, /run `npm run setup` again\.?/);
  assert.ok(!fs.existsSync(path.join(project.root, "build")), "setup wrote build/ although it failed");
  assert.ok(!fs.existsSync(project.forbiddenMarker), `setup ran ${fs.existsSync(project.forbiddenMarker) ? fs.readFileSync(project.forbiddenMarker, "utf8") : ""}`);
  return sentence;
}

function runs(python: string, code: string): boolean {
  return spawnSync(python, ["-c", code]).status === 0;
}

const defaultNames = ["python3.13", "python3.12", "python3.11", "python3"];

describe("setup on bad input: one sentence, exit 1, nothing half-written", { concurrency: true }, () => {
  test("no Python at all: says to install Python 3.11 or newer", async (t) => {
    const project = makeProject(t);
    const r = await runCopy(project, defaultNames);
    const sentence = assertStopped(project, r);
    assert.match(sentence, /^setup: no Python was found \(tried python3\.13, python3\.12, python3\.11, python3\): install Python 3\.11 or newer/);
    assert.match(sentence, /or set PYTHON=\/path\/to\/python3\.11/);
    assert.ok(!fs.existsSync(project.venv));
  });

  test("only Python 3.8: says the course needs 3.11 or newer and which Python was found", { skip: needsPython }, async (t) => {
    const project = makeProject(t);
    const old = fakePython(project.bin, "python3", `sys.version_info = (3, 8, 18, "final", 0)`);
    const r = await runCopy(project, defaultNames);
    const sentence = assertStopped(project, r);
    assert.match(sentence, /^setup: the course needs Python 3\.11 or newer \(numpy 2, scikit-learn 1\.9 and dask 2026 do\), and the newest found is 3\.8 /);
    assert.ok(sentence.includes(`(${old})`), sentence);
    assert.match(sentence, /install Python 3\.11\+ .*or set PYTHON=\/path\/to\/python3\.11/);
    assert.ok(!fs.existsSync(project.venv));
  });

  test("Python 3.10 (and a 3.8 tried first): names the newest, 3.10, as too old", { skip: needsPython }, async (t) => {
    const project = makeProject(t);
    fakePython(project.bin, "python3", `sys.version_info = (3, 8, 18, "final", 0)`);
    const newer = fakePython(project.bin, "python3.10", `sys.version_info = (3, 10, 13, "final", 0)`);
    const r = await runCopy(project, ["python3", "python3.10"]);
    const sentence = assertStopped(project, r);
    assert.match(sentence, /the course needs Python 3\.11 or newer .*the newest found is 3\.10 /);
    assert.ok(sentence.includes(`(${newer})`), sentence);
    assert.ok(!fs.existsSync(project.venv));
  });

  test("a Python 3.11 without ensurepip: says to install its venv module, never runs apt", { skip: needsPython }, async (t) => {
    const project = makeProject(t);
    const python = fakePython(project.bin, "python3.11", `sys.modules["ensurepip"] = None`);
    const r = await runCopy(project, defaultNames);
    const sentence = assertStopped(project, r);
    assert.ok(sentence.startsWith(`setup: ${python} (Python 3.11) cannot make a virtual environment (its venv/ensurepip module is missing)`), sentence);
    assert.match(sentence, /sudo apt install python3-venv/);
    assert.doesNotMatch(r.stdout, /Debian's packages/);
    assert.ok(!fs.existsSync(project.venv));
  });

  test("`-m venv` failing halfway: removes the half-made .venv/ and says so again on a re-run", { skip: needsPython }, async (t) => {
    const project = makeProject(t);
    // The venv's Python is really made, then venv fails the way it does when ensurepip cannot install
    // pip (venv runs ensurepip isolated, so no fake ensurepip module could reach it).
    const python = fakePython(
      project.bin,
      "python3.11",
      "",
      `'${realPython}' -m venv --without-pip "$3"\necho "Error: Command [$3/bin/python3.11 -m ensurepip --upgrade --default-pip] returned non-zero exit status 1." >&2\nexit 1`,
    );
    for (const attempt of [1, 2]) {
      const r = await runCopy(project, defaultNames);
      const sentence = assertStopped(project, r);
      assert.ok(sentence.startsWith(`setup: \`${python} -m venv .venv\` failed (Error: Command `), `attempt ${attempt}: ${sentence}`);
      assert.match(sentence, /ensurepip .*returned non-zero exit status 1\.\): install your Python's venv module/);
      assert.ok(!fs.existsSync(project.venv), `attempt ${attempt} left a half-made .venv/`);
      assert.doesNotMatch(r.stdout, /broken/);
    }
  });

  test("pip cannot reach its index: says to connect or set PIP_INDEX_URL, writes no stamp, and a re-run fails the same way", { skip: needsPython }, async (t) => {
    const project = makeProject(t, "six==1.16.0\n");
    fs.symlinkSync(realPython as string, path.join(project.bin, "python3.11"));
    const first = await runCopy(project, defaultNames);
    const sentence = assertStopped(project, first);
    assert.match(first.stdout, /making \.venv\/ with .*python3\.11/);
    assert.match(sentence, /^setup: pip could not reach its package index to install .*requirements\.txt \(see above\): connect to the network or point pip at a mirror \(PIP_INDEX_URL\)/);
    assert.match(first.stderr, /six==1\.16\.0/, "pip's own error is shown above the sentence");
    assert.ok(runs(path.join(project.venv, "bin", "python"), "import pip"), "the venv made before pip failed stays and is reused");
    assert.ok(!fs.existsSync(project.stamp), "a stamp says .venv/ is complete although pip failed");

    const second = await runCopy(project, defaultNames);
    assert.equal(assertStopped(project, second), sentence);
    assert.doesNotMatch(second.stdout, /making \.venv|broken/);
    assert.ok(!fs.existsSync(project.stamp));
  });

  const halfMade: { readonly name: string; readonly make: (venv: string) => void }[] = [
    {
      name: "no bin/python (interrupted at once)",
      make: (venv) => {
        fs.mkdirSync(path.join(venv, "bin"), { recursive: true });
        fs.writeFileSync(path.join(venv, "pyvenv.cfg"), "home = /usr/bin\n");
      },
    },
    {
      name: "bin/python pointing at a removed Python",
      make: (venv) => {
        fs.mkdirSync(path.join(venv, "bin"), { recursive: true });
        fs.symlinkSync("/nonexistent/python3.11", path.join(venv, "bin", "python"));
      },
    },
    {
      name: "a Python without pip (interrupted before ensurepip)",
      make: (venv) => {
        const r = spawnSync(realPython as string, ["-m", "venv", "--without-pip", venv], { encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
        assert.ok(runs(path.join(venv, "bin", "python"), "pass") && !runs(path.join(venv, "bin", "python"), "import pip"));
      },
    },
  ];
  for (const { name, make } of halfMade) {
    test(`a half-made .venv/ (${name}) is made again`, { skip: needsPython }, async (t) => {
      const project = makeProject(t, "six==1.16.0\n");
      fs.symlinkSync(realPython as string, path.join(project.bin, "python3.11"));
      make(project.venv);
      const leftover = path.join(project.venv, "left-by-the-interrupted-run");
      fs.writeFileSync(leftover, "");
      const r = await runCopy(project, defaultNames);
      assert.match(r.stdout, /setup: \.venv\/ is broken or half-made .*: making it again\nsetup: making \.venv\/ with /);
      // It gets as far as pip, which cannot reach the (closed) index here.
      assert.match(assertStopped(project, r), /pip could not reach its package index/);
      assert.ok(!fs.existsSync(leftover), "the half-made .venv/ was not replaced");
      assert.ok(runs(path.join(project.venv, "bin", "python"), "import pip"), ".venv/bin/python does not run or has no pip");
      assert.ok(!fs.existsSync(project.stamp));
    });
  }
});
