// Task-graph scheduler overhead and chunked-reduction throughput, ours vs dask in the same run.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { compute, da, makeExecutor, makeTask, type Delayed } from "kernel-helpers";
import { median } from "simple-statistics";
import { baselineVersion, pythonHas, runPython } from "../python";
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
us = []
for _ in range(int(sys.argv[3])):
    t = time.perf_counter(); get(dsk, keys); us.append((time.perf_counter() - t) / N * 1e6)
print(json.dumps({"us": us}))
`;

const DASK_REDUCE = `
import json, sys, time
import numpy as np, dask.array as da
path, n, chunk, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
x = da.from_array(np.memmap(path, dtype='float64', mode='r', shape=(n,)), chunks=chunk)
x.sum().compute(scheduler='threads')
gbps = []
for _ in range(rounds):
    t = time.perf_counter(); s = float(x.sum().compute(scheduler='threads')); gbps.append(n * 8 / (time.perf_counter() - t) / 1e9)
print(json.dumps({"gbps": gbps, "sum": s}))
`;

const suite: BenchSuite = {
  name: "graph",
  description: "task-graph scheduler overhead per task and chunked reduction throughput, vs dask (threads)",
  async run(ctx) {
    const rows: BenchRow[] = [];
    const hasDask = await pythonHas("dask.array");
    const daskVersion = await baselineVersion("dask", "numpy");
    const N = ctx.quick ? 10_000 : 100_000;
    const L = 100;
    // Medians of five rounds: single runs of a few seconds moved the ratios by ±0.1 here.
    const rounds = ctx.quick ? 1 : 5;

    ctx.log(`overhead: ${N} no-op tasks in ${N / L} chains of ${L}`);
    const executor = await makeExecutor("threads", { workers: os.availableParallelism() });
    try {
      await compute(...chains(1000, 10), { scheduler: executor }); // warm the workers
      const times: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const ends = chains(N, L);
        const t0 = performance.now();
        await compute(...ends, { scheduler: executor });
        times.push(((performance.now() - t0) * 1000) / N);
      }
      const ours = median(times);
      const dask = hasDask.ok ? median((await runPython<{ us: number[] }>(DASK_OVERHEAD, [String(N), String(L), String(rounds)])).us) : undefined;
      rows.push({ metric: `scheduler overhead per task, ${N} no-op tasks, threads (median of ${rounds})`, unit: "µs/task", ours, baseline: dask, baselineName: "dask.threaded.get", baselineVersion: daskVersion, goal: "<= 0.5", note: hasDask.ok ? undefined : hasDask.reason });
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
      const rates: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const t0 = performance.now();
        await x.sum().compute({ scheduler: "threads" });
        rates.push((n * 8) / ((performance.now() - t0) / 1000) / 1e9);
      }
      const ours = median(rates);
      const dask = hasDask.ok ? median((await runPython<{ gbps: number[] }>(DASK_REDUCE, [file, String(n), String(chunk), String(rounds)])).gbps) : undefined;
      rows.push({ metric: `sum of a file-backed array, ${(n * 8) / 2 ** 30} GiB in ${chunk * 8 / 2 ** 20} MiB chunks, threads (median of ${rounds})`, unit: "GB/s", ours, baseline: dask, baselineName: "dask.array (np.memmap)", baselineVersion: daskVersion, goal: ">= 1.0", note: hasDask.ok ? "warm page cache" : hasDask.reason });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return rows;
  },
};

export default suite;
