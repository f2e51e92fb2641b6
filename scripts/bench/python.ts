// Runs a Python baseline script and parses the JSON it prints on its last line of stdout.
// Python's own tools come from Debian's packages, so this uses /usr/bin/python3 when it exists.
import { spawn } from "node:child_process";
import fs from "node:fs";

export function pythonExecutable(): string {
  return process.env.BENCH_PYTHON ?? (fs.existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3");
}

/** Whether `import <module>` works in the baseline Python; the reason when it does not. */
export async function pythonHas(module: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    await runPython(`import ${module}\nprint("{}")`);
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `${pythonExecutable()} cannot import ${module} (${(error as Error).message.split("\n").pop()})` };
  }
}

/** Runs `source` with the baseline Python and returns the JSON value printed last. */
export async function runPython<T = unknown>(source: string, args: readonly string[] = [], timeoutMs = 600_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = spawn(pythonExecutable(), ["-c", source, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c));
    child.stderr.on("data", (c: Buffer) => (err += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`python exited with ${code ?? signal}: ${err.trim().split("\n").slice(-3).join(" | ")}`));
      const last = out.trim().split("\n").pop() ?? "";
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`python printed no JSON on its last line: ${last.slice(0, 200)}`));
      }
    });
  });
}
