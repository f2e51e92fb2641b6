// Guards the notebook sources while a browser drives the UI: a byte snapshot before the test and a
// comparison after it, restoring any file the UI saved over, so a stray save never changes the course.
import fs from "node:fs";

/** A change found after the test. */
export interface SourceChange {
  readonly file: string;
  /** True when the file was written back from the snapshot. */
  readonly restored: boolean;
  readonly reason: string;
}

/** The bytes of each file, read now. */
export function snapshotFiles(files: readonly string[]): Map<string, Buffer> {
  return new Map(files.map((file) => [file, fs.readFileSync(file)]));
}

/** Whether `bytes` look like a notebook saved from a UI after running it: outputs or execution counts. */
function savedAfterRunning(bytes: Buffer): boolean {
  try {
    const nb = JSON.parse(bytes.toString("utf8")) as { cells?: { cell_type: string; outputs?: unknown[]; execution_count?: unknown }[] };
    return (nb.cells ?? []).some((c) => c.cell_type === "code" && ((c.outputs?.length ?? 0) > 0 || (c.execution_count ?? null) !== null));
  } catch {
    return true; // half-written JSON: a save that went wrong
  }
}

/**
 * Compares each snapshotted file with its bytes now. A file the UI saved (it now holds outputs)
 * or that vanished is written back from the snapshot. A file that changed otherwise was edited by
 * someone else meanwhile (engineers regenerate notebooks while tests run): it is reported, not
 * overwritten, so nobody's work is lost.
 */
export function checkSources(snapshot: ReadonlyMap<string, Buffer>): SourceChange[] {
  const changes: SourceChange[] = [];
  for (const [file, bytes] of snapshot) {
    const now = fs.existsSync(file) ? fs.readFileSync(file) : undefined;
    if (now?.equals(bytes)) continue;
    if (now === undefined || savedAfterRunning(now)) {
      fs.writeFileSync(file, bytes);
      changes.push({ file, restored: true, reason: now === undefined ? "deleted" : "saved with outputs" });
    } else {
      changes.push({ file, restored: false, reason: "changed without outputs (another process edited it during the test?)" });
    }
  }
  return changes;
}
