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

  it("rejects bad input early, naming it", () => {
    assert.throws(() => db.readText(path.join(dir, "*.csv")), InvalidArgumentError);
    const k = 3;
    assert.throws(() => db.fromSequence([1]).map((x: number) => x + k), FunctionNotShippableError);
  });
});
