// `npm run bench -- pools`: what a pool costs per item / per task, and what it gains on CPU-bound
// work, against Python's multiprocessing measured in the same run on the same machine.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Piscina from "piscina";
import { median } from "simple-statistics";
import { ProcessPool, ThreadPool, cpuCount } from "kernel-helpers";
import { baselineVersion, pythonExecutable, runPython } from "../python";
import type { BenchContext, BenchRow, BenchSuite } from "../types";

interface Sizes {
  /** Items of the default-chunking no-op map. */
  readonly mapItems: number;
  /** Tasks of the chunksize-1 runs. */
  readonly tasks: number;
  /** Tasks of the ProcessPool / ProcessPoolExecutor runs. */
  readonly processTasks: number;
  /** Target duration of one CPU-bound task. */
  readonly cpuTaskMs: number;
  readonly repeats: number;
}

const FULL: Sizes = { mapItems: 200_000, tasks: 5_000, processTasks: 3_000, cpuTaskMs: 150, repeats: 5 };
const QUICK: Sizes = { mapItems: 20_000, tasks: 500, processTasks: 300, cpuTaskMs: 30, repeats: 2 };

async function timed(fn: () => Promise<unknown>, repeats: number): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** Medians of `a` and `b`, run alternately `repeats` times each. */
async function timedInTurns(a: () => Promise<unknown>, b: () => Promise<unknown>, repeats: number): Promise<[number, number]> {
  const times: [number[], number[]] = [[], []];
  for (let r = 0; r < repeats; r++) {
    for (const [i, fn] of [a, b].entries()) {
      const t0 = performance.now();
      await fn();
      times[i]!.push(performance.now() - t0);
    }
  }
  return [median(times[0]), median(times[1])];
}

// The CPU-bound task, identical in both languages: a float loop.
const work = (n: number): number => {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.sqrt(i);
  return s;
};

/** Iterations that make one `work` call last about `targetMs` here. */
function calibrate(targetMs: number): number {
  let n = 100_000;
  for (;;) {
    const t0 = performance.now();
    work(n);
    const ms = performance.now() - t0;
    if (ms > 20) return Math.round((n * targetMs) / ms);
    n *= 4;
  }
}

const PYTHON = String.raw`
import json, math, sys, time, multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor

def noop(x):
    return x

def work(n):
    s = 0.0
    for i in range(n):
        s += math.sqrt(i)
    return s

def med(xs):
    xs = sorted(xs); k = len(xs)
    return xs[k // 2] if k % 2 else (xs[k // 2 - 1] + xs[k // 2]) / 2

def timed(fn, repeats):
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter(); fn(); out.append((time.perf_counter() - t0) * 1000)
    return med(out)

if __name__ == "__main__":
    map_items, tasks, process_tasks, cpu_task_ms, repeats, workers = (float(a) for a in sys.argv[1:7])
    map_items, tasks, process_tasks, repeats, workers = int(map_items), int(tasks), int(process_tasks), int(repeats), int(workers)
    n = 10000
    while True:
        t0 = time.perf_counter(); work(n); ms = (time.perf_counter() - t0) * 1000
        if ms > 20: break
        n *= 4
    n = int(n * cpu_task_ms / ms)
    res = {}
    with mp.Pool(workers) as pool:
        pool.map(noop, range(workers * 4), chunksize=1)
        items = list(range(map_items))
        res["map_default_ms"] = timed(lambda: pool.map(noop, items), repeats)
        t = list(range(tasks))
        res["map_chunk1_ms"] = timed(lambda: pool.map(noop, t, chunksize=1), repeats)
        cpu_tasks = [n] * (workers * 4)
        cpu_repeats = repeats // 2 + 1
        res["cpu_serial_ms"] = timed(lambda: [work(x) for x in cpu_tasks], cpu_repeats)
        res["cpu_parallel_ms"] = timed(lambda: pool.map(work, cpu_tasks, chunksize=1), cpu_repeats)
    with ProcessPoolExecutor(workers) as ex:
        list(ex.map(noop, range(workers * 4)))
        pt = list(range(process_tasks))
        res["executor_ms"] = timed(lambda: list(ex.map(noop, pt)), repeats)
    res["start_method"] = mp.get_start_method()
    print(json.dumps(res))
`;

interface PythonResult {
  map_default_ms: number;
  map_chunk1_ms: number;
  cpu_serial_ms: number;
  cpu_parallel_ms: number;
  executor_ms: number;
  start_method: string;
}

async function measurePython(sizes: Sizes, workers: number, log: BenchContext["log"]): Promise<PythonResult | string> {
  try {
    log(`python baselines with ${pythonExecutable()} ...`);
    const args = [sizes.mapItems, sizes.tasks, sizes.processTasks, sizes.cpuTaskMs, sizes.repeats, workers].map(String);
    return await runPython<PythonResult>(PYTHON, args);
  } catch (error) {
    const reason = `Python baseline skipped: ${(error as Error).message}`;
    console.log(reason);
    return reason;
  }
}

/** piscina's version from its package.json (its "exports" hide the file from require.resolve). */
function piscinaPackageVersion(): string {
  for (let dir = path.dirname(require.resolve("piscina")); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (!fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
    if (pkg.name === "piscina") return pkg.version ?? "?";
  }
  return "?";
}

const suite: BenchSuite = {
  name: "pools",
  description: "ThreadPool / ProcessPool overhead and speedup vs raw piscina and Python multiprocessing",
  async run({ quick, log }: BenchContext): Promise<BenchRow[]> {
    const sizes = quick ? QUICK : FULL;
    const workers = cpuCount();
    const noop = (x: number) => x;
    const rows: BenchRow[] = [];
    const pyVersion = await baselineVersion("python");
    const piscinaVersion = `piscina ${piscinaPackageVersion()}`;

    // Python first, so the Node measurements do not compete with it for the cores.
    const py = await measurePython(sizes, workers, log);
    const pyNote = typeof py === "string" ? py : undefined;
    // Every row against Python names the same run: its version, and why it is missing when it failed.
    const againstPython = (baselineName: string, value: (p: PythonResult) => number) => ({
      baseline: typeof py === "string" ? undefined : value(py),
      baselineName,
      baselineVersion: pyVersion,
      note: pyNote,
    });
    const microsPer = (ms: number, count: number): number => (ms * 1000) / count;

    log(`ThreadPool(${workers}) overheads ...`);
    const tp = new ThreadPool(workers);
    try {
      await tp.map(noop, Array.from({ length: workers * 4 }, (_, i) => i), { chunksize: 1 });
      const items = Array.from({ length: sizes.mapItems }, (_, i) => i);
      const mapMs = await timed(() => tp.map(noop, items), sizes.repeats);
      rows.push({
        metric: `ThreadPool.map per-item overhead, default chunking (${sizes.mapItems} no-op items, ${workers} workers)`,
        unit: "µs/item",
        ours: microsPer(mapMs, sizes.mapItems),
        ...againstPython("Python multiprocessing.Pool.map", (p) => microsPer(p.map_default_ms, sizes.mapItems)),
        goal: "<= 1.0",
      });
      const tasks = Array.from({ length: sizes.tasks }, (_, i) => i);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-pools-"));
      const file = path.join(dir, "noop.js");
      fs.writeFileSync(file, "module.exports = (x) => x;\n");
      const piscina = new Piscina({ filename: file, minThreads: workers, maxThreads: workers });
      let chunk1Ms: number;
      let rawMs: number;
      try {
        await Promise.all(Array.from({ length: workers * 4 }, (_, i) => piscina.run(i)));
        // Ours and raw piscina take turns, so drift in the machine's speed (it is noisy) hits both
        // alike, and both get the same JIT warm-up; the runs are short, so twice the repeats.
        [chunk1Ms, rawMs] = await timedInTurns(
          () => tp.map(noop, tasks, { chunksize: 1 }),
          () => Promise.all(tasks.map((t) => piscina.run(t))),
          sizes.repeats * 2,
        );
      } finally {
        await piscina.destroy();
        fs.rmSync(dir, { recursive: true, force: true });
      }
      // One measurement, two baselines: raw piscina from this run, and Python's.
      const chunk1 = {
        metric: `ThreadPool.map per-task overhead, chunksize 1 (${sizes.tasks} no-op tasks)`,
        unit: "µs/task",
        ours: microsPer(chunk1Ms, sizes.tasks),
        goal: "<= 1.0",
      };
      rows.push({ ...chunk1, baseline: microsPer(rawMs, sizes.tasks), baselineName: "raw piscina: Promise.all of run()", baselineVersion: piscinaVersion });
      rows.push({ ...chunk1, ...againstPython("Python multiprocessing.Pool.map(chunksize=1)", (p) => microsPer(p.map_chunk1_ms, sizes.tasks)) });
    } finally {
      await tp.terminate();
    }

    log(`ProcessPool(${workers}) overhead ...`);
    const pp = new ProcessPool(workers);
    try {
      await pp.map(noop, Array.from({ length: workers * 4 }, (_, i) => i), { chunksize: 1 });
      const tasks = Array.from({ length: sizes.processTasks }, (_, i) => i);
      const ms = await timed(() => pp.map(noop, tasks, { chunksize: 1 }), sizes.repeats);
      rows.push({
        metric: `ProcessPool.map per-task overhead, chunksize 1 (${sizes.processTasks} no-op tasks)`,
        unit: "µs/task",
        ours: microsPer(ms, sizes.processTasks),
        ...againstPython("Python ProcessPoolExecutor.map", (p) => microsPer(p.executor_ms, sizes.processTasks)),
        goal: "<= 1.0",
      });
    } finally {
      await pp.terminate();
    }

    log("CPU-bound speedup ...");
    const n = calibrate(sizes.cpuTaskMs);
    const cpuTasks = Array.from({ length: workers * 4 }, () => n);
    // Medians on both sides: one timing of a second-long run here can be off by 20% (a speedup
    // over 2 on 2 cores was seen that way).
    const cpuRepeats = Math.floor(sizes.repeats / 2) + 1;
    const serialMs = await timed(async () => cpuTasks.map(work), cpuRepeats);
    for (const Pool of [ThreadPool, ProcessPool]) {
      const pool = new Pool(workers);
      try {
        // Warm every worker's JIT on a small run, as a long-running notebook pool would be.
        await pool.map(work, Array.from({ length: workers * 2 }, () => Math.round(n / 20)), { chunksize: 1 });
        const parallelMs = await timed(() => pool.map(work, cpuTasks, { chunksize: 1 }), cpuRepeats);
        rows.push({
          metric: `${Pool.name} speedup, ${cpuTasks.length} CPU-bound tasks of ~${sizes.cpuTaskMs} ms on ${workers} workers`,
          unit: "× serial",
          ours: serialMs / parallelMs,
          ...againstPython("Python multiprocessing.Pool, same tasks", (p) => p.cpu_serial_ms / p.cpu_parallel_ms),
          goal: ">= 1.0",
          note: pyNote ?? `serial ${serialMs.toFixed(0)} ms, parallel ${parallelMs.toFixed(0)} ms`,
        });
      } finally {
        await pool.terminate();
      }
    }
    if (typeof py !== "string") log(`python start method: ${py.start_method}`);
    return rows;
  },
};

export default suite;
