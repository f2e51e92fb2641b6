// The committed lorem sample files must be exactly what the generator writes, so anyone can
// regenerate them and the notebooks' expected word counts never drift.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { mulberry32 } from "kernel-helpers/dist/ml/random";
import { LOREM_PARAGRAPHS, makeLoremFiles, staleLoremFiles } from "./make-lorem";

const root = path.resolve(__dirname, "..", "..");

test("committed datasets/lorem files equal the generator's output", () => {
  assert.deepEqual(staleLoremFiles(root), []);
});

test("the generator is deterministic and its files differ from one another", () => {
  const a = makeLoremFiles();
  const b = makeLoremFiles();
  assert.deepEqual([...a.entries()], [...b.entries()]);
  assert.equal(new Set(a.values()).size, a.size);
  for (const text of a.values()) {
    const lines = text.split("\n");
    assert.equal(lines.pop(), "", "each file ends with a newline");
    assert.equal(lines.length, LOREM_PARAGRAPHS);
    for (const line of lines) assert.match(line, /^[A-Z][A-Za-z]*( [A-Za-z]+)*\.( [A-Z][A-Za-z]*( [A-Za-z]+)*\.)*$/);
  }
});

test("mulberry32 repeats for a seed and stays in [0, 1)", () => {
  const r1 = mulberry32(7);
  const r2 = mulberry32(7);
  const xs = Array.from({ length: 1000 }, () => r1());
  assert.deepEqual(xs, Array.from({ length: 1000 }, () => r2()));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.notDeepEqual(xs.slice(0, 10), Array.from({ length: 10 }, mulberry32(8)));
});

test("a changed, missing or extra file is reported as stale", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lorem-"));
  try {
    const dir = path.join(tmp, "datasets", "lorem");
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, text] of makeLoremFiles()) fs.writeFileSync(path.join(dir, name), text);
    assert.deepEqual(staleLoremFiles(tmp), []);
    fs.appendFileSync(path.join(dir, "lorem-03.txt"), "extra words\n");
    fs.rmSync(path.join(dir, "lorem-05.txt"));
    fs.writeFileSync(path.join(dir, "lorem-99.txt"), "stray\n");
    assert.deepEqual(staleLoremFiles(tmp), ["lorem-03.txt", "lorem-05.txt", "lorem-99.txt"]);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
