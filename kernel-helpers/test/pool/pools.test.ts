// ThreadPool and ProcessPool against serial results: the same suite runs on both.
import assert from "node:assert/strict";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import v8 from "node:v8";
import vm from "node:vm";
import {
  AsyncResult,
  defaultChunksize,
  FunctionNotShippableError,
  moduleTask,
  PoolClosedError,
  PoolStateError,
  PoolTerminatedError,
  ProcessPool,
  ResultNotCloneableError,
  maxWorkers,
  ThreadPool,
  TimeoutError,
  WorkerExitError,
  type Pool,
} from "kernel-helpers";

// A real collection before each heap reading, without --expose-gc on the test's command line:
// without it the reading is whatever garbage the last few thousand messages left.
v8.setFlagsFromString("--expose-gc");
const collectGarbage = vm.runInNewContext("gc") as () => void;

const square = (x: number) => x * x;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const fixture = path.join(__dirname, "fixtures", "tasks.js");

it("an unbounded worker count is refused before any worker starts; the course's 4x-cores demos stay allowed", () => {
  for (const Pool of [ThreadPool, ProcessPool]) {
    assert.throws(() => new Pool(10_000), (e: unknown) => e instanceof Error && /at most \d+ workers on this machine/.test(e.message) && (e as { code?: string }).code === "ERR_INVALID_ARGUMENT");
  }
  assert.ok(maxWorkers() >= 16 && maxWorkers() >= 4 * os.availableParallelism());
});

it("defaultChunksize follows Python's divmod rule", () => {
  assert.equal(defaultChunksize(0, 2), 0);
  assert.equal(defaultChunksize(8, 2), 1);
  assert.equal(defaultChunksize(9, 2), 2);
  assert.equal(defaultChunksize(100, 4), 7); // divmod(100, 16) = (6, 4) -> 7
  assert.equal(defaultChunksize(1000, 2), 125);
});

for (const Pool of [ThreadPool, ProcessPool]) {
  describe(Pool.name, () => {
    let pool: Pool;
    before(() => {
      pool = new Pool(2);
    });
    after(async () => {
      await pool.terminate();
    });

    it("reports its worker count", () => {
      assert.equal(pool.processes, 2);
    });

    it("map equals the serial map, for default and explicit chunk sizes", async () => {
      const items = range(103);
      const serial = items.map(square);
      assert.deepEqual(await pool.map(square, items), serial);
      for (const chunksize of [1, 7, 500]) assert.deepEqual(await pool.map(square, items, { chunksize }), serial);
      assert.deepEqual(await pool.map(square, []), []);
      assert.deepEqual(await pool.map(square, new Set([3, 4])), [9, 16]);
    });

    it("numbers survive the packed fast path exactly; mixed chunks are not packed", async () => {
      const items = [...range(100).map((i) => i / 7), NaN, -0, 2 ** 53, -Infinity];
      const same = await pool.map((x: number) => x, items, { chunksize: items.length });
      assert.ok(same.every((v, i) => Object.is(v, items[i])));
      const mixed = await pool.map((x: number) => (x % 10 === 0 ? String(x) : x), range(50), { chunksize: 50 });
      assert.deepEqual(mixed, range(50).map((x) => (x % 10 === 0 ? String(x) : x)));
    });

    it("map keeps input order even when later items finish first", async () => {
      const slowFirst = async (x: number) => {
        await new Promise((r) => setTimeout(r, (5 - x) * 15));
        return x;
      };
      assert.deepEqual(await pool.map(slowFirst, [0, 1, 2, 3, 4], { chunksize: 1 }), [0, 1, 2, 3, 4]);
    });

    it("a chunk mixing synchronous and async tasks keeps every result, and an async rejection mid-chunk rejects", async () => {
      // Workers answer all-synchronous chunks synchronously and switch to awaiting at the first promise.
      const mixed = (x: number) => (x % 3 === 1 ? Promise.resolve(x * 10) : x % 3 === 2 ? new Promise((r) => setTimeout(() => r(-x), 2)) : x);
      const expected = range(20).map((x) => (x % 3 === 1 ? x * 10 : x % 3 === 2 ? -x : x));
      for (const chunksize of [1, 4, 20]) assert.deepEqual(await pool.map(mixed, range(20), { chunksize }), expected);
      const late = async (x: number) => {
        if (x === 7) throw new RangeError(`late ${x}`);
        return x;
      };
      await assert.rejects(pool.map(late, range(10), { chunksize: 10 }), (e: unknown) => e instanceof RangeError && e.message === "late 7");
    });

    it("starmap spreads argument lists; apply calls once", async () => {
      const pairs: [number, number][] = [[1, 2], [3, 4], [5, 6]];
      assert.deepEqual(await pool.starmap((a: number, b: number) => a * b, pairs), pairs.map(([a, b]) => a * b));
      assert.equal(await pool.apply((a: number, b: string) => `${b}${a}`, [7, "x"]), "x7");
      assert.equal(await pool.apply(() => 5), 5);
    });

    it("imap yields in order; imapUnordered yields every result in completion order", async () => {
      const wait = async (x: number) => {
        await new Promise((r) => setTimeout(r, x * 20));
        return x;
      };
      const ordered: number[] = [];
      for await (const v of pool.imap(wait, [4, 0, 2, 1])) ordered.push(v);
      assert.deepEqual(ordered, [4, 0, 2, 1]);
      const unordered: number[] = [];
      for await (const v of pool.imapUnordered(wait, [4, 0])) unordered.push(v);
      assert.deepEqual(unordered, [0, 4]);
      const chunked: number[] = [];
      for await (const v of pool.imap(square, range(10), { chunksize: 3 })) chunked.push(v);
      assert.deepEqual(chunked, range(10).map(square));
    });

    it("a result that cannot be cloned rejects with ResultNotCloneableError naming the value; the pool goes on", async () => {
      await assert.rejects(pool.apply(() => ({ ok: 1, score: () => 1 })), (e: unknown) => {
        assert.ok(e instanceof ResultNotCloneableError, `got ${String(e)} ${JSON.stringify(e)}`);
        assert.match(e.message, /result\.score is a function \(score\) cannot be cloned/);
        return true;
      });
      await assert.rejects(pool.map((x: number) => (x === 2 ? Symbol("tag") : x), [1, 2, 3]), /result is a symbol \(Symbol\(tag\)\)/);
      await assert.rejects(pool.apply(() => new Map([["k", [new WeakMap()]]])), /result\.get\("k"\)\[0\] is a WeakMap cannot be cloned/);
      // Class instances with data clone fine (as data), so they are not refused.
      assert.deepEqual(await pool.apply(() => { class P { x = 3; } return { ...new P() }; }), { x: 3 });
      assert.deepEqual(await pool.map(square, [1, 2, 3]), [1, 4, 9]);
    });

    it("imap and imapUnordered stream an endless generator: bounded pulls ahead, flat heap", async () => {
      // Python's imap is lazy; ours must not read the whole iterable first. The generator refuses to
      // run far ahead, so an eager imap fails here instead of hanging.
      for (const method of ["imap", "imapUnordered"] as const) {
        let pulled = 0;
        function* endless() {
          for (let i = 0; ; i++) {
            pulled++;
            if (pulled > 100_000) throw new Error(`${method} pulled ${pulled} items ahead of its consumer`);
            yield i;
          }
        }
        const consume = async (iterator: AsyncIterator<number>, n: number) => {
          let sum = 0;
          for (let k = 0; k < n; k++) sum += (await iterator.next()).value as number;
          return sum;
        };
        const iterator = pool[method](square, endless(), { chunksize: 4 });
        await consume(iterator, 1000);
        // At most two chunks per worker ahead of what was consumed.
        assert.ok(pulled <= 1000 + pool.processes * 2 * 4 + 4, `${method} pulled ${pulled} items for 1000 consumed`);
        const heap = () => {
          collectGarbage();
          return process.memoryUsage().heapUsed;
        };
        const before = heap();
        await consume(iterator, 4000);
        const growth = heap() - before;
        assert.ok(pulled <= 5000 + pool.processes * 2 * 4 + 4, `${method} pulled ${pulled} items for 5000 consumed`);
        assert.ok(growth < 8 * 1024 * 1024, `${method}: heap grew ${growth} bytes over 4000 streamed items`);
        await iterator.return?.();
      }
      // A pool still works after an abandoned stream.
      assert.deepEqual(await pool.map(square, [1, 2]), [1, 4]);
    });

    it("mapAsync / applyAsync: handles, callbacks in completion order, get(timeout)", async () => {
      const order: string[] = [];
      const slow = pool.applyAsync(
        async () => {
          await new Promise((r) => setTimeout(r, 150));
          return "slow";
        },
        [],
        { callback: (v) => order.push(v) },
      );
      const fast = pool.mapAsync(square, [1, 2, 3], { callback: (v) => order.push(`fast:${v.join(",")}`) });
      assert.ok(slow instanceof AsyncResult);
      assert.equal(slow.ready(), false);
      assert.throws(() => slow.successful(), /not ready/);
      await assert.rejects(slow.get(1), (e: unknown) => e instanceof TimeoutError && e.code === "ERR_TIMEOUT");
      assert.deepEqual(await fast.get(), [1, 4, 9]);
      assert.equal(await slow.get(), "slow");
      assert.deepEqual(order, ["fast:1,4,9", "slow"]);
      assert.equal(slow.successful(), true);

      let reported: unknown;
      const failing = pool.starmapAsync(
        (x: number) => {
          if (x === 2) throw new RangeError("two");
          return x;
        },
        [[1], [2]],
        { errorCallback: (e) => (reported = e) },
      );
      await failing.wait();
      assert.equal(failing.successful(), false);
      assert.ok(reported instanceof RangeError);
      await assert.rejects(failing.get(), /two/);
    });

    it("a task's exception rejects with the worker's name, message and stack", async () => {
      await assert.rejects(
        pool.map(
          function explode(x: number) {
            if (x === 3) throw new TypeError(`bad item ${x}`);
            return x;
          },
          range(5),
        ),
        (e: unknown) => e instanceof TypeError && e.message === "bad item 3" && /explode/.test(e.stack ?? ""),
      );
      assert.deepEqual(await pool.map(square, [2]), [4]); // still usable
    });

    it("a worker that exits fails its task with WorkerExitError and is replaced", async () => {
      await assert.rejects(
        pool.apply(() => process.exit(7)),
        (e: unknown) => e instanceof WorkerExitError && e.code === "ERR_WORKER_EXITED" && e.exitCode === 7,
      );
      assert.deepEqual(await pool.map(square, range(8)), range(8).map(square));
    });

    it("a function with a captured variable is refused before anything runs", async () => {
      const k = 10;
      await assert.rejects(
        pool.map((x: number) => x + k, [1]),
        (e: unknown) => e instanceof FunctionNotShippableError && e.variable === "k" && /ProcessPool|ThreadPool/.test(e.message),
      );
      // A global that exists only here passes the check; the worker's ReferenceError says the same.
      (globalThis as Record<string, unknown>).onlyInParent = 1;
      try {
        await assert.rejects(
          pool.map(new Function("x", "return onlyInParent + x") as (x: number) => number, [1]),
          (e: unknown) => e instanceof FunctionNotShippableError && /uses `onlyInParent`, which is defined outside it/.test(e.message),
        );
      } finally {
        delete (globalThis as Record<string, unknown>).onlyInParent;
      }
    });

    it("an argument that cannot be cloned rejects", async () => {
      await assert.rejects(pool.map((f: unknown) => typeof f, [() => 1]), /could not be cloned|DataCloneError|cannot be serialized|clone/i);
      assert.deepEqual(await pool.map(square, [3]), [9]);
    });

    it("runs module tasks", async () => {
      assert.deepEqual(await pool.map(moduleTask(fixture, "double"), [1, 2, 3]), [2, 4, 6]);
    });

    it("records one task event per chunk", async () => {
      pool.clearEvents();
      await pool.map(square, range(16), { chunksize: 4 });
      assert.equal(pool.events.length, 4);
      for (const e of pool.events) {
        assert.ok(e.end >= e.start);
        assert.ok(Math.abs(e.start - Date.now()) < 60_000);
        assert.equal(e.ok, true);
      }
    });
  });
}

for (const Pool of [ThreadPool, ProcessPool]) {
  describe(`${Pool.name} lifecycle and options`, () => {
    it("close() then join() finishes submitted work; new work is refused", async () => {
      const pool = new Pool(2);
      const pending = pool.map(
        async (x: number) => {
          await new Promise((r) => setTimeout(r, 30));
          return x;
        },
        range(6),
      );
      await assert.rejects(pool.join(), (e: unknown) => e instanceof PoolStateError);
      pool.close();
      await assert.rejects(pool.map(square, [1]), (e: unknown) => e instanceof PoolClosedError && e.code === "ERR_POOL_CLOSED");
      await pool.join();
      assert.deepEqual(await pending, range(6));
    });

    it("terminate() rejects running work with PoolTerminatedError", async () => {
      const pool = new Pool(1);
      const running = assert.rejects(
        pool.apply(() => new Promise((r) => setTimeout(r, 10_000))),
        (e: unknown) => e instanceof PoolTerminatedError,
      );
      await new Promise((r) => setTimeout(r, 200));
      await pool.terminate();
      await running;
    });

    it("Symbol.asyncDispose terminates", async () => {
      const pool = new Pool(1);
      await pool.map(square, [1]);
      await pool[Symbol.asyncDispose]();
      await assert.rejects(pool.map(square, [1]), PoolClosedError);
    });

    it("runs the initializer once per worker and replaces workers after maxtasksperchild", async () => {
      await using pool = new Pool(1, {
        initializer: (tag: string) => {
          (globalThis as Record<string, unknown>).poolTag = tag;
        },
        initargs: ["ready"],
        maxtasksperchild: 2,
      });
      const seen = await pool.map(() => (globalThis as Record<string, unknown>).poolTag, range(4), { chunksize: 1 });
      assert.deepEqual(seen, ["ready", "ready", "ready", "ready"]);
      const workers = pool.events.map((e) => e.workerId);
      assert.equal(workers.length, 4);
      assert.equal(workers[0], workers[1]);
      assert.notEqual(workers[1], workers[2]);
      assert.equal(workers[2], workers[3]);
    });
  });
}

describe("ThreadPool specifics", () => {
  it("transfers typed arrays with { transfer: true } and shares SharedArrayBuffers", async () => {
    await using pool = new ThreadPool(2);
    const data = new Float64Array([1, 2, 3]);
    const sums = await pool.map((a: Float64Array) => a.reduce((s, v) => s + v, 0), [data], { transfer: true });
    assert.deepEqual(sums, [6]);
    assert.equal(data.length, 0, "the transferred array is detached in the sender");
    const moved = await pool.apply(() => new Float64Array([4, 5]), [], { transfer: true });
    assert.deepEqual([...moved], [4, 5]);

    const shared = new Int32Array(new SharedArrayBuffer(4 * 4));
    await pool.map((arg: [Int32Array, number]) => Atomics.add(arg[0], arg[1], arg[1] + 1), range(4).map((i) => [shared, i] as [Int32Array, number]), { chunksize: 1 });
    assert.deepEqual([...shared], [1, 2, 3, 4]);
  });

  it("a worker that runs out of memory under resourceLimits fails its task and is replaced", async () => {
    await using pool = new ThreadPool(1, { resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 } });
    await assert.rejects(
      pool.apply(() => {
        const hog: number[][] = [];
        for (;;) hog.push(new Array(100_000).fill(1));
      }),
      (e: unknown) => e instanceof WorkerExitError && /out of memory/.test(e.message),
    );
    assert.equal(await pool.apply(() => 1 + 1), 2);
  });
});

describe("ProcessPool specifics", () => {
  it("a worker killed by a signal fails its task with the signal, and child output is piped", async () => {
    await using pool = new ProcessPool(1);
    await assert.rejects(
      pool.apply(() => process.kill(process.pid, "SIGKILL")),
      (e: unknown) => e instanceof WorkerExitError && e.signal === "SIGKILL" && e.exitCode === null,
    );
    const writes: string[] = [];
    const original = process.stdout.write;
    process.stdout.write = ((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      await pool.apply(() => console.log("hello from the child"));
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      process.stdout.write = original;
    }
    assert.match(writes.join(""), /hello from the child/);
  });
});
