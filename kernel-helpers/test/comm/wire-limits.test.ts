// Issue 23: the communicator refuses what its wire cannot carry (tags like mpi4py's MPI.TAG_UB),
// naming the argument, instead of delivering the message to the wrong receive.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RankFailedError, TAG_UB, mpirun } from "kernel-helpers";
import { leftoverRanks } from "./helpers";

for (const transport of ["threads", "processes"] as const) {
  describe(`wire limits over ${transport}`, () => {
    it("TAG_UB itself travels; a tag above it is refused by name, never delivered as another tag", async () => {
      const got = await mpirun(2, async (comm, ub: number) => {
        if (comm.rank === 0) {
          await comm.send("top", 1, ub);
          return null;
        }
        return comm.recv(0, ub);
      }, { transport, args: [TAG_UB] });
      assert.equal(got[1], "top");
      // 2**32 + 5 wrapped to 5 in the 32-bit header and matched recv(0, 5).
      for (const bad of [2 ** 32 + 5, TAG_UB + 1, 2 ** 53]) {
        await assert.rejects(
          mpirun(2, async (comm, tag: number) => {
            if (comm.rank === 0) {
              await comm.send("wrong", 1, tag);
              await comm.send("right", 1, 5);
              return null;
            }
            return comm.recv(0, 5);
          }, { transport, args: [bad], timeoutMs: 30_000 }),
          (e: unknown) => e instanceof RankFailedError && e.rank === 0 && /`tag`/.test(e.message) && /TAG_UB/.test(e.message),
        );
      }
      assert.deepEqual(leftoverRanks(), []);
    });

    it("receives, probes and buffer sends check their tag and source too", async () => {
      for (const op of ["recv-tag", "recv-source", "iprobe", "Send", "irecv", "sendrecv"]) {
        await assert.rejects(
          mpirun(2, async (comm, which: string, ub: number) => {
            if (comm.rank === 1) return null;
            if (which === "recv-tag") await comm.recv(1, ub + 1);
            if (which === "recv-source") await comm.recv(2 ** 32 + 1, 0);
            if (which === "iprobe") comm.iprobe(1, -7);
            if (which === "Send") await comm.Send(new Float64Array(2), 1, 2 ** 31);
            if (which === "irecv") comm.irecv(1, 1.5);
            if (which === "sendrecv") await comm.sendrecv(1, 1, 0, 1, ub + 1);
            return "accepted";
          }, { transport, args: [op, TAG_UB], timeoutMs: 30_000 }),
          (e: unknown) => e instanceof RankFailedError && e.rank === 0 && /Expected `(tag|source|recvtag)`/.test(e.message),
          op,
        );
      }
    });
  });
}

describe("sequence numbers", () => {
  it("wrap at 2^32 on both sides, as the u32 on the wire does", async () => {
    const { SendCounter, Sequencer } = await import("kernel-helpers/dist/comm/sequencer");
    const sender = new SendCounter(2);
    sender.startAt(1, 2 ** 32 - 2);
    const seqs = [sender.take(1), sender.take(1), sender.take(1)];
    assert.deepEqual(seqs, [2 ** 32 - 2, 2 ** 32 - 1, 0]);
    const got: unknown[] = [];
    const receiver = new Sequencer(2, (e) => got.push(e.d));
    receiver.startAt(0, 2 ** 32 - 2);
    // The one after the wrap arrives first (another way, e.g. a ring) and must wait its turn.
    receiver.accept(0, { s: 0, t: 0, c: 0, d: "third" });
    receiver.accept(2 ** 32 - 2, { s: 0, t: 0, c: 0, d: "first" });
    receiver.accept(2 ** 32 - 1, { s: 0, t: 0, c: 0, d: "second" });
    assert.deepEqual(got, ["first", "second", "third"]);
  });
});

for (const transport of ["threads", "processes"] as const) {
  describe(`unsendable values over ${transport}`, () => {
    it("are refused naming the argument, and the next message still arrives (no sequence number lost)", async () => {
      const got = await mpirun(2, async (comm) => {
        if (comm.rank === 0) {
          const refused: string[] = [];
          for (const bad of [() => 1, Symbol("s"), { f() {} }]) {
            try {
              await comm.send(bad, 1, 2);
            } catch (e) {
              refused.push(`${(e as Error).name}: ${/Expected `obj`/.test((e as Error).message)}`);
            }
          }
          await comm.send("after", 1, 2);
          return refused;
        }
        return comm.recv(0, 2);
      }, { transport, timeoutMs: 30_000 });
      assert.deepEqual(got, [["InvalidArgumentError: true", "InvalidArgumentError: true", "InvalidArgumentError: true"], "after"]);
    });
  });
}
