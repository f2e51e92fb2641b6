// PythonSession against the real baseline Python: the bench suites trust it to pair each request
// with its own answer and to end Python whatever happens.
import assert from "node:assert/strict";
import { test } from "node:test";
import { PythonSession } from "./python";

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
