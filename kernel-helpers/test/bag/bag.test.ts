import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { FunctionNotShippableError, InvalidArgumentError, db } from "kernel-helpers";

describe("db", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kh-bag-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, "a.txt"), "lorem ipsum\r\ndolor lorem\n");
  fs.writeFileSync(path.join(dir, "b.txt"), "ipsum lorem");
  fs.writeFileSync(path.join(dir, "c.md"), "not text");

  it("reads the lines of files matching a pattern, one partition per file", async () => {
    const lines = db.readText(path.join(dir, "*.txt"));
    assert.equal(lines.npartitions, 2);
    assert.deepEqual(await lines.compute({ scheduler: "sync" }), ["lorem ipsum", "dolor lorem", "ipsum lorem"]);
    const counts = await lines.map((l: string) => l.split(" ")).flatten<string>().frequencies().compute({ scheduler: "threads" });
    assert.deepEqual(counts, [["lorem", 3], ["ipsum", 2], ["dolor", 1]]);
  });

  it("partitions sequences and keeps order", async () => {
    const b = db.fromSequence(Array.from({ length: 10 }, (_, i) => i), { npartitions: 3 });
    assert.equal(b.npartitions, 3);
    assert.deepEqual(await b.map((x: number) => x * x).filter((x: number) => x % 2 === 0).compute({ scheduler: "sync" }), [0, 4, 16, 36, 64]);
    const persisted = await b.persist({ scheduler: "sync" });
    assert.deepEqual(await persisted.compute({ scheduler: "sync" }), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("product pairs every element with every element of the other bag, n × m partitions (dask's product)", async () => {
    const b = db.fromSequence([1, 2, 3, 4], { npartitions: 2 });
    const letters = db.fromSequence(["a", "b"], { npartitions: 2 });
    const pairs = b.product(letters);
    assert.equal(pairs.npartitions, 4);
    assert.deepEqual(await pairs.compute({ scheduler: "sync" }), [[1, "a"], [2, "a"], [1, "b"], [2, "b"], [3, "a"], [4, "a"], [3, "b"], [4, "b"]]);
    // Navaro's divisors: odd x, and y dividing it, x ≠ y, on threads.
    const divisors = await b.filter((x: number) => x % 2 > 0).product(b).filter((v: [number, number]) => v[0] % v[1] === 0 && v[0] !== v[1]).compute({ scheduler: "threads" });
    assert.deepEqual(divisors, [[3, 1]]);
    assert.throws(() => b.product([1, 2] as never), InvalidArgumentError);
  });

  it("topk keeps the k largest, by a key, merged over partitions in a tree; chains after frequencies like dask", async () => {
    const b = db.fromSequence([5, 1, 9, 3, 7, 9, 2, 8, 6, 4], { npartitions: 4 });
    assert.deepEqual(await b.topk(3).compute({ scheduler: "sync" }), [9, 9, 8]);
    assert.deepEqual(await b.topk(2, (x: number) => -x).compute({ scheduler: "threads" }), [1, 2]);
    assert.deepEqual(await b.topk(0).compute({ scheduler: "sync" }), []);
    const many = db.fromSequence(Array.from({ length: 100 }, (_, i) => (i * 37) % 100), { npartitions: 20 });   // a merge tree of two levels
    assert.deepEqual(await many.topk(4).compute({ scheduler: "sync" }), [99, 98, 97, 96]);
    const words = db.readText(path.join(dir, "*.txt")).map((l: string) => l.split(" ")).flatten<string>();
    assert.deepEqual(await words.frequencies().topk(2, (p: [string, number]) => p[1]).compute({ scheduler: "threads" }), [["lorem", 3], ["ipsum", 2]]);
    assert.deepEqual(await words.topk(1, (w: string) => w.length).compute({ scheduler: "sync" }), ["lorem"]);
    assert.throws(() => b.topk(-1), InvalidArgumentError);
  });

  it("rejects bad input early, naming it", () => {
    assert.throws(() => db.readText(path.join(dir, "*.csv")), InvalidArgumentError);
    const k = 3;
    assert.throws(() => db.fromSequence([1]).map((x: number) => x + k), FunctionNotShippableError);
  });
});
