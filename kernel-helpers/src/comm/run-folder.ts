/**
 * The private folder of one `mpirun` over processes: the ranks' Unix sockets, and on Linux (in
 * memory-backed /dev/shm) their inbox rings and file lanes. Its name carries the launcher's PID
 * (`kh-comm-<pid>-XXXXXX`), so a launch can tell the folders of launchers that died without
 * removing them (SIGKILL, a crashed kernel) from those of launchers still running, and remove them.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const PREFIX = "kh-comm-";
const NAME = /^kh-comm-(\d+)-/;

/** /dev/shm when this machine has a writable one (Linux), else undefined. */
function sharedMemoryDir(): string | undefined {
  try {
    fs.accessSync("/dev/shm", fs.constants.W_OK);
    return "/dev/shm";
  } catch {
    return undefined;
  }
}

/** Whether process `pid` exists (EPERM: it does, as another user's). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes the run folders in `base` whose launcher is gone; returns what it removed. */
export function removeStaleRunFolders(base: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(base);
  } catch {
    return removed;
  }
  for (const name of names) {
    const pid = Number(NAME.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid <= 0 || alive(pid)) continue;
    const dir = path.join(base, name);
    try {
      // Only our own: another user's folder is theirs to clean.
      if (fs.statSync(dir).uid !== process.getuid?.()) continue;
      fs.rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // gone meanwhile, or not ours
    }
  }
  return removed;
}

/** Makes this launch's folder (mode 0700), after removing what dead launchers left. */
export function makeRunFolder(): string {
  const base = sharedMemoryDir() ?? os.tmpdir();
  removeStaleRunFolders(base);
  return fs.mkdtempSync(path.join(base, `${PREFIX}${process.pid}-`));
}

/** Whether `dir` is a folder {@link makeRunFolder} made. */
export function isRunFolder(dir: string): boolean {
  return NAME.test(path.basename(dir));
}
