// What the browser test asks of a notebook page, as plain functions of text and bytes (the self-check
// lines themselves are read by scripts/notebook/verdicts.ts): which ✘ is a readable exercise message,
// the TIME_SCALE typed into a parameters cell, an instructor's solution typed into a student's
// exercise, and the size of a PNG screenshot. Unit-tested in course-checks.test.ts.
import fs from "node:fs";
import path from "node:path";

/** Whether a ✘ line tells a student what is missing, as the checks of an unfilled exercise do. */
export function isReadableExerciseFailure(line: string): boolean {
  return /not implemented|no prediction yet|expected/i.test(line);
}

/** Replaces the value of `const TIME_SCALE = …;` in a parameters cell's source. */
export function withTimeScale(source: string, scale: number): string {
  const replaced = source.replace(/const TIME_SCALE = [^;\n]+;/, `const TIME_SCALE = ${scale};`);
  if (replaced === source) throw new Error(`the parameters cell has no "const TIME_SCALE = …;" line:\n${source}`);
  return replaced;
}

/** The lines strictly between `// BEGIN SOLUTION` and `// END SOLUTION` of an instructor's cell. */
export function solutionLines(instructorSource: string): string[] {
  const lines = instructorSource.split("\n");
  const begin = lines.findIndex((l) => l.trim() === "// BEGIN SOLUTION");
  const end = lines.findIndex((l, i) => i > begin && l.trim() === "// END SOLUTION");
  if (begin < 0 || end < 0) throw new Error(`no "// BEGIN SOLUTION" … "// END SOLUTION" block in:\n${instructorSource}`);
  return lines.slice(begin + 1, end);
}

/**
 * The student's exercise cell with its stub (`// YOUR CODE HERE` and the `throw … not implemented`
 * line after it) replaced by the instructor's solution: what a student who solved it has typed.
 */
export function solvedSource(studentSource: string, instructorSource: string): string {
  const lines = studentSource.split("\n");
  const marker = lines.findIndex((l) => l.trim() === "// YOUR CODE HERE");
  const stub = lines.findIndex((l, i) => i > marker && /not implemented/.test(l));
  if (marker < 0 || stub < 0) throw new Error(`no "// YOUR CODE HERE" stub in:\n${studentSource}`);
  return [...lines.slice(0, marker), ...solutionLines(instructorSource), ...lines.slice(stub + 1)].join("\n");
}

/** `build/screenshots/instructor-01-serial-baseline.png` for `instructor/01-serial-baseline.ipynb` (in `dir`). */
export function screenshotFile(dir: string, notebook: string, suffix = ""): string {
  return path.join(dir, `${notebook.replace(/\.ipynb$/, "").replace(/\//g, "-")}${suffix}.png`);
}

/** Width and height of a PNG file, from its IHDR chunk. */
export function pngSize(file: string): { width: number; height: number; bytes: number } {
  const bytes = fs.readFileSync(file);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(signature) || bytes.toString("latin1", 12, 16) !== "IHDR") {
    throw new Error(`${file} is not a PNG file (${bytes.length} bytes)`);
  }
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), bytes: bytes.length };
}
