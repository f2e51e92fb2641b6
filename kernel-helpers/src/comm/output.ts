/**
 * Forwards a rank's stdout/stderr to the launcher's own `process.stdout`/`stderr` (which is what
 * tslab shows in the cell), whole lines at a time, optionally prefixed like `mpirun --tag-output`.
 */
import type { Readable } from "node:stream";

export function forwardOutput(stream: Readable | null | undefined, target: NodeJS.WriteStream, prefix: string): Promise<void> {
  if (!stream) return Promise.resolve();
  return new Promise((resolve) => {
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      if (!prefix) {
        target.write(chunk);
        return;
      }
      const text = partial + chunk;
      const lines = text.split("\n");
      partial = lines.pop()!;
      if (lines.length > 0) target.write(lines.map((l) => prefix + l + "\n").join(""));
    });
    const end = () => {
      if (partial) target.write(prefix + partial + "\n");
      partial = "";
      resolve();
    };
    stream.once("end", end);
    stream.once("close", end);
    stream.once("error", end);
  });
}
