// imap / imapUnordered pull their iterable lazily, as Python's do: an endless generator streams.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { InvalidArgumentError, ProcessPool, ThreadPool, type Pool } from "kernel-helpers";

/** An endless generator that counts its pulls, records whether it was closed, and refuses to run away. */
function counted(limit = 50_000) {
  const state = { pulls: 0, closed: false };
  function* numbers(): Generator<number> {
    try {
      for (;;) {
        if (state.pulls >= limit) throw new Error(`pulled ${limit} items: the pool is not streaming`);
        yield state.pulls++;
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, items: numbers() };
}

for (const Pool of [ThreadPool, ProcessPool]) {
  describe(`${Pool.name} imap streams`, () => {
    let pool: Pool;
    before(() => {
      pool = new Pool(2);
    });
    after(async () => {
      await pool.terminate();
    });

    for (const method of ["imap", "imapUnordered"] as const) {
      for (const chunksize of [1, 7]) {
        it(`${method} (chunksize ${chunksize}) consumes 1,000 results of an endless generator, pulling a bounded number ahead`, async () => {
          const { state, items } = counted();
          const seen: number[] = [];
          let maxAhead = 0;
          for await (const value of pool[method]((x: number) => x * 2, items, { chunksize })) {
            seen.push(value);
            maxAhead = Math.max(maxAhead, state.pulls - seen.length);
            if (seen.length === 1000) break;
          }
          assert.equal(seen.length, 1000);
          if (method === "imap") assert.deepEqual(seen, Array.from({ length: 1000 }, (_, i) => 2 * i));
          else assert.ok(seen.every((v) => v % 2 === 0 && v < 2 * state.pulls));
          // At most 2 chunks per worker submitted ahead, plus the chunk being yielded.
          const bound = (2 * pool.processes + 1) * chunksize;
          assert.ok(maxAhead <= bound, `pulled ${maxAhead} items ahead of the consumer (bound ${bound})`);
          assert.ok(state.pulls <= 1000 + bound, `pulled ${state.pulls} items for 1,000 results`);
          // Breaking out closes the source like for-of does, and stops pulling.
          assert.equal(state.closed, true);
          const pulls = state.pulls;
          assert.deepEqual(await pool.map((x: number) => x + 1, [1, 2, 3]), [2, 3, 4]);
          assert.equal(state.pulls, pulls);
        });
      }
    }

    it("a task failure ends imap with that error and closes the source", async () => {
      const { state, items } = counted();
      const seen: number[] = [];
      await assert.rejects(
        (async () => {
          for await (const v of pool.imap((x: number) => {
            if (x === 20) throw new RangeError("twenty");
            return x;
          }, items))
            seen.push(v);
        })(),
        { name: "RangeError", message: "twenty" },
      );
      assert.deepEqual(seen, Array.from({ length: 20 }, (_, i) => i));
      assert.equal(state.closed, true);
    });

    it("a progress bar needs a known length", async () => {
      const { items } = counted();
      await assert.rejects(pool.imap((x: number) => x, items, { progress: true }).next(), InvalidArgumentError);
    });
  });
}
