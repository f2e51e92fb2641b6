// Issue 23: ranks that call different collectives (or the same one with different roots, or a
// different number of them) always end in a CollectiveMismatchError naming what each rank called,
// never in exit code 0 or a silently wrong result.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";
import { CollectiveMismatchError, mpirun } from "kernel-helpers";
import type { Comm } from "kernel-helpers";
import { leftoverRanks, mpiexecMissing } from "./helpers";

// Self-contained: shipped to the ranks as source. `mix` picks the wrong program.
async function mismatched(comm: Comm, mix: string) {
  const { SUM } = require("kernel-helpers");
  const r = comm.rank;
  switch (mix) {
    case "bcast/reduce": // every rank only sends: used to end with exit 0
      return r === 0 ? comm.bcast("x", 0) : comm.reduce(r, SUM, 0);
    case "reduce/bcast": // every rank waits: used to be a plain deadlock
      return r === 0 ? comm.reduce(r, SUM, 0) : comm.bcast(null, 0);
    case "roots": // each rank thinks it is the root
      return comm.bcast(`from ${r}`, r);
    case "allreduce/allgather":
      return r === 0 ? comm.allreduce(r) : comm.allgather(r);
    case "Bcast/barrier":
      return r === 0 ? comm.Bcast(new Float64Array(4), 0) : comm.barrier();
    case "one more": // rank 0 calls a barrier the others never reach
      await comm.allreduce(r);
      if (r === 0) await comm.barrier();
      return r;
    case "scatter/gather":
      return r === 0 ? comm.scatter([1, 2, 3], 0) : comm.gather(r, 0);
  }
  throw new Error(`unknown mix ${mix}`);
}

const MIXES = ["bcast/reduce", "reduce/bcast", "roots", "allreduce/allgather", "Bcast/barrier", "one more", "scatter/gather"];

for (const transport of ["threads", "processes"] as const) {
  describe(`mismatched collectives over ${transport}`, () => {
    for (const mix of MIXES) {
      it(`${mix}: a CollectiveMismatchError every time`, async () => {
        for (let round = 0; round < (transport === "threads" ? 3 : 1); round++) {
          await assert.rejects(
            mpirun(3, mismatched, { transport, args: [mix], timeoutMs: 30_000 }),
            (e: unknown) => {
              assert.ok(e instanceof CollectiveMismatchError, `got ${(e as Error)?.name}: ${(e as Error)?.message}`);
              assert.equal(e.code, "ERR_COLLECTIVE_MISMATCH");
              return true;
            },
          );
        }
        assert.deepEqual(leftoverRanks(), []);
      });
    }

    it("matching collectives, concurrent ones included, still work", async () => {
      const got = await mpirun(3, async (comm) => {
        const [a, b, c] = await Promise.all([comm.bcast(comm.rank === 0 ? "a" : null), comm.allreduce(comm.rank), comm.bcast(comm.rank === 1 ? "b" : null, 1)]);
        await comm.barrier();
        return [a, b, c, await comm.allgather(comm.rank)];
      }, { transport });
      for (const g of got) assert.deepEqual(g, ["a", 3, "b", [0, 1, 2]]);
    });
  });
}

describe("mismatched collectives over mpiexec", { skip: mpiexecMissing }, () => {
  for (const mix of ["bcast/reduce", "reduce/bcast", "roots"]) {
    it(`${mix}: a CollectiveMismatchError`, async () => {
      await assert.rejects(mpirun(3, mismatched, { transport: "mpiexec", args: [mix], timeoutMs: 60_000 }), (e: unknown) => e instanceof CollectiveMismatchError);
      assert.deepEqual(leftoverRanks(), []);
    });
  }
});

describe("npx kernel-helpers mpirun with mismatched collectives", () => {
  const cli = path.resolve(__dirname, "../../dist/cli.js");
  const program = path.join(__dirname, "fixtures", "collectives.js");
  for (const mix of ["bcast-reduce", "reduce-bcast"]) {
    it(`${mix}: exits 1 naming the mismatch`, () => {
      for (let round = 0; round < 2; round++) {
        const r = spawnSync(process.execPath, [cli, "mpirun", "-n", "3", program, mix], { encoding: "utf8", timeout: 60_000 });
        assert.equal(r.status, 1, `round ${round}: exit ${r.status}\n${r.stdout}\n${r.stderr}`);
        assert.match(r.stderr, /CollectiveMismatchError \(ERR_COLLECTIVE_MISMATCH\)/);
      }
      assert.deepEqual(leftoverRanks(), []);
    });
  }
  it("matching collectives exit 0", () => {
    const r = spawnSync(process.execPath, [cli, "mpirun", "-n", "3", program, "match"], { encoding: "utf8", timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
  });
});
