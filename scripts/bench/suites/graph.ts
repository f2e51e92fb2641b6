// Task-graph scheduler overhead and chunked-reduction throughput, ours vs dask in the same run.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { compute, da, makeExecutor, makeTask, type Delayed } from "kernel-helpers";
import { pythonHas, runPython } from "../python";
import type { BenchRow, BenchSuite } from "../types";

const noop = (x: unknown) => x;

// Independent chains of no-op tasks: dependency tracking and release on every task.
function chains(total: number, length: number): Delayed[] {
  const ends: Delayed[] = [];
  for (let c = 0; c < total / length; c++) {
    let prev: Delayed | number = c;
    for (let i = 0; i < length; i++) prev = makeTask(`t-${c}-${i}`, noop, [prev]);
    ends.push(prev as Delayed);
  }
  return ends;
}

const DASK_OVERHEAD = `
import json, sys, time
from dask.threaded import get
def noop(x): return x
N, L = int(sys.argv[1]), int(sys.argv[2])
dsk = {}
for c in range(N // L):
    for i in range(L):
        dsk[('t', c, i)] = (noop, ('t', c, i - 1)) if i else (noop, c)
keys = [('t', c, L - 1) for c in range(N // L)]
get(dsk, keys[:5])
t = time.perf_counter(); get(dsk, keys); el = time.perf_counter() - t
print(json.dumps({"us": el / N * 1e6}))
`;

const DASK_REDUCE = `
import json, sys, time
import numpy as np, dask.array as da
path, n, chunk = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
x = da.from_array(np.memmap(path, dtype='float64', mode='r', shape=(n,)), chunks=chunk)
x.sum().compute(scheduler='threads')
t = time.perf_counter(); s = float(x.sum().compute(scheduler='threads')); el = time.perf_counter() - t
print(json.dumps({"gbps": n * 8 / el / 1e9, "sum": s}))
`;

const suite: BenchSuite = {
  name: "graph",
  description: "task-graph scheduler overhead per task and chunked reduction throughput, vs dask (threads)",
  async run(ctx) {
    const rows: BenchRow[] = [];
    const hasDask = await pythonHas("dask.array");
    const N = ctx.quick ? 10_000 : 100_000;
    const L = 100;

    ctx.log(`overhead: ${N} no-op tasks in ${N / L} chains of ${L}`);
    const executor = await makeExecutor("threads", { workers: os.availableParallelism() });
    try {
      await compute(...chains(1000, 10), { scheduler: executor }); // warm the workers
      const ends = chains(N, L);
      const t0 = performance.now();
      await compute(...ends, { scheduler: executor });
      const ours = ((performance.now() - t0) * 1000) / N;
      const dask = hasDask.ok ? (await runPython<{ us: number }>(DASK_OVERHEAD, [String(N), String(L)])).us : undefined;
      rows.push({ metric: `scheduler overhead per task, ${N} no-op tasks, threads`, unit: "µs/task", ours, baseline: dask, baselineName: "dask.threaded.get", goal: "<= 0.5", note: hasDask.ok ? undefined : hasDask.reason });
    } finally {
      await executor.close();
    }

    const n = ctx.quick ? 2 ** 25 : 2 ** 28; // 256 MiB or 2 GiB of float64
    const chunk = 2 ** 22;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kh-bench-graph-"));
    const file = path.join(dir, "x.f64");
    try {
      ctx.log(`reduction: writing ${(n * 8) / 2 ** 20} MiB to ${file}`);
      const fd = fs.openSync(file, "w");
      const block = new Float64Array(chunk).map((_, i) => (i % 7) - 3);
      for (let i = 0; i < n; i += chunk) fs.writeSync(fd, block, 0, chunk * 8, i * 8);
      fs.closeSync(fd);
      const x = da.fromFile(file, { shape: n, chunks: chunk });
      await x.sum().compute({ scheduler: "threads" }); // page cache warm, like the baseline's warm-up
      const t0 = performance.now();
      await x.sum().compute({ scheduler: "threads" });
      const ours = (n * 8) / ((performance.now() - t0) / 1000) / 1e9;
      const dask = hasDask.ok ? (await runPython<{ gbps: number }>(DASK_REDUCE, [file, String(n), String(chunk)])).gbps : undefined;
      rows.push({ metric: `sum of a file-backed array, ${(n * 8) / 2 ** 30} GiB in ${chunk * 8 / 2 ** 20} MiB chunks, threads`, unit: "GB/s", ours, baseline: dask, baselineName: "dask.array (np.memmap)", goal: ">= 1.0", note: hasDask.ok ? "warm page cache" : hasDask.reason });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return rows;
  },
};

export default suite;
