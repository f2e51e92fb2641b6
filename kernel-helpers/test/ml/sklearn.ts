// Runs a scikit-learn snippet on data we generated: the data goes through a temp JSON file, the
// snippet sees `data` (the parsed file) and numpy as `np`, and assigns its answer to `result`.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pythonHas, runPython } from "../../../scripts/bench/python";

let available: Promise<string | undefined> | undefined;

/** Why scikit-learn cannot run here, or undefined when it can (checked once per test file). */
export function sklearnMissing(): Promise<string | undefined> {
  available ??= pythonHas("sklearn").then((r) => (r.ok ? undefined : r.reason));
  return available;
}

/** Runs `snippet` with `data` and returns what it assigned to `result` (JSON-converted, numpy included). */
export async function withSklearn<T>(data: unknown, snippet: string): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ml-sklearn-"));
  const file = path.join(dir, "data.json");
  try {
    fs.writeFileSync(file, JSON.stringify(data));
    const source = [
      "import json, sys",
      "import numpy as np",
      "data = json.load(open(sys.argv[1]))",
      "result = None",
      snippet,
      "def plain(v):",
      "    if isinstance(v, np.ndarray): return v.tolist()",
      "    if isinstance(v, np.generic): return v.item()",
      "    if isinstance(v, dict): return {str(k): plain(x) for k, x in v.items()}",
      "    if isinstance(v, (list, tuple)): return [plain(x) for x in v]",
      "    return v",
      "print(json.dumps(plain(result)))",
    ].join("\n");
    return await runPython<T>(source, [file], 120_000);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
