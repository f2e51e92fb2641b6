// Kernel interrupts and parent death, each in a child node process (never the test runner).
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";

const fixtures = path.join(__dirname, "fixtures");

function start(script: string, args: string[]): { child: ChildProcess; output: () => string; line: (prefix: string) => Promise<string> } {
  const child = spawn(process.execPath, [path.join(fixtures, script), ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c));
  child.stderr!.on("data", (c: Buffer) => (out += c));
  const line = (prefix: string) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${prefix}" line within 20 s; output:\n${out}`)), 20_000);
      const check = () => {
        const found = out.split("\n").find((l) => l.startsWith(prefix));
        if (found) {
          clearTimeout(timer);
          child.stdout!.off("data", check);
          resolve(found);
        }
      };
      child.stdout!.on("data", check);
      check();
    });
  return { child, output: () => out, line };
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

/** Alive and not a zombie (an exited child of a dead parent may wait to be reaped). */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

async function gone(pids: number[], withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (pids.every((pid) => !alive(pid))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe("interrupt (SIGINT)", () => {
  for (const kind of ["thread", "process"]) {
    it(`cancels queued work and stops running ${kind} workers; the pool keeps working`, async () => {
      const run = start("interrupt-child.js", [kind, "kernel"]);
      try {
        const started = await run.line("STARTED");
        const pids = JSON.parse(started.slice("STARTED ".length)) as number[];
        await new Promise((r) => setTimeout(r, 300));
        run.child.kill("SIGINT");
        const { code } = await exited(run.child);
        const out = run.output();
        assert.equal(code, 0, out);
        assert.match(out, /KERNEL SIGINT/, "the kernel's own SIGINT listener still runs");
        assert.match(out, /INTERRUPTED PoolTerminatedError ERR_POOL_TERMINATED true/);
        assert.match(out, /AFTER \[2,4,6\]/);
        assert.match(out, /LISTENERS 1/, "the pool removed its SIGINT listener once idle");
        if (kind === "process") assert.ok(await gone(pids, 5000), "the busy workers were stopped");
      } finally {
        run.child.kill("SIGKILL");
      }
    });
  }

  it("in a plain script (no SIGINT listener of its own) SIGINT still ends the process", async () => {
    const run = start("interrupt-child.js", ["process"]);
    try {
      const pids = JSON.parse((await run.line("STARTED")).slice("STARTED ".length)) as number[];
      run.child.kill("SIGINT");
      const { signal } = await exited(run.child);
      assert.equal(signal, "SIGINT", run.output());
      assert.ok(await gone(pids, 5000), "its pool's children exited too");
    } finally {
      run.child.kill("SIGKILL");
    }
  });
});

describe("orphans", () => {
  it("ProcessPool children die when their parent is killed with SIGKILL, even mid-task", async () => {
    const run = start("orphan-parent.js", []);
    let pids: number[] = [];
    try {
      pids = JSON.parse((await run.line("PIDS")).slice("PIDS ".length)) as number[];
      assert.equal(pids.length, 2);
      assert.ok(pids.every(alive));
      run.child.kill("SIGKILL");
      await exited(run.child);
      assert.ok(await gone(pids, 5000), `children ${pids.join(", ")} outlived their parent`);
    } finally {
      run.child.kill("SIGKILL");
      for (const pid of pids) if (alive(pid)) process.kill(pid, "SIGKILL");
    }
  });
});
