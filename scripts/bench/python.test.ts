// PythonSession against the real baseline Python: the bench suites trust it to pair each request
// with its own answer and to end Python whatever happens.
import assert from "node:assert/strict";
import { test } from "node:test";
import { PythonTimeoutError } from "kernel-helpers";
import { PythonSession, baselineVersion, baselineVersions, runPython } from "./python";

const ECHO = `
import json, sys
for line in sys.stdin:
    n = int(line)
    if n < 0:
        sys.exit("asked for " + str(n))
    print("a log line that is not the answer")
    print(json.dumps({"n": n, "square": n * n}))
`;

test("PythonSession answers each request with its own JSON line, skipping other output", async () => {
  const python = new PythonSession(ECHO);
  try {
    for (const n of [3, 4, 5]) assert.deepEqual(await python.request("" + n), { n, square: n * n });
  } finally {
    await python.close();
  }
});

test("PythonSession refuses a second request while one is unanswered", async () => {
  const python = new PythonSession(ECHO);
  try {
    const first = python.request("2");
    await assert.rejects(python.request("3"), /previous request has not been answered/);
    assert.deepEqual(await first, { n: 2, square: 4 });
  } finally {
    await python.close();
  }
});

test("a Python that dies rejects the pending request with its stderr, and later ones too", async () => {
  const python = new PythonSession(ECHO);
  try {
    await assert.rejects(python.request("-1"), /python exited with 1: asked for -1/);
    await assert.rejects(python.request("2"), /python exited with 1/);
  } finally {
    await python.close();
  }
});

test("PythonSession.close ends the Python process", async () => {
  const python = new PythonSession(ECHO);
  await python.request("1");
  const pid = python.pid!;
  await python.close();
  assert.throws(() => process.kill(pid, 0), { code: "ESRCH" });
});

test("runPython stops a Python that hangs at its time limit (kernel-helpers' runCommand)", async () => {
  await assert.rejects(runPython("import time\ntime.sleep(60)", [], 500), (error: unknown) => error instanceof PythonTimeoutError && error.timeoutMs === 500);
});

test("baselineVersions reads the current releases from the venv's Python and its mpiexec", async () => {
  const found = await baselineVersions();
  const major = (name: string) => Number(found[name]?.split(".")[0]);
  const minor = (name: string) => Number(found[name]?.split(".")[1]);
  assert.ok(major("scikit-learn") > 1 || (major("scikit-learn") === 1 && minor("scikit-learn") >= 9), `scikit-learn ${found["scikit-learn"]}`);
  assert.ok(major("dask") >= 2026, `dask ${found.dask}`);
  assert.ok(major("numpy") >= 2, `numpy ${found.numpy}`);
  assert.ok(major("mpi4py") >= 4, `mpi4py ${found.mpi4py}`);
  assert.match(found["Open MPI"] ?? "", /^\d+\.\d+/);
  assert.equal(await baselineVersion("dask", "no-such-package"), `dask ${found.dask}, no-such-package (not installed)`);
});
