// The terminal launcher and `Comm.world()` in a program: our processes, our mpiexec launcher, and a
// bare `mpiexec -n 2 node prog.js` (rank 0 coordinates).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";
import { leftoverRanks, mpiexecMissing } from "./helpers";

const cli = path.resolve(__dirname, "../../dist/cli.js");
const hello = path.join(__dirname, "fixtures", "hello.js");

function run(command: string, args: string[], timeout = 60_000) {
  return spawnSync(command, args, { encoding: "utf8", timeout, cwd: path.resolve(__dirname, "../../..") });
}

describe("npx kernel-helpers mpirun", () => {
  it("runs a program on 3 processes with tagged output", () => {
    const r = run(process.execPath, [cli, "mpirun", "-n", "3", "--tag-output", hello]);
    assert.equal(r.status, 0, r.stderr);
    for (const rank of [0, 1, 2]) assert.match(r.stdout, new RegExp(`^\\[${rank}\\] hello from rank ${rank} of 3$`, "m"));
    assert.match(r.stdout, /^\[0\] sum of ranks 3$/m);
    assert.deepEqual(leftoverRanks(), []);
  });

  it("a program ends after receives that were all posted before their messages came", () => {
    // Regression: the process stayed alive (sockets held) when a second posted receive completed last.
    const r = run(process.execPath, [cli, "mpirun", "-n", "3", hello, "late"], 30_000);
    assert.equal(r.signal, null, "mpirun did not end");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^sum of ranks 3$/m);
    assert.deepEqual(leftoverRanks(), []);
  });

  it("exits 1 with a DeadlockError for a deadlocked program", () => {
    const r = run(process.execPath, [cli, "mpirun", "-n", "2", hello, "deadlock"]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /DeadlockError \(ERR_DEADLOCK\).*rank 0 waits in recv for rank 1 \(tag 9\)/);
    assert.deepEqual(leftoverRanks(), []);
  });

  it("usage errors exit 2", () => {
    const r = run(process.execPath, [cli, "mpirun", "-n", "x", hello]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /-n needs a positive integer/);
  });

  it("--transport mpiexec starts the ranks with mpiexec", { skip: mpiexecMissing }, () => {
    const r = run(process.execPath, [cli, "mpirun", "-n", "2", "--transport", "mpiexec", hello]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /hello from rank 1 of 2/);
    assert.match(r.stdout, /sum of ranks 1/);
    assert.deepEqual(leftoverRanks(), []);
  });

  it("a bare mpiexec works too: rank 0 coordinates", { skip: mpiexecMissing }, () => {
    const root = process.getuid?.() === 0 ? ["--allow-run-as-root"] : [];
    const r = run("mpiexec", [...root, "--oversubscribe", "-n", "3", process.execPath, hello]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /hello from rank 2 of 3/);
    assert.match(r.stdout, /sum of ranks 3/);
    assert.deepEqual(leftoverRanks(), []);
  });
});
