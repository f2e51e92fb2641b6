// Issue 23: a launcher that dies by any signal, SIGKILL included, leaves no rank running and no
// file in /dev/shm; and the next launch removes what a dead launcher left.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { mpirun } from "kernel-helpers";
import { leftoverRanks } from "./helpers";
import { alive } from "../processes";

const cli = path.resolve(__dirname, "../../dist/cli.js");
const shm = fs.existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir();


/** The run folders of launcher `pid`. */
function runFolders(pid: number): string[] {
  return fs.readdirSync(shm).filter((name) => name.startsWith(`kh-comm-${pid}-`));
}

/** Starts `args`, waits until `ranks` ranks said ready, returns the launcher and the ranks' PIDs. */
async function startLauncher(args: string[], ranks: number) {
  const launcher = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const pids: number[] = [];
  let out = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ranks did not start: ${out}`)), 30_000);
    launcher.stdout.on("data", (chunk: Buffer) => {
      out += chunk;
      for (const m of out.matchAll(/ready pid (\d+)/g)) if (!pids.includes(Number(m[1]))) pids.push(Number(m[1]));
      if (pids.length === ranks) {
        clearTimeout(timer);
        resolve();
      }
    });
    launcher.once("exit", (code) => reject(new Error(`launcher exited with ${code}: ${out}`)));
  });
  return { launcher, pids };
}

/** Polls until `check` holds, for at most `ms`. */
async function eventually(check: () => boolean, ms = 5000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (check()) return true;
  return check();
}

describe("a launcher killed by a signal leaves nothing behind", () => {
  const cases: [string, string[]][] = [
    ["npx kernel-helpers mpirun (program mode)", [cli, "mpirun", "-n", "3", path.join(__dirname, "fixtures", "busy.js")]],
    ["mpirun() in a script (function mode)", [path.join(__dirname, "fixtures", "launch-and-wait.js"), "processes"]],
  ];
  for (const [name, args] of cases) {
    for (const signal of ["SIGKILL", "SIGTERM"] as const) {
      it(`${name}, ${signal}: every rank dies and its /dev/shm folder goes`, async () => {
        const { launcher, pids } = await startLauncher(args, 3);
        assert.ok(runFolders(launcher.pid!).length > 0, "the run made no folder: the check below would prove nothing");
        launcher.kill(signal);
        assert.ok(await eventually(() => pids.every((p) => !alive(p))), `ranks still running: ${pids.filter(alive).join(", ")}`);
        assert.ok(await eventually(() => runFolders(launcher.pid!).length === 0), `left in ${shm}: ${runFolders(launcher.pid!).join(", ")}`);
        assert.deepEqual(leftoverRanks(), []);
      });
    }
  }

  it("the next launch removes the folder a dead launcher left, and keeps a live one's", async () => {
    const dead = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
    const deadPid = Number(dead.stdout.trim());
    assert.ok(!alive(deadPid));
    const stale = path.join(shm, `kh-comm-${deadPid}-test01`);
    const live = path.join(shm, `kh-comm-${process.pid}-test02`);
    for (const dir of [stale, live]) {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, "inbox-0"), "x");
    }
    try {
      await mpirun(2, async (comm) => comm.rank, { transport: "processes" });
      assert.equal(fs.existsSync(stale), false, "the dead launcher's folder is still there");
      assert.equal(fs.existsSync(live), true, "a live launcher's folder was removed");
    } finally {
      fs.rmSync(stale, { recursive: true, force: true });
      fs.rmSync(live, { recursive: true, force: true });
    }
  });
});

describe("npx kernel-helpers mpirun interrupted", () => {
  it("SIGINT to the launcher alone stops the ranks, removes the folder and exits 130", async () => {
    const { launcher, pids } = await startLauncher([cli, "mpirun", "-n", "2", path.join(__dirname, "fixtures", "busy.js")], 2);
    let err = "";
    launcher.stderr!.on("data", (c: Buffer) => (err += c));
    const code = new Promise<number | null>((resolve) => launcher.once("exit", (c) => resolve(c)));
    launcher.kill("SIGINT");
    assert.equal(await code, 130, err);
    assert.match(err, /interrupted by SIGINT/);
    assert.ok(pids.every((p) => !alive(p)), `ranks still running: ${pids.filter(alive).join(", ")}`);
    assert.deepEqual(runFolders(launcher.pid!), []);
  });
});
