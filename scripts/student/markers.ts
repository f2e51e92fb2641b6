// The nbgrader-style markers in one cell's source, and what the student sees instead.
//
// Code cells:     `// BEGIN SOLUTION` … `// END SOLUTION`          → `// YOUR CODE HERE` + `throw new Error("not implemented");`
//                 `// BEGIN HIDDEN TESTS` … `// END HIDDEN TESTS`  → removed, markers included
// Markdown cells: `<!-- BEGIN SOLUTION -->` … `<!-- END SOLUTION -->` → `YOUR ANSWER HERE`
//
// A marker sits alone on its line (whitespace around it is fine). A line that looks like a marker but
// is not one (`x = 1; // BEGIN SOLUTION`, `// BEGIN SOLUTIONS`) is refused rather than silently kept,
// because a solution leaking into the hand-out is the one mistake this tool exists to prevent.
//
// Whether the stub runs when the cell runs (so the cell needs `raises-exception`): see `stubRuns`.

export type CellKind = "code" | "markdown";
export type RegionKind = "solution" | "hidden";

/** One marked region, with 1-based line numbers in the instructor cell. */
export interface Region {
  readonly kind: RegionKind;
  readonly beginLine: number;
  readonly endLine: number;
  /** The BEGIN line's leading whitespace, which the stub keeps. */
  readonly indent: string;
}

/** A marker problem in one cell; the caller adds the file and cell to make the error. */
export class MarkerProblem extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
    this.name = "MarkerProblem";
  }
}

export interface StudentSource {
  /** The student's source text. Equal to the input when the cell has no markers. */
  readonly source: string;
  readonly regions: readonly Region[];
  /** True when running the student cell executes a solution stub, so it throws (see `stubRuns`). */
  readonly raises: boolean;
}

export const STUB_COMMENT = "// YOUR CODE HERE";
export const STUB_THROW = 'throw new Error("not implemented");';
export const MARKDOWN_STUB = "YOUR ANSWER HERE";

interface Marker {
  readonly edge: "BEGIN" | "END";
  readonly kind: RegionKind;
}

const CODE_MARKER = /^\/\/\s*(BEGIN|END)\s+(SOLUTION|HIDDEN TESTS)\s*$/;
const CODE_LOOKALIKE = /\/[/*]\s*(BEGIN|END)\s+(SOLUTION|HIDDEN)/i;
const MD_MARKER = /^<!--\s*(BEGIN|END)\s+SOLUTION\s*-->$/;
const MD_LOOKALIKE = /<!--\s*(BEGIN|END)\s+(SOLUTION|HIDDEN)/i;

function parseMarker(line: string, kind: CellKind): Marker | undefined {
  const trimmed = line.trim();
  const match = (kind === "code" ? CODE_MARKER : MD_MARKER).exec(trimmed);
  if (match) return { edge: match[1] as "BEGIN" | "END", kind: match[2] === "HIDDEN TESTS" ? "hidden" : "solution" };
  if ((kind === "code" ? CODE_LOOKALIKE : MD_LOOKALIKE).test(line)) {
    const expected = kind === "code" ? "`// BEGIN SOLUTION`, `// END SOLUTION`, `// BEGIN HIDDEN TESTS` or `// END HIDDEN TESTS`" : "`<!-- BEGIN SOLUTION -->` or `<!-- END SOLUTION -->`";
    throw new MarkerProblem(-1, `${JSON.stringify(trimmed)} looks like a marker but is not one: a ${kind} cell's markers are ${expected}, alone on their line`);
  }
  return undefined;
}

function label(kind: RegionKind, edge: "BEGIN" | "END"): string {
  return `${edge} ${kind === "solution" ? "SOLUTION" : "HIDDEN TESTS"}`;
}

/**
 * Rewrites one cell for students. Throws `MarkerProblem` (with the 1-based line) on an unbalanced,
 * nested, mismatched or malformed marker.
 */
export function studentSource(text: string, kind: CellKind): StudentSource {
  const lines = text.split("\n");
  const out: string[] = [];
  const regions: Region[] = [];
  let open: { kind: RegionKind; line: number; indent: string } | undefined;
  lines.forEach((line, i) => {
    const lineNo = i + 1;
    let marker: Marker | undefined;
    try {
      marker = parseMarker(line, kind);
    } catch (error) {
      throw new MarkerProblem(lineNo, (error as Error).message);
    }
    if (!marker) {
      if (!open) out.push(line);
      return;
    }
    if (marker.edge === "BEGIN") {
      if (open) {
        throw new MarkerProblem(lineNo, `nested marker: ${label(marker.kind, "BEGIN")} inside the ${label(open.kind, "BEGIN")} region opened on line ${open.line}`);
      }
      const indent = /^\s*/.exec(line)![0];
      open = { kind: marker.kind, line: lineNo, indent };
      if (marker.kind === "solution") {
        if (kind === "code") out.push(indent + STUB_COMMENT, indent + STUB_THROW);
        else out.push(indent + MARKDOWN_STUB);
      }
      return;
    }
    if (!open) throw new MarkerProblem(lineNo, `unbalanced marker: ${label(marker.kind, "END")} without a ${label(marker.kind, "BEGIN")} before it`);
    if (open.kind !== marker.kind) {
      throw new MarkerProblem(lineNo, `mismatched marker: ${label(marker.kind, "END")} closes the ${label(open.kind, "BEGIN")} opened on line ${open.line}`);
    }
    regions.push({ kind: open.kind, beginLine: open.line, endLine: lineNo, indent: open.indent });
    open = undefined;
  });
  if (open) throw new MarkerProblem(open.line, `unbalanced marker: ${label(open.kind, "BEGIN")} is never closed by ${label(open.kind, "END")}`);
  const source = regions.length === 0 ? text : out.join("\n");
  // Uses inside any region (hidden tests, other solutions) are gone in the student version: they do not count.
  const visible = lines.map((line, i) => (regions.some((r) => i + 1 > r.beginLine && i + 1 < r.endLine) ? "" : line));
  const raises = kind === "code" && regions.some((r) => r.kind === "solution" && stubRuns(visible, r));
  return { source, regions, raises };
}

const DECLARATION = [
  /^(?:export\s+)?(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)/,
  /^(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)/,
  /^(?:export\s+)?class\s+([A-Za-z_$][\w$]*)/,
];

/**
 * Does the stub of this solution region run when the whole cell runs? Authors: in tslab a cell that
 * throws declares nothing (its functions and variables are gone for later cells), so an exercise
 * cell should only *define* (a function around the region) and leave calling it to the check cell;
 * `check` turns the stub's "not implemented" into a ✘ line. The rule, kept simple on
 * purpose (and checked for real by running every student notebook headless):
 * - the region's BEGIN line is at column 0 → it is top-level code → yes;
 * - otherwise it sits in the body of the nearest column-0 declaration above it (`function name`,
 *   `const name = …`, `class Name`): yes if a line after that declaration's closing line (the next
 *   line starting with `}` or `)` at column 0) mentions `name` — e.g. `cubes(range(10))` to show
 *   the result — and no when the cell only defines it (the check cell then calls it, and `check`
 *   turns the "not implemented" into a ✘ line instead of an error);
 * - indented but in no recognisable declaration (say a top-level `for` block) → yes.
 */
export function stubRuns(lines: readonly string[], region: Region): boolean {
  if (region.indent === "") return true;
  const begin = region.beginLine - 1;
  let declLine = -1;
  let name: string | undefined;
  for (let i = begin - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (!/^\S/.test(line)) continue;
    declLine = i;
    for (const pattern of DECLARATION) {
      name = pattern.exec(line)?.[1];
      if (name) break;
    }
    break;
  }
  if (declLine < 0 || !name) return true;
  const use = new RegExp(`(^|[^\\w$.])${name.replace(/\$/g, "\\$")}(?![\\w$])`);
  // Scan what follows the declaration, skipping the bodies of later function/class declarations
  // (a use inside one of them runs only if that one is called; such chains are not followed).
  let i = region.endLine;
  while (i < lines.length && !/^[})]/.test(lines[i]!)) i++;
  for (i++; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^(?:export\s+)?(?:async\s+)?(?:function|class)\b/.test(line) && !/}\s*;?\s*$/.test(line)) {
      while (i + 1 < lines.length && !/^[})]/.test(lines[i + 1]!)) i++;
      i++;
      continue;
    }
    if (!/^\s*\/\//.test(line) && use.test(line)) return true;
  }
  return false;
}
