// Failures end the run, name the rank (and tags), and leave nothing running.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CommAbortError, CommTimeoutError, DeadlockError, RankFailedError, mpirun } from "kernel-helpers";
import { TRANSPORTS, leftoverRanks, mpiexecMissing, threadCount } from "./helpers";

for (const transport of TRANSPORTS) {
  describe(`failures over ${transport}`, { skip: transport === "mpiexec" ? mpiexecMissing : undefined }, () => {
    it("an exception in one rank stops all and names the rank", async () => {
      const threads = threadCount();
      await assert.rejects(
        mpirun(3, async (comm) => {
          if (comm.rank === 1) throw new TypeError("bad input on rank one");
          await comm.recv(); // the others wait forever: they must be stopped
        }, { transport, timeoutMs: 30_000 }),
        (e: unknown) => e instanceof RankFailedError && e.code === "ERR_RANK_FAILED" && e.rank === 1 && /bad input on rank one/.test(e.message),
      );
      assert.deepEqual(leftoverRanks(), []);
      if (transport === "threads") assert.ok(threadCount() <= threads, `threads before ${threads}, after ${threadCount()}`);
    });

    it("a receive nobody answers is reported as a deadlock naming ranks and tags", async () => {
      await assert.rejects(
        mpirun(2, async (comm) => {
          await comm.recv(1 - comm.rank, 40 + comm.rank);
        }, { transport, timeoutMs: 30_000 }),
        (e: unknown) => e instanceof DeadlockError && e.code === "ERR_DEADLOCK" && e.ranks.join() === "0,1" && e.tags.join() === "40,41",
      );
      assert.deepEqual(leftoverRanks(), []);
    });

    it("abort stops every rank", async () => {
      await assert.rejects(
        mpirun(2, async (comm) => {
          if (comm.rank === 0) await comm.abort(3);
          await comm.barrier();
        }, { transport, timeoutMs: 30_000 }),
        (e: unknown) => e instanceof CommAbortError && e.rank === 0 && e.errorcode === 3,
      );
      assert.deepEqual(leftoverRanks(), []);
    });
  });
}

describe("timeout", () => {
  it("stops a rank that keeps timers running (not a provable deadlock) after timeoutMs", async () => {
    await assert.rejects(
      mpirun(2, async (comm) => {
        const keepBusy = setInterval(() => {}, 10);
        await comm.recv(1 - comm.rank, 5);
        clearInterval(keepBusy);
      }, { timeoutMs: 700 }),
      (e: unknown) => e instanceof CommTimeoutError && e.code === "ERR_COMM_TIMEOUT" && e.timeoutMs === 700,
    );
  });

  it("rejects bad arguments with the received value", async () => {
    await assert.rejects(mpirun(0, async () => 1), /Expected `n`.*got 0/);
    await assert.rejects(
      mpirun(2, async (comm) => comm.send(1, 5)),
      (e: unknown) => e instanceof RankFailedError && /Expected `dest` to be a rank 0…1, got 5/.test(e.message),
    );
  });
});
