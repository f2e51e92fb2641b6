// Issue 21: mpi4py's names (Abort, Op.Create, Status.Get_count) next to the old ones, and helper
// functions passed to ranks through mpirun's args (what notebook 06 needed toString() for).
import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import { CommAbortError, FunctionNotShippableError, Op, RankFailedError, mpirun, moduleTask } from "kernel-helpers";
import type { Comm } from "kernel-helpers";

// Self-contained helpers, as a notebook would define them in a cell.
async function exchange(comm: Comm, mine: number[]) {
  const all = await comm.allgather(mine);
  return all.flat();
}
function scale(x: number) {
  return 10 * x;
}

for (const transport of ["threads", "processes"] as const) {
  describe(`mpi4py names and helpers over ${transport}`, () => {
    it("Abort(errorcode) stops the run like abort()", async () => {
      await assert.rejects(
        mpirun(2, async (comm) => {
          if (comm.rank === 1) await comm.Abort(4);
          await comm.recv();
        }, { transport, timeoutMs: 30_000 }),
        (e: unknown) => e instanceof CommAbortError && e.rank === 1 && e.errorcode === 4,
      );
    });

    it("Op.Create and Status.Get_count", async () => {
      const got = await mpirun(2, async (comm) => {
        const { Op: RankOp, Status } = require("kernel-helpers");
        const longest = RankOp.Create((a: string, b: string) => (b.length > a.length ? b : a));
        const word = await comm.allreduce(comm.rank === 0 ? "ab" : "abcd", longest);
        const st = new Status();
        if (comm.rank === 0) await comm.Send(new Float64Array(5), 1, 3);
        else await comm.Recv(new Float64Array(8), 0, 3, st);
        return [word, st.Get_count()];
      }, { transport });
      assert.deepEqual(got, [["abcd", 0], ["abcd", 5]]);
      assert.equal(Op.create((a: number, b: number) => a + b).commute, true); // the old name stays
    });

    it("function and moduleTask arguments reach the rank as functions", async () => {
      const got = await mpirun(2, async (comm, ex: typeof exchange, sc: typeof scale, dbl: (x: number) => number, label: string) => {
        const all = await ex(comm, [comm.rank]);
        return `${label}: ${all.map(sc).map(dbl).join(",")}`;
      }, { transport, args: [exchange, scale, moduleTask(path.join(__dirname, "fixtures", "helpers-module.js"), "double"), "values"] });
      assert.deepEqual(got, ["values: 0,20", "values: 0,20"]);
    });
  });
}

describe("helper arguments", () => {
  it("a helper that captures a variable is refused by name before any rank starts", async () => {
    const factor = 3;
    const captures = (x: number) => factor * x;
    await assert.rejects(
      mpirun(2, async (comm, f: (x: number) => number) => f(comm.rank), { args: [captures] }),
      (e: unknown) => e instanceof FunctionNotShippableError && /args\[0\]/.test(e.message) && /factor/.test(e.message),
    );
  });
});

for (const transport of ["threads", "processes"] as const) {
  describe(`return values over ${transport}`, () => {
    it("a rank's value that cannot travel back fails the run naming the value, instead of arriving as undefined", async () => {
      await assert.rejects(
        mpirun(2, async (comm) => (comm.rank === 1 ? function helper() {} : comm.rank), { transport, timeoutMs: 30_000 }),
        (e: unknown) => e instanceof RankFailedError && e.rank === 1 && /return value \(function helper\) cannot be sent back/.test(e.message),
      );
    });
  });
}
