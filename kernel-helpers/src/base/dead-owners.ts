/**
 * Files and folders named after the process that made them (`kh-comm-<pid>-…`, `jpserver-<pid>.json`)
 * outlive that process when it dies by SIGKILL. The next one to start removes them: a name whose
 * PID no longer runs belongs to nobody.
 */
import fs from "node:fs";
import path from "node:path";

/** Whether process `pid` exists (EPERM: it does, as another user's). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the entries of `dir` whose name matches `pattern` (its first group: the owner's PID) and
 * whose owner is gone, if this user owns them; returns the removed paths. A missing `dir` is empty.
 */
export function removeEntriesOfDeadOwners(dir: string, pattern: RegExp): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid <= 0 || processExists(pid)) continue;
    const entry = path.join(dir, name);
    try {
      // Only our own: another user's leftovers are theirs to clean.
      if (fs.lstatSync(entry).uid !== process.getuid?.()) continue;
      fs.rmSync(entry, { recursive: true, force: true });
      removed.push(entry);
    } catch {
      // gone meanwhile
    }
  }
  return removed;
}
