// Finding and ending a kernel's processes through /proc (Linux). jupyter_client starts each kernel
// in a session of its own, so the server's process group does not reach it, and a kernel's
// children (worker pools, `mpiexec`, a detached `sleep`) may leave the kernel's group. So the
// runner records the kernel's whole process tree while it is alive and kills what remains after
// the kernel shut down. Everything here is best effort: a process may vanish between two reads.
import fs from "node:fs";

interface ProcInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  /** Clock ticks after boot when it started: with the pid, names one process even after pid reuse. */
  readonly start: string;
}

function readStat(pid: number): ProcInfo | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name in parentheses may contain spaces; the fields after its ")" are fixed.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z") return undefined; // a zombie holds nothing but its exit status
    return { pid, ppid: Number(fields[1]), pgid: Number(fields[2]), start: fields[19]! };
  } catch {
    return undefined;
  }
}

function allPids(): number[] {
  try {
    return fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name)).map(Number);
  } catch {
    return [];
  }
}

/** Whether `pid` is a live (non-zombie) process. */
export function isAlive(pid: number): boolean {
  return readStat(pid) !== undefined;
}

/** The pids whose command line contains `needle` (e.g. a kernel's connection file name). */
export function pidsWithCommandLine(needle: string): number[] {
  return allPids().filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(needle) && isAlive(pid);
    } catch {
      return false;
    }
  });
}

/** The pids whose environment has `NAME=value` (children inherit it, so this finds a whole tree). */
export function pidsWithEnv(name: string, value: string): number[] {
  const entry = `${name}=${value}`;
  return allPids().filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(entry) && isAlive(pid);
    } catch {
      return false;
    }
  });
}

/** A process named by pid and start time, so a recycled pid is never signalled by mistake. */
export type ProcessSet = Map<number, string>;

/** `root`, its descendants and the members of its process group (pid → start time). */
export function processTree(root: number): ProcessSet {
  const infos = allPids().map(readStat).filter((p): p is ProcInfo => p !== undefined);
  const tree = new Set<number>();
  if (infos.some((p) => p.pid === root)) tree.add(root);
  for (const p of infos) if (p.pgid === root) tree.add(p.pid);
  // Parents may have higher pids than children after pid wrap-around, so iterate to a fixed point.
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of infos) {
      if (!tree.has(p.pid) && tree.has(p.ppid)) {
        tree.add(p.pid);
        grew = true;
      }
    }
  }
  const set: ProcessSet = new Map();
  for (const p of infos) if (tree.has(p.pid)) set.set(p.pid, p.start);
  return set;
}

/** The processes of `pids` (pid → start time) that are alive now. */
export function processSet(pids: Iterable<number>): ProcessSet {
  const set: ProcessSet = new Map();
  for (const pid of pids) {
    const info = readStat(pid);
    if (info) set.set(pid, info.start);
  }
  return set;
}

function same(pid: number, start: string): boolean {
  return readStat(pid)?.start === start;
}

/** Sends `signal` to each process of the set that is still alive; returns the pids it reached. */
export function signalAll(processes: ProcessSet, signal: NodeJS.Signals): number[] {
  const reached: number[] = [];
  for (const [pid, start] of processes) {
    if (pid === process.pid || !same(pid, start)) continue;
    try {
      process.kill(pid, signal);
      reached.push(pid);
    } catch {
      /* gone meanwhile */
    }
  }
  return reached;
}

/** SIGTERM, then SIGKILL after `graceMs` for those still alive; resolves once all are gone. */
export async function killAll(processes: ProcessSet, graceMs = 1000): Promise<void> {
  const targets = signalAll(processes, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (targets.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  signalAll(new Map(targets.map((pid) => [pid, processes.get(pid)!])), "SIGKILL");
  const hardDeadline = Date.now() + 2000;
  while (targets.some(isAlive) && Date.now() < hardDeadline) await new Promise((r) => setTimeout(r, 25));
}
