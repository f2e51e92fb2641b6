// Shared by the comm tests: which transports can run here, and a scan for leftover ranks.
import fs from "node:fs";
import { findMpiexec } from "kernel-helpers";
import type { CommTransport } from "kernel-helpers";

export const mpiexecMissing = findMpiexec() ? undefined : "mpiexec is not on PATH (apt install openmpi-bin)";
if (mpiexecMissing) console.log(`# skipping the mpiexec transport: ${mpiexecMissing}`);

export const TRANSPORTS: CommTransport[] = ["threads", "processes", "mpiexec"];

// Every process this test process starts (ranks, mpiexec, orted) inherits this mark, so the scan
// finds our leftovers, even orphaned ones, and not another test run's ranks on the same machine.
const RUN_MARK = `KH_COMM_TEST_RUN=${process.pid}-${Date.now()}`;
process.env.KH_COMM_TEST_RUN = RUN_MARK.slice(RUN_MARK.indexOf("=") + 1);

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
