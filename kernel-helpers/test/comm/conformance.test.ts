// The conformance suite: every operation on 1, 2, 3 and 4 ranks, for each transport, over
// representative values. One run per (transport, size) does everything and returns what each rank
// saw; the assertions compare with what MPI semantics say it must be.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mpirun } from "kernel-helpers";
import type { Comm } from "kernel-helpers";
import { TRANSPORTS, leftoverRanks, mpiexecMissing } from "./helpers";

function values(): unknown[] {
  return [null, 42, -0.5, "héllo", { a: [1, { b: "c" }], d: true }, new Map<unknown, unknown>([["k", 1], [2, [3]]]), new Set([1, "x"]), new Date(0), new Float64Array([1.5, -2, 3])];
}

// Runs on every rank; self-contained (it is shipped as source).
async function everything(comm: Comm) {
  const { ANY_SOURCE, ANY_TAG, Status, SUM, PROD, MIN, MAX, Op, Request } = require("kernel-helpers");
  const { rank, size } = comm;
  const vals = [null, 42, -0.5, "héllo", { a: [1, { b: "c" }], d: true }, new Map<unknown, unknown>([["k", 1], [2, [3]]]), new Set([1, "x"]), new Date(0), new Float64Array([1.5, -2, 3])];
  const next = (rank + 1) % size;
  const prev = (rank + size - 1) % size;
  const out: Record<string, unknown> = {};

  // point-to-point around a ring, with status
  for (const v of vals) await comm.send(v, next, 3);
  const ring = [];
  const st = new Status();
  for (let i = 0; i < vals.length; i++) ring.push(await comm.recv(prev, 3, st));
  out.ring = ring;
  out.ringStatus = [st.source, st.tag];

  // tags select, and messages with the same (source, tag) do not overtake
  await comm.send("first", next, 1);
  await comm.send("second", next, 1);
  await comm.send("other", next, 2);
  out.tagged = [await comm.recv(prev, 2), await comm.recv(prev, 1), await comm.recv(prev, 1)];

  // ANY_SOURCE / ANY_TAG at rank 0
  await comm.send(rank * 100, 0, 10 + rank);
  if (rank === 0) {
    const got = [];
    for (let i = 0; i < size; i++) {
      const s = new Status();
      const v = await comm.recv(ANY_SOURCE, ANY_TAG, s);
      got.push([s.source, s.tag, v]);
    }
    out.anySource = got.sort((a: any, b: any) => a[0] - b[0]);
  }
  // (without it, a fast rank's next message could match rank 0's ANY_TAG receives: correct MPI, wrong test)
  await comm.barrier();

  // non-blocking and sendrecv
  const req = comm.irecv(prev, 4);
  await (await comm.isend({ from: rank }, next, 4)).wait();
  out.irecv = [await req.wait(), req.test()];
  out.sendrecv = await comm.sendrecv(`from ${rank}`, next, 5, prev, 5);
  // irecvs posted before the messages arrive, completed together
  const reqs = [comm.irecv(prev, 6), comm.irecv(prev, 7)];
  await comm.send("six", next, 6);
  await comm.send("seven", next, 7);
  out.waitall = await Request.waitall(reqs);

  // collectives
  const root = size - 1;
  out.bcast = await comm.bcast(rank === root ? vals : null, root);
  out.scatter = await comm.scatter(rank === 0 ? Array.from({ length: size }, (_, i) => ({ i, sq: i * i })) : null);
  out.gather = await comm.gather(vals[rank % vals.length], root);
  out.allgather = await comm.allgather(rank === 1 ? new Set([rank]) : rank);
  out.reduce = [await comm.reduce(rank + 1, SUM), await comm.reduce(rank + 1, PROD, root), await comm.reduce(rank + 1, MIN), await comm.reduce(rank + 1, MAX)];
  out.reduceArrays = await comm.reduce([rank, new Float64Array([rank, 1])], SUM);
  const concat = Op.create((a: string, b: string) => a + b, false);
  out.custom = [await comm.reduce(String(rank), concat), await comm.allreduce(String(rank), concat)];
  out.allreduce = [await comm.allreduce(rank + 1), await comm.allreduce(rank + 1, MAX), Array.from(await comm.allreduce(new Float64Array([rank, 2])))];
  await comm.Barrier(); // mpi4py spells it both ways

  // buffer forms
  const buf = new Float64Array(4).fill(rank);
  await comm.Send(buf, next, 8);
  const recvd = new Float64Array(4);
  const bs = new Status();
  await comm.Recv(recvd, prev, 8, bs);
  out.SendRecv = [Array.from(recvd), bs.source, bs.count];
  const b = new Int32Array(3);
  if (rank === 0) b.set([7, 8, 9]);
  await comm.Bcast(b);
  out.Bcast = Array.from(b);
  const sum = new Float64Array(3);
  await comm.Allreduce(new Float64Array([rank, 1, rank * rank]), sum);
  const red = new Float64Array(3);
  await comm.Reduce(new Float64Array([rank, 1, rank * rank]), rank === 0 ? red : null, MAX);
  out.Allreduce = [Array.from(sum), Array.from(red)];
  const part = new Float64Array(2);
  await comm.Scatter(rank === 0 ? Float64Array.from({ length: 2 * size }, (_, i) => i) : null, part);
  const all = new Float64Array(2 * size);
  await comm.Allgather(part, all);
  const gathered = new Float64Array(2 * size);
  await comm.Gather(part, rank === 0 ? gathered : null);
  out.ScatterGather = [Array.from(part), Array.from(all), Array.from(gathered)];
  out.iprobe = comm.iprobe();
  return out;
}

for (const transport of TRANSPORTS) {
  describe(`Comm over ${transport}`, { skip: transport === "mpiexec" ? mpiexecMissing : undefined }, () => {
    for (const size of [1, 2, 3, 4]) {
      it(`every operation on ${size} rank${size > 1 ? "s" : ""}`, async () => {
        const results = await mpirun(size, everything, { transport, timeoutMs: 60_000 });
        assert.equal(results.length, size);
        const vals = values();
        const root = size - 1;
        const fact = [1, 1, 2, 6, 24][size]!;
        results.forEach((r: any, rank) => {
          const prev = (rank + size - 1) % size;
          assert.deepEqual(r.ring, vals, `rank ${rank} ring`);
          assert.deepEqual(r.ringStatus, [prev, 3]);
          assert.deepEqual(r.tagged, ["other", "first", "second"]);
          if (rank === 0) assert.deepEqual(r.anySource, Array.from({ length: size }, (_, i) => [i, 10 + i, i * 100]));
          assert.deepEqual(r.irecv, [{ from: prev }, [true, { from: prev }]]);
          assert.equal(r.sendrecv, `from ${prev}`);
          assert.deepEqual(r.waitall, ["six", "seven"]);
          assert.deepEqual(r.bcast, vals);
          assert.deepEqual(r.scatter, { i: rank, sq: rank * rank });
          assert.deepEqual(r.gather, rank === root ? Array.from({ length: size }, (_, i) => vals[i % vals.length]) : null);
          assert.deepEqual(r.allgather, Array.from({ length: size }, (_, i) => (i === 1 ? new Set([1]) : i)));
          const total = (size * (size + 1)) / 2;
          assert.deepEqual(r.reduce, [rank === 0 ? total : null, rank === root ? fact : null, rank === 0 ? 1 : null, rank === 0 ? size : null]);
          if (rank === 0) assert.deepEqual(r.reduceArrays, [total - size, new Float64Array([total - size, size])]);
          const digits = Array.from({ length: size }, (_, i) => String(i)).join("");
          assert.deepEqual(r.custom, [rank === 0 ? digits : null, digits]);
          assert.deepEqual(r.allreduce, [total, size, [total - size, 2 * size]]);
          assert.deepEqual(r.SendRecv, [[prev, prev, prev, prev], prev, 4]);
          assert.deepEqual(r.Bcast, [7, 8, 9]);
          const squares = Array.from({ length: size }, (_, i) => i * i).reduce((a, b) => a + b, 0);
          assert.deepEqual(r.Allreduce, [[total - size, size, squares], rank === 0 ? [size - 1, 1, (size - 1) ** 2] : [0, 0, 0]]);
          const seq = Array.from({ length: 2 * size }, (_, i) => i);
          assert.deepEqual(r.ScatterGather, [[2 * rank, 2 * rank + 1], seq, rank === 0 ? seq : new Array(2 * size).fill(0)]);
          assert.equal(r.iprobe, false);
        });
        assert.deepEqual(leftoverRanks(), []);
      });
    }
  });
}
