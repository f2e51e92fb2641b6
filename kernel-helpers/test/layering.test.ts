// The package's floors: no area (a folder of src/) imports, directly or around a circle, an area that
// imports it back, and the shared root files (errors, events, system, …) import no area. Only the entry
// points (index.ts re-exports, cli.ts dispatches) stand above every area.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";

const src = path.resolve(__dirname, "..", "src");
const ENTRY_POINTS = new Set(["index.ts", "cli.ts"]);

/** `pool` for src/pool/x.ts and for an import of "./pool"; `(root)` for a file directly in src/. */
function areaOf(file: string): string {
  const rel = path.relative(src, file);
  const first = rel.split(path.sep)[0]!;
  return rel.includes(path.sep) || fs.existsSync(path.join(src, first)) && fs.statSync(path.join(src, first)).isDirectory() ? first : "(root)";
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
}

function areaImports(): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>(); // area → imported area → an example file
  for (const file of sourceFiles(src)) {
    if (ENTRY_POINTS.has(path.relative(src, file))) continue;
    const from = areaOf(file);
    for (const m of fs.readFileSync(file, "utf8").matchAll(/(?:from|import|require\()\s*["'](\.{1,2}\/[^"']*)["']/g)) {
      const to = areaOf(path.resolve(path.dirname(file), m[1]!));
      if (to === from) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      edges.get(from)!.set(to, path.relative(src, file));
    }
  }
  return edges;
}

test("no circle of imports among kernel-helpers' areas, and the root files import no area", () => {
  const edges = areaImports();
  assert.ok(edges.size >= 8, `found imports in ${edges.size} areas only: is src/ where this test thinks?`);
  const rootUp = [...(edges.get("(root)") ?? [])].map(([to, file]) => `${file} imports ${to}/`);
  assert.deepEqual(rootUp, [], "a shared root file imports an area");
  const circles: string[] = [];
  const visit = (area: string, trail: string[]): void => {
    for (const next of edges.get(area)?.keys() ?? []) {
      if (next === trail[0]) circles.push([...trail, next].join(" → "));
      else if (!trail.includes(next)) visit(next, [...trail, next]);
    }
  };
  for (const area of edges.keys()) visit(area, [area]);
  assert.deepEqual(circles, []);
});
