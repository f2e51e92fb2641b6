// `npm run bench -- mpi`: ping-pong latency (8 B) and bandwidth (8 MB), and Allreduce of 1M float64,
// on 2 ranks: our communicator over threads and over processes against mpi4py (the venv's, under the
// venv's Open MPI mpiexec from PyPI) measured in the same run.
import { mpirun, runCommand } from "kernel-helpers";
import type { Comm, CommTransport } from "kernel-helpers";
import { baselineMpiexec, baselineVersion, parseLastJson, pythonExecutable } from "../python";
import type { BenchRow, BenchSuite } from "../types";

interface Measured {
  latencyUs: number;
  bandwidthMBs: number;
  allreduceMBs: number;
}

// Runs on both ranks; rank 0 returns the numbers. Self-contained: it is shipped to each rank.
async function measure(comm: Comm, reps: { warmup: number; pingpong: number; big: number; allreduce: number }): Promise<Measured | null> {
  const peer = 1 - comm.rank;
  const small = new Float64Array(1);
  const pingpong = async (buf: Float64Array, n: number) => {
    for (let i = 0; i < n; i++) {
      if (comm.rank === 0) {
        await comm.Send(buf, peer, 1);
        await comm.Recv(buf, peer, 1);
      } else {
        await comm.Recv(buf, peer, 1);
        await comm.Send(buf, peer, 1);
      }
    }
  };
  // Warm-up: ranks reach their steady state after 40 000–60 000 round trips here (one-way times
  // fall from ~12 µs over the first 20 000 to a third of that); mpi4py gets the same warm-up.
  await pingpong(small, reps.warmup);
  await comm.barrier();
  let t = performance.now();
  await pingpong(small, reps.pingpong);
  const latencyUs = ((performance.now() - t) * 1000) / (2 * reps.pingpong);
  const big = new Float64Array(1 << 20); // 8 MB
  await pingpong(big, 2);
  await comm.barrier();
  t = performance.now();
  await pingpong(big, reps.big);
  const bandwidthMBs = (2 * reps.big * big.byteLength) / 1e6 / ((performance.now() - t) / 1000);
  const src = new Float64Array(1 << 20).fill(comm.rank + 1);
  const dst = new Float64Array(1 << 20);
  await comm.Allreduce(src, dst);
  await comm.barrier();
  t = performance.now();
  for (let i = 0; i < reps.allreduce; i++) await comm.Allreduce(src, dst);
  const allreduceMBs = (reps.allreduce * src.byteLength) / 1e6 / ((performance.now() - t) / 1000);
  if (dst[0] !== 3) throw new Error(`Allreduce gave ${dst[0]}, expected 3`);
  return comm.rank === 0 ? { latencyUs, bandwidthMBs, allreduceMBs } : null;
}

const PYTHON = `
import json, sys, time
import numpy as np
from mpi4py import MPI
comm = MPI.COMM_WORLD
rank = comm.Get_rank(); peer = 1 - rank
pp, nbig, nall, warm = map(int, sys.argv[1:5])
def pingpong(buf, n):
    for _ in range(n):
        if rank == 0:
            comm.Send(buf, peer, 1); comm.Recv(buf, peer, 1)
        else:
            comm.Recv(buf, peer, 1); comm.Send(buf, peer, 1)
small = np.zeros(1)
pingpong(small, warm); comm.Barrier()
t = time.perf_counter(); pingpong(small, pp); lat = (time.perf_counter() - t) * 1e6 / (2 * pp)
big = np.zeros(1 << 20)
pingpong(big, 2); comm.Barrier()
t = time.perf_counter(); pingpong(big, nbig); bw = 2 * nbig * big.nbytes / 1e6 / (time.perf_counter() - t)
src = np.full(1 << 20, rank + 1.0); dst = np.zeros(1 << 20)
comm.Allreduce(src, dst); comm.Barrier()
t = time.perf_counter()
for _ in range(nall): comm.Allreduce(src, dst)
ar = nall * src.nbytes / 1e6 / (time.perf_counter() - t)
assert dst[0] == 3
if rank == 0: print(json.dumps({"latencyUs": lat, "bandwidthMBs": bw, "allreduceMBs": ar}))
`;

async function runMpi4py(reps: { warmup: number; pingpong: number; big: number; allreduce: number }): Promise<Measured> {
  const root = process.getuid?.() === 0 ? ["--allow-run-as-root"] : [];
  const args = [...root, "--oversubscribe", "-n", "2", pythonExecutable(), "-c", PYTHON, String(reps.pingpong), String(reps.big), String(reps.allreduce), String(reps.warmup)];
  return parseLastJson<Measured>(await runCommand(baselineMpiexec(), args, { timeoutMs: 600_000 }), "mpiexec python (mpi4py)");
}

const suite: BenchSuite = {
  name: "mpi",
  description: "ping-pong latency (8 B) and bandwidth (8 MB), Allreduce of 1M float64, 2 ranks: ours vs mpi4py",
  async run({ quick, log }) {
    const reps = quick ? { warmup: 2000, pingpong: 2000, big: 10, allreduce: 10 } : { warmup: 60000, pingpong: 20000, big: 50, allreduce: 50 };
    let baseline: Measured | undefined;
    let missing: string | undefined;
    log(`mpi4py under ${baselineMpiexec()} -n 2`);
    baseline = await runMpi4py(reps).catch((e: Error) => {
      missing = e.message;
      return undefined;
    });
    const version = await baselineVersion("mpi4py", "Open MPI");
    const rows: BenchRow[] = [];
    for (const transport of ["threads", "processes"] as CommTransport[]) {
      log(`ours over ${transport}`);
      const [m] = (await mpirun(2, measure, { transport, args: [reps] })) as Measured[];
      const name = "mpi4py (the venv's Open MPI, mpiexec -n 2)";
      const note = missing;
      rows.push(
        { metric: `ping-pong latency 8 B, Send/Recv (${transport})`, unit: "µs", ours: m!.latencyUs, baseline: baseline?.latencyUs, baselineName: name, baselineVersion: version, goal: "<= 2", note },
        { metric: `ping-pong bandwidth 8 MB, Send/Recv (${transport})`, unit: "MB/s", ours: m!.bandwidthMBs, baseline: baseline?.bandwidthMBs, baselineName: name, baselineVersion: version, goal: ">= 0.5", note },
        { metric: `Allreduce 1M float64 (${transport})`, unit: "MB/s", ours: m!.allreduceMBs, baseline: baseline?.allreduceMBs, baselineName: name, baselineVersion: version, goal: ">= 0.5", note },
      );
    }
    return rows;
  },
};

export default suite;
