// A 2 GiB file-backed array reduced with bounded memory: the scheduler releases each chunk once its
// partial sum is made and runs chunk loads just before their reductions (depth-first order).
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";

const BYTES = 2 * 1024 ** 3;
const N = BYTES / 8;
const MARK = 1024 * 1024; // doubles of nonzero data at each end, so the sum is checkable

function freeBytes(dir: string): number {
  const out = execFileSync("df", ["-Pk", dir], { encoding: "utf8" }).trim().split("\n").pop()!.split(/\s+/);
  return Number(out[3]) * 1024;
}

describe("da.fromFile on 2 GiB", () => {
  let dir = "";
  let file = "";
  let skip: string | false = false;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kh-bigarray-"));
    file = path.join(dir, "big.f64");
    // Sparse: only the two marked ends take disk space, but the sum still reads all 2 GiB.
    if (freeBytes(dir) < 64 * 1024 ** 2) skip = `less than 64 MB free in ${dir}`;
    else {
      const fd = fs.openSync(file, "w");
      fs.ftruncateSync(fd, BYTES);
      fs.writeSync(fd, new Float64Array(MARK).fill(1), 0, MARK * 8, 0);
      fs.writeSync(fd, new Float64Array(MARK).fill(2), 0, MARK * 8, BYTES - MARK * 8);
      fs.closeSync(fd);
    }
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const scheduler of ["sync", "threads"]) {
    it(`sums it with the "${scheduler}" scheduler while RSS stays under 512 MB`, (t) => {
      if (skip) return t.skip(skip);
      // A fresh process, so its peak RSS is this computation's alone.
      const script = `
        const { da } = require("kernel-helpers");
        const x = da.fromFile(${JSON.stringify(file)}, { shape: ${N}, chunks: ${2 ** 22} });
        x.sum().compute({ scheduler: ${JSON.stringify(scheduler)}, workers: 2 }).then((sum) => {
          console.log(JSON.stringify({ sum, maxRssMB: process.resourceUsage().maxRSS / 1024, blocks: x.numblocks[0] }));
        });`;
      const run = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", cwd: path.resolve(__dirname, "..", ".."), timeout: 120_000 });
      assert.equal(run.status, 0, run.stderr);
      const result = JSON.parse(run.stdout.trim().split("\n").pop()!) as { sum: number; maxRssMB: number; blocks: number };
      assert.equal(result.blocks, 64);
      assert.equal(result.sum, MARK * 1 + MARK * 2);
      assert.ok(result.maxRssMB < 512, `peak RSS ${result.maxRssMB.toFixed(0)} MB`);
      t.diagnostic(`peak RSS ${result.maxRssMB.toFixed(0)} MB`);
    });
  }
});
