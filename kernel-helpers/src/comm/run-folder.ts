/**
 * The private folder of one `mpirun` over processes: the ranks' Unix sockets, and on Linux (in
 * memory-backed /dev/shm) their inbox rings and file lanes. Its name carries the launcher's PID
 * (`kh-comm-<pid>-XXXXXX`), so a launch can tell the folders of launchers that died without
 * removing them (SIGKILL, a crashed kernel) from those of launchers still running, and remove them.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { removeEntriesOfDeadOwners } from "../base/dead-owners";

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

/** Removes the run folders in `base` whose launcher is gone; returns what it removed. */
export function removeStaleRunFolders(base: string): string[] {
  return removeEntriesOfDeadOwners(base, NAME);
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
