// Shared by the comm tests: which transports can run here, a scan for leftover ranks, and scratch
// folders in /dev/shm.
import fs from "node:fs";
import { after, before } from "node:test";
import { findMpiexec } from "kernel-helpers";
import type { Comm, CommTransport } from "kernel-helpers";

export const mpiexecMissing = findMpiexec() ? undefined : "mpiexec is not on PATH (apt install openmpi-bin)";
if (mpiexecMissing) console.log(`# skipping the mpiexec transport: ${mpiexecMissing}`);

export const TRANSPORTS: CommTransport[] = ["threads", "processes", "mpiexec"];

// Every process this test process starts (ranks, mpiexec, orted) inherits this mark, so the scan
// finds our leftovers, even orphaned ones, and not another test run's ranks on the same machine.
const RUN_MARK = `KH_COMM_TEST_RUN=${process.pid}-${Date.now()}`;
process.env.KH_COMM_TEST_RUN = RUN_MARK.slice(RUN_MARK.indexOf("=") + 1);

/** Why the tests of the /dev/shm files (rings, lanes) cannot run here, or undefined. */
export const shmMissing = fs.existsSync("/dev/shm") ? undefined : "this machine has no /dev/shm";

/**
 * A fresh folder in /dev/shm (named `prefix` + random) for the tests of the describe block this is
 * called in, removed after them. It exists only once they run, hence a function.
 */
export function shmScratchDir(prefix: string): () => string {
  let dir: string | undefined;
  before(() => {
    dir = fs.mkdtempSync(`/dev/shm/${prefix}`);
  });
  after(() => {
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (dir === undefined) throw new Error(`shmScratchDir("${prefix}") is read before its describe block's tests run`);
    return dir;
  };
}

/** Processes (anywhere on the machine) started by a comm run of this test process. */
export function leftoverRanks(): string[] {
  const out: string[] = [];
  for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
      const ours = () => fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(RUN_MARK);
      if (/process-entry\.js|mpiexec|orted|comm\/fixtures/.test(cmd) && Number(pid) !== process.pid && ours()) {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        if (!/\) Z /.test(stat)) out.push(`${pid}: ${cmd.trim()}`);
      }
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Threads of this process (worker threads add one each). */
export function threadCount(): number {
  return fs.readdirSync("/proc/self/task").length;
}

/** How many messages {@link mixedOrder} sends. */
export const MIXED_ORDER_COUNT = 3000;

/**
 * Rank 0 sends rank 1 a stream that takes every way a transport has (small arrays and numbers by
 * ring, objects and big arrays by port or socket, and, while rank 1 sleeps, the overflow of a full
 * ring); rank 1 returns the order it received them in. Self-contained: shipped to ranks as source.
 */
export async function mixedOrder(comm: Comm) {
  const N = 3000; // MIXED_ORDER_COUNT (a shipped function sees no outer names)
  if (comm.rank === 0) {
    for (let i = 0; i < N; i++) {
      // Small arrays and numbers take the ring, big arrays and objects the port; while rank 1
      // sleeps, 1200 small arrays of 528-byte records (10× the ring) spill over to the port too.
      const d = i % 5 === 0 ? new Float64Array(4096).fill(i) : i % 5 === 1 ? { i } : i % 5 === 2 ? i : new Float64Array(64).fill(i);
      await comm.send(d, 1, 4);
    }
    return null;
  }
  await new Promise((r) => setTimeout(r, 300));
  const order: number[] = [];
  for (let i = 0; i < N; i++) {
    const d = await comm.recv(0, 4);
    order.push(typeof d === "number" ? d : d instanceof Float64Array ? d[0]! : (d as { i: number }).i);
  }
  return order;
}
