// Issue 23: mpirun's options are checked before anything starts, naming the option: a rank count
// that would fork far more V8 instances than the machine has cores, timeouts that are not a
// number of milliseconds (or that Node's timers cannot hold), and the terminal launcher's flags.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";
import { InvalidArgumentError, cpuCount, mpirun } from "kernel-helpers";
import { threadCount } from "./helpers";

const cli = path.resolve(__dirname, "../../dist/cli.js");
const hello = path.join(__dirname, "fixtures", "hello.js");
const cap = Math.max(16, 8 * cpuCount());

describe("mpirun's options", () => {
  for (const transport of ["threads", "processes"] as const) {
    it(`n above 8 per CPU on ${transport} is refused before any rank starts`, async () => {
      const threads = threadCount();
      await assert.rejects(mpirun(cap + 1, async () => 1, { transport }), (e: unknown) => e instanceof InvalidArgumentError && /`n`/.test(e.message) && e.message.includes(`1…${cap}`));
      assert.equal(threadCount(), threads);
    });
  }

  it("timeoutMs, args and mpiexecArgs of the wrong kind are refused by name", async () => {
    for (const [options, name] of [[{ timeoutMs: -1 }, "timeoutMs"], [{ timeoutMs: "100" }, "timeoutMs"], [{ timeoutMs: NaN }, "timeoutMs"], [{ args: "x" }, "args"], [{ transport: "mpiexec", mpiexecArgs: [1] }, "mpiexecArgs"]] as const) {
      await assert.rejects(mpirun(2, async () => 1, options as never), (e: unknown) => e instanceof InvalidArgumentError && e.message.includes(`\`${name}\``), JSON.stringify(options));
    }
  });

  it("a timeout too long for Node's timers means no timeout, not an immediate one", async () => {
    assert.deepEqual(await mpirun(2, async (comm) => comm.allreduce(1), { timeoutMs: 1e10 }), [2, 2]);
  });

  it("the terminal launcher refuses a bad --timeout or --transport with exit 2", () => {
    for (const flags of [["--timeout", "soon"], ["--timeout", "-5"], ["--transport", "threads"]]) {
      const r = spawnSync(process.execPath, [cli, "mpirun", "-n", "2", ...flags, hello], { encoding: "utf8", timeout: 30_000 });
      assert.equal(r.status, 2, `${flags.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(flags[0]!));
    }
  });
});
