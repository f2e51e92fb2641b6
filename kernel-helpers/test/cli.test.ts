// Issue 23: `npx kernel-helpers …` works from the repository's root after `npm ci`. npm links a
// workspace's bin at install time, before the build, and skips a bin whose file does not exist
// then: the bin must be a committed file.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";

const pkgDir = path.resolve(__dirname, "..");
const root = path.resolve(pkgDir, "..");
const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8")) as { bin: Record<string, string> };

describe("npx kernel-helpers", () => {
  it("a fresh install of the workspace (nothing built) links the bin, which then says to build", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kh-bin-"));
    try {
      // The workspace as npm ci sees it: package.json and committed files, no dist/, no dependencies to fetch.
      fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "root", private: true, workspaces: ["kernel-helpers"] }));
      const copy = path.join(dir, "kernel-helpers");
      fs.mkdirSync(copy);
      fs.writeFileSync(path.join(copy, "package.json"), JSON.stringify({ name: "kernel-helpers", version: "0.0.0", bin: pkg.bin }));
      // Only what a clone holds: files git tracks (dist/ is built later, and ignored).
      for (const target of Object.values(pkg.bin)) {
        const tracked = spawnSync("git", ["ls-files", "--error-unmatch", target], { cwd: pkgDir, encoding: "utf8" }).status === 0;
        if (!tracked) continue;
        fs.mkdirSync(path.dirname(path.join(copy, target)), { recursive: true });
        fs.copyFileSync(path.join(pkgDir, target), path.join(copy, target));
      }
      const install = spawnSync("npm", ["install", "--offline", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: dir, encoding: "utf8", timeout: 60_000 });
      assert.equal(install.status, 0, install.stderr);
      const link = path.join(dir, "node_modules", ".bin", "kernel-helpers");
      assert.ok(fs.existsSync(link), "npm did not link node_modules/.bin/kernel-helpers");
      const r = spawnSync(link, ["--help"], { encoding: "utf8", timeout: 30_000 });
      assert.equal(r.status, 1);
      assert.match(r.stderr, /not built yet: run `npm run build`/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs from the repository's root: --help, and an mpirun", () => {
    const help = spawnSync("npx", ["--no-install", "kernel-helpers", "--help"], { cwd: root, encoding: "utf8", timeout: 60_000 });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /usage: kernel-helpers <command>/);
    assert.match(help.stdout, /mpirun/);
    assert.match(help.stdout, /worker/);
    const run = spawnSync("npx", ["--no-install", "kernel-helpers", "mpirun", "-n", "2", path.join(__dirname, "comm", "fixtures", "hello.js")], { cwd: root, encoding: "utf8", timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /sum of ranks 1/);
  });
});
